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
//	/instances/<cluster>/<id>             instanceRecord (cold): description,
//	                                      attributes, registered resources, version
//	                                      info; rewritten on (re-)registration and
//	                                      by Put/DeleteAttributes
//	/allocs/<cluster>/<id>                allocRecord (hot): status, agent
//	                                      connection, version, remaining CPU,
//	                                      MEMORY, used PORTS/PORTS_UDP, free GPUs,
//	                                      running and pending task counts. Created
//	                                      at registration; every RunTask/StartTask
//	                                      commit checks ("unchanged since") and
//	                                      rewrites the allocs it places on, so one
//	                                      revision check covers all resources and
//	                                      the instance's schedulability (status).
//	/ec2ids/<cluster>/<ec2-instance-id>   ec2IDRecord: the container instance id
//	                                      registered for that EC2 instance while it
//	                                      is ACTIVE or DRAINING (registration
//	                                      idempotency; deleted on deregistration)
//	/tags/<arn-type>/<arn-resource>       tagsRecord: the user tags of one resource,
//	                                      e.g. /tags/cluster/<name>,
//	                                      /tags/task-definition/<family>/<revision>,
//	                                      /tags/container-instance/<cluster>/<id>,
//	                                      /tags/task/<cluster>/<id>; absent = none
//	/tasks/<cluster>/<id>                 taskRecord: one task (RunTask/StartTask,
//	                                      written by the task work that follows; it
//	                                      records what the task reserved on its
//	                                      instance so StopTask can give it back)
//	/tokens/<cluster>/<token>             (task work, not written yet) RunTask
//	                                      clientToken → the task ARNs it created
//	                                      and a hash of the request, created in
//	                                      the same commit as the tasks with an
//	                                      Absent condition
//
// Names and ids in keys are restricted to [A-Za-z0-9_-] (cluster names,
// families, hex ids) and need no escaping; EC2 instance ids and client tokens
// come from callers and are path-escaped.
//
// Invariants:
//   - A cluster record is never deleted: DeleteCluster marks it INACTIVE and a
//     later CreateCluster of that name makes it ACTIVE again.
//   - Every instanceRecord has an allocRecord with the same cluster and id,
//     written in the same batch.
//   - Everything that adds to a cluster (instance registration, task
//     launches) reads its cluster record inside the transaction and needs it
//     ACTIVE; DeleteCluster first commits the record as DEPROVISIONING, then
//     checks that the cluster is empty, then commits it INACTIVE (or ACTIVE
//     again), so no addition can slip past the check.
//   - A family record exists once any revision of the family was registered
//     and is rewritten by every registration and deregistration of it.
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
	prefixAllocs    = "/allocs/"
	prefixEC2IDs    = "/ec2ids/"
	prefixTags      = "/tags/"
	prefixTasks     = "/tasks/"
	prefixTokens    = "/tokens/"
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

func allocPrefix(cluster string) string { return prefixAllocs + cluster + "/" }

func allocKey(cluster, id string) string { return allocPrefix(cluster) + id }

func ec2IDKey(cluster, ec2ID string) string {
	return prefixEC2IDs + cluster + "/" + url.PathEscape(ec2ID)
}

func tasksPrefix(cluster string) string { return prefixTasks + cluster + "/" }

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

// lastKeySegment returns what follows the last '/' of a key.
func lastKeySegment(key string) string {
	return key[strings.LastIndexByte(key, '/')+1:]
}
