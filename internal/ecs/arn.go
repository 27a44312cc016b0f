package ecs

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Partition is the ARN partition berth writes.
const Partition = "aws"

// Resource types that appear in ECS ARNs.
const (
	TypeCluster           = "cluster"
	TypeTask              = "task"
	TypeContainerInstance = "container-instance"
	TypeTaskDefinition    = "task-definition"
	TypeContainer         = "container"
	TypeCapacityProvider  = "capacity-provider"
	TypeService           = "service"
)

// Account identifies the region and account that berth's ARNs carry.
type Account struct {
	Region string
	ID     string
}

// ARN is a parsed ECS ARN: arn:<partition>:ecs:<region>:<account>:<type>/<resource>.
type ARN struct {
	Partition string
	Region    string
	Account   string
	Type      string
	Resource  string // everything after "<type>/"
}

// String formats the ARN.
func (a ARN) String() string {
	return "arn:" + a.Partition + ":ecs:" + a.Region + ":" + a.Account + ":" + a.Type + "/" + a.Resource
}

// ParseARN parses an ECS ARN; ok is false when s is not one.
func ParseARN(s string) (ARN, bool) {
	if !strings.HasPrefix(s, "arn:") {
		return ARN{}, false
	}
	parts := strings.SplitN(s, ":", 6)
	if len(parts) != 6 || parts[2] != "ecs" || parts[1] == "" {
		return ARN{}, false
	}
	typ, res, ok := strings.Cut(parts[5], "/")
	if !ok || typ == "" || res == "" {
		return ARN{}, false
	}
	return ARN{Partition: parts[1], Region: parts[3], Account: parts[4], Type: typ, Resource: res}, true
}

// ARN builds an ARN of this account.
func (a Account) ARN(typ, resource string) string {
	return ARN{Partition: Partition, Region: a.Region, Account: a.ID, Type: typ, Resource: resource}.String()
}

// ClusterARN is arn:aws:ecs:<region>:<account>:cluster/<name>.
func (a Account) ClusterARN(name string) string { return a.ARN(TypeCluster, name) }

// TaskARN is the long format arn:...:task/<cluster>/<id>.
func (a Account) TaskARN(cluster, id string) string { return a.ARN(TypeTask, cluster+"/"+id) }

// ContainerInstanceARN is arn:...:container-instance/<cluster>/<id>.
func (a Account) ContainerInstanceARN(cluster, id string) string {
	return a.ARN(TypeContainerInstance, cluster+"/"+id)
}

// TaskDefinitionARN is arn:...:task-definition/<family>:<revision>.
func (a Account) TaskDefinitionARN(family string, revision int32) string {
	return a.ARN(TypeTaskDefinition, family+":"+strconv.Itoa(int(revision)))
}

// ContainerARN is arn:...:container/<cluster>/<task-id>/<uuid>.
func (a Account) ContainerARN(cluster, taskID, uuid string) string {
	return a.ARN(TypeContainer, cluster+"/"+taskID+"/"+uuid)
}

// CapacityProviderARN is arn:...:capacity-provider/<name>.
func (a Account) CapacityProviderARN(name string) string { return a.ARN(TypeCapacityProvider, name) }

// NewID returns a fresh 32-character lower-case hex id, as ECS's long-format
// task and container instance ids are.
func NewID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(fmt.Sprintf("ecs: crypto/rand: %v", err))
	}
	return hex.EncodeToString(b[:])
}

// NewTimeOrderedID returns a fresh 32-character lower-case hex id, like
// NewID, whose first 12 characters are the current Unix time in
// milliseconds and whose other 20 are random (80 bits). Ids made later sort
// later (to the millisecond), so records keyed by them are appended at the
// end of their key range instead of landing on random pages of the store.
func NewTimeOrderedID(now time.Time) string {
	var b [16]byte
	ms := uint64(now.UnixMilli())
	for i := 5; i >= 0; i-- {
		b[i] = byte(ms)
		ms >>= 8
	}
	if _, err := rand.Read(b[6:]); err != nil {
		panic(fmt.Sprintf("ecs: crypto/rand: %v", err))
	}
	return hex.EncodeToString(b[:])
}

// NewUUID returns a random RFC 4122 version 4 UUID with hyphens.
func NewUUID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(fmt.Sprintf("ecs: crypto/rand: %v", err))
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// LastSegment returns what follows the last '/' of an ARN or id: the short
// id of a task or container instance ARN, or the name of a cluster ARN.
func LastSegment(s string) string {
	if i := strings.LastIndexByte(s, '/'); i >= 0 {
		return s[i+1:]
	}
	return s
}
