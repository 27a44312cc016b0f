package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"time"

	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// --lenient-json: moto sends the cpu and memory of a task's containers as
// JSON numbers where the ECS model has strings, and the SDK rejects such a
// response ("deserialization failed, expected string"), though the server
// did the work. With the option, a middleware rewrites those numbers to
// strings before the SDK reads the response. The time spent rewriting
// (not reading) the body is subtracted from the call's latency, so the
// figures stay the server's.

// containerStringFields are the members of ecs Container that the model
// types as strings and moto sends as numbers.
var containerStringFields = map[string]bool{"cpu": true, "memory": true, "memoryReservation": true}

// shimTimer adds up the time the lenient middleware spends on one client's
// calls; the client resets it before each call.
type shimTimer struct{ spent time.Duration }

type shimTimerKey struct{}

// withShimTimer returns ctx carrying t, for the middleware to add to.
func withShimTimer(ctx context.Context, t *shimTimer) context.Context {
	return context.WithValue(ctx, shimTimerKey{}, t)
}

// addLenientJSON adds the rewriting middleware to an operation's stack.
// Added last in the deserialize step, it is the innermost: it sees the raw
// response before the operation's deserializer does.
func addLenientJSON(stack *middleware.Stack) error {
	return stack.Deserialize.Add(middleware.DeserializeMiddlewareFunc("BerthBenchLenientJSON", lenientJSON), middleware.After)
}

func lenientJSON(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (middleware.DeserializeOutput, middleware.Metadata, error) {
	out, md, err := next.HandleDeserialize(ctx, in)
	if err != nil {
		return out, md, err
	}
	resp, ok := out.RawResponse.(*smithyhttp.Response)
	if !ok || resp.StatusCode != 200 || resp.Body == nil {
		return out, md, nil
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return out, md, err
	}
	start := time.Now()
	body = fixContainerNumbers(body)
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if t, ok := ctx.Value(shimTimerKey{}).(*shimTimer); ok {
		t.spent += time.Since(start)
	}
	return out, md, nil
}

// fixContainerNumbers returns body with the numbers among the string
// fields of every object in a "containers" array turned into strings. A
// body that needs no change, or is not JSON, is returned as is.
func fixContainerNumbers(body []byte) []byte {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return body
	}
	if !fixTree(doc) {
		return body
	}
	fixed, err := json.Marshal(doc)
	if err != nil {
		return body
	}
	return fixed
}

// fixTree walks v and fixes the containers it finds; it reports whether
// anything changed.
func fixTree(v any) bool {
	changed := false
	switch x := v.(type) {
	case map[string]any:
		for k, child := range x {
			if list, ok := child.([]any); ok && k == "containers" {
				for _, c := range list {
					changed = fixContainer(c) || changed
				}
			}
			changed = fixTree(child) || changed
		}
	case []any:
		for _, child := range x {
			changed = fixTree(child) || changed
		}
	}
	return changed
}

// fixContainer turns the numbers of one container's string fields into
// strings.
func fixContainer(v any) bool {
	obj, ok := v.(map[string]any)
	if !ok {
		return false
	}
	changed := false
	for k := range containerStringFields {
		if n, ok := obj[k].(json.Number); ok {
			obj[k] = n.String()
			changed = true
		}
	}
	return changed
}
