// Package scale measures berth's control plane holding a large state: many
// container instances and a million task records, stopped ones included
// (issue 6: resident memory of the serving process, and the time a
// restarted server takes to serve again).
//
// The measurement is a flag-gated test. Without flags it runs a tiny
// version (100 instances, 2,000 tasks) that checks the mechanics in a few
// seconds; `go test -short` skips it. The full measurement:
//
//	go test ./test/scale -run TestScale -v -timeout 2h \
//	    -scale.instances=10000 -scale.tasks=1000000
//
// Population goes through the control plane's Go API in process
// (control.Service on a boltstore.Store, as server.Start assembles it, minus
// the HTTP+SigV4 edge): RegisterContainerInstance, RunTask with count 10
// from many goroutines, StopTask on a share of the tasks and, with
// -scale.report, the STOPPED report an agent would send. The populating
// process's resident memory and Go heap are then read, the store closed,
// and the test binary re-executed as a plain `server.Start` process on the
// data dir; the parent times process start → /healthz → first signed
// ListTasks (aws-sdk-go-v2, SigV4), checks the counts through
// DescribeClusters and DescribeTasks, and reads the new process's VmRSS
// from /proc. Every figure is logged; nothing is asserted about time.
package scale
