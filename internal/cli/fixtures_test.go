package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/retry"

	"github.com/berth-io/berth/internal/ecsmodel"
	"github.com/berth-io/berth/internal/sigv4"
)

const (
	testAccessKey = "AKIDBERTHTEST"
	testSecret    = "berth-test-secret"
	testRegion    = "us-east-1"
)

// call is one request the fake ECS server received.
type call struct {
	Operation string
	Body      map[string]any
}

// answerFunc produces the status and body for the n-th (0-based) call of
// an operation.
type answerFunc func(op string, body map[string]any, n int) (int, string)

// fakeECS is a real HTTP server on 127.0.0.1 that checks each request's
// SigV4 signature with internal/sigv4 and the awsJson1_1 framing, records
// it and answers with canned ECS JSON.
type fakeECS struct {
	srv    *httptest.Server
	answer answerFunc

	mu    sync.Mutex
	calls []call
}

func newFakeECS(t *testing.T, answer answerFunc) *fakeECS {
	t.Helper()
	f := &fakeECS{answer: answer}
	verifier := &sigv4.Verifier{Credentials: sigv4.StaticCredentials{testAccessKey: testSecret}, Region: testRegion}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if _, err := verifier.Verify(r, body); err != nil {
			var se *sigv4.Error
			if errors.As(err, &se) {
				writeECS(w, se.HTTPStatus(), errorBody(se.Code, se.Message))
				return
			}
			writeECS(w, http.StatusBadRequest, errorBody("InvalidSignatureException", err.Error()))
			return
		}
		op, ok := strings.CutPrefix(r.Header.Get("X-Amz-Target"), ecsmodel.TargetPrefix+".")
		if r.Method != http.MethodPost || r.URL.Path != "/" || !ok || r.Header.Get("Content-Type") != "application/x-amz-json-1.1" {
			writeECS(w, http.StatusBadRequest, errorBody("UnknownOperationException", "bad framing"))
			return
		}
		var decoded map[string]any
		if err := json.Unmarshal(body, &decoded); err != nil {
			writeECS(w, http.StatusBadRequest, errorBody("SerializationException", err.Error()))
			return
		}
		f.mu.Lock()
		n := 0
		for _, c := range f.calls {
			if c.Operation == op {
				n++
			}
		}
		f.calls = append(f.calls, call{Operation: op, Body: decoded})
		f.mu.Unlock()
		status, out := f.answer(op, decoded, n)
		writeECS(w, status, out)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func writeECS(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.Header().Set("X-Amzn-Requestid", "00000000-0000-4000-8000-000000000000")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

func errorBody(code, message string) string {
	b, _ := json.Marshal(map[string]string{"__type": code, "message": message})
	return string(b)
}

func (f *fakeECS) recorded() []call {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]call(nil), f.calls...)
}

// isolateEnv points the AWS SDK at empty configuration and sets berth's
// test credentials and region, so no developer settings leak in.
func isolateEnv(t *testing.T) {
	t.Helper()
	dir := t.TempDir()
	for k, v := range map[string]string{
		"AWS_CONFIG_FILE":             filepath.Join(dir, "config"),
		"AWS_SHARED_CREDENTIALS_FILE": filepath.Join(dir, "credentials"),
		"AWS_PROFILE":                 "",
		"AWS_ACCESS_KEY_ID":           "",
		"AWS_SECRET_ACCESS_KEY":       "",
		"AWS_SESSION_TOKEN":           "",
		"AWS_ENDPOINT_URL":            "",
		"AWS_ENDPOINT_URL_ECS":        "",
		"AWS_DEFAULT_REGION":          "",
		"AWS_DEFAULT_OUTPUT":          "",
		"AWS_MAX_ATTEMPTS":            "",
		"AWS_EC2_METADATA_DISABLED":   "true",
		"AWS_REGION":                  testRegion,
		envEndpoint:                   "",
		envAccessKey:                  testAccessKey,
		envSecretKey:                  testSecret,
		envSessionToken:               "",
		envWaiterDelay:                "0",
		"COLUMNS":                     "",
	} {
		t.Setenv(k, v)
	}
}

// result is what one CLI run printed and returned.
type result struct {
	stdout, stderr string
	code           int
}

// runCLI runs `berth ecs args...` against f (when not nil) with timestamps
// in UTC and no backoff between retries.
func runCLI(t *testing.T, f *fakeECS, args ...string) result {
	t.Helper()
	if f != nil {
		args = append(args, "--endpoint-url", f.srv.URL)
	}
	var stdout, stderr bytes.Buffer
	r := &runner{
		stdin:   strings.NewReader(""),
		stdout:  &stdout,
		stderr:  &stderr,
		loc:     time.UTC,
		sleep:   sleepContext,
		backoff: retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil }),
		ops:     newOperationTable(),
	}
	code := r.main(context.Background(), args)
	return result{stdout: stdout.String(), stderr: stderr.String(), code: code}
}

// answers serves fixed bodies by operation, 200 OK.
func answers(byOp map[string]string) answerFunc {
	return func(op string, _ map[string]any, _ int) (int, string) {
		if body, ok := byOp[op]; ok {
			return http.StatusOK, body
		}
		return http.StatusBadRequest, errorBody("UnsupportedFeatureException", "not in this test")
	}
}
