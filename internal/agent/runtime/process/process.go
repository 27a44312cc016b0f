package process

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/berth-io/berth/internal/agent/runtime"
)

// Options configure a Runtime.
type Options struct {
	// StateDir holds one record per container. Required; created if
	// missing. Give a restarted agent the same directory so it adopts its
	// containers.
	StateDir string
	// LogDir receives the output of containers whose spec has no LogDir.
	// Default: StateDir/logs.
	LogDir string
	// PollInterval is how often adopted processes and followed logs are
	// checked. Default: 100ms.
	PollInterval time.Duration
}

// Runtime runs containers as host processes. Create one with New.
type Runtime struct {
	opts Options

	// mu serialises changes to records and guards watches.
	mu sync.Mutex
	// watches tracks running processes someone waits for, by ID.
	watches map[string]*watch
}

// watch tracks the end of one running process.
type watch struct {
	done chan struct{} // closed once res is set
	res  runtime.ExitResult
	// child is set when this Runtime started the process and reaps it.
	child bool
}

var _ runtime.Runtime = (*Runtime)(nil)

// New returns a Runtime over opts.StateDir, creating the directories.
func New(opts Options) (*Runtime, error) {
	if opts.StateDir == "" {
		return nil, errors.New("process runtime: state directory is required")
	}
	if opts.LogDir == "" {
		opts.LogDir = filepath.Join(opts.StateDir, "logs")
	}
	if opts.PollInterval <= 0 {
		opts.PollInterval = 100 * time.Millisecond
	}
	for _, dir := range []string{opts.StateDir, opts.LogDir} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("process runtime: %w", err)
		}
	}
	return &Runtime{opts: opts, watches: make(map[string]*watch)}, nil
}

// Name returns "process".
func (r *Runtime) Name() string { return "process" }

// Pull does nothing: the process runtime does not use images.
func (r *Runtime) Pull(ctx context.Context, image string) error { return nil }

// Create validates spec and writes the container's record and empty log
// file. Nothing runs yet.
func (r *Runtime) Create(ctx context.Context, spec runtime.ContainerSpec) (string, error) {
	rec, err := r.newRecord(spec)
	if err != nil {
		return "", runtime.NewError(runtime.CannotCreateContainerError, err)
	}
	if err := os.MkdirAll(filepath.Dir(rec.LogPath), 0o755); err != nil {
		return "", runtime.NewError(runtime.CannotCreateContainerError, err)
	}
	f, err := os.OpenFile(rec.LogPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return "", runtime.NewError(runtime.CannotCreateContainerError, err)
	}
	f.Close()
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.save(rec); err != nil {
		return "", runtime.NewError(runtime.CannotCreateContainerError, err)
	}
	return rec.ID, nil
}

// newRecord turns a spec into a created record.
func (r *Runtime) newRecord(spec runtime.ContainerSpec) (*record, error) {
	if err := spec.Validate(); err != nil {
		return nil, err
	}
	argv := spec.Argv()
	if len(argv) == 0 || argv[0] == "" {
		return nil, errors.New("no command: the process runtime needs an entryPoint or command")
	}
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, err
	}
	rec := &record{
		ID:            hex.EncodeToString(b[:]),
		TaskARN:       spec.TaskARN,
		ContainerName: spec.ContainerName,
		Owner:         spec.Owner,
		Argv:          argv,
		Env:           processEnv(spec),
		WorkingDir:    spec.WorkingDir,
		StopTimeout:   spec.StopTimeout,
		CPUShares:     spec.CPUShares,
		MemoryMiB:     spec.MemoryMiB,
		Labels:        spec.Labels,
		Status:        "created",
	}
	if rec.WorkingDir == "" {
		rec.WorkingDir = "/"
	}
	logDir := spec.LogDir
	if logDir == "" {
		logDir, rec.OwnLog = r.opts.LogDir, true
	}
	rec.LogPath = filepath.Join(logDir, spec.ContainerName+"-"+rec.ID[:12]+".log")
	for _, pm := range spec.PortMappings {
		if pm.HostPort != 0 && pm.HostPort != pm.ContainerPort {
			return nil, fmt.Errorf("host port %d differs from container port %d: processes share the host network", pm.HostPort, pm.ContainerPort)
		}
		rec.Bindings = append(rec.Bindings, runtime.NetworkBinding{
			BindIP: "0.0.0.0", ContainerPort: pm.ContainerPort, HostPort: pm.ContainerPort, Protocol: pm.Proto(),
		})
	}
	return rec, nil
}

// defaultPath is the PATH of a container when neither its Env nor the
// agent has one.
const defaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// processEnv is the spec's environment plus PATH.
func processEnv(spec runtime.ContainerSpec) []string {
	env := spec.EnvList()
	if _, ok := spec.Env["PATH"]; !ok {
		path := os.Getenv("PATH")
		if path == "" {
			path = defaultPath
		}
		env = append(env, "PATH="+path)
	}
	return env
}

// refresh notices that an adopted running process has ended (or its pid
// was reused) and records it as exited with an unknown exit code. Called
// with r.mu held.
func (r *Runtime) refresh(rec *record) error {
	if rec.Status != "running" {
		return nil
	}
	if w := r.watches[rec.ID]; w != nil && w.child {
		return nil // the reaper records the exit
	}
	if alive(rec.Pid, rec.ProcStart) {
		return nil
	}
	rec.setExited(unknownExit())
	return r.save(rec)
}

// unknownExit is the end of a process this Runtime did not start.
func unknownExit() runtime.ExitResult {
	return runtime.ExitResult{
		ExitCodeUnknown: true,
		Reason:          "exit code unknown: the process ended while the agent was not its parent",
		FinishedAt:      time.Now(),
	}
}

// Inspect reports the container's state from its record.
func (r *Runtime) Inspect(ctx context.Context, id string) (runtime.State, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	rec, err := r.load(id)
	if err == nil {
		err = r.refresh(rec)
	}
	if err != nil {
		return runtime.State{}, runtime.NewError(runtime.CannotInspectContainerError, err)
	}
	st := runtime.State{
		ID:              rec.ID,
		TaskARN:         rec.TaskARN,
		ContainerName:   rec.ContainerName,
		Owner:           rec.Owner,
		Status:          rec.status(),
		StartedAt:       rec.StartedAt,
		FinishedAt:      rec.FinishedAt,
		NetworkBindings: rec.Bindings,
	}
	switch st.Status {
	case runtime.StatusRunning:
		st.Pid = rec.Pid
	case runtime.StatusExited:
		st.Exit = rec.exit()
	}
	return st, nil
}

// List returns the containers recorded in the state directory for taskARN,
// or all of them when it is "", whoever their owner (every agent that
// shares the state directory sees them all, told apart by Found.Owner).
func (r *Runtime) List(ctx context.Context, taskARN string) ([]runtime.Found, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	recs, err := r.loadAll()
	if err != nil {
		return nil, runtime.NewError(runtime.CannotListContainersError, err)
	}
	var found []runtime.Found
	for _, rec := range recs {
		if taskARN != "" && rec.TaskARN != taskARN {
			continue
		}
		if err := r.refresh(rec); err != nil {
			return nil, runtime.NewError(runtime.CannotListContainersError, err)
		}
		found = append(found, runtime.Found{ID: rec.ID, TaskARN: rec.TaskARN, ContainerName: rec.ContainerName, Owner: rec.Owner, Status: rec.status()})
	}
	return found, nil
}
