package process

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/berth-io/berth/internal/agent/runtime"
)

// record is the persistent state of one container, stored as
// <StateDir>/<ID>.json.
type record struct {
	ID            string
	TaskARN       string
	ContainerName string
	// Owner is the spec's Owner (runtime.LabelOwner); records written
	// before owners existed have none.
	Owner      string `json:",omitempty"`
	Argv       []string
	Env        []string
	WorkingDir string
	LogPath    string
	// OwnLog is set when LogPath is under Options.LogDir (the spec had no
	// LogDir), so Remove deletes it.
	OwnLog      bool                     `json:",omitempty"`
	StopTimeout time.Duration            `json:",omitempty"`
	CPUShares   int64                    `json:",omitempty"`
	MemoryMiB   int64                    `json:",omitempty"`
	Labels      map[string]string        `json:",omitempty"`
	Bindings    []runtime.NetworkBinding `json:",omitempty"`

	// Status is "created", "running" or "exited".
	Status string
	// Pid and ProcStart (clock ticks after boot, from /proc/<pid>/stat)
	// identify the running process.
	Pid        int       `json:",omitempty"`
	ProcStart  uint64    `json:",omitempty"`
	StartedAt  time.Time `json:",omitzero"`
	FinishedAt time.Time `json:",omitzero"`

	ExitCode        int    `json:",omitempty"`
	ExitCodeUnknown bool   `json:",omitempty"`
	Reason          string `json:",omitempty"`
}

// status returns Status as a runtime.Status.
func (rec *record) status() runtime.Status {
	switch rec.Status {
	case "running":
		return runtime.StatusRunning
	case "exited":
		return runtime.StatusExited
	default:
		return runtime.StatusCreated
	}
}

// exit returns the recorded ExitResult.
func (rec *record) exit() runtime.ExitResult {
	return runtime.ExitResult{
		ExitCode:        rec.ExitCode,
		ExitCodeUnknown: rec.ExitCodeUnknown,
		Reason:          rec.Reason,
		FinishedAt:      rec.FinishedAt,
	}
}

// setExited records res as the container's end.
func (rec *record) setExited(res runtime.ExitResult) {
	rec.Status = "exited"
	rec.ExitCode = res.ExitCode
	rec.ExitCodeUnknown = res.ExitCodeUnknown
	rec.Reason = res.Reason
	rec.FinishedAt = res.FinishedAt
}

// validID reports whether id can name a record file.
func validID(id string) bool {
	if len(id) != 64 {
		return false
	}
	for _, c := range id {
		if !strings.ContainsRune("0123456789abcdef", c) {
			return false
		}
	}
	return true
}

func (r *Runtime) recordPath(id string) string {
	return filepath.Join(r.opts.StateDir, id+".json")
}

// load reads the record of id; a missing record wraps runtime.ErrNotFound.
func (r *Runtime) load(id string) (*record, error) {
	if !validID(id) {
		return nil, fmt.Errorf("container %q: %w", id, runtime.ErrNotFound)
	}
	b, err := os.ReadFile(r.recordPath(id))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("container %q: %w", id, runtime.ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	var rec record
	if err := json.Unmarshal(b, &rec); err != nil {
		return nil, fmt.Errorf("state file of container %q: %w", id, err)
	}
	return &rec, nil
}

// save writes rec atomically (temporary file, then rename).
func (r *Runtime) save(rec *record) error {
	b, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return err
	}
	f, err := os.CreateTemp(r.opts.StateDir, ".tmp-"+rec.ID[:12]+"-*")
	if err != nil {
		return err
	}
	_, werr := f.Write(append(b, '\n'))
	cerr := f.Close()
	if err := errors.Join(werr, cerr); err != nil {
		os.Remove(f.Name())
		return err
	}
	return os.Rename(f.Name(), r.recordPath(rec.ID))
}

// remove deletes the record of id.
func (r *Runtime) remove(id string) error {
	err := os.Remove(r.recordPath(id))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}

// loadAll reads every record in the state directory.
func (r *Runtime) loadAll() ([]*record, error) {
	entries, err := os.ReadDir(r.opts.StateDir)
	if err != nil {
		return nil, err
	}
	var recs []*record
	for _, e := range entries {
		id, ok := strings.CutSuffix(e.Name(), ".json")
		if !ok || !validID(id) {
			continue
		}
		rec, err := r.load(id)
		if errors.Is(err, runtime.ErrNotFound) {
			continue // removed meanwhile
		}
		if err != nil {
			return nil, err
		}
		recs = append(recs, rec)
	}
	return recs, nil
}
