// Package control implements berth's ECS control-plane use cases: clusters,
// task definitions, container instances, attributes and tags (tasks follow).
//
// # Shape
//
// A Service holds no state of its own. Each operation is a method
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
// Container instances are split in two records: a cold description
// (attributes, registered resources) and a hot allocation record (status,
// remaining resources, task counts) that task placement checks and rewrites
// in its commits, so that placing tasks never touches the cold record and
// one revision check covers everything placement depends on.
//
// # Identifiers
//
// Responses carry long-format ARNs. Requests accept short names and ids
// wherever ECS does: cluster names, container instance ids, family and
// family:revision, and old short-format container instance ARNs. A
// reference to another account, region or cluster names nothing here.
package control
