package logsapi

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/berth-io/berth/internal/ecs"
	"github.com/berth-io/berth/internal/sigv4"
)

var errMethod = ecs.ClientError("the logs endpoint takes only GET")

// codeAndMessage returns the ECS code and message of err: its own for
// *ecs.Error and *sigv4.Error, a generic ServerException otherwise (the
// text of an unexpected error stays in the server's log).
func codeAndMessage(err error) (string, string) {
	var se *sigv4.Error
	var ee *ecs.Error
	switch {
	case errors.As(err, &se):
		return se.Code, se.Message
	case errors.As(err, &ee):
		return ee.Code, ee.Message
	}
	return ecs.CodeServer, "internal server error"
}

// statusOf maps an error to the status it is answered with.
func statusOf(err error) int {
	code, _ := codeAndMessage(err)
	switch code {
	case ecs.CodeResourceNotFound, ecs.CodeClusterNotFound:
		return http.StatusNotFound
	case ecs.CodeServer:
		return http.StatusInternalServerError
	}
	return http.StatusBadRequest
}

// writeError answers with err as an ECS error: {"__type", "message"} and
// X-Amzn-ErrorType. status 0 means statusOf(err).
func writeError(w http.ResponseWriter, status int, err error) {
	code, msg := codeAndMessage(err)
	if status == 0 {
		status = statusOf(err)
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.Header().Set("X-Amzn-ErrorType", code)
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"__type": code, "message": msg})
}
