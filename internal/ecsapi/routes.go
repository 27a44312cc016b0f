package ecsapi

import (
	"github.com/berth-io/berth/internal/ecsmodel"
	"github.com/prometheus/client_golang/prometheus"
)

// unknownOperation is the operation label of requests whose target is not a
// model operation (or that fail before the target is read); it keeps the
// label set bounded whatever clients send.
const unknownOperation = "unknown"

// route is one X-Amz-Target the edge knows: every operation of the model has
// one, implemented by the backend or not.
type route struct {
	op string
	// handler is nil when the backend does not implement op.
	handler *ecsmodel.Handler
	// okCount and latency are the metrics of op bound once, so the success
	// path does no label lookup; nil without metrics.
	okCount prometheus.Counter
	latency prometheus.Observer
}

// routeTable maps the full X-Amz-Target value
// ("AmazonEC2ContainerServiceV20141113.ListClusters") to its route.
type routeTable map[string]*route

// newRouteTable builds the table for backend: the model's operations, each
// bound to the backend method of the same name when there is one, the rest
// kept as data that answers UnsupportedFeatureException.
func newRouteTable(backend any, m *Metrics) routeTable {
	bound := ecsmodel.Bind(backend)
	table := make(routeTable, len(ecsmodel.Operations))
	for _, op := range ecsmodel.Operations {
		rt := &route{op: op.Name}
		if h, ok := bound[op.Name]; ok {
			rt.handler = &h
			if m != nil {
				rt.okCount = m.requests.WithLabelValues(op.Name, codeOK)
				rt.latency = m.duration.WithLabelValues(op.Name)
			}
		}
		table[ecsmodel.TargetPrefix+"."+op.Name] = rt
	}
	return table
}

// lookup returns the route of target, or nil for an unknown target.
func (t routeTable) lookup(target string) *route {
	return t[target]
}

// MissingOperations lists, in model order, the operations of the ECS model
// that backend does not implement; the edge answers them with
// UnsupportedFeatureException.
func MissingOperations(backend any) []string {
	bound := ecsmodel.Bind(backend)
	var missing []string
	for _, op := range ecsmodel.Operations {
		if _, ok := bound[op.Name]; !ok {
			missing = append(missing, op.Name)
		}
	}
	return missing
}
