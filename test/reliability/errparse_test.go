package reliability

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/smithy-go"
)

// replayTransport answers every request with one recorded response, so
// that the SDK parses exactly the bytes berth sent.
type replayTransport struct{ r *recorded }

func (rt *replayTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	h := http.Header{}
	for k, v := range rt.r.Headers {
		h.Set(k, v)
	}
	return &http.Response{
		Status:        fmt.Sprintf("%d %s", rt.r.Status, http.StatusText(rt.r.Status)),
		StatusCode:    rt.r.Status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        h,
		Body:          io.NopCloser(strings.NewReader(rt.r.Body)),
		ContentLength: int64(len(rt.r.Body)),
		Request:       req,
	}, nil
}

// checkSDKParses hands each recorded error to aws-sdk-go-v2's ECS
// deserializer (as the answer to a RunTask) and checks that it yields an
// API error with the same code and message.
func checkSDKParses(t *testing.T, recs []*recorded) {
	t.Helper()
	rt := &replayTransport{}
	c := ecs.New(ecs.Options{
		Region:       testRegion,
		BaseEndpoint: aws.String("http://replay.invalid"),
		Credentials:  credentials.NewStaticCredentialsProvider(testKey, testSecret, ""),
		Retryer:      aws.NopRetryer{},
		HTTPClient:   &http.Client{Transport: rt},
	})
	bad, n := 0, 0
	for _, r := range recs {
		if r.ErrorType == "" {
			continue // not a well-formed error; already reported
		}
		n++
		rt.r = r
		_, err := c.RunTask(context.Background(), &ecs.RunTaskInput{TaskDefinition: aws.String("x")})
		var apiErr smithy.APIError
		switch {
		case !errors.As(err, &apiErr):
			t.Errorf("aws-sdk-go-v2 on %s: got %v, want an API error %s", r.Case, err, r.ErrorType)
			bad++
		case apiErr.ErrorCode() != r.ErrorType || apiErr.ErrorMessage() != r.Message:
			t.Errorf("aws-sdk-go-v2 on %s: got %s %q, want %s %q", r.Case, apiErr.ErrorCode(), apiErr.ErrorMessage(), r.ErrorType, r.Message)
			bad++
		}
	}
	t.Logf("aws-sdk-go-v2 parsed %d of %d error responses as sent", n-bad, n)
}

// checkBotocoreParses runs testdata/parse_errors.py over the recorded
// errors and checks that botocore reads the same code and message. It
// skips without python3 and botocore, except in CI.
func checkBotocoreParses(t *testing.T, recs []*recorded) {
	t.Helper()
	if err := exec.Command("python3", "-c", "import botocore").Run(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("python3 with botocore is required in CI: %v", err)
		}
		t.Logf("SKIPPING the botocore parse check: python3 with botocore is not installed (%v)", err)
		return
	}
	var wellFormed []*recorded
	for _, r := range recs {
		if r.ErrorType != "" {
			wellFormed = append(wellFormed, r)
		}
	}
	in, err := json.Marshal(wellFormed)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "responses.json")
	if err := os.WriteFile(path, in, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("python3", "testdata/parse_errors.py", path).Output()
	if err != nil {
		t.Fatalf("parse_errors.py: %v", err)
	}
	var parsed []struct {
		Case, Code, Message string
		Status              int
	}
	if err := json.Unmarshal(out, &parsed); err != nil || len(parsed) != len(wellFormed) {
		t.Fatalf("parse_errors.py: got %d results (%v), want %d", len(parsed), err, len(wellFormed))
	}
	bad := 0
	for i, p := range parsed {
		r := wellFormed[i]
		if p.Code != r.ErrorType || p.Message != r.Message || p.Status != r.Status {
			t.Errorf("botocore on %s: got %s %q (status %d), want %s %q (status %d)", r.Case, p.Code, p.Message, p.Status, r.ErrorType, r.Message, r.Status)
			bad++
		}
	}
	t.Logf("botocore parsed %d of %d error responses as sent", len(parsed)-bad, len(parsed))
}
