// # Key schema
//
// Every record the control plane keeps lives under one of these prefixes.
// Values are JSON documents of the record types in records.go, which wrap the
// ecsmodel wire shapes. Update this drawing with every change of layout.
//
//	/clusters/<name>                      clusterRecord: the Cluster shape without
//	                                      its counters (those are computed on read)
//	/families/<family>                    familyRecord: last revision ever
//	                                      registered (revisions are never reused),
//	                                      latest ACTIVE revision, ACTIVE and
//	                                      existing revision counts
//	/taskdefs/<family>/<revision>         taskDefRecord: the TaskDefinition shape;
//	                                      revision zero-padded to 7 digits so keys
//	                                      sort numerically (1 .. 1,000,000)
//	/instances/<cluster>/<id>             instanceRecord: description, attributes,
//	                                      registered resources, version info,
//	                                      status, agent connection, version;
//	                                      rewritten on (re-)registration, by
//	                                      Put/DeleteAttributes, status changes,
//	                                      deregistration and agent connection
//	                                      changes. No allocation is stored:
//	                                      remaining resources and task counts
//	                                      come from the tasks (see index.go)
//	/ec2ids/<cluster>/<ec2-instance-id>   ec2IDRecord: the container instance id
//	                                      registered for that EC2 instance while it
//	                                      is ACTIVE or DRAINING (registration
//	                                      idempotency; deleted on deregistration)
//	/tags/<arn-type>/<arn-resource>       tagsRecord: the tags of one resource,
//	                                      e.g. /tags/cluster/<name>,
//	                                      /tags/task-definition/<family>/<revision>,
//	                                      /tags/container-instance/<cluster>/<id>,
//	                                      /tags/task/<cluster>/<id>,
//	                                      /tags/capacity-provider/<name>; absent = none
//	/tasks/<cluster>/<id>                 taskRecord: one task (RunTask/StartTask):
//	                                      the Task shape plus its instance, what it
//	                                      reserved there (held while desired
//	                                      RUNNING) and its host port assignments.
//	                                      Ids are time-ordered (ecs.NewTimeOrderedID);
//	                                      deleted by the janitor once STOPPED for
//	                                      longer than the retention
//	/taskidx/<cluster>/<id>               the task's summary (task_summary.go):
//	                                      what the index keeps, written and
//	                                      deleted in every commit that writes or
//	                                      deletes /tasks/<cluster>/<id>
//	/meta/task-summaries                  present once every task has its
//	                                      summary (a store from before summaries
//	                                      gets them at its first start)
//	/tokens/<cluster>/<escaped token>     tokenRecord: RunTask clientToken → the
//	                                      request hash, task ARNs and failures,
//	                                      expiry (24 h); created in the same
//	                                      commit as the tasks (Absent, or
//	                                      Unchanged when replacing an expired one)
//	/capacity-providers/<name>            capacityProviderRecord: a provider made
//	                                      by CreateCapacityProvider (FARGATE and
//	                                      FARGATE_SPOT are built in and have no
//	                                      record) and the clusters it is
//	                                      associated with
//
// Names and ids in keys are restricted to [A-Za-z0-9_-] (cluster names,
// families, hex ids) and need no escaping; EC2 instance ids and client tokens
// come from callers and are path-escaped.
//
// Invariants:
//   - A cluster record is never deleted: DeleteCluster marks it INACTIVE and a
//     later CreateCluster of that name makes it ACTIVE again.
//   - Everything that adds to a cluster (instance registration, task
//     launches) reads its cluster record inside the transaction (or, for
//     task launches, commits on the condition that it is unchanged since it
//     was read ACTIVE); DeleteCluster first commits the record as
//     DEPROVISIONING, then checks that the cluster is empty, then commits it
//     INACTIVE (or ACTIVE again), so no addition can slip past the check.
//   - A task launch commits on the condition that the records of the
//     instances it was placed on are unchanged since the index last applied
//     them, so a task never lands on an instance deregistered or drained
//     meanwhile.
//   - Allocations live only in the per-cluster in-memory index, which every
//     write path updates after its commit (ordered by store revision) and
//     which New rebuilds from the instance and task records; task launches
//     reserve in the index before they commit and release on failure.
//   - A family record exists once any revision of the family was registered
//     and is rewritten by every registration and deregistration of it.
//   - A provider record lists exactly the clusters whose capacityProviders
//     name it; both sides change in one commit.
package control

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// Key prefixes.
const (
	prefixClusters  = "/clusters/"
	prefixFamilies  = "/families/"
	prefixTaskDefs  = "/taskdefs/"
	prefixInstances = "/instances/"
	prefixEC2IDs    = "/ec2ids/"
	prefixTags      = "/tags/"
	prefixTasks     = "/tasks/"
	prefixSummaries = "/taskidx/"
	prefixTokens    = "/tokens/"
	prefixProviders = "/capacity-providers/"
)

// revisionDigits is the zero-padded width of revisions in task definition keys.
const revisionDigits = 7

func clusterKey(name string) string { return prefixClusters + name }

func familyKey(family string) string { return prefixFamilies + family }

func taskDefPrefix(family string) string { return prefixTaskDefs + family + "/" }

func taskDefKey(family string, revision int32) string {
	return fmt.Sprintf("%s%s/%0*d", prefixTaskDefs, family, revisionDigits, revision)
}

// parseTaskDefKey splits a /taskdefs/ key into family and revision.
func parseTaskDefKey(key string) (family string, revision int32, ok bool) {
	rest, found := strings.CutPrefix(key, prefixTaskDefs)
	if !found {
		return "", 0, false
	}
	family, rev, found := strings.Cut(rest, "/")
	if !found {
		return "", 0, false
	}
	n, err := strconv.ParseInt(rev, 10, 32)
	if err != nil {
		return "", 0, false
	}
	return family, int32(n), true
}

func instancePrefix(cluster string) string { return prefixInstances + cluster + "/" }

func instanceKey(cluster, id string) string { return instancePrefix(cluster) + id }

func ec2IDKey(cluster, ec2ID string) string {
	return prefixEC2IDs + cluster + "/" + url.PathEscape(ec2ID)
}

func tasksPrefix(cluster string) string { return prefixTasks + cluster + "/" }

func taskKey(cluster, id string) string { return tasksPrefix(cluster) + id }

func taskSummaryKey(cluster, id string) string { return prefixSummaries + cluster + "/" + id }

// keySummariesDone marks a store whose every task has a summary.
const keySummariesDone = "/meta/task-summaries"

func tokenKey(cluster, token string) string {
	return prefixTokens + cluster + "/" + url.PathEscape(token)
}

func providerKey(name string) string { return prefixProviders + name }

// Tags keys, one per taggable resource type.

func clusterTagsKey(name string) string { return prefixTags + "cluster/" + name }

func taskDefTagsKey(family string, revision int32) string {
	return fmt.Sprintf("%stask-definition/%s/%0*d", prefixTags, family, revisionDigits, revision)
}

func instanceTagsKey(cluster, id string) string {
	return prefixTags + "container-instance/" + cluster + "/" + id
}

func instanceTagsPrefix(cluster string) string {
	return prefixTags + "container-instance/" + cluster + "/"
}

func taskTagsKey(cluster, id string) string { return prefixTags + "task/" + cluster + "/" + id }

func providerTagsKey(name string) string { return prefixTags + "capacity-provider/" + name }

// lastKeySegment returns what follows the last '/' of a key.
func lastKeySegment(key string) string {
	return key[strings.LastIndexByte(key, '/')+1:]
}
