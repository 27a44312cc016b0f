package cli

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestPyNumber(t *testing.T) {
	// Expected values are what Python prints for json.loads of the literal.
	tests := []struct {
		in   any
		want string
	}{
		{json.Number("0"), "0"},
		{json.Number("2048"), "2048"},
		{json.Number("-7"), "-7"},
		{json.Number("0.0"), "0.0"},
		{json.Number("1453465153.893"), "1453465153.893"},
		{json.Number("2.50"), "2.5"},
		{json.Number("1e17"), "1e+17"},
		{json.Number("1E-5"), "1e-05"},
		{json.Number("0.0001"), "0.0001"},
		{json.Number("123456789012345.6"), "123456789012345.6"},
		{json.Number("1e16"), "1e+16"},
		{json.Number("1e15"), "1000000000000000.0"},
		{json.Number("-1.5e-7"), "-1.5e-07"},
		{json.Number("1.2345e+20"), "1.2345e+20"},
		{float64(3), "3"},
		{float64(0.25), "0.25"},
		{float64(1e-5), "1e-05"},
	}
	for _, tt := range tests {
		if got := pyNumber(tt.in); got != tt.want {
			t.Errorf("pyNumber(%v): got %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestFormatJSON(t *testing.T) {
	order := make(keyOrder)
	inner := map[string]any{"z": json.Number("1"), "a": true}
	order.record(inner, []string{"z", "a"})
	v := map[string]any{
		"name":  "a\"b\\c\n\té<>&\u2028",
		"list":  []any{"x", json.Number("0.0"), nil},
		"empty": []any{},
		"obj":   map[string]any{},
		"inner": inner,
	}
	order.record(v, []string{"name", "list", "empty", "obj", "inner"})
	want := `{
    "name": "a\"b\\c\n\té<>&` + "\u2028" + `",
    "list": [
        "x",
        0.0,
        null
    ],
    "empty": [],
    "obj": {},
    "inner": {
        "z": 1,
        "a": true
    }
}
`
	if got := string(formatJSON(v, order)); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	// Without a recorded order, keys are sorted.
	if got, want := string(formatJSON(map[string]any{"b": "1", "a": "2"}, nil)), "{\n    \"a\": \"2\",\n    \"b\": \"1\"\n}\n"; got != want {
		t.Errorf("unordered object: got %q, want %q", got, want)
	}
}

func TestIsoTime(t *testing.T) {
	est := time.FixedZone("", -5*3600)
	tests := []struct {
		in   time.Time
		want string
	}{
		{time.Date(2016, 1, 22, 12, 19, 13, 893000000, time.UTC), "2016-01-22T12:19:13.893000+00:00"},
		{time.Date(2016, 1, 22, 12, 19, 13, 0, time.UTC), "2016-01-22T12:19:13+00:00"},
		{time.Date(2016, 1, 22, 7, 19, 13, 5000, est), "2016-01-22T07:19:13.000005-05:00"},
	}
	for _, tt := range tests {
		if got := isoTime(tt.in); got != tt.want {
			t.Errorf("isoTime(%v): got %q, want %q", tt.in, got, tt.want)
		}
	}
}

// runTaskResponse is a RunTask answer as a server writes it, with a member
// the model does not know and members out of model order.
const runTaskResponse = `{"failures":[],"tasks":[{"unknownMember":1,"taskArn":"arn:aws:ecs:us-east-1:123:task/default/abc","lastStatus":"PENDING","createdAt":1453465153.893,"startedAt":1453465153,"clusterArn":"arn:aws:ecs:us-east-1:123:cluster/default","version":1,"enableExecuteCommand":false,"containers":[{"lastStatus":"PENDING","name":"sleep","exitCode":null}],"overrides":{"containerOverrides":[{"name":"sleep"}]}}]}`

func shapedRunTask(t *testing.T) (any, keyOrder) {
	t.Helper()
	raw, err := decodeResponse([]byte(runTaskResponse))
	if err != nil {
		t.Fatal(err)
	}
	sh := newShaper(time.UTC)
	return sh.shape("RunTaskResponse", raw), sh.order
}

func TestShapeResponseJSON(t *testing.T) {
	v, order := shapedRunTask(t)
	want := `{
    "tasks": [
        {
            "clusterArn": "arn:aws:ecs:us-east-1:123:cluster/default",
            "containers": [
                {
                    "name": "sleep",
                    "lastStatus": "PENDING"
                }
            ],
            "createdAt": "2016-01-22T12:19:13.893000+00:00",
            "enableExecuteCommand": false,
            "lastStatus": "PENDING",
            "overrides": {
                "containerOverrides": [
                    {
                        "name": "sleep"
                    }
                ]
            },
            "startedAt": "2016-01-22T12:19:13+00:00",
            "taskArn": "arn:aws:ecs:us-east-1:123:task/default/abc",
            "version": 1
        }
    ],
    "failures": []
}
`
	got, err := render(outputOptions{format: "json"}, v, order)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestRenderQueryAndFormats(t *testing.T) {
	tests := []struct {
		name   string
		format string
		query  string
		want   string
	}{
		{"json query scalar", "json", "tasks[0].lastStatus", "\"PENDING\"\n"},
		{"json query keeps model order", "json", "tasks[0].containers[0]", "{\n    \"name\": \"sleep\",\n    \"lastStatus\": \"PENDING\"\n}\n"},
		{"json query number", "json", "tasks[0].version", "1\n"},
		{"json query no match", "json", "tasks[0].nothing", "null\n"},
		{"json filter", "json", "length(tasks[?lastStatus=='PENDING'])", "1\n"},
		{"text query list", "text", "tasks[].[taskArn,lastStatus]", "arn:aws:ecs:us-east-1:123:task/default/abc\tPENDING\n"},
		{"text whole response", "text", "", "TASKS\tarn:aws:ecs:us-east-1:123:cluster/default\t2016-01-22T12:19:13.893000+00:00\tFalse\tPENDING\t2016-01-22T12:19:13+00:00\tarn:aws:ecs:us-east-1:123:task/default/abc\t1\nCONTAINERS\tPENDING\tsleep\nCONTAINEROVERRIDES\tsleep\n"},
		{"text scalar", "text", "tasks[0].enableExecuteCommand", "False\n"},
		{"table query object", "table", "tasks[0].containers[0]", "--------------------------\n|         RunTask        |\n+--------------+---------+\n| lastStatus   |  name   |\n+--------------+---------+\n|  PENDING     |  sleep  |\n+--------------+---------+\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, order := shapedRunTask(t)
			q, err := compileQuery(tt.query)
			if err != nil {
				t.Fatal(err)
			}
			got, err := render(outputOptions{format: tt.format, query: q, title: "RunTask", width: 80}, v, order)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("got\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}

func TestRenderEmptyResponsePrintsNothing(t *testing.T) {
	for _, format := range []string{"json", "text", "table"} {
		got, err := render(outputOptions{format: format, title: "X", width: 80}, map[string]any{}, nil)
		if err != nil || len(got) != 0 {
			t.Errorf("%s: got %q, %v; want nothing", format, got, err)
		}
	}
}

func TestCompileQueryRejectsBadExpression(t *testing.T) {
	_, err := compileQuery("tasks[")
	if err == nil || exitCode(err) != exitUsage || !strings.Contains(err.Error(), "Bad value for --query tasks[") {
		t.Errorf("got %v, want a usage error naming the query", err)
	}
}

func TestFormatTextListsOfObjects(t *testing.T) {
	// Objects in a list share the union of their scalar keys as columns.
	v := map[string]any{"failures": []any{
		map[string]any{"arn": "a1", "reason": "MISSING"},
		map[string]any{"arn": "a2", "detail": "d"},
	}, "clusterArns": []any{"c1", "c2"}}
	want := "CLUSTERARNS\tc1\nCLUSTERARNS\tc2\nFAILURES\ta1\t\tMISSING\nFAILURES\ta2\td\t\n"
	if got := string(formatText(v)); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestFormatTableVerticalWhenTooWide(t *testing.T) {
	v := map[string]any{"failures": []any{map[string]any{"arn": strings.Repeat("x", 60), "reason": "MISSING", "detail": "some detail"}}}
	narrow := string(formatTable("RunTask", v, 60))
	wide := string(formatTable("RunTask", v, 200))
	if !strings.Contains(narrow, "|  reason  ") || strings.Contains(narrow, "| reason |") {
		t.Errorf("narrow table: got\n%s\nwant key/value rows", narrow)
	}
	for _, line := range strings.Split(strings.TrimSpace(wide), "\n") {
		if len(line) != len(strings.Split(wide, "\n")[0]) {
			t.Errorf("wide table: line %q is %d wide, want every line as wide as the first", line, len(line))
		}
	}
	if !strings.Contains(wide, " detail ") || !strings.Contains(wide, "  some detail  ") {
		t.Errorf("wide table: got\n%s\nwant a header row and a value row", wide)
	}
}
