package ecsmodel

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"time"
)

// Time is a model timestamp. On the wire (awsJson1_1) it is a JSON number of
// epoch seconds with millisecond precision, e.g. 1453465153.893. Decoding
// also accepts an RFC 3339 string, which some hand-written clients send.
type Time struct {
	time.Time
}

// NewTime truncates t to milliseconds, the precision the wire carries.
func NewTime(t time.Time) Time { return Time{t.Truncate(time.Millisecond)} }

// IsZero reports whether the timestamp is unset; omitzero fields use it.
func (t *Time) IsZero() bool { return t.Time.IsZero() }

// MarshalJSON writes epoch seconds with three decimals.
func (t Time) MarshalJSON() ([]byte, error) {
	return t.AppendJSON(nil), nil
}

// AppendJSON appends what MarshalJSON writes: epoch seconds with three
// decimals. The generated AppendJSON methods of the shapes call it.
func (t Time) AppendJSON(b []byte) []byte {
	return strconv.AppendFloat(b, float64(t.UnixMilli())/1000, 'f', 3, 64)
}

// UnmarshalJSON reads epoch seconds (a number) or an RFC 3339 string.
func (t *Time) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		*t = Time{}
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		s, err := strconv.Unquote(string(b))
		if err != nil {
			return fmt.Errorf("timestamp: %w", err)
		}
		parsed, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return fmt.Errorf("timestamp %q is neither epoch seconds nor RFC 3339", s)
		}
		*t = NewTime(parsed)
		return nil
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return fmt.Errorf("timestamp %s is not a number of epoch seconds", b)
	}
	sec, frac := math.Modf(f)
	*t = NewTime(time.Unix(int64(sec), int64(math.Round(frac*1e3))*int64(time.Millisecond)).UTC())
	return nil
}
