package placement

// failure builds the Failure for a task no node could take. It examines
// every node of the pool and names the closest one: the node whose first
// failing check comes latest in the pipeline; among those, the one that
// came nearest to passing that check (most remaining CPU or memory, most
// free GPUs, most of the task's ports available, most required attributes
// or memberOf expressions satisfied, fewest tasks of the group for
// distinctInstance); among those, the smallest ARN (then id), so the
// answer is deterministic.
func (r *run) failure() Failure {
	var best *node
	var bestStage stage
	var bestClose int64
	for _, n := range r.p.all.items {
		for _, ch := range r.checks {
			if ok, _ := ch.Feasible(n); ok {
				continue
			}
			r.c.rejections[ch.stage()]++
			st, cl := ch.stage(), ch.closeness(n)
			if best == nil || st > bestStage || st == bestStage && (cl > bestClose ||
				cl == bestClose && (n.arn < best.arn || n.arn == best.arn && n.id < best.id)) {
				best, bestStage, bestClose = n, st, cl
			}
			break
		}
	}
	if best == nil {
		return Failure{Reason: r.c.emptyReason(r.d.CapacityProvider)}
	}
	return Failure{Arn: best.arn, Reason: stageReasons[bestStage]}
}

// emptyReason explains a pool with no nodes: a named capacity provider
// without any instance is empty; otherwise it has no ACTIVE instances.
func (c *Cluster) emptyReason(provider string) Reason {
	if provider == "" || provider == AnyCapacityProvider {
		return ReasonNoActiveInstances
	}
	for _, n := range c.nodes {
		if n.provider == provider {
			return ReasonNoActiveInstances
		}
	}
	return ReasonEmptyCapacityProvider
}
