package control

import (
	"context"
	"slices"
	"strings"

	"github.com/berth-io/berth/internal/ecs"
	"github.com/berth-io/berth/internal/ecsmodel"
	"github.com/berth-io/berth/internal/store"
)

// TagResource, UntagResource and ListTagsForResource work on clusters, task
// definitions, container instances, tasks and capacity providers (not the
// built-in FARGATE ones), named by their long ARN.
//
// Errors (berth's choice where ECS's exact behaviour is not documented):
//   - a resourceArn that is not an ECS ARN of this account and region, or of
//     a type that cannot be tagged: InvalidParameterException "The ARN
//     provided is invalid.";
//   - a short-format container instance or task ARN (no cluster segment):
//     InvalidParameterException "Long arn format must be used for tagging
//     operations", ECS's text;
//   - an unknown cluster, as the resource or as the cluster of an instance
//     or task ARN: ClusterNotFoundException;
//   - an unknown task definition, container instance or task:
//     InvalidParameterException "The specified resource could not be found."
//     (ListTagsForResource models no ResourceNotFoundException, so all three
//     operations use the same error).
//
// The limit of 50 tags applies to the tags a resource has after the call.

// tagTarget is a resolved taggable resource.
type tagTarget struct {
	cluster  string // cluster that must exist; "" for task definitions
	resource string // record key that must exist
	tags     string // key of its tags record
}

// resolveTagTarget maps a resourceArn to its records.
func (s *Service) resolveTagTarget(arn string) (tagTarget, error) {
	invalid := ecs.InvalidParameter("The ARN provided is invalid.")
	a, ok := s.ownARN(arn)
	if !ok {
		return tagTarget{}, invalid
	}
	switch a.Type {
	case ecs.TypeCluster:
		if !validName(a.Resource, maxNameLen) {
			return tagTarget{}, invalid
		}
		return tagTarget{cluster: a.Resource, resource: clusterKey(a.Resource), tags: clusterTagsKey(a.Resource)}, nil
	case ecs.TypeTaskDefinition:
		ref, ok := s.parseTaskDefRef(arn)
		if !ok || ref.Revision == 0 {
			return tagTarget{}, invalid
		}
		return tagTarget{resource: taskDefKey(ref.Family, ref.Revision), tags: taskDefTagsKey(ref.Family, ref.Revision)}, nil
	case ecs.TypeContainerInstance, ecs.TypeTask:
		cluster, id, long := strings.Cut(a.Resource, "/")
		if !long {
			return tagTarget{}, ecs.InvalidParameter("Long arn format must be used for tagging operations")
		}
		if !validName(cluster, maxNameLen) || !validInstanceID(id) {
			return tagTarget{}, invalid
		}
		if a.Type == ecs.TypeTask {
			return tagTarget{cluster: cluster, resource: taskKey(cluster, id), tags: taskTagsKey(cluster, id)}, nil
		}
		return tagTarget{cluster: cluster, resource: instanceKey(cluster, id), tags: instanceTagsKey(cluster, id)}, nil
	case ecs.TypeCapacityProvider:
		if !validName(a.Resource, maxNameLen) || isFargateProvider(a.Resource) {
			return tagTarget{}, invalid
		}
		return tagTarget{resource: providerKey(a.Resource), tags: providerTagsKey(a.Resource)}, nil
	}
	return tagTarget{}, invalid
}

// check verifies inside a transaction that the target exists; the reads
// become conditions, so a resource removed concurrently makes the commit
// retry rather than leave tags behind.
func (t tagTarget) check(get func(string) (store.KV, bool, error)) error {
	if t.cluster != "" {
		if _, ok, err := get(clusterKey(t.cluster)); err != nil {
			return err
		} else if !ok {
			return ecs.ClusterNotFound()
		}
	}
	if t.resource == clusterKey(t.cluster) {
		return nil
	}
	if _, ok, err := get(t.resource); err != nil {
		return err
	} else if !ok {
		return ecs.InvalidParameter("The specified resource could not be found.")
	}
	return nil
}

// TagResource adds or overwrites tags of a resource.
func (s *Service) TagResource(ctx context.Context, in *ecsmodel.TagResourceRequest) (*ecsmodel.TagResourceResponse, error) {
	if err := validateTags(in.Tags); err != nil {
		return nil, err
	}
	target, err := s.resolveTagTarget(in.ResourceArn)
	if err != nil {
		return nil, err
	}
	err = s.update(ctx, func(tx *store.Tx) error {
		if err := target.check(tx.Get); err != nil {
			return err
		}
		existing, err := txLoadTags(tx, target.tags)
		if err != nil {
			return err
		}
		merged := mergeTags(existing, in.Tags)
		if len(merged) > maxTags {
			return ecs.InvalidParameter("Too many tags: the resource would have %d, the limit is %d.", len(merged), maxTags)
		}
		return txStoreTags(tx, target.tags, merged)
	})
	if err != nil {
		return nil, err
	}
	return &ecsmodel.TagResourceResponse{}, nil
}

// UntagResource removes tags of a resource by key; keys it does not have
// are ignored.
func (s *Service) UntagResource(ctx context.Context, in *ecsmodel.UntagResourceRequest) (*ecsmodel.UntagResourceResponse, error) {
	for _, k := range in.TagKeys {
		if err := validateTagKey(k); err != nil {
			return nil, err
		}
	}
	target, err := s.resolveTagTarget(in.ResourceArn)
	if err != nil {
		return nil, err
	}
	err = s.update(ctx, func(tx *store.Tx) error {
		if err := target.check(tx.Get); err != nil {
			return err
		}
		existing, err := txLoadTags(tx, target.tags)
		if err != nil {
			return err
		}
		kept := slices.DeleteFunc(slices.Clone(existing), func(t ecsmodel.Tag) bool {
			return slices.Contains(in.TagKeys, t.Key)
		})
		if len(kept) == len(existing) {
			return nil
		}
		return txStoreTags(tx, target.tags, kept)
	})
	if err != nil {
		return nil, err
	}
	return &ecsmodel.UntagResourceResponse{}, nil
}

// ListTagsForResource returns the tags of a resource.
func (s *Service) ListTagsForResource(ctx context.Context, in *ecsmodel.ListTagsForResourceRequest) (*ecsmodel.ListTagsForResourceResponse, error) {
	target, err := s.resolveTagTarget(in.ResourceArn)
	if err != nil {
		return nil, err
	}
	var tags []ecsmodel.Tag
	err = store.View(ctx, s.store, func(tx *store.ReadTx) error {
		if err := target.check(tx.Get); err != nil {
			return err
		}
		rec, ok, err := tx.Get(target.tags)
		if err != nil || !ok {
			return err
		}
		r, err := decode[tagsRecord](rec)
		if err != nil {
			return err
		}
		tags = r.Tags
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &ecsmodel.ListTagsForResourceResponse{Tags: nonNilTags(tags)}, nil
}
