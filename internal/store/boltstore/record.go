package boltstore

import (
	"encoding/binary"
	"fmt"

	"github.com/berth-io/berth/internal/store"
)

// headerLen is the size of the revision header in front of every value in
// the kv bucket.
const headerLen = 16

// encodeRecord lays out a kv bucket value: CreateRevision, ModRevision,
// value.
func encodeRecord(createRev, modRev int64, value []byte) []byte {
	buf := make([]byte, headerLen+len(value))
	binary.BigEndian.PutUint64(buf[0:8], uint64(createRev))
	binary.BigEndian.PutUint64(buf[8:16], uint64(modRev))
	copy(buf[headerLen:], value)
	return buf
}

// decodeRecord reads a kv bucket value into a KV, copying the value out of
// bbolt's memory (which is only valid during the transaction).
func decodeRecord(key, rec []byte) (store.KV, error) {
	if len(rec) < headerLen {
		return store.KV{}, fmt.Errorf("boltstore: corrupt record for key %q: %d bytes, want at least %d", key, len(rec), headerLen)
	}
	value := make([]byte, len(rec)-headerLen)
	copy(value, rec[headerLen:])
	return store.KV{
		Key:            string(key),
		Value:          value,
		CreateRevision: int64(binary.BigEndian.Uint64(rec[0:8])),
		ModRevision:    int64(binary.BigEndian.Uint64(rec[8:16])),
	}, nil
}

// revisionsOf reads only the header of a kv bucket value.
func revisionsOf(key, rec []byte) (createRev, modRev int64, err error) {
	if len(rec) < headerLen {
		return 0, 0, fmt.Errorf("boltstore: corrupt record for key %q: %d bytes, want at least %d", key, len(rec), headerLen)
	}
	return int64(binary.BigEndian.Uint64(rec[0:8])), int64(binary.BigEndian.Uint64(rec[8:16])), nil
}

func encodeUint(v int64) []byte {
	return binary.BigEndian.AppendUint64(nil, uint64(v))
}

func decodeUint(name string, b []byte) (int64, error) {
	if len(b) != 8 {
		return 0, fmt.Errorf("boltstore: corrupt meta %s: %d bytes, want 8", name, len(b))
	}
	return int64(binary.BigEndian.Uint64(b)), nil
}
