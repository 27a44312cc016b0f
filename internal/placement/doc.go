// Package placement chooses container instances for tasks, the way ECS
// RunTask and StartTask do, from an in-memory index of each cluster that is
// updated incrementally.
//
// # Inputs
//
// The control plane converts its records to plain values: an Instance per
// container instance (identity, attributes, registered resources and the
// current Usage of its tasks) and a Demand per task (resources, ports,
// GPUs, required attributes, constraints, strategies, task group). A
// Cluster holds the instances: Upsert and Remove change them, Reserve and
// Release record a task's Allocation, and Place and PlaceOn choose
// instances and reserve the chosen ones themselves.
//
// # Pipeline
//
// Place runs, for each task:
//
//  1. Candidates: the ACTIVE instances of Demand.CapacityProvider ("" =
//     instances without a provider; AnyCapacityProvider = all). DRAINING and
//     other instances are never candidates and never named in failures.
//  2. Feasibility checks, cheapest first; the first that fails rejects the
//     instance with its reason: AGENT (agent disconnected), ATTRIBUTE
//     (a required attribute is missing or has another value),
//     RESOURCE:CPU, RESOURCE:MEMORY, RESOURCE:GPU, RESOURCE:PORTS and
//     RESOURCE:PORTS_UDP (a static host port is reserved or held, or too
//     few ephemeral ports are free for the dynamic ones), distinctInstance
//     (the instance runs a task of the group) and memberOf (an expression
//     does not hold). Constraints are binding.
//  3. Strategies rank the feasible instances; they are best effort, they
//     never reject.
//  4. Pick: the best instance, ties broken at random.
//
// Each check is a small type with Name and Feasible; Rejections counts the
// rejections per reason.
//
// # Strategies
//
// Each rule gives every feasible instance a score, lower is better:
//
//	binpack cpu|memory          the instance's remaining CPU or memory
//	spread instanceId|host      its number of tasks of the demand's group
//	spread attribute:<name>     the number of tasks of the group on all
//	                            candidates with the same value of <name>
//
// The exact rule: Place chooses, among the feasible instances, one whose
// score vector (score under rule 1, under rule 2, ...) is lexicographically
// smallest — each rule only breaks the ties the earlier rules left — and
// breaks the final tie uniformly at random. With no strategy, or with
// random as the first rule, every feasible instance is equally likely; a
// random rule later in the chain ends the chain there (rules after it
// cannot matter). So "spread attribute:ecs.availability-zone, binpack
// memory" takes the zones with the fewest tasks of the group and, in them,
// the instance with the least remaining memory that still fits.
//
// Spread counts tasks of the same group only, on candidate instances only
// (tasks on a DRAINING instance do not count). Instances lacking the
// spread attribute count as one more value, "", shared with instances
// whose value is "" (name-only attributes): they are spread over like any
// zone. Binpack's "remaining" is before placing the task; the order is the
// same as after.
//
// # Failures
//
// Each task that cannot be placed gets a Failure {Arn, Reason}. Once one
// task of a Place call fails, the remaining ones get the same Failure. The
// Arn is the closest candidate: the instance whose first failed check is
// latest in the pipeline order above; ties go to the instance nearest to
// passing that check (most remaining CPU or memory, most free GPUs, most of
// the task's ports available, most required attributes or memberOf
// expressions satisfied, fewest tasks of the group), then to the smallest
// ARN. For distinctInstance the reason is ReasonDistinctInstance
// ("DistinctInstance placement constraint unsatisfied.", modelled on the
// memberOf text; ECS documents none). With no candidate at all the Arn is
// "" and the reason is NO ACTIVE INSTANCES, or EMPTY CAPACITY PROVIDER when
// no instance belongs to the named provider; the control plane normally
// answers a RunTask into an empty cluster with InvalidParameterException
// first (see ActiveCount).
//
// PlaceOn (StartTask) reports MISSING for unknown ids, INACTIVE for
// instances that are not ACTIVE, and otherwise the first failing of the
// AGENT, ATTRIBUTE and RESOURCE:* checks; it ignores constraints,
// strategies and capacity providers.
//
// # Ports and GPUs
//
// Static host ports are used as given. Dynamic ones (HostPort 0) come from
// the ephemeral range 49153-65535, skipping reserved and held ports; each
// instance keeps a cursor per protocol so consecutive tasks get
// consecutive ports. GPUs are assigned lowest id first. Placement.HostPorts
// has one binding per Demand.Ports entry; Placement.Allocation lists what
// was reserved and is what Release takes back.
//
// # Indexes and cost
//
// Placing a task does not scan the cluster. Each candidate pool (one per
// capacity provider, built on first use) keeps: a dense set of its
// instances for uniform sampling; per resource, treaps of buckets ordered
// by remaining CPU or memory, optionally partitioned by an attribute value;
// per attribute, the instances of each value (the per-zone candidate
// sets); per task group, instances bucketed by their task count of the
// group and task counts per attribute value. Indexes are built on first
// use in O(n) and updated in O(log n) or O(1) by every Reserve, Release,
// Upsert and Remove; the least recently used ones are dropped past a small
// cap. memberOf results are cached per instance and expression, dropped
// when the instance is upserted; expressions using runningTasksCount or
// task:group are evaluated each time.
//
// The first rule walks its index in score order and only the best tier is
// examined: for random or a final tie, by sampling (a few random probes,
// then a scan of the tier), so the cost is O(1) expected while most of the
// tier is feasible. "spread attribute, then binpack" uses the partitioned
// treaps. Other chains rank the feasible instances of the first rule's
// best tier directly, which costs the size of that tier. A scan of the
// whole pool happens only when tasks cannot be placed (to name the closest
// instance), when nearly all of a tier is infeasible, or when a constraint
// admits only a few instances.
//
// # Concurrency
//
// A Cluster is not safe for concurrent use; even Place and Rejections
// update internal caches. The control plane keeps one Cluster per ECS
// cluster and holds that cluster's mutex around Place or PlaceOn and the
// Reserve/Release/Upsert/Remove calls, so that a placement and its
// reservation are atomic with respect to other placements.
package placement
