package agentrpc

import (
	"context"
	"io"
)

// Message types of log streaming (see the package documentation, "Container
// logs"). They are berth's own; ECS's ACS has no equivalent.
const (
	// TypeLogsRequest is server→agent: LogsRequest.
	TypeLogsRequest = "LogsRequest"
	// TypeLogsCredit is server→agent: LogsCredit.
	TypeLogsCredit = "LogsCredit"
	// TypeLogsCancel is server→agent: LogsCancel.
	TypeLogsCancel = "LogsCancel"
	// TypeLogsChunk is agent→server: LogsChunk.
	TypeLogsChunk = "LogsChunk"
)

// MaxLogsChunk is the most log bytes one LogsChunk carries.
const MaxLogsChunk = 32 << 10

// CodeTargetNotConnected is the error code of a logs request for a
// container instance whose agent has no live connection, or whose agent
// went away during the stream. The name is the one ECS uses when
// ExecuteCommand cannot reach a task's agent.
const CodeTargetNotConnected = "TargetNotConnectedException"

// LogsRequest (server→agent) asks for the output of one container.
//
// Contract:
//   - RequestID is unique per request; every LogsChunk, LogsCredit and
//     LogsCancel of the stream carries it.
//   - The agent answers at once with a first LogsChunk: one with Error set
//     when the logs cannot be opened (the stream is then over), otherwise
//     one that may be empty and says the logs are open.
//   - Without Follow the stream ends (a chunk with EOF) at the output
//     written so far; with Follow it ends when the container exits, or
//     when the server cancels it.
//   - Window is how many chunks without EOF or Error the agent may send
//     beyond those the server has credited back (LogsCredit); the first
//     chunk counts. The final chunk (EOF or Error) needs no credit.
type LogsRequest struct {
	RequestID  string `json:"requestId"`
	ClusterArn string `json:"clusterArn,omitempty"`
	TaskArn    string `json:"taskArn"`
	// ContainerName names the container; empty means the task's only
	// container, and is an error for a task with several.
	ContainerName string `json:"containerName,omitempty"`
	Follow        bool   `json:"follow,omitempty"`
	Window        int    `json:"window"`
}

// LogsCredit (server→agent) lets the agent send Chunks more chunks of the
// stream: the server has handed that many to its reader.
type LogsCredit struct {
	RequestID string `json:"requestId"`
	Chunks    int    `json:"chunks"`
}

// LogsCancel (server→agent) ends a stream the server no longer reads. The
// agent stops sending and closes the container's log reader; it sends no
// final chunk.
type LogsCancel struct {
	RequestID string `json:"requestId"`
}

// LogsChunk (agent→server) carries log bytes of a stream, in order. Data is
// base64 in JSON, at most MaxLogsChunk bytes before encoding. EOF marks the
// last chunk of a stream that ended normally (it may carry data); Error,
// with Code an ECS exception name, the last chunk of a stream that failed
// (it carries no data).
type LogsChunk struct {
	RequestID string `json:"requestId"`
	Data      []byte `json:"data,omitempty"`
	EOF       bool   `json:"eof,omitempty"`
	Code      string `json:"code,omitempty"`
	Error     string `json:"error,omitempty"`
}

// final reports whether c ends its stream.
func (c LogsChunk) final() bool { return c.EOF || c.Error != "" }

// LogSource opens the output of the container a LogsRequest names, for the
// agent side (ClientConfig.Logs). The reader ends as LogsRequest describes
// and must stop blocking once ctx ends or it is closed. An *ecs.Error
// tells the server which ECS error to report (ResourceNotFoundException
// for an unknown task or container, say); any other error is reported as
// ServerException with its text.
type LogSource func(ctx context.Context, req LogsRequest) (io.ReadCloser, error)
