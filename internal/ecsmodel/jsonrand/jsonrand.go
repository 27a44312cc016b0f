// Package jsonrand fills Go values with random content for differential
// tests of JSON encoders against encoding/json: strings with escapes, HTML
// characters, invalid UTF-8, line separators and non-ASCII text; nil, empty
// and filled slices and maps; nil and set pointers; extreme integers and
// floats (1e21, 1e-7, -0, the largest and smallest); zero and set times.
// The same seed always gives the same value.
package jsonrand

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"time"
)

// Filler fills values from a seeded generator.
type Filler struct {
	rng *rand.Rand
	// MaxDepth is how many pointers, slices and maps deep values are
	// filled; below it they are left nil.
	MaxDepth int
	// Strings, when set, makes every string value (map keys included);
	// fuzz targets use it to put their input everywhere.
	Strings func(*rand.Rand) string
}

// New returns a Filler seeded with seed and a MaxDepth of 6.
func New(seed uint64) *Filler {
	return &Filler{rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), MaxDepth: 6}
}

// Fill sets every exported field reachable from ptr, a non-nil pointer, to
// random values.
func (f *Filler) Fill(ptr any) {
	f.fill(reflect.ValueOf(ptr).Elem(), 0)
}

// Marshal returns what encoding/json writes for v through an Encoder with
// SetEscapeHTML(false), without the trailing newline: the reference the
// AppendJSON methods are held to.
func Marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

var (
	timeType = reflect.TypeFor[time.Time]()
	rawType  = reflect.TypeFor[json.RawMessage]()
)

func (f *Filler) fill(v reflect.Value, depth int) {
	switch {
	case v.Type() == timeType:
		v.Set(reflect.ValueOf(f.time()))
		return
	case v.Type() == rawType:
		if raw := f.raw(); raw != nil {
			v.SetBytes(raw)
		}
		return
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(f.String())
	case reflect.Bool:
		v.SetBool(f.rng.IntN(2) == 1)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(f.int(v.Type().Bits()))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(f.uint(v.Type().Bits()))
	case reflect.Float32, reflect.Float64:
		v.SetFloat(f.Float())
	case reflect.Pointer:
		if depth >= f.MaxDepth || f.rng.IntN(3) == 0 {
			return
		}
		p := reflect.New(v.Type().Elem())
		f.fill(p.Elem(), depth+1)
		v.Set(p)
	case reflect.Slice:
		n := f.length(depth)
		if n < 0 {
			return
		}
		s := reflect.MakeSlice(v.Type(), n, n)
		for i := range n {
			f.fill(s.Index(i), depth+1)
		}
		v.Set(s)
	case reflect.Map:
		n := f.length(depth)
		if n < 0 {
			return
		}
		m := reflect.MakeMapWithSize(v.Type(), n)
		for range n {
			k := reflect.New(v.Type().Key()).Elem()
			f.fill(k, depth+1)
			e := reflect.New(v.Type().Elem()).Elem()
			f.fill(e, depth+1)
			m.SetMapIndex(k, e)
		}
		v.Set(m)
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				f.fill(v.Field(i), depth)
			}
		}
	}
}

// length picks a slice or map length: -1 (nil) a quarter of the time and
// always below MaxDepth, 0 (empty) a quarter of the time, else 1 to 4.
func (f *Filler) length(depth int) int {
	if depth >= f.MaxDepth {
		return -1
	}
	switch n := f.rng.IntN(8); {
	case n < 2:
		return -1
	case n < 4:
		return 0
	default:
		return n - 3 // 1..4
	}
}

// stringParts are the pieces random strings are made of.
var stringParts = []string{
	"a", "task", "arn:aws:ecs:us-east-1:123456789012:task/default/0123", " ", "/", "'",
	"<", ">", "&", "<script>&amp;</script>", `"`, `\`, `\u0041`,
	"\x00", "\x01", "\x1f", "\b", "\f", "\n", "\r", "\t", "\x7f",
	"é", "日本語", "😀", "\u2028", "\u2029", "\ufffd", "\u00a0", "\ufeff",
	"\xff", "\xc3", "\xe2\x80", "\xe2\x80\xa8\xa9", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xc0\xaf",
}

// String returns a random string: empty a fifth of the time, else up to
// five pieces of stringParts or raw random bytes.
func (f *Filler) String() string {
	if f.Strings != nil {
		return f.Strings(f.rng)
	}
	if f.rng.IntN(5) == 0 {
		return ""
	}
	var b strings.Builder
	for range 1 + f.rng.IntN(5) {
		if f.rng.IntN(6) == 0 {
			for range 1 + f.rng.IntN(6) {
				b.WriteByte(byte(f.rng.UintN(256)))
			}
			continue
		}
		b.WriteString(stringParts[f.rng.IntN(len(stringParts))])
	}
	return b.String()
}

// floats are the interesting float64 values: zeros, the edges of
// encoding/json's exponent form (below 1e-6, from 1e21), and extremes.
var floats = []float64{
	0, math.Copysign(0, -1), 1, -1.5, 0.1, 1e20, 1e21, -1e21, 999999999999999999999.0, 123456789012345678901.0,
	1e-6, 1e-7, -1e-7, 9.999999e-7, 1.5e-10, 1e100, 1e-100, 1e300, 123456789.125, 4503599627370497,
	math.MaxFloat64, -math.MaxFloat64, math.SmallestNonzeroFloat64, math.MaxFloat32,
}

// Float returns one of floats half of the time, else a random value with
// a random decimal exponent between -30 and 30. It never returns NaN or an
// infinity, which encoding/json refuses.
func (f *Filler) Float() float64 {
	if f.rng.IntN(2) == 0 {
		return floats[f.rng.IntN(len(floats))]
	}
	return f.rng.NormFloat64() * math.Pow(10, float64(f.rng.IntN(61)-30))
}

// int returns 0, ±1, the extremes of a bits-wide integer or a random one.
func (f *Filler) int(bits int) int64 {
	lo, hi := int64(-1)<<(bits-1), int64(1)<<(bits-1)-1
	switch f.rng.IntN(6) {
	case 0:
		return 0
	case 1:
		return 1 - 2*int64(f.rng.IntN(2))
	case 2:
		return lo
	case 3:
		return hi
	}
	return int64(f.rng.Uint64()) >> (64 - bits)
}

// uint returns 0, 1, the largest bits-wide integer or a random one.
func (f *Filler) uint(bits int) uint64 {
	switch f.rng.IntN(4) {
	case 0:
		return 0
	case 1:
		return 1
	case 2:
		return math.MaxUint64 >> (64 - bits)
	}
	return f.rng.Uint64() >> (64 - bits)
}

// time returns the zero time a quarter of the time, else an instant
// between 1653 and 2286 with a random number of nanoseconds.
func (f *Filler) time() time.Time {
	if f.rng.IntN(4) == 0 {
		return time.Time{}
	}
	return time.Unix(f.rng.Int64N(2e10)-1e10, f.rng.Int64N(1e9)).UTC()
}

// rawDocs are valid JSON documents with blanks to compact, HTML characters
// and raw line separators.
var rawDocs = []string{
	`{}`, `[]`, `null`, `true`, `-0`, `1e-07`, `"<>&"`,
	" { \"a\" : [ 1 , 2.5e3 , \"x<y&z\" ] ,\n\t\"b\" : { } } ",
	"\"raw \u2028 and \u2029\"", "[\"\xff\", \"\\u2028\"]",
}

// raw returns nil a third of the time, else one of rawDocs.
func (f *Filler) raw() json.RawMessage {
	if f.rng.IntN(3) == 0 {
		return nil
	}
	return json.RawMessage(rawDocs[f.rng.IntN(len(rawDocs))])
}
