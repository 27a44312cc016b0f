package cli

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestParseShorthand(t *testing.T) {
	tests := []struct {
		in   string
		want string // JSON
	}{
		{"type=spread,field=attribute:ecs.availability-zone", `{"type":"spread","field":"attribute:ecs.availability-zone"}`},
		{"key=k,value=v", `{"key":"k","value":"v"}`},
		{"awsvpcConfiguration={subnets=[a,b],securityGroups=[c],assignPublicIp=ENABLED}",
			`{"awsvpcConfiguration":{"subnets":["a","b"],"securityGroups":["c"],"assignPublicIp":"ENABLED"}}`},
		{"subnets=a,b,assignPublicIp=DISABLED", `{"subnets":["a","b"],"assignPublicIp":"DISABLED"}`},
		{"key=a b,value= spaced  ", `{"key":"a b","value":"spaced"}`},
		{`key="a,b",value='x=y'`, `{"key":"a,b","value":"x=y"}`},
		{`key=a\,b,value=c`, `{"key":"a,b","value":"c"}`},
		{"key=a=b,value=c", `{"key":"a=b","value":"c"}`},
		{"key=a,value=", `{"key":"a","value":""}`},
		{"expression=attribute:ecs.instance-type =~ t2.*,type=memberOf", `{"expression":"attribute:ecs.instance-type =~ t2.*","type":"memberOf"}`},
		{"containerOverrides=[{name=a},{name=b}]", `{"containerOverrides":[{"name":"a"},{"name":"b"}]}`},
		{"containerOverrides=[]", `{"containerOverrides":[]}`},
		{"containerOverrides=[{name=a,command=[],environment=[{name=K,value=V}]}],cpu=1",
			`{"containerOverrides":[{"name":"a","command":[],"environment":[{"name":"K","value":"V"}]}],"cpu":"1"}`},
		{`containerOverrides=[{name="a\"b",command=["x,y",'z']}]`, `{"containerOverrides":[{"name":"a\"b","command":["x,y","z"]}]}`},
		{"m={}", `{"m":{}}`},
		{"a=[[x,y],[z]]", `{"a":[["x","y"],["z"]]}`},
		{" key = a , value = b ", `{"key":"a","value":"b"}`},
	}
	for _, tt := range tests {
		got, err := parseShorthand(tt.in)
		if err != nil {
			t.Errorf("parseShorthand(%q): got error %v, want %s", tt.in, err, tt.want)
			continue
		}
		var want map[string]any
		if err := json.Unmarshal([]byte(tt.want), &want); err != nil {
			t.Fatal(err)
		}
		if g, w := mustJSON(t, got), mustJSON(t, want); g != w {
			t.Errorf("parseShorthand(%q): got %s, want %s", tt.in, g, w)
		}
	}
}

func TestParseShorthandErrors(t *testing.T) {
	tests := []struct {
		in       string
		expected string
		received string
		pos      int
	}{
		{"awsvpcConfiguration={subnets=[a,b]", "}", "EOF", 34},
		{"key", "=", "EOF", 3},
		{"key=a,value=b,", "key", "EOF", 14},
		{"=a", "key", "=", 0},
		{"awsvpcConfiguration={subnets=a,b,securityGroups=c}", "=", ",", 32},
		{"a=[x,y", "]", "EOF", 6},
		{`a="unterminated`, `"`, "EOF", 15},
		{`a="x"y`, ",", "y", 5},
	}
	for _, tt := range tests {
		_, err := parseShorthand(tt.in)
		se, ok := err.(*shorthandError)
		if !ok {
			t.Errorf("parseShorthand(%q): got %v, want a shorthand syntax error", tt.in, err)
			continue
		}
		if se.expected != tt.expected || se.received != tt.received || se.pos != tt.pos {
			t.Errorf("parseShorthand(%q): got expected %q received %q at %d, want %q %q at %d", tt.in, se.expected, se.received, se.pos, tt.expected, tt.received, tt.pos)
		}
		lines := strings.Split(se.Error(), "\n")
		if len(lines) != 3 || lines[1] != tt.in || lines[2] != strings.Repeat(" ", tt.pos)+"^" {
			t.Errorf("parseShorthand(%q) message: got %q, want the input and a caret under position %d", tt.in, se.Error(), tt.pos)
		}
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
