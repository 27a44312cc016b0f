package control

import (
	"context"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/berth-io/berth/internal/ecs"
	"github.com/berth-io/berth/internal/ecsmodel"
	"github.com/berth-io/berth/internal/store"
)

// Tag limits of ECS.
const (
	maxTags        = 50
	maxTagKeyLen   = 128
	maxTagValueLen = 256
)

// validateTags applies ECS's tag rules to tags given in one request: at
// most 50, keys 1..128 and values 0..256 characters of letters, digits,
// spaces and _ . : / = + - @, keys unique, and no key starting with "aws:"
// in any case (reserved for AWS). Every violation is an
// InvalidParameterException.
func validateTags(tags []ecsmodel.Tag) error {
	if len(tags) > maxTags {
		return ecs.InvalidParameter("Too many tags: %d, the limit is %d per resource.", len(tags), maxTags)
	}
	seen := make(map[string]struct{}, len(tags))
	for _, t := range tags {
		if err := validateTagKey(t.Key); err != nil {
			return err
		}
		if n := utf8.RuneCountInString(t.Value); n > maxTagValueLen || !tagChars(t.Value) {
			return ecs.InvalidParameter("Invalid value for tag %q: up to %d letters, digits, spaces and _ . : / = + - @ are allowed.", t.Key, maxTagValueLen)
		}
		if _, dup := seen[t.Key]; dup {
			return ecs.InvalidParameter("Duplicate tag key %q.", t.Key)
		}
		seen[t.Key] = struct{}{}
	}
	return nil
}

// validateTagKey checks one tag key.
func validateTagKey(key string) error {
	if n := utf8.RuneCountInString(key); n < 1 || n > maxTagKeyLen || !tagChars(key) {
		return ecs.InvalidParameter("Invalid tag key %q: 1 to %d letters, digits, spaces and _ . : / = + - @ are allowed.", key, maxTagKeyLen)
	}
	if len(key) >= 4 && strings.EqualFold(key[:4], "aws:") {
		return ecs.InvalidParameter("Tag keys that start with 'aws:' are reserved for AWS use: %q.", key)
	}
	return nil
}

// tagChars reports whether s matches the model's tag pattern
// [\p{L}\p{Z}\p{N}_.:/=+\-@]*.
func tagChars(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.Is(unicode.Z, r) || unicode.IsNumber(r) || strings.ContainsRune("_.:/=+-@", r) {
			continue
		}
		return false
	}
	return true
}

// loadTags reads the tags stored at key (none when absent).
func loadTags(ctx context.Context, st store.Store, key string) ([]ecsmodel.Tag, error) {
	rec, ok, err := get[tagsRecord](ctx, st, key)
	if err != nil || !ok {
		return nil, err
	}
	return rec.Tags, nil
}

// txLoadTags reads the tags stored at key inside a transaction.
func txLoadTags(tx *store.Tx, key string) ([]ecsmodel.Tag, error) {
	rec, ok, err := txGet[tagsRecord](tx, key)
	if err != nil || !ok {
		return nil, err
	}
	return rec.Tags, nil
}

// txStoreTags writes tags at key, deleting the key when there are none.
func txStoreTags(tx *store.Tx, key string, tags []ecsmodel.Tag) error {
	if len(tags) == 0 {
		tx.Delete(key)
		return nil
	}
	return txPut(tx, key, tagsRecord{Tags: tags})
}

// mergeTags returns existing with each of add set, keeping the order of
// first appearance.
func mergeTags(existing, add []ecsmodel.Tag) []ecsmodel.Tag {
	out := append([]ecsmodel.Tag(nil), existing...)
	for _, t := range add {
		replaced := false
		for i := range out {
			if out[i].Key == t.Key {
				out[i].Value = t.Value
				replaced = true
				break
			}
		}
		if !replaced {
			out = append(out, t)
		}
	}
	return out
}

// nonNilTags makes an absent tag list an empty one, which the wire shows as
// "tags": [] as ECS does.
func nonNilTags(tags []ecsmodel.Tag) []ecsmodel.Tag {
	if tags == nil {
		return []ecsmodel.Tag{}
	}
	return tags
}
