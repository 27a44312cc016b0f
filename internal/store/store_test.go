package store_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/berth-io/berth/internal/store"
)

func opsN(n int) []store.Op {
	ops := make([]store.Op, n)
	for i := range ops {
		ops[i] = store.Op{Key: "k/" + strings.Repeat("x", i+1)}
	}
	return ops
}

func condsN(n int) []store.Cond {
	conds := make([]store.Cond, n)
	for i := range conds {
		conds[i] = store.Cond{Key: "c/" + strings.Repeat("x", i+1)}
	}
	return conds
}

func TestBatchCheck(t *testing.T) {
	tests := []struct {
		name    string
		batch   store.Batch
		wantErr error // nil means valid
	}{
		{"empty", store.Batch{}, nil},
		{"limits reached", store.Batch{Conds: condsN(store.MaxOps), Ops: opsN(store.MaxOps)}, nil},
		{"same key in a condition and an op", store.Batch{Conds: []store.Cond{{Key: "a"}}, Ops: []store.Op{{Key: "a"}}}, nil},
		{"too many ops", store.Batch{Ops: opsN(store.MaxOps + 1)}, store.ErrTooManyOps},
		{"too many conditions", store.Batch{Conds: condsN(store.MaxOps + 1)}, store.ErrTooManyOps},
		{"duplicate op key", store.Batch{Ops: []store.Op{{Key: "a"}, {Key: "a", Delete: true}}}, store.ErrDuplicateKey},
		{"empty op key", store.Batch{Ops: []store.Op{{Key: ""}}}, store.ErrInvalidKey},
		{"empty condition key", store.Batch{Conds: []store.Cond{{Key: ""}}}, store.ErrInvalidKey},
		{"key at the size limit", store.Batch{Ops: []store.Op{{Key: strings.Repeat("k", store.MaxKeyBytes)}}}, nil},
		{"key past the size limit", store.Batch{Ops: []store.Op{{Key: strings.Repeat("k", store.MaxKeyBytes+1)}}}, store.ErrInvalidKey},
		{"values at the size limit", store.Batch{Ops: []store.Op{{Key: "a", Value: make([]byte, store.MaxBatchBytes-1)}}}, nil},
		{"values past the size limit", store.Batch{Ops: []store.Op{{Key: "a", Value: make([]byte, store.MaxBatchBytes)}}}, store.ErrBatchTooLarge},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.batch.Check()
			if tc.wantErr == nil && err != nil {
				t.Fatalf("Check() = %v, want nil", err)
			}
			if tc.wantErr != nil && !errors.Is(err, tc.wantErr) {
				t.Fatalf("Check() = %v, want %v", err, tc.wantErr)
			}
		})
	}
}

func TestBatchCheckUnknownCondKind(t *testing.T) {
	b := store.Batch{Conds: []store.Cond{{Key: "a", Kind: store.Exists + 1}}}
	if err := b.Check(); err == nil || !strings.Contains(err.Error(), "unknown kind") {
		t.Fatalf("Check() = %v, want an unknown kind error", err)
	}
}
