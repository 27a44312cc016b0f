package agent

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// instanceFile is the name of the file in the state directory that
// remembers the registration.
const instanceFile = "instance.json"

// savedInstance is the content of instance.json: the container instance
// this agent registered, so that a restarted agent re-attaches to it
// instead of registering a new one.
type savedInstance struct {
	Cluster              string    `json:"cluster"`
	ContainerInstanceArn string    `json:"containerInstanceArn"`
	RegisteredAt         time.Time `json:"registeredAt"`
}

// loadInstance reads instance.json from dir; a missing file is the zero
// value.
func loadInstance(dir string) (savedInstance, error) {
	var s savedInstance
	data, err := os.ReadFile(filepath.Join(dir, instanceFile))
	if errors.Is(err, fs.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return s, fmt.Errorf("agent: read state: %w", err)
	}
	if err := json.Unmarshal(data, &s); err != nil {
		return s, fmt.Errorf("agent: %s: %w", filepath.Join(dir, instanceFile), err)
	}
	return s, nil
}

// saveInstance writes instance.json atomically (temporary file, fsync,
// rename), creating dir if needed.
func saveInstance(dir string, s savedInstance) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("agent: state directory: %w", err)
	}
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, instanceFile+".*")
	if err != nil {
		return fmt.Errorf("agent: write state: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(append(data, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("agent: write state: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("agent: write state: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("agent: write state: %w", err)
	}
	if err := os.Rename(tmp.Name(), filepath.Join(dir, instanceFile)); err != nil {
		return fmt.Errorf("agent: write state: %w", err)
	}
	return nil
}
