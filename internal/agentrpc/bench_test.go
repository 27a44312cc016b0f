package agentrpc

import (
	"context"
	"fmt"
	"testing"
)

// BenchmarkDelivery measures one payload's trip: Notify on the Hub, over a
// loopback websocket, through the Session's dedupe to its Handler (the ack
// goes back in the background).
func BenchmarkDelivery(b *testing.B) {
	f := newHubFixture(b, nil)
	got := make(chan Delivery, 1)
	s, err := Dial(context.Background(), ClientConfig{
		Endpoint: f.server.URL, Cluster: testCluster, ContainerInstanceArn: testInstance,
		AccessKeyID: testKey, SecretAccessKey: testSecret, Region: testRegion, Logger: quietLogger(),
		Handler: func(_ context.Context, d Delivery) error {
			if !d.Snapshot {
				got <- d
			}
			return nil
		},
	})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		f.hub.Notify(testCluster, testInstance, task(fmt.Sprintf("%032x", i), 1, "RUNNING"))
		<-got
	}
}

// benchPayload is a PayloadMessage of one task as agentbridge builds it
// for berth bench's task definition (one container, the model's empty
// lists, the overrides ECS echoes).
const benchPayload = `{"type":"PayloadMessage","message":{"messageId":"8d3f4c1e-5c1a-4b5e-9f0e-2a1b3c4d5e6f","clusterArn":"arn:aws:ecs:us-east-1:000000000000:cluster/berth-bench","containerInstanceArn":"arn:aws:ecs:us-east-1:000000000000:container-instance/berth-bench/0123456789abcdef0123456789abcdef","seqNum":42,"tasks":[{"arn":"arn:aws:ecs:us-east-1:000000000000:task/berth-bench/01a209213f9e565a95dec8206a54403f","desiredStatus":"RUNNING","version":1,"taskDefinitionArn":"arn:aws:ecs:us-east-1:000000000000:task-definition/berth-bench:1","family":"berth-bench","revision":1,"cpu":"1","memory":"6","containers":[{"command":["sleep","3600"],"cpu":1,"environment":[],"essential":true,"image":"busybox:latest","memory":6,"mountPoints":[],"name":"bench","portMappings":[],"systemControls":[],"volumesFrom":[],"containerArn":"arn:aws:ecs:us-east-1:000000000000:container/berth-bench/01a209213f9e565a95dec8206a54403f/703efb39-7b63-406c-8cbf-adda4c7f5d6a"}],"overrides":{"containerOverrides":[{"name":"bench"}],"inferenceAcceleratorOverrides":[]},"startedBy":"berth-bench","group":"family:berth-bench"}]}}`

// BenchmarkDecodePayload measures what an agent spends decoding one
// payload frame.
func BenchmarkDecodePayload(b *testing.B) {
	data := []byte(benchPayload)
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for range b.N {
		env, err := decodeEnvelope(data)
		if err != nil {
			b.Fatal(err)
		}
		msg, err := decodePayload(env)
		if err != nil || len(msg.Tasks) != 1 {
			b.Fatalf("decode: %v", err)
		}
	}
}
