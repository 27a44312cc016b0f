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
