package agentbridge

import (
	"context"
	"log/slog"
	"sync"

	"github.com/berth-io/berth/internal/agentrpc"
	"github.com/berth-io/berth/internal/control"
	"github.com/berth-io/berth/internal/ecsmodel"
)

// Notifier delivers payloads to the agent of an instance; *agentrpc.Hub is one.
type Notifier interface {
	Notify(cluster, instanceArn string, tasks ...agentrpc.TaskPayload)
	Forget(instanceArn string)
}

// Bridge implements agentrpc.ControlPlane over the control plane and feeds
// the hub with the payloads of committed task changes.
type Bridge struct {
	svc      *control.Service
	log      *slog.Logger
	taskDefs sync.Map // task definition ARN -> *agentDefinition

	mu       sync.Mutex
	notifier Notifier
	queue    []control.TaskChange
	wake     chan struct{}
	stop     func()
	done     chan struct{}
}

var _ agentrpc.ControlPlane = (*Bridge)(nil)

// New returns a bridge over svc. Call Start once the hub exists.
func New(svc *control.Service, logger *slog.Logger) *Bridge {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Bridge{svc: svc, log: logger, wake: make(chan struct{}, 1), done: make(chan struct{})}
}

// Start subscribes to the control plane's task changes and delivers them
// through n until Close.
func (b *Bridge) Start(n Notifier) {
	b.mu.Lock()
	b.notifier = n
	b.mu.Unlock()
	cancel := b.svc.ObserveTasks(b.enqueue)
	ctx, stopLoop := context.WithCancel(context.Background())
	b.stop = func() { cancel(); stopLoop() }
	go b.deliver(ctx)
}

// Close stops delivering; queued changes are dropped (agents get a full
// snapshot when they reconnect).
func (b *Bridge) Close() {
	if b.stop != nil {
		b.stop()
		<-b.done
	}
}

// enqueue is the observer: it never blocks the committing goroutine.
func (b *Bridge) enqueue(changes []control.TaskChange) {
	b.mu.Lock()
	for _, c := range changes {
		if c.Cause != control.CauseStateReported && c.ContainerInstanceArn != "" {
			b.queue = append(b.queue, c)
		}
	}
	b.mu.Unlock()
	select {
	case b.wake <- struct{}{}:
	default:
	}
}

// deliver turns queued changes into payloads, one Notify per instance.
func (b *Bridge) deliver(ctx context.Context) {
	defer close(b.done)
	for {
		select {
		case <-ctx.Done():
			return
		case <-b.wake:
		}
		b.mu.Lock()
		batch, n := b.queue, b.notifier
		b.queue = nil
		b.mu.Unlock()
		type target struct{ cluster, instance string }
		grouped := map[target][]agentrpc.TaskPayload{}
		var order []target
		for _, c := range batch {
			p, err := b.payload(ctx, c)
			if err != nil {
				b.log.Warn("agent payload not built", "task", c.Task.TaskArn, "err", err)
				continue
			}
			t := target{c.Cluster, c.ContainerInstanceArn}
			if _, seen := grouped[t]; !seen {
				order = append(order, t)
			}
			grouped[t] = append(grouped[t], p)
		}
		for _, t := range order {
			n.Notify(t.cluster, t.instance, grouped[t]...)
		}
	}
}

// taskDefinition returns what payloads need of a task definition, by ARN,
// cached.
func (b *Bridge) taskDefinition(ctx context.Context, arn string) (*agentDefinition, error) {
	if def, ok := b.taskDefs.Load(arn); ok {
		return def.(*agentDefinition), nil
	}
	out, err := b.svc.DescribeTaskDefinition(ctx, &ecsmodel.DescribeTaskDefinitionRequest{TaskDefinition: arn})
	if err != nil {
		return nil, err
	}
	def := newAgentDefinition(out.TaskDefinition)
	b.taskDefs.Store(arn, def)
	return def, nil
}

// AgentConnected records the agent's connection state.
func (b *Bridge) AgentConnected(ctx context.Context, cluster, instanceArn string, connected bool) error {
	return b.svc.AgentConnected(ctx, cluster, instanceArn, connected)
}

// PendingTasks returns the payloads of every task the instance must know
// about: the snapshot a connecting agent starts from.
func (b *Bridge) PendingTasks(ctx context.Context, cluster, instanceArn string) ([]agentrpc.TaskPayload, error) {
	changes, err := b.svc.TasksOnInstance(ctx, cluster, instanceArn)
	if err != nil {
		return nil, err
	}
	out := make([]agentrpc.TaskPayload, 0, len(changes))
	for _, c := range changes {
		p, err := b.payload(ctx, c)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}
