package sim

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/berth-io/berth/internal/agent/runtime"
)

// Exit codes of simulated signals.
const (
	exitTerm = 143 // 128 + SIGTERM
	exitKill = 137 // 128 + SIGKILL
)

// The ephemeral range from which host port 0 gets a made-up port.
const (
	firstDynamicPort = 49153
	lastDynamicPort  = 65535
)

// Options configure a Runtime.
type Options struct {
	// PullFails reports the images whose Pull fails with
	// CannotPullContainerError; nil means every image is present.
	PullFails func(image string) bool
}

// Runtime is the simulated runtime. The zero value is not usable; call New.
type Runtime struct {
	opts   Options
	prefix string // random first part of every ID

	mu         sync.Mutex
	seq        uint64
	nextPort   int
	containers map[string]*container
}

// container is one simulated container; Runtime.mu guards it.
type container struct {
	task, name  string
	owner       string // the spec's Owner
	plan        plan
	stopTimeout time.Duration
	bindings    []runtime.NetworkBinding
	status      runtime.Status
	exitCode    int
	startedAt   time.Time
	finishedAt  time.Time
	timer       *time.Timer   // pending natural end or SIGKILL
	killAt      time.Time     // when the scheduled SIGKILL fires, if any
	done        chan struct{} // closed on exit; made on first need
	onExit      []func(runtime.ExitResult, error)
}

var (
	_ runtime.Runtime      = (*Runtime)(nil)
	_ runtime.ExitNotifier = (*Runtime)(nil)
)

// New returns a Runtime with no containers.
func New(opts Options) *Runtime {
	var b [24]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(fmt.Sprintf("sim: reading random bytes: %v", err))
	}
	return &Runtime{
		opts:       opts,
		prefix:     hex.EncodeToString(b[:]),
		nextPort:   firstDynamicPort,
		containers: make(map[string]*container),
	}
}

// Name returns "sim".
func (r *Runtime) Name() string { return "sim" }

// Pull succeeds unless Options.PullFails rejects image.
func (r *Runtime) Pull(ctx context.Context, image string) error {
	if r.opts.PullFails != nil && r.opts.PullFails(image) {
		return runtime.Errorf(runtime.CannotPullContainerError,
			"pull image %q: simulated failure: repository does not exist or may require 'docker login'", image)
	}
	return nil
}

// Create records a container; its command decides what it will do (see the
// package comment).
func (r *Runtime) Create(ctx context.Context, spec runtime.ContainerSpec) (string, error) {
	if err := spec.Validate(); err != nil {
		return "", runtime.NewError(runtime.CannotCreateContainerError, err)
	}
	p, _ := planFor(spec.Argv())
	c := &container{
		task:        spec.TaskARN,
		name:        spec.ContainerName,
		owner:       spec.Owner,
		plan:        p,
		stopTimeout: spec.StopTimeout,
		status:      runtime.StatusCreated,
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(spec.PortMappings) > 0 {
		c.bindings = make([]runtime.NetworkBinding, len(spec.PortMappings))
		for i, pm := range spec.PortMappings {
			host := pm.HostPort
			if host == 0 {
				host = r.dynamicPort()
			}
			c.bindings[i] = runtime.NetworkBinding{BindIP: "0.0.0.0", ContainerPort: pm.ContainerPort, HostPort: host, Protocol: pm.Proto()}
		}
	}
	r.seq++
	id := containerID(r.prefix, r.seq)
	r.containers[id] = c
	return id, nil
}

// containerID is prefix followed by seq in 16 hex digits.
func containerID(prefix string, seq uint64) string {
	var buf [64]byte
	b := append(buf[:0], prefix...)
	b = append(b, "0000000000000000"...)
	for i := len(b) - 1; seq > 0; i-- {
		b[i] = "0123456789abcdef"[seq&0xf]
		seq >>= 4
	}
	return string(b)
}

// dynamicPort returns the next made-up ephemeral port. Called with r.mu held.
func (r *Runtime) dynamicPort() int {
	p := r.nextPort
	r.nextPort++
	if r.nextPort > lastDynamicPort {
		r.nextPort = firstDynamicPort
	}
	return p
}

// lookup returns the container id; called with r.mu held.
func (r *Runtime) lookup(id string) (*container, error) {
	c, ok := r.containers[id]
	if !ok {
		return nil, fmt.Errorf("container %q: %w", id, runtime.ErrNotFound)
	}
	return c, nil
}

// Start makes the container running, and schedules its end when its
// command ends by itself.
func (r *Runtime) Start(ctx context.Context, id string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	c, err := r.lookup(id)
	if err != nil {
		return runtime.NewError(runtime.CannotStartContainerError, err)
	}
	if c.status != runtime.StatusCreated {
		return runtime.Errorf(runtime.CannotStartContainerError, "container %q: %w", id, runtime.ErrAlreadyStarted)
	}
	c.status = runtime.StatusRunning
	c.startedAt = time.Now()
	switch c.plan.runFor {
	case 0:
		r.finish(c, c.plan.code)
	case forever:
	default:
		c.timer = time.AfterFunc(c.plan.runFor, func() { r.expire(c, c.plan.code) })
	}
	return nil
}

// expire ends c with code when its timer fires, unless it ended already.
func (r *Runtime) expire(c *container, code int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if c.status == runtime.StatusRunning {
		r.finish(c, code)
	}
}

// finish makes a running c exit with code. Called with r.mu held.
func (r *Runtime) finish(c *container, code int) {
	c.status = runtime.StatusExited
	c.exitCode = code
	c.finishedAt = time.Now()
	if c.timer != nil {
		c.timer.Stop()
		c.timer = nil
	}
	if c.done != nil {
		close(c.done)
	}
	res := c.result()
	for _, fn := range c.onExit {
		go fn(res, nil)
	}
	c.onExit = nil
}

// doneChan returns the channel closed when running c exits. Called with
// r.mu held.
func (c *container) doneChan() chan struct{} {
	if c.done == nil {
		c.done = make(chan struct{})
	}
	return c.done
}

// Wait blocks until the container has exited.
func (r *Runtime) Wait(ctx context.Context, id string) (runtime.ExitResult, error) {
	r.mu.Lock()
	c, err := r.lookup(id)
	if err != nil {
		r.mu.Unlock()
		return runtime.ExitResult{}, runtime.NewError(runtime.CannotWaitContainerError, err)
	}
	switch c.status {
	case runtime.StatusCreated:
		r.mu.Unlock()
		return runtime.ExitResult{}, runtime.Errorf(runtime.CannotWaitContainerError, "container %q: %w", id, runtime.ErrNotStarted)
	case runtime.StatusExited:
		res := c.result()
		r.mu.Unlock()
		return res, nil
	}
	done := c.doneChan()
	r.mu.Unlock()
	select {
	case <-done:
	case <-ctx.Done():
		return runtime.ExitResult{}, ctx.Err()
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return c.result(), nil
}

// NotifyExit calls fn on a goroutine of its own when the container exits
// (see runtime.ExitNotifier); no goroutine waits meanwhile.
func (r *Runtime) NotifyExit(id string, fn func(runtime.ExitResult, error)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	c, err := r.lookup(id)
	switch {
	case err != nil:
		go fn(runtime.ExitResult{}, runtime.NewError(runtime.CannotWaitContainerError, err))
	case c.status == runtime.StatusCreated:
		go fn(runtime.ExitResult{}, runtime.Errorf(runtime.CannotWaitContainerError, "container %q: %w", id, runtime.ErrNotStarted))
	case c.status == runtime.StatusExited:
		go fn(c.result(), nil)
	default:
		c.onExit = append(c.onExit, fn)
	}
}

// result is c's exit; called with r.mu held.
func (c *container) result() runtime.ExitResult {
	return runtime.ExitResult{ExitCode: c.exitCode, FinishedAt: c.finishedAt}
}

// Stop ends a running container: at once with 143, or, when it ignores
// SIGTERM, with 137 after the timeout (or earlier by itself).
func (r *Runtime) Stop(ctx context.Context, id string, timeout time.Duration) error {
	r.mu.Lock()
	c, err := r.lookup(id)
	if err != nil {
		r.mu.Unlock()
		return runtime.NewError(runtime.CannotStopContainerError, err)
	}
	if c.status != runtime.StatusRunning {
		r.mu.Unlock()
		return nil
	}
	if !c.plan.ignoreTerm {
		r.finish(c, exitTerm)
		r.mu.Unlock()
		return nil
	}
	// Schedule SIGKILL unless the container ends by itself first or an
	// earlier Stop already scheduled it sooner.
	grace := runtime.EffectiveStopTimeout(timeout, c.stopTimeout)
	killAt := time.Now().Add(grace)
	endsFirst := c.plan.runFor != forever && !c.startedAt.Add(c.plan.runFor).After(killAt)
	if !endsFirst && (c.killAt.IsZero() || killAt.Before(c.killAt)) {
		if c.timer != nil {
			c.timer.Stop()
		}
		c.killAt = killAt
		c.timer = time.AfterFunc(grace, func() { r.expire(c, exitKill) })
	}
	done := c.doneChan()
	r.mu.Unlock()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return runtime.NewError(runtime.CannotStopContainerError, ctx.Err())
	}
}

// Inspect reports the container's state.
func (r *Runtime) Inspect(ctx context.Context, id string) (runtime.State, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	c, err := r.lookup(id)
	if err != nil {
		return runtime.State{}, runtime.NewError(runtime.CannotInspectContainerError, err)
	}
	st := runtime.State{
		ID:              id,
		TaskARN:         c.task,
		ContainerName:   c.name,
		Owner:           c.owner,
		Status:          c.status,
		StartedAt:       c.startedAt,
		FinishedAt:      c.finishedAt,
		NetworkBindings: append([]runtime.NetworkBinding(nil), c.bindings...),
	}
	if c.status == runtime.StatusExited {
		st.Exit = c.result()
	}
	return st, nil
}

// Remove forgets the container, ending it with 137 if it runs.
func (r *Runtime) Remove(ctx context.Context, id string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	c, err := r.lookup(id)
	if err != nil {
		return runtime.NewError(runtime.CannotRemoveContainerError, err)
	}
	switch {
	case c.status == runtime.StatusRunning:
		r.finish(c, exitKill)
	case c.done != nil && c.status == runtime.StatusCreated:
		close(c.done) // release followers of a never-started container
	}
	delete(r.containers, id)
	return nil
}

// List returns the containers of taskARN, or all when it is "", whoever
// their owner (every engine that shares this Runtime value sees them all,
// told apart by Found.Owner). It scans every container.
func (r *Runtime) List(ctx context.Context, taskARN string) ([]runtime.Found, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var found []runtime.Found
	for id, c := range r.containers {
		if taskARN == "" || c.task == taskARN {
			found = append(found, runtime.Found{ID: id, TaskARN: c.task, ContainerName: c.name, Owner: c.owner, Status: c.status})
		}
	}
	return found, nil
}

// Logs returns an empty log; with follow it stays open until the container
// exits.
func (r *Runtime) Logs(ctx context.Context, id string, follow bool) (io.ReadCloser, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	c, err := r.lookup(id)
	if err != nil {
		return nil, runtime.NewError(runtime.CannotGetContainerLogsError, err)
	}
	if !follow || c.status == runtime.StatusExited {
		return io.NopCloser(strings.NewReader("")), nil
	}
	return &followReader{ctx: ctx, done: c.doneChan(), closed: make(chan struct{})}, nil
}

// followReader is an empty log that ends when the container exits.
type followReader struct {
	ctx       context.Context
	done      <-chan struct{}
	closeOnce sync.Once
	closed    chan struct{}
}

func (f *followReader) Read([]byte) (int, error) {
	select {
	case <-f.done:
		return 0, io.EOF
	case <-f.closed:
		return 0, io.EOF
	case <-f.ctx.Done():
		return 0, f.ctx.Err()
	}
}

func (f *followReader) Close() error {
	f.closeOnce.Do(func() { close(f.closed) })
	return nil
}
