package control

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/berth-io/berth/internal/ecs"
	"github.com/berth-io/berth/internal/ecsmodel"
	"github.com/berth-io/berth/internal/store"
)

// DefaultCluster is the cluster ECS uses when a request names none; New
// creates it on first start.
const DefaultCluster = "default"

// Config is what a Service needs.
type Config struct {
	// Store holds all state. Required.
	Store store.Store
	// Account is the region and account id written into ARNs. Required.
	Account ecs.Account
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Logger receives operational messages; nil discards them.
	Logger *slog.Logger
	// StoppedTaskRetention is how long a STOPPED task stays describable
	// before the janitor deletes it (DefaultStoppedTaskRetention when 0).
	// ECS keeps stopped tasks visible for at least an hour.
	StoppedTaskRetention time.Duration
	// ClientTokenTTL is how long a RunTask clientToken is remembered
	// (DefaultClientTokenTTL when 0).
	ClientTokenTTL time.Duration
}

// Defaults of Config.
const (
	DefaultStoppedTaskRetention = time.Hour
	DefaultClientTokenTTL       = 24 * time.Hour
)

// Service implements the ECS control-plane operations. Every exported
// method with the shape Op(ctx, *ecsmodel.OpRequest) (*ecsmodel.OpResponse,
// error) is an API operation picked up by ecsmodel.Bind. Methods return
// *ecs.Error for everything the caller did wrong and plain errors for
// failures of berth itself. Whatever a method acknowledges is committed
// (durable) before it returns.
//
// A Service is safe for concurrent use. All its state is in the store,
// except the per-cluster placement index, which New rebuilds from the
// store (see index.go); one Service must be the only writer of its store.
type Service struct {
	store     store.Store
	account   ecs.Account
	now       func() time.Time
	log       *slog.Logger
	retention time.Duration
	tokenTTL  time.Duration
	idx       indexes
	observers observers
	// families serializes the writers of a family's revision record.
	families *keyLocks
	// cache holds decoded task and tag records (DescribeTasks, reports);
	// each Service has its own, since two stores can hold the same key at
	// the same revision.
	cache *taskCache
	// clusters caches decoded cluster records (see clusterCache).
	clusters clusterCache
	// taskDefs caches decoded task definitions and families (see
	// taskDefCache).
	taskDefs *taskDefCache
}

// New returns a Service on cfg.Store, creating the default cluster if the
// store has no cluster of that name yet, and builds the placement index of
// every cluster from the stored instances and tasks.
func New(cfg Config) (*Service, error) {
	if cfg.Store == nil {
		return nil, errors.New("control: Config.Store is required")
	}
	if cfg.Account.Region == "" || cfg.Account.ID == "" {
		return nil, errors.New("control: Config.Account needs a region and an account id")
	}
	s := &Service{store: cfg.Store, account: cfg.Account, now: cfg.Now, log: cfg.Logger,
		retention: cfg.StoppedTaskRetention, tokenTTL: cfg.ClientTokenTTL, families: newKeyLocks(),
		cache: newTaskCache(defaultTaskCacheBytes), taskDefs: newTaskDefCache(defaultTaskDefCacheBytes)}
	if s.retention <= 0 {
		s.retention = DefaultStoppedTaskRetention
	}
	if s.tokenTTL <= 0 {
		s.tokenTTL = DefaultClientTokenTTL
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if err := s.ensureDefaultCluster(context.Background()); err != nil {
		return nil, err
	}
	if err := s.loadIndex(context.Background()); err != nil {
		return nil, err
	}
	return s, nil
}

// ensureDefaultCluster creates the default cluster unless a record of that
// name exists, in whatever status: a deleted default cluster stays deleted.
func (s *Service) ensureDefaultCluster(ctx context.Context) error {
	created := false
	err := s.update(ctx, func(tx *store.Tx) error {
		created = false
		if _, ok, err := tx.Get(clusterKey(DefaultCluster)); err != nil || ok {
			return err
		}
		created = true
		return txPut(tx, clusterKey(DefaultCluster), clusterRecord{Cluster: s.newCluster(DefaultCluster, nil)})
	})
	if err != nil {
		return fmt.Errorf("control: create the default cluster: %w", err)
	}
	if created {
		s.log.Info("created the default cluster", "arn", s.account.ClusterARN(DefaultCluster))
	}
	return nil
}

// timestamp is the current time as a wire timestamp.
func (s *Service) timestamp() ecsmodel.Time { return ecsmodel.NewTime(s.now()) }

// registeredBy is the principal recorded as registeredBy on task
// definitions. berth's edge does not pass the caller identity down yet, so
// this is the account root.
func (s *Service) registeredBy() string {
	return "arn:" + ecs.Partition + ":iam::" + s.account.ID + ":root"
}
