// Package control implements berth's ECS control-plane use cases: clusters,
// task definitions, container instances, attributes, tags, capacity
// providers and tasks (RunTask, StartTask, StopTask, DescribeTasks,
// ListTasks).
//
// # Shape
//
// A Service keeps everything durable in the store; its only state of its
// own is the allocation index, derived from the store (see Allocations).
// Each operation is a method
//
//	func (s *Service) Op(ctx context.Context, in *ecsmodel.OpRequest) (*ecsmodel.OpResponse, error)
//
// named and typed after the ECS model, so ecsmodel.Bind(svc) exposes it as
// an API operation. The API edge has already applied the model's own checks
// (required members, enums, lengths, ranges, patterns); the methods apply
// the semantic rules ECS adds on top, with ECS's error codes and, where they
// are known, ECS's messages. Errors the caller caused are *ecs.Error;
// anything else (store failures) is a plain error that the edge reports as
// ServerException.
//
// # State
//
// All state is in a store.Store, as JSON documents of the ecsmodel shapes
// wrapped in small record types (records.go), under the keys drawn in the
// key schema below. Reads that decide a write happen inside store.Update,
// so they become conditions of the commit and a concurrent change makes the
// operation retry instead of overwriting it. A method returns only after its
// commit is durable. Range reads (listings) are taken outside
// transactions; where a decision rests on one, a record that every
// relevant change rewrites is read inside the transaction to pin it (see
// the invariants).
//
// # Allocations
//
// What tasks hold on their instances is not stored as such: each cluster
// has an in-memory index (index.go) with the placement engine's view of
// its instances and an entry per task, rebuilt by New from the instance
// and task records. Task launches (launch.go) place and reserve under the
// cluster's mutex, then commit the task records without it, so concurrent
// launches share one fsync and can never overcommit an instance; a failed
// commit releases the reservation. Every other write path applies its
// committed records to the index afterwards. remainingResources and the
// task counters of instances and clusters are read from the index. Since
// placing a task rewrites no instance record, an instance's version rises
// with the instance's own changes (registration, status, agent
// connection), not with the tasks placed on it.
//
// # Tasks
//
// Tasks are launched PENDING with desired status RUNNING and stay so until
// the agent reports otherwise through ApplyTaskStateChange; observers
// registered with ObserveTasks hear of every committed change (the agent
// channel delivers tasks that way). A task's resources are free as soon as
// its desired status is STOPPED. The janitor (RunJanitor, Sweep) deletes
// STOPPED tasks after Config.StoppedTaskRetention and expired clientToken
// records.
//
// # Identifiers
//
// Responses carry long-format ARNs. Requests accept short names and ids
// wherever ECS does: cluster names, container instance ids, family and
// family:revision, and old short-format container instance ARNs. A
// reference to another account, region or cluster names nothing here.
package control
