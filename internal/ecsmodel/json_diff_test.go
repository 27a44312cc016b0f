package ecsmodel

import (
	"bytes"
	"reflect"
	"testing"

	"github.com/berth-io/berth/internal/ecsmodel/jsonrand"
)

// diffRounds is how many random values of every shape
// TestAppendJSONMatchesEncodingJSON encodes.
const diffRounds = 300

// TestAppendJSONMatchesEncodingJSON fills every generated shape with random
// values and requires AppendJSON to write exactly what encoding/json writes
// (HTML escaping off). A failure names the shape and the seed that
// reproduces it with jsonrand.New(seed).
func TestAppendJSONMatchesEncodingJSON(t *testing.T) {
	rounds := diffRounds
	if testing.Short() {
		rounds = 30
	}
	for i, zero := range jsonShapes {
		typ := reflect.TypeOf(zero).Elem()
		t.Run(typ.Name(), func(t *testing.T) {
			checkAppendJSON(t, typ.Name(), reflect.New(typ).Interface().(jsonAppender), 0)
			for r := range rounds {
				seed := uint64(i*rounds + r + 1)
				v := reflect.New(typ).Interface().(jsonAppender)
				jsonrand.New(seed).Fill(v)
				if !checkAppendJSON(t, typ.Name(), v, seed) {
					return
				}
			}
		})
	}
}

// TestAppendJSONNil checks that a nil shape is null, as encoding/json
// writes a nil pointer.
func TestAppendJSONNil(t *testing.T) {
	if got := string((*Task)(nil).AppendJSON([]byte("x"))); got != "xnull" {
		t.Errorf("got %s, want xnull", got)
	}
}

// jsonAppender is what every generated shape implements.
type jsonAppender interface{ AppendJSON([]byte) []byte }

// checkAppendJSON compares the AppendJSON of v, appended after a prefix it
// must keep, with encoding/json's output, and reports whether they match.
func checkAppendJSON(t *testing.T, name string, v jsonAppender, seed uint64) bool {
	t.Helper()
	want, err := jsonrand.Marshal(v)
	if err != nil {
		t.Fatalf("shape %s, seed %d: encoding/json: %v", name, seed, err)
	}
	prefix := []byte("[1,")
	got := v.AppendJSON(prefix[:len(prefix):len(prefix)])
	if !bytes.HasPrefix(got, prefix) || !bytes.Equal(got[len(prefix):], want) {
		t.Errorf("shape %s, seed %d:\ngot  %s\nwant %s%s", name, seed, got, prefix, want)
		return false
	}
	return true
}
