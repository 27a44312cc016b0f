package etcdstore

import (
	"context"
	"errors"
	"fmt"

	pb "go.etcd.io/etcd/api/v3/etcdserverpb"
	"go.etcd.io/etcd/api/v3/mvccpb"
	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/berth-io/berth/internal/store"
)

// requestBudget is how large a Txn request may grow before Commit leaves
// the reads of the conditions' keys out of its Else branch: etcd's default
// --max-request-bytes (1.5 MiB) less room for framing. Batch.Check bounds
// a batch's keys and values to 1 MiB, but the Else reads repeat every
// condition key, so a batch of very long condition keys could otherwise
// pass Check and be refused by etcd.
const requestBudget = 1536<<10 - 64<<10

// opOverhead is a generous estimate of the protobuf framing of one compare
// or one request op of a Txn.
const opOverhead = 32

// txnPlan is one batch translated into the parts of an etcd Txn.
type txnPlan struct {
	cmps []clientv3.Cmp
	then []clientv3.Op
	// keys are the distinct condition keys, in order of first use; the
	// Else branch reads them (when readInElse) so that a failed Txn
	// answers with the values the conditions were checked against.
	keys       []string
	readInElse bool
}

// plan translates b: Absent is CreateRevision == 0, Unchanged is
// ModRevision == r (a missing key has ModRevision 0), Exists is
// CreateRevision > 0; puts and deletes keep their order, which is the
// order Watch delivers their events in.
func (s *Store) plan(b store.Batch) txnPlan {
	p := txnPlan{
		cmps: make([]clientv3.Cmp, 0, len(b.Conds)),
		then: make([]clientv3.Op, 0, len(b.Ops)),
	}
	size := 0
	seen := make(map[string]bool, len(b.Conds))
	for _, c := range b.Conds {
		k := s.key(c.Key)
		switch c.Kind {
		case store.Absent:
			p.cmps = append(p.cmps, clientv3.Compare(clientv3.CreateRevision(k), "=", 0))
		case store.Unchanged:
			p.cmps = append(p.cmps, clientv3.Compare(clientv3.ModRevision(k), "=", c.Revision))
		case store.Exists:
			p.cmps = append(p.cmps, clientv3.Compare(clientv3.CreateRevision(k), ">", 0))
		}
		size += len(k) + opOverhead
		if !seen[c.Key] {
			seen[c.Key] = true
			p.keys = append(p.keys, c.Key)
		}
	}
	for _, op := range b.Ops {
		k := s.key(op.Key)
		if op.Delete {
			p.then = append(p.then, clientv3.OpDelete(k))
		} else {
			p.then = append(p.then, clientv3.OpPut(k, string(op.Value)))
		}
		size += len(k) + len(op.Value) + opOverhead
	}
	for _, k := range p.keys {
		size += len(s.key(k)) + opOverhead
	}
	p.readInElse = size <= requestBudget
	return p
}

// gets reads keys, at revision rev when it is not 0.
func (s *Store) gets(keys []string, rev int64) []clientv3.Op {
	ops := make([]clientv3.Op, len(keys))
	for i, k := range keys {
		if rev == 0 {
			ops[i] = clientv3.OpGet(s.key(k))
		} else {
			ops[i] = clientv3.OpGet(s.key(k), clientv3.WithRev(rev))
		}
	}
	return ops
}

// Commit applies b as one etcd Txn: If(the conditions) Then(the writes)
// Else(read every condition key). It returns the Txn's header revision:
// the new revision, or the current one when nothing changed. When a
// condition fails it returns a *store.ConflictError built from the Else
// reads, which were taken at the revision the conditions were checked
// against, so the caller needs no further round trip.
//
// When the Txn's fate is unknown (the connection dropped, a deadline
// passed, a leader was lost while the request was in flight, or ctx ended
// after it was sent), Commit returns an error matching ErrOutcomeUnknown:
// the batch may or may not have been applied. See the package comment for
// how to resolve it.
func (s *Store) Commit(ctx context.Context, b store.Batch) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	if err := b.Check(); err != nil {
		return 0, err
	}
	if len(b.Conds) == 0 && len(b.Ops) == 0 {
		return s.Revision(ctx)
	}
	ctx, end, err := s.begin(ctx)
	if err != nil {
		return 0, err
	}
	defer end()

	p := s.plan(b)
	txn := s.client.Txn(ctx).If(p.cmps...).Then(p.then...)
	if p.readInElse {
		txn = txn.Else(s.gets(p.keys, 0)...)
	}
	resp, err := txn.Commit()
	if err != nil {
		if len(b.Ops) > 0 && !notApplied(err) {
			return 0, fmt.Errorf("%w: %w", ErrOutcomeUnknown, fail(ctx, "commit", err))
		}
		return 0, fail(ctx, "commit", err)
	}
	if resp.Succeeded {
		return resp.Header.Revision, nil
	}
	current, err := s.failedReads(ctx, p, resp)
	if err != nil {
		return 0, err
	}
	return 0, conflict(b.Conds, current)
}

// failedReads returns the state of every condition key at the revision
// the failed Txn was checked against: from its Else reads, or, when they
// were left out for size, from a second read-only Txn at that revision.
func (s *Store) failedReads(ctx context.Context, p txnPlan, resp *clientv3.TxnResponse) (map[string]store.KV, error) {
	responses := resp.Responses
	if !p.readInElse {
		again, err := s.client.Txn(ctx).Then(s.gets(p.keys, resp.Header.Revision)...).Commit()
		if err != nil {
			return nil, fail(ctx, fmt.Sprintf("a condition failed; reading the current values at revision %d", resp.Header.Revision), err)
		}
		responses = again.Responses
	}
	if len(responses) != len(p.keys) {
		return nil, fmt.Errorf("etcdstore: commit: a condition failed, and etcd answered %d reads for %d keys", len(responses), len(p.keys))
	}
	current := make(map[string]store.KV, len(p.keys))
	for i, k := range p.keys {
		current[k] = s.readResult(k, responses[i])
	}
	return current, nil
}

// readResult is the state of key from one read of a Txn; a missing key
// has only its Key set.
func (s *Store) readResult(key string, r *pb.ResponseOp) store.KV {
	var kvs []*mvccpb.KeyValue
	if rr := r.GetResponseRange(); rr != nil {
		kvs = rr.Kvs
	}
	if len(kvs) == 0 {
		return store.KV{Key: key}
	}
	return s.toKV(kvs[0])
}

// conflict works out which conditions failed from the keys' state at the
// revision they were checked against, as etcd only reports that some
// compare failed.
func conflict(conds []store.Cond, current map[string]store.KV) error {
	ce := &store.ConflictError{}
	for _, c := range conds {
		kv := current[c.Key]
		if holds(c, kv) {
			continue
		}
		ce.Failed = append(ce.Failed, c)
		ce.Current = append(ce.Current, kv)
	}
	if len(ce.Failed) == 0 {
		return errors.New("etcdstore: commit: etcd reported a failed condition, but every condition holds on the values read with it")
	}
	return ce
}

// holds evaluates c on kv the way etcd evaluates the compare it became.
func holds(c store.Cond, kv store.KV) bool {
	switch c.Kind {
	case store.Absent:
		return kv.CreateRevision == 0
	case store.Unchanged:
		return kv.ModRevision == c.Revision
	case store.Exists:
		return kv.CreateRevision > 0
	}
	return false
}
