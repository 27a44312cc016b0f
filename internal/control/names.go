package control

import (
	"strconv"
	"strings"

	"github.com/berth-io/berth/internal/ecs"
)

// maxNameLen is the longest cluster name, family or container name.
const maxNameLen = 255

// validName reports whether s is 1..max letters, digits, hyphens and
// underscores: the rule for cluster names, families and container names.
func validName(s string, max int) bool {
	if s == "" || len(s) > max {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// ownARN parses s as an ECS ARN of this account and region; ok is false
// for anything else (other accounts' resources do not exist here).
func (s *Service) ownARN(ref string) (ecs.ARN, bool) {
	a, ok := ecs.ParseARN(ref)
	if !ok || a.Region != s.account.Region || a.Account != s.account.ID {
		return ecs.ARN{}, false
	}
	return a, true
}

// clusterName resolves a cluster reference: "" means the default cluster, a
// name is taken as it is, an ARN must be a cluster ARN of this account. ok
// is false when ref cannot name a cluster of this account, which callers
// report as ClusterNotFoundException or a MISSING failure.
func (s *Service) clusterName(ref string) (name string, ok bool) {
	if ref == "" {
		return DefaultCluster, true
	}
	if strings.HasPrefix(ref, "arn:") {
		a, ok := s.ownARN(ref)
		if !ok || a.Type != ecs.TypeCluster {
			return "", false
		}
		ref = a.Resource
	}
	return ref, validName(ref, maxNameLen)
}

// clusterARNOf is the ARN reported for a cluster reference in failures: the
// reference itself when it is an ARN, else the ARN the name would have.
func (s *Service) clusterARNOf(ref string) string {
	if strings.HasPrefix(ref, "arn:") {
		return ref
	}
	return s.account.ClusterARN(ref)
}

// instanceID resolves a container instance reference within cluster: a
// bare id, a long ARN arn:...:container-instance/<cluster>/<id>, or an old
// short-format ARN arn:...:container-instance/<id>. A long ARN of another
// cluster is an InvalidParameterException, as ECS reports it. ok is false
// when ref cannot name an instance of this account.
func (s *Service) instanceID(cluster, ref string) (id string, ok bool, err error) {
	if !strings.HasPrefix(ref, "arn:") {
		return ref, validInstanceID(ref), nil
	}
	a, ok := s.ownARN(ref)
	if !ok || a.Type != ecs.TypeContainerInstance {
		return "", false, nil
	}
	owner, id, long := strings.Cut(a.Resource, "/")
	if !long {
		return owner, validInstanceID(owner), nil
	}
	if owner != cluster {
		return "", false, ecs.InvalidParameter("Invalid identifier: Identifier is for cluster %s. Your cluster is %s", owner, cluster)
	}
	return id, validInstanceID(id), nil
}

// validInstanceID accepts berth's 32-hex ids and the 36-character UUIDs of
// old short ARNs; both are letters, digits and hyphens.
func validInstanceID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// taskDefRef is a parsed task definition reference.
type taskDefRef struct {
	Family   string
	Revision int32 // 0 when the reference names the family only
}

// maxRevision is the highest task definition revision ECS allows.
const maxRevision = 1_000_000

// parseTaskDefRef parses "family", "family:revision" or a task definition
// ARN of this account. ok is false for anything else.
func (s *Service) parseTaskDefRef(ref string) (taskDefRef, bool) {
	if strings.HasPrefix(ref, "arn:") {
		a, ok := s.ownARN(ref)
		if !ok || a.Type != ecs.TypeTaskDefinition {
			return taskDefRef{}, false
		}
		ref = a.Resource
		if !strings.Contains(ref, ":") {
			return taskDefRef{}, false // ARNs always carry the revision
		}
	}
	family, rev, hasRev := strings.Cut(ref, ":")
	if !validName(family, maxNameLen) {
		return taskDefRef{}, false
	}
	if !hasRev {
		return taskDefRef{Family: family}, true
	}
	n, err := strconv.Atoi(rev)
	if err != nil || n < 1 || n > maxRevision || rev[0] == '+' {
		return taskDefRef{}, false
	}
	return taskDefRef{Family: family, Revision: int32(n)}, true
}
