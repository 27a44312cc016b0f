// Package ecsmodel holds the Amazon ECS wire model as Go types: one struct per
// structure shape of the ECS service model (botocore's ecs/2014-11-13
// service-2.json), one string type per enumeration, the operation table, and
// the model's own validation (required members, enums, lengths, ranges,
// patterns) as Validate methods.
//
// Everything in zz_generated_*.go is written by ./gen; run `go generate
// ./internal/ecsmodel` after updating botocore. The documentation strings of
// the model are left out.
//
// # Mapping
//
//   - Strings and enums are plain values, omitted when empty.
//   - Unboxed integers, longs, doubles and booleans are values that are always
//     written, as ECS writes them ("cpu": 0); boxed ones are pointers.
//   - Nested structures are pointers; list elements are values.
//   - Lists use omitzero: nil is omitted, an empty list is written as [].
//   - Timestamps are Time: epoch seconds with milliseconds on the wire.
//
// Every struct shape also has AppendJSON, generated encoding code that
// appends byte for byte what encoding/json writes for the shape with HTML
// escaping off, without its reflection; the shapes have no MarshalJSON, so
// encoding/json still encodes them by reflection. jsonappend.go is its
// runtime, and json_diff_test.go holds every shape to encoding/json.
//
// The control plane stores its records in these same shapes, so what
// DescribeTasks returns is exactly what was stored.
package ecsmodel

import "context"

//go:generate go run ./gen -out .

// Operation describes one operation of the model.
type Operation struct {
	Name   string
	Input  string
	Output string
	Errors []string
}

// Handler serves one operation: NewInput returns a fresh request value to
// decode into (a pointer to the operation's Request shape), Call runs the
// backend method with it and returns the pointer to its Response shape.
type Handler struct {
	NewInput func() any
	Call     func(ctx context.Context, in any) (any, error)
}
