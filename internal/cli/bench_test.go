package cli

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func BenchmarkBuildRequestRunTask(b *testing.B) {
	op := newOperationTable()["run-task"]
	args := []string{"--cluster", "default", "--task-definition", "sleep360:1", "--count", "1",
		"--placement-strategy", "type=spread,field=attribute:ecs.availability-zone", "type=binpack,field=memory",
		"--network-configuration", "awsvpcConfiguration={subnets=[a,b],securityGroups=[c],assignPublicIp=ENABLED}",
		"--overrides", `{"containerOverrides":[{"name":"sleep","command":["sleep","60"]}]}`}
	b.ReportAllocs()
	for b.Loop() {
		a, err := parseOpArgs(op, args, false)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := buildRequest(op, a); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRenderDescribeTasks reads and prints a 100-task DescribeTasks answer.
func BenchmarkRenderDescribeTasks(b *testing.B) {
	var tasks []string
	for i := range 100 {
		tasks = append(tasks, fmt.Sprintf(`{"taskArn":"arn:aws:ecs:us-east-1:1:task/c/%032d","lastStatus":"RUNNING","createdAt":1453465153.893,"containers":[{"name":"web","lastStatus":"RUNNING","networkBindings":[{"hostPort":%d,"containerPort":80}]}],"version":3}`, i, 30000+i))
	}
	raw := []byte(`{"tasks":[` + strings.Join(tasks, ",") + `],"failures":[]}`)
	for _, format := range []string{"json", "text", "table"} {
		b.Run(format, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(raw)))
			for b.Loop() {
				resp, err := decodeResponse(raw)
				if err != nil {
					b.Fatal(err)
				}
				sh := newShaper(time.UTC)
				if _, err := render(outputOptions{format: format, title: "DescribeTasks", width: 80}, sh.shape("DescribeTasksResponse", resp), sh.order); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
