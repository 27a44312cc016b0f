// Package storetest is the conformance suite every store.Store backend must
// pass, written once against the contract in package store:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) store.Store {
//			s := openEmptyStore(t)
//			t.Cleanup(func() { s.Close() })
//			return s
//		})
//	}
//
// It covers reads and revisions (create versus mod), GetMany (order,
// absent and repeated keys, more keys than one batch, one snapshot under a
// concurrent writer, refused keys), List with prefixes,
// pagination and revision, every condition kind passing and failing, a
// failed batch writing nothing and reporting current values, the batch
// limits, the Update and View helpers (including N concurrent Updates of
// one counter), and Watch: replay from a revision, live events, resume,
// compaction (through store.Compactor) and ordering.
//
// A new store must be at a revision of at least 1 (etcd starts at 1), since
// Watch reads fromRev 0 as "from now". Beyond that, expectations about
// revisions are relative to the store's revision at the start of each test.
package storetest
