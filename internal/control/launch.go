package control

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"

	"github.com/berth-io/berth/internal/ecs"
	"github.com/berth-io/berth/internal/ecsmodel"
	"github.com/berth-io/berth/internal/placement"
	"github.com/berth-io/berth/internal/store"
)

// launchAttempts bounds how often a launch is tried again after its commit
// failed a condition (the cluster, an instance or the clientToken changed
// meanwhile); every attempt reads and places afresh.
const launchAttempts = 8

// launchPlan is one attempt at launching tasks.
type launchPlan struct {
	spec *taskSpec
	// demand is the task's demand with group, constraints and strategies;
	// each portion sets the capacity provider.
	demand placement.Demand
	// portions (RunTask) or on (StartTask: instance ids, in order).
	portions []portion
	on       []string
	// conds are conditions the commit carries besides its own (the
	// cluster record unchanged, the token's condition).
	conds []store.Cond
	// token, when set, is written at tokenKey in the same commit, with the
	// ARNs and failures of the launch.
	token    *tokenRecord
	tokenKey string
}

// launched is the outcome of a launch.
type launched struct {
	recs     []*taskRecord
	failures []ecsmodel.Failure
}

// launch places the plan's tasks under the cluster's lock (reserving them
// in the index), then commits them without the lock: the task records
// (without an Absent condition: a new id has 80 random bits besides its
// timestamp, and checking would cost the committer a lookup per task),
// their tags, the token record, on the plan's conditions and on
// the condition that every chosen instance's record is unchanged since the
// index applied it. A failed commit releases every reservation and
// returns the error (a *store.ConflictError when a condition failed).
func (s *Service) launch(ctx context.Context, p *launchPlan) (*launched, error) {
	cs := s.state(p.spec.cluster)
	var placed []placedTask
	var fails []ecsmodel.Failure
	idTime := s.now()
	cs.mu.Lock()
	if p.on != nil {
		pls, fs := cs.place.PlaceOn(p.demand, p.on)
		placed = cs.takePlacements(p.spec, pls, portion{launchType: ecsmodel.LaunchTypeEc2}, idTime)
		fails = s.failures(p.spec.cluster, portion{}, fs)
	}
	for _, po := range p.portions {
		d := p.demand
		d.CapacityProvider = po.provider
		if po.fargate {
			d.Strategies, d.Constraints = fargateStrategy, nil
		}
		pls, fs := cs.place.Place(d, po.count, nil)
		placed = append(placed, cs.takePlacements(p.spec, pls, po, idTime)...)
		fails = append(fails, s.failures(p.spec.cluster, po, fs)...)
	}
	cs.mu.Unlock()

	out := &launched{failures: fails}
	now := s.timestamp()
	b := store.Batch{Conds: append([]store.Cond(nil), p.conds...)}
	instRevs := map[string]int64{}
	ids := make([]string, len(placed))
	for i := range placed {
		ids[i] = placed[i].id
	}
	var err error
	recOps := make([]int, 0, len(placed)) // index in b.Ops of each record's put
	for i := range placed {
		pt := &placed[i]
		rec := s.newTaskRecord(p.spec, pt, now)
		out.recs = append(out.recs, rec)
		instRevs[pt.pl.InstanceID] = pt.instRev
		key := taskKey(p.spec.cluster, pt.id)
		recOps = append(recOps, len(b.Ops))
		if err = putOp(&b, key, rec); err != nil {
			break
		}
		b.Ops = append(b.Ops, taskSummaryOp(p.spec.cluster, pt.id, rec))
		if len(p.spec.tags) > 0 {
			if err = putOp(&b, taskTagsKey(p.spec.cluster, pt.id), tagsRecord{Tags: p.spec.tags}); err != nil {
				break
			}
		}
	}
	for id, rev := range instRevs {
		b.Conds = append(b.Conds, store.Cond{Key: instanceKey(p.spec.cluster, id), Kind: store.Unchanged, Revision: rev})
	}
	if err == nil && p.token != nil {
		p.token.TaskARNs = make([]string, len(out.recs))
		for i, rec := range out.recs {
			p.token.TaskARNs[i] = rec.Task.TaskArn
		}
		p.token.Failures = fails
		err = putOp(&b, p.tokenKey, p.token)
	}
	var rev int64
	if err == nil && len(b.Ops) > 0 {
		rev, err = s.store.Commit(ctx, b)
	}
	cs.mu.Lock()
	for _, id := range ids {
		if err != nil {
			cs.abandon(id)
		}
	}
	if err == nil {
		cs.commitLaunch(ids, rev)
	}
	cs.mu.Unlock()
	if err != nil {
		return nil, err
	}
	for i, rec := range out.recs {
		op := b.Ops[recOps[i]]
		s.cache.remember(op.Key, rev, rec, len(op.Value))
	}
	s.notify(CauseLaunched, p.spec.cluster, out.recs)
	return out, nil
}

// putOp encodes v into a put of the batch.
func putOp(b *store.Batch, key string, v any) error {
	val, err := encode(key, v)
	if err != nil {
		return err
	}
	b.Ops = append(b.Ops, store.Op{Key: key, Value: val})
	return nil
}

// takePlacements registers the placements of a launch in the index as
// uncommitted task entries holding their allocations, and returns them
// with what the records need from the instances. Task ids are time-ordered
// (made at now), so new task records go to the end of the cluster's key
// range. Called with cs.mu held.
func (cs *clusterState) takePlacements(spec *taskSpec, pls []placement.Placement, po portion, now time.Time) []placedTask {
	out := make([]placedTask, 0, len(pls))
	for _, pl := range pls {
		pt := placedTask{id: ecs.NewTimeOrderedID(now), pl: pl, portion: po}
		if e := cs.insts[pl.InstanceID]; e != nil {
			pt.instRev = e.rev
			pt.zone = e.base.Attributes[attrAvailabilityZone]
			pt.arch = e.base.Attributes[attrCPUArchitecture]
			pt.instProvider = e.base.CapacityProvider
		}
		cs.launchEntry(&taskEntry{
			id: pt.id, instanceID: pl.InstanceID, family: spec.td.Family, startedBy: spec.startedBy,
			group: spec.group, launchType: string(po.launchType), provider: po.cpName,
			desired: statusRunning, last: statusPending,
		}, pl.Allocation)
		out = append(out, pt)
	}
	return out
}

// failures converts placement failures. A failure without an instance (no
// candidate at all) names the capacity provider of the portion, or the
// cluster.
func (s *Service) failures(cluster string, po portion, fs []placement.Failure) []ecsmodel.Failure {
	out := make([]ecsmodel.Failure, len(fs))
	for i, f := range fs {
		arn := f.Arn
		if arn == "" {
			arn = s.account.ClusterARN(cluster)
			if po.cpName != "" || po.fargate {
				arn = s.account.CapacityProviderARN(po.provider)
			}
		}
		out[i] = ecsmodel.Failure{Arn: arn, Reason: string(f.Reason)}
	}
	return out
}

// retryLaunch runs attempt until it succeeds, fails with anything but a
// store conflict, or has failed launchAttempts times, pausing briefly
// (with jitter) between attempts.
func retryLaunch[T any](ctx context.Context, attempt func() (T, error)) (T, error) {
	for i := 1; ; i++ {
		out, err := attempt()
		var ce *store.ConflictError
		if err == nil || !errors.As(err, &ce) || i == launchAttempts {
			return out, err
		}
		pause := time.Duration(rand.Int64N(int64(time.Millisecond) << min(i, 4)))
		select {
		case <-time.After(pause):
		case <-ctx.Done():
			return out, ctx.Err()
		}
	}
}
