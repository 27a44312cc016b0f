package main

import (
	"bytes"
	"fmt"
)

// writeDispatch emits Bind: for every operation of the model, when the
// backend has a method of that name with the typed request and response,
// a Handler that decodes into a fresh request and calls it.
func writeDispatch(m *model) []byte {
	var b bytes.Buffer
	header(&b)
	b.WriteString("import \"context\"\n\n")
	b.WriteString("// Bind returns a Handler for every operation of the model that backend\n// implements as a method `Op(context.Context, *OpRequest) (*OpResponse, error)`.\n// Operations it lacks are absent from the map.\nfunc Bind(backend any) map[string]Handler {\n\th := make(map[string]Handler)\n")
	for _, name := range m.sortedOperationNames() {
		op := m.Operations[name]
		if op.Input == nil || op.Output == nil {
			panic(fmt.Sprintf("operation %s lacks an input or output shape", name))
		}
		in, out := op.Input.Shape, op.Output.Shape
		fmt.Fprintf(&b, "\tif impl, ok := backend.(interface {\n\t\t%s(context.Context, *%s) (*%s, error)\n\t}); ok {\n", name, in, out)
		fmt.Fprintf(&b, "\t\th[%q] = Handler{\n\t\t\tNewInput: func() any { return new(%s) },\n\t\t\tCall: func(ctx context.Context, in any) (any, error) { return impl.%s(ctx, in.(*%s)) },\n\t\t}\n\t}\n", name, in, name, in)
	}
	b.WriteString("\treturn h\n}\n")
	return b.Bytes()
}
