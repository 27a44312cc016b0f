package control

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/berth-io/berth/internal/ecs"

	"github.com/berth-io/berth/internal/ecsmodel"
	"github.com/berth-io/berth/internal/store"
)

// ListTaskDefinitions lists task definition ARNs ordered by family name,
// then revision; sort DESC reverses both. familyPrefix is, as in ECS, a full
// family name; status defaults to ACTIVE.
func (s *Service) ListTaskDefinitions(ctx context.Context, in *ecsmodel.ListTaskDefinitionsRequest) (*ecsmodel.ListTaskDefinitionsResponse, error) {
	limit, err := pageSize(in.MaxResults)
	if err != nil {
		return nil, err
	}
	status := in.Status
	if status == "" {
		status = tdActive
	}
	desc := in.Sort == ecsmodel.SortOrderDesc
	op := "ListTaskDefinitions"
	if desc {
		op += ":DESC"
	}
	pos, err := tokenAfter(op, in.NextToken, prefixTaskDefs)
	if err != nil {
		return nil, err
	}
	after := taskDefRef{}
	if pos != "" {
		family, rev, ok := parseTaskDefKey(pos)
		if !ok {
			return nil, ecs.InvalidParameter("Invalid nextToken.")
		}
		after = taskDefRef{Family: family, Revision: rev}
	}
	out := &ecsmodel.ListTaskDefinitionsResponse{TaskDefinitionArns: []string{}}
	if in.FamilyPrefix != "" && !validName(in.FamilyPrefix, maxNameLen) {
		return out, nil
	}
	families := []string{in.FamilyPrefix}
	if in.FamilyPrefix == "" {
		if families, err = s.familyNames(ctx); err != nil {
			return nil, err
		}
	}
	if desc {
		slices.Reverse(families)
	}
	// beyond reports whether a definition comes after the token's position
	// in the listing's order.
	beyond := func(r taskDefRef) bool {
		if after.Family == "" {
			return true
		}
		c := cmp.Or(strings.Compare(r.Family, after.Family), cmp.Compare(r.Revision, after.Revision))
		return desc && c < 0 || !desc && c > 0
	}
	var last string
	for _, family := range families {
		if after.Family != "" && family != after.Family && !beyond(taskDefRef{Family: family}) {
			continue
		}
		kvs, err := listAll(ctx, s.store, taskDefPrefix(family))
		if err != nil {
			return nil, err
		}
		if desc {
			slices.Reverse(kvs)
		}
		for _, kv := range kvs {
			rec, err := decode[taskDefRecord](kv)
			if err != nil {
				return nil, err
			}
			td := rec.TaskDefinition
			if td.Status != status || !beyond(taskDefRef{Family: td.Family, Revision: td.Revision}) {
				continue
			}
			if len(out.TaskDefinitionArns) == limit {
				out.NextToken = encodeToken(op, last)
				return out, nil
			}
			out.TaskDefinitionArns = append(out.TaskDefinitionArns, td.TaskDefinitionArn)
			last = kv.Key
		}
	}
	return out, nil
}

// familyNames lists every family ever registered, in name order.
func (s *Service) familyNames(ctx context.Context) ([]string, error) {
	kvs, err := listAll(ctx, s.store, prefixFamilies)
	if err != nil {
		return nil, err
	}
	names := make([]string, len(kvs))
	for i, kv := range kvs {
		names[i] = lastKeySegment(kv.Key)
	}
	return names, nil
}

// ListTaskDefinitionFamilies lists family names that start with
// familyPrefix. status ACTIVE keeps families with an ACTIVE revision,
// INACTIVE those without one, and ALL (the default, as in ECS) both.
// Families whose revisions were all deleted are not listed.
func (s *Service) ListTaskDefinitionFamilies(ctx context.Context, in *ecsmodel.ListTaskDefinitionFamiliesRequest) (*ecsmodel.ListTaskDefinitionFamiliesResponse, error) {
	const op = "ListTaskDefinitionFamilies"
	limit, err := pageSize(in.MaxResults)
	if err != nil {
		return nil, err
	}
	after, err := tokenAfter(op, in.NextToken, prefixFamilies)
	if err != nil {
		return nil, err
	}
	out := &ecsmodel.ListTaskDefinitionFamiliesResponse{Families: []string{}}
	if strings.Contains(in.FamilyPrefix, "/") {
		return out, nil
	}
	kvs, next, err := scanPage(ctx, s.store, prefixFamilies+in.FamilyPrefix, after, limit, func(kv store.KV) (bool, error) {
		fam, err := decode[familyRecord](kv)
		if err != nil {
			return false, err
		}
		switch in.Status {
		case ecsmodel.TaskDefinitionFamilyStatusActive:
			return fam.Active > 0, nil
		case ecsmodel.TaskDefinitionFamilyStatusInactive:
			return fam.Active == 0 && fam.Existing > 0, nil
		}
		return fam.Existing > 0, nil
	})
	if err != nil {
		return nil, err
	}
	for _, kv := range kvs {
		out.Families = append(out.Families, lastKeySegment(kv.Key))
	}
	if next != "" {
		out.NextToken = encodeToken(op, next)
	}
	return out, nil
}
