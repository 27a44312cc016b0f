package ecsapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"sync"

	"github.com/berth-io/berth/internal/ecs"
)

// DefaultMaxBodyBytes caps request bodies when Config.MaxBodyBytes is zero.
const DefaultMaxBodyBytes = 1 << 20

// maxPooledBuffer is the largest buffer put back into a pool; bigger ones
// (from rare large requests or responses) are left to the garbage
// collector. It holds a DescribeTasks or DescribeContainerInstances answer
// of 100 (~115 KB and more), which would otherwise regrow a buffer per call.
const maxPooledBuffer = 512 << 10

var bufferPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func getBuffer() *bytes.Buffer { return bufferPool.Get().(*bytes.Buffer) }

func putBuffer(b *bytes.Buffer) {
	if b.Cap() > maxPooledBuffer {
		return
	}
	b.Reset()
	bufferPool.Put(b)
}

// readBody reads r into buf, failing once more than limit bytes arrive.
// declared is the request's Content-Length (-1 when unknown).
func readBody(buf *bytes.Buffer, r io.Reader, declared, limit int64) error {
	if declared > limit {
		return errTooLarge(limit)
	}
	if declared > 0 {
		buf.Grow(int(declared))
	}
	if _, err := buf.ReadFrom(io.LimitReader(r, limit+1)); err != nil {
		return errReadBody(err)
	}
	if int64(buf.Len()) > limit {
		return errTooLarge(limit)
	}
	return nil
}

// validator is the method ecsmodel generates on every request shape.
type validator interface {
	Validate() error
}

// decodeRequest decodes body into in, a pointer to an ecsmodel request
// shape, and checks the model constraints. An empty body stands for {};
// members the shape lacks are ignored. The error is a SerializationException
// for a body that is not a JSON object of the right types, and an
// InvalidParameterException with the model's validation text otherwise.
func decodeRequest(body []byte, in any) error {
	if err := decodeJSON(body, in); err != nil {
		return err
	}
	if v, ok := in.(validator); ok {
		if err := v.Validate(); err != nil {
			return ecs.InvalidParameter("%s", err.Error())
		}
	}
	return nil
}

func decodeJSON(body []byte, in any) error {
	trimmed := bytes.TrimLeft(body, " \t\r\n")
	if len(trimmed) == 0 {
		return nil
	}
	if trimmed[0] != '{' {
		return ecs.Errorf(ecs.CodeSerialization, "The request body must be a JSON object, not %s.", jsonValueKind(trimmed[0]))
	}
	if err := json.Unmarshal(trimmed, in); err != nil {
		return serializationError(err)
	}
	return nil
}

// serializationError words a json.Unmarshal error for the client, naming the
// member when encoding/json knows it.
func serializationError(err error) error {
	var (
		typeErr   *json.UnmarshalTypeError
		syntaxErr *json.SyntaxError
	)
	switch {
	case errors.As(err, &typeErr) && typeErr.Field != "":
		return ecs.Errorf(ecs.CodeSerialization, "Cannot deserialize member '%s': expected %s, got %s.",
			typeErr.Field, jsonTypeName(typeErr.Type), typeErr.Value)
	case errors.As(err, &typeErr):
		return ecs.Errorf(ecs.CodeSerialization, "Cannot deserialize the request body: expected %s, got %s.",
			jsonTypeName(typeErr.Type), typeErr.Value)
	case errors.As(err, &syntaxErr):
		return ecs.Errorf(ecs.CodeSerialization, "Malformed JSON in the request body at byte %d: %s.",
			syntaxErr.Offset, syntaxErr.Error())
	default:
		return ecs.Errorf(ecs.CodeSerialization, "Cannot deserialize the request body: %v.", err)
	}
}

// jsonValueKind names the JSON value that starts with c.
func jsonValueKind(c byte) string {
	switch {
	case c == '[':
		return "an array"
	case c == '"':
		return "a string"
	case c == 't' || c == 'f':
		return "a boolean"
	case c == 'n':
		return "null"
	case c == '-' || (c >= '0' && c <= '9'):
		return "a number"
	default:
		return fmt.Sprintf("invalid JSON (starts with %q)", c)
	}
}

// jsonTypeName names the JSON type a Go type decodes from, as a client
// would think of it ("integer (int32)", "string", "list", "structure").
func jsonTypeName(t reflect.Type) string {
	if t == nil {
		return "a different type"
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "integer (" + strings.ToLower(t.Kind().String()) + ")"
	case reflect.Float32, reflect.Float64:
		return "number"
	case reflect.Slice, reflect.Array:
		return "list"
	case reflect.Map:
		return "map (JSON object)"
	case reflect.Struct:
		return "structure (JSON object)"
	default:
		return t.String()
	}
}
