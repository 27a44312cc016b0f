package control

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/berth-io/berth/internal/ecsmodel"
	"github.com/berth-io/berth/internal/store"
)

// The helpers below move records between the store and their Go types.
// Store and decoding failures are wrapped plain errors: the API edge turns
// any error that is not an *ecs.Error into a ServerException.

// decode unmarshals a stored record.
func decode[T any](kv store.KV) (*T, error) {
	v := new(T)
	if err := json.Unmarshal(kv.Value, v); err != nil {
		return nil, fmt.Errorf("control: decode %s: %w", kv.Key, err)
	}
	return v, nil
}

// encode marshals a record for the store, as json.Marshal writes it. Records
// that write their own JSON (the task record, the ecsmodel shapes) skip
// encoding/json's reflection.
func encode(key string, v any) ([]byte, error) {
	if a, ok := v.(ecsmodel.JSONAppender); ok {
		return marshalAppender(a), nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("control: encode %s: %w", key, err)
	}
	return b, nil
}

// txGet reads and decodes key inside an Update; ok is false when absent.
func txGet[T any](tx *store.Tx, key string) (*T, bool, error) {
	kv, ok, err := tx.Get(key)
	if err != nil || !ok {
		return nil, false, err
	}
	v, err := decode[T](kv)
	return v, err == nil, err
}

// txPut encodes v and buffers its write at key.
func txPut(tx *store.Tx, key string, v any) error {
	b, err := encode(key, v)
	if err != nil {
		return err
	}
	tx.Put(key, b)
	return nil
}

// get reads and decodes key outside a transaction.
func get[T any](ctx context.Context, st store.Store, key string) (*T, bool, error) {
	kv, ok, err := st.Get(ctx, key)
	if err != nil || !ok {
		return nil, false, err
	}
	v, err := decode[T](kv)
	return v, err == nil, err
}

// listAll reads every key under prefix in pages, so that one call never
// materialises more than listPage values at a time from the backend.
func listAll(ctx context.Context, st store.Store, prefix string) ([]store.KV, error) {
	var all []store.KV
	after := ""
	for {
		kvs, _, err := st.List(ctx, prefix, store.ListOptions{StartAfter: after, Limit: listPage})
		if err != nil {
			return nil, err
		}
		all = append(all, kvs...)
		if len(kvs) < listPage {
			return all, nil
		}
		after = kvs[len(kvs)-1].Key
	}
}

// listPage is the page size of listAll and of filtered listings.
const listPage = 500

// update runs fn in a store transaction (store.Update) and keeps ECS errors
// returned by fn as they are.
func (s *Service) update(ctx context.Context, fn func(tx *store.Tx) error) error {
	_, err := store.Update(ctx, s.store, fn)
	return err
}
