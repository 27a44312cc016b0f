package bench

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/smithy-go"
)

// motoRunTask is a RunTask response the way moto 5 writes it: container
// cpu and memory as numbers.
const motoRunTask = `{"tasks": [{"taskArn": "arn:aws:ecs:us-east-1:123456789012:task/c/1",
 "containers": [{"name": "a", "cpu": 1, "memory": 6, "memoryReservation": 4, "exitCode": 0}],
 "overrides": {"containerOverrides": [{"name": "a", "cpu": 2, "memory": 8}]},
 "lastStatus": "RUNNING"}], "failures": []}`

func TestFixContainerNumbers(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string // "" when the body must come back unchanged
	}{
		{
			name: "moto RunTask",
			in:   motoRunTask,
			// Container fields become strings; containerOverrides, which
			// the model types as integers, and exitCode stay numbers.
			want: `{"failures":[],"tasks":[{"containers":[{"cpu":"1","exitCode":0,"memory":"6","memoryReservation":"4","name":"a"}],` +
				`"lastStatus":"RUNNING","overrides":{"containerOverrides":[{"cpu":2,"memory":8,"name":"a"}]},` +
				`"taskArn":"arn:aws:ecs:us-east-1:123456789012:task/c/1"}]}`,
		},
		{name: "already strings", in: `{"tasks":[{"containers":[{"cpu":"1","memory":"6"}]}]}`},
		{name: "no containers", in: `{"taskArns":["a"],"nextToken":null}`},
		{name: "not JSON", in: `<html>oops</html>`},
		{name: "large numbers keep their digits", in: `{"containers":[{"cpu":12345678901234567890}]}`,
			want: `{"containers":[{"cpu":"12345678901234567890"}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := string(fixContainerNumbers([]byte(tt.in)))
			want := tt.want
			if want == "" {
				want = tt.in
			}
			if got != want {
				t.Errorf("fixContainerNumbers() = %s, want %s", got, want)
			}
		})
	}
}

// TestLenientJSONWithTheSDK serves a moto-style RunTask response over
// loopback HTTP: the SDK rejects it as is, and reads it with the
// middleware, which books its time on the shim timer.
func TestLenientJSONWithTheSDK(t *testing.T) {
	srv := newECSServer(t, map[string]cannedResponse{"RunTask": {200, motoRunTask}})
	in := &ecs.RunTaskInput{TaskDefinition: aws.String("td")}

	_, err := sdkClient(srv.URL, time.Minute).RunTask(context.Background(), in)
	var decodeErr *smithy.DeserializationError
	if !errors.As(err, &decodeErr) {
		t.Fatalf("RunTask without --lenient-json error = %v, want a deserialization error", err)
	}

	lenient := sdkClient(srv.URL, time.Minute, func(o *ecs.Options) { o.APIOptions = append(o.APIOptions, addLenientJSON) })
	var timer shimTimer
	out, err := lenient.RunTask(withShimTimer(context.Background(), &timer), in)
	if err != nil {
		t.Fatalf("RunTask with --lenient-json error = %v, want nil", err)
	}
	if len(out.Tasks) != 1 || len(out.Tasks[0].Containers) != 1 {
		t.Fatalf("RunTask returned %d tasks, want 1 with 1 container", len(out.Tasks))
	}
	c := out.Tasks[0].Containers[0]
	got := []string{aws.ToString(c.Cpu), aws.ToString(c.Memory), aws.ToString(c.MemoryReservation)}
	if want := []string{"1", "6", "4"}; !reflect.DeepEqual(got, want) {
		t.Errorf("container cpu, memory, reservation = %q, want %q", got, want)
	}
	if timer.spent <= 0 {
		t.Errorf("shim timer = %s, want the rewrite's time booked", timer.spent)
	}
}
