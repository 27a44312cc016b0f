package reliability

import (
	"context"
	"flag"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ecs"

	"github.com/berth-io/berth/internal/server"
	"github.com/berth-io/berth/internal/sigv4"
)

var long = flag.Bool("reliability.long", false,
	"run the long variants of the reliability suites (more crash rounds, bigger storms, a larger corpus)")

const (
	testRegion  = "us-east-1"
	testAccount = "123456789012"
	testKey     = "AKIDRELIABILITY"
	testSecret  = "reliability-secret"
)

// sized returns short, or long under -reliability.long.
func sized[T any](short, full T) T {
	if *long {
		return full
	}
	return short
}

// startServer starts an in-process control plane on listen ("127.0.0.1:0"
// picks a port) over dataDir, with fsync on.
func startServer(tb testing.TB, dataDir, listen string) *server.Server {
	tb.Helper()
	srv, err := server.Start(context.Background(), server.Config{
		Listen:      listen,
		DataDir:     dataDir,
		Region:      testRegion,
		AccountID:   testAccount,
		Credentials: sigv4.StaticCredentials{testKey: testSecret},
	})
	if err != nil {
		tb.Fatalf("start server: %v", err)
	}
	return srv
}

// newClient returns an SDK client for endpoint that retries only requests
// that got no answer because of a connection error (see connRetryer); a
// ServerException or any other answer is never retried.
func newClient(endpoint string) *ecs.Client {
	return ecs.New(ecs.Options{
		Region:       testRegion,
		BaseEndpoint: aws.String(endpoint),
		Credentials:  credentials.NewStaticCredentialsProvider(testKey, testSecret, ""),
		Retryer:      connRetryer(),
	})
}

// connRetryer makes up to three attempts, 100 ms apart at most, when a
// request fails with a connection error, as the SDK's default retryer
// would. Besides a server that is gone (the crash suite), this covers a
// client-side race of smithy-go and net/http (aws-sdk-go-v2 issue 2737):
// when a request body exceeds the transport's 4 KiB write buffer (a
// DescribeTasks of 100 ARNs), the answer can arrive before net/http's
// probe for extra body bytes, smithy-go then closes the body, the probe
// gets io.EOF as an error and the transport closes the connection under
// the response ("use of closed network connection" with status 200).
// Retrying a RunTask is safe: the SDK keeps its clientToken.
func connRetryer() aws.Retryer {
	return retry.NewStandard(func(o *retry.StandardOptions) {
		o.MaxAttempts = 3
		o.MaxBackoff = 100 * time.Millisecond
		o.RateLimiter = ratelimit.None
		o.Retryables = []retry.IsErrorRetryable{retry.NoRetryCanceledError{}, retry.RetryableConnectionError{}}
	})
}

// callCtx is the context of one API call.
func callCtx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), 30*time.Second)
}

// waitFor polls cond every 20 ms until it holds or timeout passes.
func waitFor(tb testing.TB, what string, timeout time.Duration, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
