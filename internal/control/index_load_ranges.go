package control

import (
	"context"
	"sort"
	"strings"

	"github.com/berth-io/berth/internal/store"
)

// listRanges cuts the keys under prefix into up to n ranges of about
// equal width, for listers to read at once: range i holds the keys after
// cuts[i-1] (from the first, for i = 0) up to and including cuts[i] (to
// the last, for the last range). Past the prefix the keys share, the next
// few bytes of a key are read as a number (keyDigits), and the numbers
// between the first and the last key are cut evenly: task ids begin with
// their creation time, so that cuts a cluster's tasks by age. Any cuts
// give the same keys; even ones are faster. It takes about 60 Lists of
// one key: keys are text, so none holds the byte 0xff and every key that
// starts with s sorts before s+"\xff".
func listRanges(ctx context.Context, st store.Store, prefix string, n int) ([]string, error) {
	kvs, _, err := st.List(ctx, prefix, store.ListOptions{Limit: 1})
	if err != nil || len(kvs) == 0 || n < 2 {
		return nil, err
	}
	first := kvs[0].Key
	var failed error
	beyond := func(k string) bool { // whether a key sorts after k
		if failed != nil {
			return false
		}
		kvs, _, err := st.List(ctx, prefix, store.ListOptions{StartAfter: k, Limit: 1})
		failed = err
		return len(kvs) > 0
	}
	// Every key starts with first[:shared], and some differ in the byte
	// after.
	shared := len(prefix) + sort.Search(len(first)-len(prefix)+1, func(i int) bool {
		return beyond(first[:len(prefix)+i] + "\xff")
	}) - 1
	if shared == len(first) || failed != nil {
		return nil, failed // one key, or keys that all extend the first
	}
	d := digitsOf(first[shared:])
	from := d.value(first[shared:])
	// to is one past the number of the last key's bytes.
	to := from + uint64(sort.Search(int(d.limit()-from), func(i int) bool {
		return !beyond(first[:shared] + d.format(from+uint64(i)))
	}))
	if failed != nil {
		return nil, failed
	}
	var cuts []string
	prev := from
	for j := 1; j < n; j++ {
		v := from + (to-from)/uint64(n)*uint64(j)
		if v > prev && v < to {
			cuts = append(cuts, first[:shared]+d.format(v))
			prev = v
		}
	}
	return cuts, nil
}

// keyDigits reads the first width bytes of a key as a number in base 16
// (lower-case hex digits, as task and instance ids have) or 256.
type keyDigits struct{ base, width int }

const hexDigits = "0123456789abcdef"

// digitsOf picks the digits that s begins with.
func digitsOf(s string) keyDigits {
	hex := keyDigits{base: 16, width: 12}
	for i := range min(len(s), hex.width) {
		if strings.IndexByte(hexDigits, s[i]) < 0 {
			return keyDigits{base: 256, width: 7}
		}
	}
	return hex
}

// limit is one past the greatest number width digits spell.
func (d keyDigits) limit() uint64 {
	v := uint64(1)
	for range d.width {
		v *= uint64(d.base)
	}
	return v
}

// value is the number the first width bytes of s spell, s taken as
// followed by zero digits (and a byte that is not a digit as zero).
func (d keyDigits) value(s string) uint64 {
	var v uint64
	for i := range d.width {
		digit := 0
		if i < len(s) {
			digit = int(s[i])
			if d.base == 16 {
				digit = max(strings.IndexByte(hexDigits, s[i]), 0)
			}
		}
		v = v*uint64(d.base) + uint64(digit)
	}
	return v
}

// format spells v in width digits; the strings sort as the numbers do.
func (d keyDigits) format(v uint64) string {
	b := make([]byte, d.width)
	for i := d.width - 1; i >= 0; i-- {
		digit := v % uint64(d.base)
		v /= uint64(d.base)
		if d.base == 16 {
			b[i] = hexDigits[digit]
		} else {
			b[i] = byte(digit)
		}
	}
	return string(b)
}
