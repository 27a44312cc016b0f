package cli

import (
	"sort"

	"github.com/berth-io/berth/internal/ecsmodel"
)

// operation is one ECS operation as a command: its model names, its command
// name and the flags its input members become.
type operation struct {
	Name    string // RunTask
	Command string // run-task
	Input   string // input shape name
	Output  string // output shape name
	Params  []param
}

// param is one top-level input member as a command-line flag.
type param struct {
	Flag   string // without the leading dashes: "task-definition"
	Member ecsmodel.CLIMember
	Shape  ecsmodel.CLIShape
}

// shapeOf returns the CLI description of a model shape.
func shapeOf(name string) ecsmodel.CLIShape { return ecsmodel.CLIShapes[name] }

// operationTable maps command names (run-task) to operations.
type operationTable map[string]*operation

// newOperationTable builds the command table from the generated model.
func newOperationTable() operationTable {
	t := make(operationTable, len(ecsmodel.Operations))
	for _, op := range ecsmodel.Operations {
		o := &operation{Name: op.Name, Command: kebab(op.Name), Input: op.Input, Output: op.Output}
		for _, m := range shapeOf(op.Input).Members {
			o.Params = append(o.Params, param{Flag: kebab(m.Name), Member: m, Shape: shapeOf(m.Shape)})
		}
		t[o.Command] = o
	}
	return t
}

// commands returns the command names in order.
func (t operationTable) commands() []string {
	names := make([]string, 0, len(t))
	for n := range t {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// byName finds an operation by its model name (DescribeTasks).
func (t operationTable) byName(name string) *operation {
	return t[kebab(name)]
}

// param returns the flag named name (without dashes), if the operation has it.
func (o *operation) param(flag string) (param, bool) {
	for _, p := range o.Params {
		if p.Flag == flag {
			return p, true
		}
	}
	return param{}, false
}

// isScalar reports whether values of the shape are single JSON scalars.
func isScalar(s ecsmodel.CLIShape) bool {
	switch s.Type {
	case "list", "map", "structure", "document":
		return false
	}
	return true
}
