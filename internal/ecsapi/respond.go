package ecsapi

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/berth-io/berth/internal/ecsmodel"
)

// Response header names, spelled as AWS spells them. They are set directly in
// the header map (net/http writes map keys as they are), which also spares a
// canonicalisation per request; HTTP header names are case-insensitive.
const (
	headerContentType   = "Content-Type"
	headerContentLength = "Content-Length"
	headerRequestID     = "x-amzn-RequestId"
	headerErrorType     = "x-amzn-ErrorType"
)

// contentType is the media type of every response. The slice is shared by
// all responses: net/http only reads it.
var contentType = []string{"application/x-amz-json-1.1"}

var emptyObject = []byte("{}")

// encodeResponse writes out as JSON into buf, which is empty. A nil response
// (a backend that returned neither a value nor an error) is written as {}.
func encodeResponse(buf *bytes.Buffer, out any) error {
	if a, ok := out.(ecsmodel.JSONAppender); ok {
		buf.Write(a.AppendJSON(buf.AvailableBuffer()))
	} else {
		enc := json.NewEncoder(buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(out); err != nil {
			return err
		}
		buf.Truncate(buf.Len() - 1) // Encode's trailing newline
	}
	if bytes.Equal(buf.Bytes(), []byte("null")) {
		buf.Reset()
		buf.Write(emptyObject)
	}
	return nil
}

// writeBody writes a JSON response with its status and length.
func writeBody(w http.ResponseWriter, status int, body []byte) {
	h := w.Header()
	h[headerContentType] = contentType
	h[headerContentLength] = []string{strconv.Itoa(len(body))}
	w.WriteHeader(status)
	_, _ = w.Write(body) // a failed write means the client has gone; nothing to do.
}

// errorBody is the awsJson1_1 error document.
type errorBody struct {
	Type        string   `json:"__type"`
	Message     string   `json:"message"`
	ResourceIDs []string `json:"resourceIds,omitempty"`
}

// writeError writes e as the ECS wire error: the body, x-amzn-ErrorType and
// the status.
func writeError(w http.ResponseWriter, buf *bytes.Buffer, e apiError) {
	buf.Reset()
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	// Encoding strings and a string list cannot fail.
	_ = enc.Encode(errorBody{Type: e.Code, Message: e.Message, ResourceIDs: e.ResourceIDs})
	buf.Truncate(buf.Len() - 1)
	w.Header()[headerErrorType] = []string{e.Code}
	writeBody(w, e.Status, buf.Bytes())
}
