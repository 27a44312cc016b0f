package control

import (
	"encoding/json"

	"github.com/berth-io/berth/internal/store"
)

// TaskRecordOps returns the writes that store a task record given as JSON
// the way the control plane stores one: the record and its summary. Tests
// use it to plant records the API could not create.
func TaskRecordOps(cluster, id string, recordJSON []byte) ([]store.Op, error) {
	var rec taskRecord
	if err := json.Unmarshal(recordJSON, &rec); err != nil {
		return nil, err
	}
	return []store.Op{{Key: taskKey(cluster, id), Value: recordJSON}, taskSummaryOp(cluster, id, &rec)}, nil
}
