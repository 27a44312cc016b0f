package control

import (
	"context"
	"errors"
	"slices"

	"github.com/berth-io/berth/internal/ecs"
	"github.com/berth-io/berth/internal/ecsmodel"
	"github.com/berth-io/berth/internal/store"
)

// Task definition statuses.
const (
	tdActive           = ecsmodel.TaskDefinitionStatusActive
	tdInactive         = ecsmodel.TaskDefinitionStatusInactive
	tdDeleteInProgress = ecsmodel.TaskDefinitionStatusDeleteInProgress
)

// errTaskDefNotFound is the ClientException for a task definition that
// DeregisterTaskDefinition cannot find.
func errTaskDefNotFound() error {
	return ecs.ClientError("The specified task definition does not exist.")
}

// errUnableToDescribe is ECS's DescribeTaskDefinition error for anything it
// cannot find.
func errUnableToDescribe() error { return ecs.ClientError("Unable to describe task definition.") }

// RegisterTaskDefinition registers a new revision of a family: revisions
// start at 1 and are never reused, even after deletion.
func (s *Service) RegisterTaskDefinition(ctx context.Context, in *ecsmodel.RegisterTaskDefinitionRequest) (*ecsmodel.RegisterTaskDefinitionResponse, error) {
	base, err := buildTaskDefinition(in)
	if err != nil {
		return nil, err
	}
	var td ecsmodel.TaskDefinition
	defer s.families.lock(in.Family)()
	err = s.update(ctx, func(tx *store.Tx) error {
		fam, ok, err := txGet[familyRecord](tx, familyKey(in.Family))
		if err != nil {
			return err
		}
		if !ok {
			fam = &familyRecord{}
		}
		if fam.LastRevision >= maxRevision {
			return ecs.ClientError("The family %s has reached the limit of %d revisions.", in.Family, maxRevision)
		}
		td = base
		td.Revision = fam.LastRevision + 1
		td.TaskDefinitionArn = s.account.TaskDefinitionARN(in.Family, td.Revision)
		td.Status = tdActive
		td.RegisteredAt = s.timestamp()
		td.RegisteredBy = s.registeredBy()
		fam.LastRevision = td.Revision
		fam.LatestActive = td.Revision
		fam.Active++
		fam.Existing++
		if err := txPut(tx, taskDefKey(in.Family, td.Revision), taskDefRecord{TaskDefinition: td}); err != nil {
			return err
		}
		if err := txPut(tx, familyKey(in.Family), fam); err != nil {
			return err
		}
		return txStoreTags(tx, taskDefTagsKey(in.Family, td.Revision), in.Tags)
	})
	if ce := (*store.ConflictError)(nil); errors.As(err, &ce) {
		// Every attempt lost the family record to another registration.
		return nil, ecs.ClientError("Too many concurrent attempts to create a new revision of the specified family.")
	}
	if err != nil {
		return nil, err
	}
	return &ecsmodel.RegisterTaskDefinitionResponse{TaskDefinition: &td, Tags: in.Tags}, nil
}

// resolveTaskDef finds the task definition a reference names: "family" is
// its latest ACTIVE revision, "family:revision" and ARNs that revision in
// whatever status. ok is false when there is none. The definition is
// shared with the cache (taskDefCache): do not change it.
func (s *Service) resolveTaskDef(ctx context.Context, ref string) (*ecsmodel.TaskDefinition, bool, error) {
	r, ok := s.parseTaskDefRef(ref)
	if !ok {
		return nil, false, nil
	}
	if r.Revision == 0 {
		fam, ok, err := getCached(ctx, s.store, s.taskDefs.families, familyKey(r.Family))
		if err != nil || !ok || fam.LatestActive == 0 {
			return nil, false, err
		}
		r.Revision = fam.LatestActive
	}
	rec, ok, err := getCached(ctx, s.store, s.taskDefs.defs, taskDefKey(r.Family, r.Revision))
	if err != nil || !ok {
		return nil, false, err
	}
	return &rec.TaskDefinition, true, nil
}

// DescribeTaskDefinition describes a task definition by family (its latest
// ACTIVE revision), family:revision or ARN, with its tags when asked.
func (s *Service) DescribeTaskDefinition(ctx context.Context, in *ecsmodel.DescribeTaskDefinitionRequest) (*ecsmodel.DescribeTaskDefinitionResponse, error) {
	td, ok, err := s.resolveTaskDef(ctx, in.TaskDefinition)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errUnableToDescribe()
	}
	out := &ecsmodel.DescribeTaskDefinitionResponse{TaskDefinition: td}
	if slices.Contains(in.Include, ecsmodel.TaskDefinitionFieldTags) {
		tags, err := loadTags(ctx, s.store, taskDefTagsKey(td.Family, td.Revision))
		if err != nil {
			return nil, err
		}
		out.Tags = nonNilTags(tags)
	}
	return out, nil
}

// DeregisterTaskDefinition marks a revision INACTIVE. Deregistering an
// INACTIVE revision returns it unchanged.
func (s *Service) DeregisterTaskDefinition(ctx context.Context, in *ecsmodel.DeregisterTaskDefinitionRequest) (*ecsmodel.DeregisterTaskDefinitionResponse, error) {
	r, ok := s.parseTaskDefRef(in.TaskDefinition)
	if !ok {
		return nil, errTaskDefNotFound()
	}
	if r.Revision == 0 {
		return nil, ecs.ClientError("A revision must be specified to deregister a task definition: use family:revision or the task definition ARN.")
	}
	var td ecsmodel.TaskDefinition
	defer s.families.lock(r.Family)()
	err := s.update(ctx, func(tx *store.Tx) error {
		rec, ok, err := txGet[taskDefRecord](tx, taskDefKey(r.Family, r.Revision))
		if err != nil {
			return err
		}
		if !ok {
			return errTaskDefNotFound()
		}
		td = rec.TaskDefinition
		if td.Status != tdActive {
			return nil
		}
		fam, ok, err := txGet[familyRecord](tx, familyKey(r.Family))
		if err != nil {
			return err
		}
		if !ok {
			return errTaskDefNotFound()
		}
		td.Status = tdInactive
		td.DeregisteredAt = s.timestamp()
		fam.Active--
		if fam.LatestActive == r.Revision {
			if fam.LatestActive, err = s.latestActiveExcept(ctx, r.Family, r.Revision); err != nil {
				return err
			}
		}
		if err := txPut(tx, taskDefKey(r.Family, r.Revision), taskDefRecord{TaskDefinition: td}); err != nil {
			return err
		}
		return txPut(tx, familyKey(r.Family), fam)
	})
	if err != nil {
		return nil, err
	}
	return &ecsmodel.DeregisterTaskDefinitionResponse{TaskDefinition: &td}, nil
}

// latestActiveExcept finds the highest ACTIVE revision of family other than
// skip, 0 when there is none. It lists outside the transaction; the caller's
// condition on the family record (which every status change rewrites)
// makes its commit fail if the listing went stale.
func (s *Service) latestActiveExcept(ctx context.Context, family string, skip int32) (int32, error) {
	kvs, err := listAll(ctx, s.store, taskDefPrefix(family))
	if err != nil {
		return 0, err
	}
	for i := len(kvs) - 1; i >= 0; i-- {
		rec, err := decode[taskDefRecord](kvs[i])
		if err != nil {
			return 0, err
		}
		if td := rec.TaskDefinition; td.Status == tdActive && td.Revision != skip {
			return td.Revision, nil
		}
	}
	return 0, nil
}

// maxDeleteTaskDefs is how many revisions one DeleteTaskDefinitions call
// may name.
const maxDeleteTaskDefs = 10

// DeleteTaskDefinitions deletes INACTIVE revisions. Each is returned with
// status DELETE_IN_PROGRESS and deleteRequestedAt; berth has no tasks that
// keep a definition alive yet, so the record and its tags are removed in
// the same commit and the revision is gone afterwards (its number is not
// reused). Revisions that cannot be deleted are failures (berth's reasons):
// MISSING for unknown or malformed references (family:revision or an ARN
// is required), ACTIVE for revisions not deregistered first.
func (s *Service) DeleteTaskDefinitions(ctx context.Context, in *ecsmodel.DeleteTaskDefinitionsRequest) (*ecsmodel.DeleteTaskDefinitionsResponse, error) {
	if len(in.TaskDefinitions) == 0 {
		return nil, ecs.InvalidParameter("taskDefinitions cannot be empty.")
	}
	if len(in.TaskDefinitions) > maxDeleteTaskDefs {
		return nil, ecs.InvalidParameter("You can delete at most %d task definitions at a time.", maxDeleteTaskDefs)
	}
	var out *ecsmodel.DeleteTaskDefinitionsResponse
	err := s.update(ctx, func(tx *store.Tx) error {
		out = &ecsmodel.DeleteTaskDefinitionsResponse{TaskDefinitions: []ecsmodel.TaskDefinition{}, Failures: []ecsmodel.Failure{}}
		families := map[string]*familyRecord{}
		done := map[taskDefRef]bool{}
		for _, ref := range in.TaskDefinitions {
			r, ok := s.parseTaskDefRef(ref)
			var rec *taskDefRecord
			if ok && r.Revision > 0 && !done[r] {
				var err error
				if rec, ok, err = txGet[taskDefRecord](tx, taskDefKey(r.Family, r.Revision)); err != nil {
					return err
				}
			}
			switch {
			case done[r]:
				continue
			case !ok || r.Revision == 0:
				out.Failures = append(out.Failures, ecsmodel.Failure{Arn: ref, Reason: "MISSING", Detail: "No task definition revision with this family:revision or ARN."})
				continue
			case rec.TaskDefinition.Status == tdActive:
				out.Failures = append(out.Failures, ecsmodel.Failure{Arn: rec.TaskDefinition.TaskDefinitionArn, Reason: "ACTIVE", Detail: "Deregister the task definition before deleting it."})
				continue
			}
			done[r] = true
			fam := families[r.Family]
			if fam == nil {
				f, ok, err := txGet[familyRecord](tx, familyKey(r.Family))
				if err != nil {
					return err
				}
				if !ok {
					f = &familyRecord{}
				}
				fam, families[r.Family] = f, f
			}
			fam.Existing--
			td := rec.TaskDefinition
			td.Status = tdDeleteInProgress
			td.DeleteRequestedAt = s.timestamp()
			out.TaskDefinitions = append(out.TaskDefinitions, td)
			tx.Delete(taskDefKey(r.Family, r.Revision))
			tx.Delete(taskDefTagsKey(r.Family, r.Revision))
		}
		for name, fam := range families {
			if err := txPut(tx, familyKey(name), fam); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
