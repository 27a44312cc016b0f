package expr

import (
	"errors"
	"testing"
)

// FuzzParse checks that Parse never panics, that every error is a
// *SyntaxError with a position inside the input, and that evaluating any
// accepted expression is deterministic. The seed corpus is in
// testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	f.Add("attribute:ecs.instance-type =~ t2.*")
	f.Add("not(task:group == database) and agentVersion >= 1.14.5")
	targets := []*box{
		target(withAttr("ecs.instance-type", "t2.micro"), withAttr("n", "5"), withGroup("database", 1)),
		target(withDisconnected(), withVersion("x"), withAttr("ecs.capability.efs", "")),
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := Parse(s)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Parse(%q) error type %T, want *SyntaxError", s, err)
			}
			if se.Pos < 0 || se.Pos > len(s) {
				t.Fatalf("Parse(%q) Pos = %d, want within [0, %d]", s, se.Pos, len(s))
			}
			return
		}
		for _, tg := range targets {
			if a, b := e.Eval(tg), e.Eval(tg); a != b {
				t.Fatalf("Eval(%q) = %v then %v, want the same", s, a, b)
			}
		}
		if _, err := Parse(e.String()); err != nil {
			t.Fatalf("Parse(String()) of %q error %v, want nil", s, err)
		}
	})
}
