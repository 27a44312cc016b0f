package ecsmodel

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// noBound marks a missing min or max in generated range checks.
const noBound = math.MaxFloat64

// ValidationError lists every constraint of the model that a request broke,
// worded as AWS services word them ("1 validation error detected: Value null
// at 'taskDefinition' failed to satisfy constraint: Member must not be null").
type ValidationError struct {
	Problems []string
}

func (e *ValidationError) Error() string {
	noun := "errors"
	if len(e.Problems) == 1 {
		noun = "error"
	}
	return fmt.Sprintf("%d validation %s detected: %s", len(e.Problems), noun, strings.Join(e.Problems, "; "))
}

// validator collects problems; generated validate methods feed it.
type validator struct {
	problems []string
}

func (v *validator) err() error {
	if len(v.problems) == 0 {
		return nil
	}
	return &ValidationError{Problems: v.problems}
}

func (v *validator) addf(value, path, format string, args ...any) {
	v.problems = append(v.problems, fmt.Sprintf("Value %s at '%s' failed to satisfy constraint: ", value, path)+fmt.Sprintf(format, args...))
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	if name == "" {
		return path
	}
	return path + "." + name
}

// member is the path of the i-th element of a list, as AWS writes it (1-based).
func member(path, name string, i int) string {
	return join(path, name) + "." + strconv.Itoa(i+1) + ".member"
}

func (v *validator) required(path, name string, present bool) {
	if !present {
		v.addf("null", join(path, name), "Member must not be null")
	}
}

func (v *validator) enum(path, name, value string, allowed []string) {
	if value == "" {
		return
	}
	for _, a := range allowed {
		if a == value {
			return
		}
	}
	v.addf(quote(value), join(path, name), "Member must satisfy enum value set: [%s]", strings.Join(allowed, ", "))
}

func (v *validator) length(path, name, value string, n int, min, max float64) {
	if value == "" {
		return
	}
	if min != noBound && float64(n) < min {
		v.addf(quote(value), join(path, name), "Member must have length greater than or equal to %s", num(min))
	}
	if max != noBound && float64(n) > max {
		v.addf(quote(value), join(path, name), "Member must have length less than or equal to %s", num(max))
	}
}

func (v *validator) listLength(path, name string, n int, min, max float64) {
	if min != noBound && float64(n) < min {
		v.addf("'["+strconv.Itoa(n)+" items]'", join(path, name), "Member must have length greater than or equal to %s", num(min))
	}
	if max != noBound && float64(n) > max {
		v.addf("'["+strconv.Itoa(n)+" items]'", join(path, name), "Member must have length less than or equal to %s", num(max))
	}
}

func (v *validator) rangeCheck(path, name string, value, min, max float64) {
	if min != noBound && value < min {
		v.addf(quote(num(value)), join(path, name), "Member must have value greater than or equal to %s", num(min))
	}
	if max != noBound && value > max {
		v.addf(quote(num(value)), join(path, name), "Member must have value less than or equal to %s", num(max))
	}
}

func (v *validator) pattern(path, name, value, pattern string) {
	if value == "" {
		return
	}
	if re := patterns[pattern]; re != nil && !re.MatchString(value) {
		v.addf(quote(value), join(path, name), "Member must satisfy regular expression pattern: %s", pattern)
	}
}

func quote(s string) string { return "'" + s + "'" }

func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
