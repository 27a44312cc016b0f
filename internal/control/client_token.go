package control

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"

	"github.com/berth-io/berth/internal/ecs"
	"github.com/berth-io/berth/internal/ecsmodel"
	"github.com/berth-io/berth/internal/store"
)

// RunTask idempotency. Every SDK sends a clientToken (a UUID unless the
// caller chose one). A token is scoped to its cluster and remembered for
// ClientTokenTTL (24 h) in a record written in the same commit as the
// tasks, on the condition that no live record of the token exists, so two
// calls with one token can never both launch. A later call with the token:
//
//   - the same request: returns the tasks of the first call, as they are
//     now, and its failures;
//   - a different request: ConflictException whose resourceIds are the
//     first call's task ARNs.
//
// "The same request" means the same requestHash: the SHA-256 of the
// request's JSON with clientToken left out, the cluster given as its name
// (so a name and an ARN match) and count defaulted to 1.

// maxClientTokenLen is the longest clientToken ECS accepts.
const maxClientTokenLen = 64

// validateClientToken checks a token: up to 64 characters, each ASCII 33
// to 126.
func validateClientToken(tok string) error {
	if len(tok) > maxClientTokenLen {
		return ecs.InvalidParameter("clientToken can have at most %d characters.", maxClientTokenLen)
	}
	for i := 0; i < len(tok); i++ {
		if tok[i] < 33 || tok[i] > 126 {
			return ecs.InvalidParameter("clientToken can only contain ASCII characters from 33 to 126.")
		}
	}
	return nil
}

// requestHash identifies a RunTask request for the clientToken check.
func requestHash(in *ecsmodel.RunTaskRequest, cluster string) string {
	c := *in
	c.ClientToken = ""
	c.Cluster = cluster
	if c.Count == nil {
		c.Count = new(int32(1))
	}
	b, err := json.Marshal(&c)
	if err != nil {
		panic("control: marshal RunTaskRequest: " + err.Error())
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// tokenState is what is stored for a token: the live record, if any, and
// the condition under which a new record may be written.
type tokenState struct {
	key  string
	rec  *tokenRecord // nil when there is no live record
	cond store.Cond
}

// readToken reads the record of a token. An expired record is treated as
// absent, and replaced on the condition that it is unchanged.
func (s *Service) readToken(ctx context.Context, cluster, token string) (tokenState, error) {
	st := tokenState{key: tokenKey(cluster, token)}
	st.cond = store.Cond{Key: st.key, Kind: store.Absent}
	kv, ok, err := s.store.Get(ctx, st.key)
	if err != nil || !ok {
		return st, err
	}
	rec, err := decode[tokenRecord](kv)
	if err != nil {
		return st, err
	}
	if !s.now().Before(rec.ExpiresAt) {
		st.cond = store.Cond{Key: st.key, Kind: store.Unchanged, Revision: kv.ModRevision}
		return st, nil
	}
	st.rec = rec
	return st, nil
}

// replay answers a RunTask whose token has a live record: the original
// tasks, as they are now (tasks deleted since are left out), and failures
// when the request is the same; a ConflictException otherwise.
func (s *Service) replay(ctx context.Context, cluster string, rec *tokenRecord, hash string) (*ecsmodel.RunTaskResponse, error) {
	if rec.Hash != hash {
		return nil, &ecs.Error{
			Code:        ecs.CodeConflict,
			Message:     "The clientToken was already used for a RunTask request with different parameters.",
			ResourceIDs: append([]string{}, rec.TaskARNs...),
		}
	}
	out := &ecsmodel.RunTaskResponse{Tasks: []ecsmodel.Task{}, Failures: nonNil(rec.Failures)}
	for _, arn := range rec.TaskARNs {
		id := ecs.LastSegment(arn)
		t, ok, err := get[taskRecord](ctx, s.store, taskKey(cluster, id))
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		tags, err := loadTags(ctx, s.store, taskTagsKey(cluster, id))
		if err != nil {
			return nil, err
		}
		task := t.Task
		task.Tags = nonNilTags(tags)
		out.Tasks = append(out.Tasks, task)
	}
	return out, nil
}
