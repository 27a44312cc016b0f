package boltstore

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/berth-io/berth/internal/store"
)

// ErrInUse is returned by Open when another Store, in this process or
// another, holds the file.
var ErrInUse = errors.New("boltstore: data dir in use")

// Defaults for the zero Options.
const (
	DefaultLockTimeout  = time.Second
	DefaultWatchHistory = 100_000
	DefaultMaxGroup     = 128
)

// Options tune a Store. The zero value is the production setting.
type Options struct {
	// NoSync skips fsync on commit. A crash of the machine (not just the
	// process) can then lose acknowledged commits or corrupt the file. For
	// throwaway stores only.
	NoSync bool
	// LockTimeout is how long Open waits for the file lock before failing
	// with ErrInUse. Zero means DefaultLockTimeout.
	LockTimeout time.Duration
	// WatchHistory is how many recent events the watch ring keeps (with
	// their values, so it costs about that many times the average value
	// size in memory). Watch from an older revision, or a watcher that
	// falls this far behind, gets store.ErrCompacted semantics. Zero means
	// DefaultWatchHistory.
	WatchHistory int
	// MaxGroup is the most batches one group-commit transaction applies.
	// Zero means DefaultMaxGroup.
	MaxGroup int
}

func (o Options) withDefaults() Options {
	if o.LockTimeout <= 0 {
		o.LockTimeout = DefaultLockTimeout
	}
	if o.WatchHistory <= 0 {
		o.WatchHistory = DefaultWatchHistory
	}
	if o.MaxGroup <= 0 {
		o.MaxGroup = DefaultMaxGroup
	}
	return o
}

// Store is a store.Store on a bbolt file. It is safe for concurrent use.
type Store struct {
	db      *bolt.DB
	opts    Options
	hub     *hub
	metrics *metrics

	// rev is the revision of the last committed batch that changed
	// something; only the committer writes it.
	rev atomic.Int64

	// mu guards closed; readers and Commit's hand-off hold it shared so
	// that Close waits for them.
	mu     sync.RWMutex
	closed bool

	reqs          chan *commitReq
	committerDone chan struct{}
}

var (
	_ store.Store     = (*Store)(nil)
	_ store.Compactor = (*Store)(nil)
)

// Open opens the bbolt file at path, creating it (mode 0600) if needed and
// bringing its layout up to date. The file stays locked until Close.
func Open(path string, opts Options) (*Store, error) {
	opts = opts.withDefaults()
	db, err := bolt.Open(path, 0o600, &bolt.Options{
		Timeout: opts.LockTimeout,
		NoSync:  opts.NoSync,
		// The free list is written with every commit, so Open reads it
		// instead of walking every page of the file to rebuild it: 3–6 s
		// per open at 2.3 GB (1,000,000 tasks), for a few KB per commit.
		NoFreelistSync: false,
		FreelistType:   bolt.FreelistMapType,
	})
	if errors.Is(err, bolt.ErrTimeout) {
		return nil, fmt.Errorf("%w: %s is locked by another process (waited %s)", ErrInUse, path, opts.LockTimeout)
	}
	if err != nil {
		return nil, fmt.Errorf("boltstore: open %s: %w", path, err)
	}
	rev, err := prepare(db)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("boltstore: open %s: %w", path, err)
	}
	s := &Store{
		db:            db,
		opts:          opts,
		hub:           newHub(opts.WatchHistory, rev),
		metrics:       newMetrics(),
		reqs:          make(chan *commitReq, opts.MaxGroup),
		committerDone: make(chan struct{}),
	}
	s.rev.Store(rev)
	go s.commitLoop()
	return s, nil
}

// prepare migrates the layout if needed and reads the current revision.
func prepare(db *bolt.DB) (int64, error) {
	need, err := needsMigration(db)
	if err != nil {
		return 0, err
	}
	if need {
		if err := db.Update(func(tx *bolt.Tx) error { return migrateTo(tx, latestSchema()) }); err != nil {
			return 0, err
		}
	}
	var rev int64
	err = db.View(func(tx *bolt.Tx) error {
		rev, err = readRevision(tx)
		return err
	})
	return rev, err
}

// readRevision reads meta/revision.
func readRevision(tx *bolt.Tx) (int64, error) {
	meta := tx.Bucket(bucketMeta)
	if meta == nil {
		return 0, errors.New("boltstore: no meta bucket")
	}
	return decodeUint("revision", meta.Get(keyRevision))
}

// Close stops accepting commits, waits for the ones already handed over to
// be committed, ends every watch and closes the file. Closing twice is a
// no-op.
func (s *Store) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	close(s.reqs)
	s.mu.Unlock()

	<-s.committerDone
	s.hub.close()
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("boltstore: close: %w", err)
	}
	return nil
}

// Path is the file the store is kept in.
func (s *Store) Path() string {
	return s.db.Path()
}
