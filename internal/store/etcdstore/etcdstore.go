package etcdstore

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"

	"github.com/berth-io/berth/internal/store"
)

// Defaults for the zero Options.
const (
	// DefaultPrefix is the namespace berth's keys live under.
	DefaultPrefix = "/berth/"
	// DefaultDialTimeout bounds connecting to the cluster, and the first
	// read Open makes to check that it answers.
	DefaultDialTimeout = 5 * time.Second
)

// Keepalive pings on connections the store dials itself, so that a member
// that vanished without closing its connections is noticed in seconds
// rather than when the kernel gives up on the TCP connection.
const (
	keepAliveTime    = 10 * time.Second
	keepAliveTimeout = 5 * time.Second
)

// Options say which cluster to use and where in it.
type Options struct {
	// Endpoints are the client URLs of the cluster's members, such as
	// "http://10.0.0.1:2379" or "unix:///run/etcd.sock". Ignored when
	// Client is set.
	Endpoints []string
	// Prefix is prepended to every key, so that berth can share a cluster
	// with others. Zero means DefaultPrefix. Prefixes of two stores on one
	// cluster must not be prefixes of each other; end them with "/".
	Prefix string
	// DialTimeout bounds connecting and Open's first read. Zero means
	// DefaultDialTimeout.
	DialTimeout time.Duration
	// Client, when set, is used instead of dialing Endpoints: for TLS,
	// authentication or other client settings, or to share one connection
	// with other users (elections, leases). Close leaves it open.
	Client *clientv3.Client
}

// Store is a store.Store on an etcd cluster. It is safe for concurrent use.
type Store struct {
	client    *clientv3.Client
	ownClient bool
	ns        string // Options.Prefix

	// life ends when Close is called, cancelling every call in flight and
	// every watch.
	life    context.Context
	endLife context.CancelFunc

	// mu guards closed; inflight counts the calls and watch pumps that
	// Close waits for.
	mu       sync.Mutex
	closed   bool
	inflight sync.WaitGroup
}

var (
	_ store.Store     = (*Store)(nil)
	_ store.Compactor = (*Store)(nil)
)

// Open connects to the cluster (or takes opts.Client) and reads the
// current revision once, so that an unreachable cluster fails here rather
// than at the first commit.
func Open(ctx context.Context, opts Options) (*Store, error) {
	if opts.Prefix == "" {
		opts.Prefix = DefaultPrefix
	}
	if opts.DialTimeout <= 0 {
		opts.DialTimeout = DefaultDialTimeout
	}
	client, own := opts.Client, false
	if client == nil {
		if len(opts.Endpoints) == 0 {
			return nil, errors.New("etcdstore: no endpoints given")
		}
		var err error
		client, err = clientv3.New(clientv3.Config{
			Endpoints:            opts.Endpoints,
			DialTimeout:          opts.DialTimeout,
			DialKeepAliveTime:    keepAliveTime,
			DialKeepAliveTimeout: keepAliveTimeout,
			// The client logs every failed call at warn level, including
			// the ones Store expects (a compacted revision); Store returns
			// errors instead.
			Logger: zap.NewNop(),
		})
		if err != nil {
			return nil, fmt.Errorf("etcdstore: connect to %s: %w", strings.Join(opts.Endpoints, ","), err)
		}
		own = true
	}
	life, endLife := context.WithCancel(context.Background())
	s := &Store{client: client, ownClient: own, ns: opts.Prefix, life: life, endLife: endLife}

	probeCtx, cancel := context.WithTimeout(ctx, opts.DialTimeout)
	defer cancel()
	if _, err := s.Revision(probeCtx); err != nil {
		s.Close()
		return nil, fmt.Errorf("etcdstore: etcd at %s did not answer: %w", strings.Join(client.Endpoints(), ","), err)
	}
	return s, nil
}

// Prefix is the namespace the store's keys live under.
func (s *Store) Prefix() string {
	return s.ns
}

// Close cancels the calls in flight and ends every watch, waits for them,
// and closes the client if Open dialed it. Closing twice is a no-op.
func (s *Store) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	s.mu.Unlock()

	s.endLife()
	s.inflight.Wait()
	if !s.ownClient {
		return nil
	}
	if err := s.client.Close(); err != nil && !errors.Is(err, context.Canceled) {
		return fmt.Errorf("etcdstore: close: %w", err)
	}
	return nil
}

// begin admits one call: it fails with ErrClosed after Close and with the
// context's error when ctx has ended, and otherwise returns a context that
// also ends when the store closes (its cause is then store.ErrClosed) and
// the function that ends the call.
func (s *Store) begin(ctx context.Context) (context.Context, func(), error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil, nil, store.ErrClosed
	}
	s.inflight.Add(1)
	s.mu.Unlock()

	ctx, cancel := context.WithCancelCause(ctx)
	stop := context.AfterFunc(s.life, func() { cancel(store.ErrClosed) })
	return ctx, func() {
		stop()
		cancel(nil)
		s.inflight.Done()
	}, nil
}

// fail wraps err from a call made with ctx (from begin): ErrClosed when
// Close cut the call short, the context's error when the caller's context
// ended, err itself otherwise.
func fail(ctx context.Context, what string, err error) error {
	cause := context.Cause(ctx)
	switch {
	case errors.Is(cause, store.ErrClosed):
		return fmt.Errorf("etcdstore: %s: %w", what, store.ErrClosed)
	case cause != nil && !errors.Is(err, cause):
		return fmt.Errorf("etcdstore: %s: %w (%w)", what, cause, err)
	}
	return fmt.Errorf("etcdstore: %s: %w", what, err)
}

// key is the etcd key of a store key.
func (s *Store) key(k string) string {
	return s.ns + k
}

// storeKey is the store key of an etcd key under the namespace.
func (s *Store) storeKey(k []byte) string {
	return strings.TrimPrefix(string(k), s.ns)
}
