package agentrpc

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/berth-io/berth/internal/ecs"
	"github.com/berth-io/berth/internal/sigv4"
)

// writeError answers a refused upgrade request the way the ECS API answers
// errors: {"__type": code, "message": text} with the code also in
// X-Amzn-ErrorType. status 0 picks 400 for client errors and 500 for
// ServerException and errors of unknown kind.
func writeError(w http.ResponseWriter, status int, err error) {
	code, msg := ecs.CodeServer, "internal server error"
	var se *sigv4.Error
	var ee *ecs.Error
	switch {
	case errors.As(err, &se):
		code, msg = se.Code, se.Message
	case errors.As(err, &ee):
		code, msg = ee.Code, ee.Message
	}
	if status == 0 {
		status = http.StatusBadRequest
		if code == ecs.CodeServer {
			status = http.StatusInternalServerError
		}
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.Header().Set("X-Amzn-ErrorType", code)
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"__type": code, "message": msg})
}

// HandshakeError is a connection the server refused before the websocket
// upgrade, with the ECS error it answered.
type HandshakeError struct {
	StatusCode int
	Code       string
	Message    string
}

func (e *HandshakeError) Error() string {
	if e.Code == "" {
		return "agentrpc: handshake refused: " + http.StatusText(e.StatusCode)
	}
	return "agentrpc: handshake refused: " + e.Code + ": " + e.Message
}

// handshakeError reads the ECS error from a refused upgrade response.
func handshakeError(resp *http.Response) *HandshakeError {
	he := &HandshakeError{StatusCode: resp.StatusCode}
	var body struct {
		Type    string `json:"__type"`
		Message string `json:"message"`
	}
	if resp.Body != nil {
		_ = json.NewDecoder(http.MaxBytesReader(nil, resp.Body, 64<<10)).Decode(&body)
	}
	he.Code, he.Message = body.Type, body.Message
	if he.Code == "" {
		he.Code = resp.Header.Get("X-Amzn-ErrorType")
	}
	return he
}
