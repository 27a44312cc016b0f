package server

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/berth-io/berth/internal/sigv4"
)

const (
	testRegion  = "us-east-1"
	testAccount = "123456789012"
	testKey     = "AKIDSERVERTEST"
	testSecret  = "server-test-secret"
)

// configOn returns the configuration of a server on a loopback port with
// the test key pair, changed by opts.
func configOn(t *testing.T, opts ...func(*Config)) Config {
	cfg := Config{
		Listen:      "127.0.0.1:0",
		DataDir:     t.TempDir(),
		Region:      testRegion,
		AccountID:   testAccount,
		Credentials: sigv4.StaticCredentials{testKey: testSecret},
	}
	for _, o := range opts {
		o(&cfg)
	}
	return cfg
}

// onEtcd puts the server's state on the embedded member under prefix.
func onEtcd(t *testing.T, prefix string) func(*Config) {
	endpoint := etcdEndpoint(t)
	return func(c *Config) {
		c.Store = StoreEtcd
		c.Etcd.Endpoints = []string{endpoint}
		c.Etcd.Prefix = prefix
	}
}

// compactEvery sets the etcd compaction interval.
func compactEvery(d time.Duration) func(*Config) {
	return func(c *Config) { c.Etcd.CompactInterval = d }
}

// startOn starts a server with cfg and closes it when the test ends (a
// test may close it before).
func startOn(t *testing.T, cfg Config) *Server {
	t.Helper()
	srv, err := Start(context.Background(), cfg)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	return srv
}

// sdk is aws-sdk-go-v2's ECS client for a server.
func sdk(srv *Server) *ecs.Client {
	return ecs.New(ecs.Options{
		Region:       testRegion,
		BaseEndpoint: aws.String(srv.URL),
		Credentials:  credentials.NewStaticCredentialsProvider(testKey, testSecret, ""),
	})
}

// ctxFor is a context that ends with the test, bounded as a guard.
func ctxFor(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// sleepTaskDef is a one-container task definition of family.
func sleepTaskDef(family string) *ecs.RegisterTaskDefinitionInput {
	return &ecs.RegisterTaskDefinitionInput{
		Family: aws.String(family),
		ContainerDefinitions: []types.ContainerDefinition{{
			Name:      aws.String("sleep"),
			Image:     aws.String("busybox"),
			Cpu:       10,
			Memory:    aws.Int32(64),
			Essential: aws.Bool(true),
			Command:   []string{"sleep", "360"},
		}},
	}
}

// instanceOf is a container instance registration in the default cluster
// with cpu units and mem MiB.
func instanceOf(cpu, mem int32) *ecs.RegisterContainerInstanceInput {
	return &ecs.RegisterContainerInstanceInput{
		TotalResources: []types.Resource{
			{Name: aws.String("CPU"), Type: aws.String("INTEGER"), IntegerValue: cpu},
			{Name: aws.String("MEMORY"), Type: aws.String("INTEGER"), IntegerValue: mem},
			{Name: aws.String("PORTS"), Type: aws.String("STRINGSET"), StringSetValue: []string{"22"}},
			{Name: aws.String("PORTS_UDP"), Type: aws.String("STRINGSET"), StringSetValue: []string{}},
		},
		VersionInfo: &types.VersionInfo{AgentVersion: aws.String("1.0.0"), DockerVersion: aws.String("20.10")},
	}
}

// remaining returns the named integer resource of rs.
func remaining(t *testing.T, rs []types.Resource, name string) int32 {
	t.Helper()
	for _, r := range rs {
		if aws.ToString(r.Name) == name {
			return r.IntegerValue
		}
	}
	t.Fatalf("no %s resource in %+v", name, rs)
	return 0
}

// describeTD asks for the latest revision of family.
func describeTD(family string) *ecs.DescribeTaskDefinitionInput {
	return &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String(family)}
}
