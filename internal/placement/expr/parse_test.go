package expr

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestParseAccepts(t *testing.T) {
	tests := []struct {
		name      string
		in        string
		wantAttrs []string
		wantTasks bool
	}{
		{"attribute equals", "attribute:ecs.instance-type == t2.small", []string{"ecs.instance-type"}, false},
		{"word operator", "attribute:ecs.instance-type equals t2.small", []string{"ecs.instance-type"}, false},
		{"word operator any case", "attribute:a EQUALS b", []string{"a"}, false},
		{"no spaces around symbol", "attribute:a==b", []string{"a"}, false},
		{"exists", "attribute:ecs.capability.efs exists", []string{"ecs.capability.efs"}, false},
		{"bang exists", "attribute:x !exists", []string{"x"}, false},
		{"bang in any case", "attribute:x !IN [a]", []string{"x"}, false},
		{"not_exists", "attribute:x not_exists", []string{"x"}, false},
		{"in list", "ec2InstanceId in ['i-abcd1234', 'i-wxyx7890']", nil, false},
		{"in list mixed quotes", `ec2InstanceId in [i-1, "i-2" ,'i-3']`, nil, false},
		{"not in", "attribute:ecs.availability-zone !in [us-east-1a]", []string{"ecs.availability-zone"}, false},
		{"not_in glued list", "attribute:az not_in[a,b]", []string{"az"}, false},
		{"regex", "attribute:ecs.instance-type =~ t2.*", []string{"ecs.instance-type"}, false},
		{"quoted regex with group", "attribute:ecs.instance-type =~ 'm5\\.(large|xlarge)'", []string{"ecs.instance-type"}, false},
		{"not matches", "attribute:t !~ g2.*", []string{"t"}, false},
		{"agent connected", "agentConnected == true", nil, false},
		{"agent connected in", "agentConnected in [TRUE, false]", nil, false},
		{"agent version", "agentVersion < 1.14.5", nil, false},
		{"registered with zone", "registeredAt >= 2018-06-18T22:28:28+00:00", nil, false},
		{"registered zulu", "registeredAt < 2018-06-18T22:28:28Z", nil, false},
		{"registered local", "registeredAt != 2018-06-18T22:28:28", nil, false},
		{"registered date", "registeredAt less_than_equal 2018-06-18", nil, false},
		{"running tasks", "runningTasksCount greater_than 3", nil, true},
		{"task group", "task:group == database", nil, true},
		{"not with parens", "not(task:group == database)", nil, true},
		{"bang with parens", "!(task:group == database)", nil, true},
		{"and or", "attribute:a == 1 and attribute:b == 2 or attribute:c exists", []string{"a", "b", "c"}, false},
		{"symbol and or", "attribute:a == 1 && (attribute:b == 2 || attribute:a exists)", []string{"a", "b"}, false},
		{"glued connectives", "attribute:a==1&&attribute:b==2||agentConnected==false", []string{"a", "b"}, false},
		{"nested parens", "((((attribute:a exists))))", []string{"a"}, false},
		{"double negation", "not not attribute:a exists", []string{"a"}, false},
		{"empty quoted value", "attribute:cap == ''", []string{"cap"}, false},
		{"surrounding space", "  \tagentConnected == true\n", nil, false},
		{"value looks like keyword", "attribute:a == and", []string{"a"}, false},
		{"single ampersand in value", "attribute:a == x&y", []string{"a"}, false},
		{"sorted unique attrs", "attribute:z exists and attribute:a exists and attribute:z == 1", []string{"a", "z"}, false},
		{"exactly 2000 characters", "attribute:a == " + strings.Repeat("x", 2000-len("attribute:a == ")), []string{"a"}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e, err := Parse(tc.in)
			if err != nil {
				t.Fatalf("Parse(%q) error %v, want nil", tc.in, err)
			}
			if got := e.Attributes(); !slices.Equal(got, tc.wantAttrs) {
				t.Errorf("Attributes() = %q, want %q", got, tc.wantAttrs)
			}
			if got := e.DependsOnTasks(); got != tc.wantTasks {
				t.Errorf("DependsOnTasks() = %v, want %v", got, tc.wantTasks)
			}
			if got := e.String(); got != tc.in {
				t.Errorf("String() = %q, want %q", got, tc.in)
			}
		})
	}
}

func TestParseRejects(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		wantPos int
		wantMsg string
	}{
		{"empty", "", 0, "empty expression"},
		{"blank", "   ", 3, "empty expression"},
		{"unknown subject", "color == red", 0, `unknown subject "color"`},
		{"subject case", "AgentConnected == true", 0, "unknown subject"},
		{"missing attribute name", "attribute: exists", 10, "missing attribute name"},
		{"colon in attribute name", "attribute:a:b exists", 10, "must not contain ':'"},
		{"missing operator", "attribute:a", 11, "expected operator"},
		{"unknown symbol operator", "attribute:a <> b", 13, `expected value, found "> b"`},
		{"unknown word operator", "attribute:a contains b", 12, `unknown operator "contains"`},
		{"bang unknown", "attribute:a !foo", 12, `unknown operator "!foo"`},
		{"word operator glued", "attribute:a equalsb", 12, `unknown operator "equalsb"`},
		{"missing value", "attribute:a ==", 14, "expected value"},
		{"missing value before paren", "(attribute:a == )", 16, "expected value"},
		{"unterminated quote", "attribute:a == 'abc", 15, "unterminated quoted value"},
		{"trailing garbage", "attribute:a == b c", 17, `unexpected "c"`},
		{"dangling and", "attribute:a exists and", 22, "expected expression"},
		{"dangling or symbol", "attribute:a exists ||", 21, "expected expression"},
		{"unclosed paren", "(attribute:a exists", 0, "unclosed '('"},
		{"stray close", "attribute:a exists)", 18, `unexpected ")"`},
		{"expected close", "(attribute:a exists attribute:b exists)", 20, "expected ')'"},
		{"list without bracket", "ec2InstanceId in i-1", 17, "expected '['"},
		{"empty list", "ec2InstanceId in [ ]", 17, "empty list"},
		{"unterminated list", "ec2InstanceId in [a, b", 22, "unterminated list"},
		{"trailing comma", "ec2InstanceId in [a, ]", 21, "expected value"},
		{"list missing comma", "ec2InstanceId in [a b]", 20, "expected ',' or ']'"},
		{"exists on agentVersion", "agentVersion exists", 13, "operator exists is not supported for agentVersion"},
		{"in on runningTasksCount", "runningTasksCount in [1]", 18, "operator in is not supported"},
		{"greater on ec2InstanceId", "ec2InstanceId > i-1", 14, "operator > is not supported"},
		{"matches on registeredAt", "registeredAt =~ 2018.*", 13, "operator =~ is not supported"},
		{"not_exists on task group", "task:group not_exists", 11, "operator not_exists is not supported"},
		{"less on agentConnected", "agentConnected < true", 15, "not supported"},
		{"bad bool", "agentConnected == yes", 18, "agentConnected needs true or false"},
		{"bad bool in list", "agentConnected in [true, maybe]", 25, "agentConnected needs true or false"},
		{"bad version", "agentVersion > 1.x", 15, "invalid agent version"},
		{"bad date", "registeredAt > 2018-13-01", 15, "invalid date"},
		{"bad count", "runningTasksCount == many", 21, "needs an integer"},
		{"bad regex", "attribute:a =~ 'a(b'", 15, "invalid regular expression: missing closing )"},
		{"regex escaping anchor", "attribute:a =~ 'a)|(b'", 15, "invalid regular expression"},
		{"backreference", `attribute:a =~ '(a)\1'`, 15, "invalid regular expression"},
		{"lookahead", "attribute:a =~ 'a(?=b)'", 15, "invalid regular expression"},
		{"not without operand", "not", 3, "expected expression"},
		{"bang bang exists", "!exists", 1, `unknown subject "exists"`},
		{"too long", strings.Repeat("x", 2001), 2000, "longer than 2000"},
		{"too deep", strings.Repeat("(", 150) + "attribute:a exists" + strings.Repeat(")", 150), 100, "nested too deeply"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e, err := Parse(tc.in)
			if err == nil {
				t.Fatalf("Parse(%q) = %v, want error", tc.in, e)
			}
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Parse(%q) error type %T, want *SyntaxError", tc.in, err)
			}
			if se.Pos != tc.wantPos {
				t.Errorf("Parse(%q) Pos = %d, want %d (%v)", tc.in, se.Pos, tc.wantPos, err)
			}
			if !strings.Contains(se.Msg, tc.wantMsg) {
				t.Errorf("Parse(%q) Msg = %q, want it to contain %q", tc.in, se.Msg, tc.wantMsg)
			}
		})
	}
}

func TestSyntaxErrorMessage(t *testing.T) {
	_, err := Parse("attribute:a")
	want := "invalid expression at position 11: expected operator"
	if err == nil || err.Error() != want {
		t.Errorf("Parse error = %v, want %q", err, want)
	}
}

func TestLengthCountsCharacters(t *testing.T) {
	// 2000 two-byte characters are within the limit although they take
	// 4000 bytes.
	in := "attribute:a == '" + strings.Repeat("é", 2000-len("attribute:a == ''")) + "'"
	if _, err := Parse(in); err != nil {
		t.Errorf("Parse(2000 characters) error %v, want nil", err)
	}
	_, err := Parse(in + " ")
	var se *SyntaxError
	if !errors.As(err, &se) || se.Pos != len(in) {
		t.Errorf("Parse(2001 characters) error %v, want position %d", err, len(in))
	}
}
