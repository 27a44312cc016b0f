package logsapi

import (
	"context"
	"io"
	"log/slog"
	"net/http"

	"github.com/berth-io/berth/internal/agentrpc"
)

// Path is where the Handler is mounted.
const Path = "/berth/v1/logs"

// TrailerError is the trailer that reports a stream that failed after the
// response had started, as "Code: message".
const TrailerError = "X-Berth-Logs-Error"

// Verifier checks the SigV4 signature of a request (body is empty here) and
// returns the signer's access key id, or an error that says why the request
// is refused. *sigv4.Verifier implements it.
type Verifier interface {
	Verify(r *http.Request, body []byte) (string, error)
}

// TaskLocation is where a task runs, as a TaskLocator finds it.
type TaskLocation struct {
	// ClusterArn and TaskArn are the task's full ARNs.
	ClusterArn string
	TaskArn    string
	// ContainerInstanceArn is the instance the task was placed on; empty
	// while the task has none (it is refused then).
	ContainerInstanceArn string
	// Containers are the names of the task's containers, in definition
	// order.
	Containers []string
}

// TaskLocator finds a task for the Handler. cluster is a cluster name or
// ARN, never empty; task a task ID or ARN. It returns an *ecs.Error for
// what the user got wrong: ClusterNotFoundException for an unknown
// cluster, ResourceNotFoundException for an unknown task (both become 404).
// The control plane implements it.
type TaskLocator interface {
	LocateTask(ctx context.Context, cluster, task string) (TaskLocation, error)
}

// LogSource streams a container's output from the agent of a container
// instance; *agentrpc.Hub implements it (see Hub.Logs for the contract).
type LogSource interface {
	Logs(ctx context.Context, cluster, instanceArn string, req agentrpc.LogsRequest) (io.ReadCloser, error)
}

// Config configures a Handler; every field but Logger is required.
type Config struct {
	Verifier Verifier
	Locator  TaskLocator
	Source   LogSource
	// Logger receives failures the client cannot act on; nil means
	// slog.Default().
	Logger *slog.Logger
}

// Handler serves GET Path; see the package documentation.
type Handler struct {
	cfg Config
}

// New returns a Handler; it panics when a required field of cfg is nil.
func New(cfg Config) *Handler {
	if cfg.Verifier == nil || cfg.Locator == nil || cfg.Source == nil {
		panic("logsapi: New needs a Verifier, a TaskLocator and a LogSource")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return &Handler{cfg: cfg}
}

// ServeHTTP authenticates the request, locates the task, opens the stream
// on its agent and relays it.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		writeError(w, http.StatusMethodNotAllowed, errMethod)
		return
	}
	if _, err := h.cfg.Verifier.Verify(r, nil); err != nil {
		writeError(w, 0, err)
		return
	}
	q, err := parseQuery(r.URL.Query())
	if err != nil {
		writeError(w, 0, err)
		return
	}
	ctx := r.Context()
	loc, err := h.cfg.Locator.LocateTask(ctx, q.cluster, q.task)
	if err != nil {
		h.logServerError("locate task", err)
		writeError(w, 0, err)
		return
	}
	container, err := pickContainer(loc, q.container)
	if err != nil {
		writeError(w, 0, err)
		return
	}
	rc, err := h.cfg.Source.Logs(ctx, loc.ClusterArn, loc.ContainerInstanceArn, agentrpc.LogsRequest{
		TaskArn:       loc.TaskArn,
		ContainerName: container,
		Follow:        q.follow,
	})
	if err != nil {
		if ctx.Err() != nil {
			return // the client has gone
		}
		h.logServerError("open logs", err)
		writeError(w, 0, err)
		return
	}
	defer rc.Close()
	if err := relay(ctx, w, rc, q.follow); err != nil {
		h.cfg.Logger.Warn("log stream broke off", "task", loc.TaskArn, "container", container, "err", err)
	}
}

// logServerError logs errors that are the server's fault; client errors
// are only answered.
func (h *Handler) logServerError(what string, err error) {
	if statusOf(err) >= http.StatusInternalServerError {
		h.cfg.Logger.Warn("logs request failed", "step", what, "err", err)
	}
}
