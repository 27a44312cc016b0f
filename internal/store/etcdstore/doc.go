// Package etcdstore implements store.Store on an etcd v3 cluster: the
// backend for berth installations that outgrow one machine. Every call maps
// to one etcd request, with no state kept in between, so any number of
// berth processes can share one cluster.
//
// # Mapping
//
//   - Keys live under Options.Prefix (default "/berth/"): store key k is
//     etcd key Prefix+k. Values and revisions are etcd's own, so
//     CreateRevision and ModRevision are the key's etcd revisions.
//   - Get and List are linearizable Ranges. List ranges over the prefix
//     from just after StartAfter with Limit, and returns the Range's header
//     revision. Revision is the header of a count-only Range of one key.
//   - GetMany reads its keys in Txns of at most 128 Gets, the later ones
//     pinned to the first one's revision, so the answer is one snapshot.
//   - Commit sends one batch as one Txn. Conditions become compares
//     (Absent: CreateRevision == 0; Unchanged r: ModRevision == r, which a
//     missing key meets only for r == 0; Exists: CreateRevision > 0), the
//     operations become the Then branch in order, and the Else branch reads
//     every condition key. When the Txn fails, Commit evaluates the
//     conditions on those reads, taken at the revision the compares saw,
//     and returns a *store.ConflictError naming the failed ones with their
//     keys' values, with no further round trip. (For a batch whose
//     condition keys are so long that repeating them would take the
//     request past etcd's 1.5 MiB limit, the reads are left out and made by
//     a second read-only Txn at the failed Txn's revision.) A Txn that
//     changes nothing does not raise etcd's revision, as the contract asks.
//     store.Batch.Check enforces etcd's limits before anything is sent: 128
//     compares and 128 operations (--max-txn-ops), each key written once.
//   - Watch is an etcd watch WithPrefix from fromRev+1, WithRequireLeader.
//     See Store.Watch for how compaction is reported.
//   - Compact is etcd's compaction. etcd keeps every revision until it is
//     compacted, so the server must call it periodically (kube-apiserver
//     compacts every 5 minutes).
//
// # Revisions are the cluster's
//
// The store revision is etcd's cluster-wide revision. Writes outside the
// prefix (other applications, or another berth under a different prefix)
// raise it too, so revisions of one store are increasing but not
// consecutive, and Compact trims the history of the whole cluster.
//
// # Ambiguous outcomes
//
// A Commit whose connection drops, whose deadline passes or whose context
// ends while the Txn is in flight may or may not have been applied, and
// etcd's client does not retry it. Commit then returns an error matching
// ErrOutcomeUnknown (and, through wrapping, its cause: a context error,
// store.ErrClosed, or etcd's). Errors for which etcd proves that nothing
// was written (an invalid or oversized request, the space quota, missing
// permission) and conflicts are never ambiguous. A batch without
// operations only reads and is never ambiguous either.
//
// The caller resolves an unknown outcome by reading a key that only the
// batch in question creates, before retrying it. For RunTask that is the
// clientToken record, which the commit creates under an Absent condition:
// if it exists and names the caller's tasks, the commit happened and the
// caller answers with those tasks; if it is absent, the commit did not
// happen (a Txn is atomic) and the caller may plan and commit again, with
// the same Absent condition guarding against a late duplicate. A batch
// with no such key should carry one, or be written so that applying it
// twice is harmless.
//
// # Close
//
// Close cancels every call in flight and every watch, and closes the
// client if Open dialed it; an Options.Client passed in is left open.
//
// # Tests
//
// The tests start one embedded etcd member (go.etcd.io/etcd/server/v3/embed,
// a test-only dependency) per test binary, on unix sockets in a temporary
// directory, and give each test its own Prefix. They run storetest's
// conformance suite and etcd-specific cases. A fault test against a real
// three-member cluster of Debian's etcd (apt-get install etcd-server) on
// loopback, which kills the leader during commits, sits behind a build tag:
//
//	go test -tags etcdcluster -run TestCluster -v ./internal/store/etcdstore/
//
// It looks for the etcd binary in $ETCD_BIN, then on $PATH, and skips when
// there is none.
package etcdstore
