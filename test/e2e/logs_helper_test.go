package e2e

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/berth-io/berth/internal/logsapi"
)

// taskLogs reads a container's output so far through berth's logs
// endpoint (signed with SigV4, relayed from the agent over its channel).
func taskLogs(t *testing.T, h *harness, taskArn, containerName string) string {
	t.Helper()
	q := url.Values{logsapi.ParamTask: {taskArn}, logsapi.ParamContainer: {containerName}}
	c, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(c, http.MethodGet, h.srv.URL+logsapi.Path+"?"+q.Encode(), nil)
	if err != nil {
		t.Fatal(err)
	}
	empty := sha256.Sum256(nil)
	creds := aws.Credentials{AccessKeyID: testKey, SecretAccessKey: testSecret}
	if err := v4.NewSigner().SignHTTP(c, creds, req, hex.EncodeToString(empty[:]), "ecs", testRegion, time.Now()); err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", logsapi.Path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading the logs of %s/%s: %v", taskArn, containerName, err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("logs of %s/%s: got status %d %s, want 200", taskArn, containerName, resp.StatusCode, body)
	}
	if e := resp.Trailer.Get(logsapi.TrailerError); e != "" {
		t.Fatalf("logs of %s/%s: the stream broke off: %s", taskArn, containerName, e)
	}
	return string(body)
}

// waitLogLine polls a container's logs until a line equals want and
// returns the logs read then.
func waitLogLine(t *testing.T, h *harness, taskArn, containerName, want string) string {
	t.Helper()
	var logs string
	waitFor(t, fmt.Sprintf("%q in the logs of %s", want, containerName), func() bool {
		logs = taskLogs(t, h, taskArn, containerName)
		return hasLine(logs, want)
	})
	return logs
}

// hasLine reports whether text has a line equal to line.
func hasLine(text, line string) bool {
	for l := range strings.Lines(text) {
		if strings.TrimRight(l, "\r\n") == line {
			return true
		}
	}
	return false
}
