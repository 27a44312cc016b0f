package cli

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/berth-io/berth/internal/clientconfig"
	"github.com/berth-io/berth/internal/ecsmodel"
)

// client sends awsJson1_1 requests to the ECS endpoint, signed with
// aws-sdk-go-v2's SigV4 signer, retried by its standard retryer.
type client struct {
	endpoint  string
	region    string
	creds     aws.CredentialsProvider // nil: unsigned (--no-sign-request)
	signer    *v4.Signer
	http      *http.Client
	retryer   aws.Retryer
	userAgent string
	debug     io.Writer // --debug: requests and responses are logged here
	sleep     func(context.Context, time.Duration) error
}

// connectError is a request that never got an HTTP answer.
type connectError struct {
	url string
	err error
}

func (e *connectError) Error() string {
	return fmt.Sprintf("Could not connect to the endpoint URL: %q: %v", e.url, e.err)
}

func (e *connectError) Unwrap() error { return e.err }

// call sends one operation with the JSON body and returns the response
// body. Retryable failures (throttling, 5xx, connection errors) are retried
// as the SDK's standard retryer decides (3 attempts unless AWS_MAX_ATTEMPTS
// or the profile's max_attempts say otherwise).
func (c *client) call(ctx context.Context, operation string, body []byte) ([]byte, error) {
	creds, err := c.credentials(ctx)
	if err != nil {
		return nil, err
	}
	for attempt := 1; ; attempt++ {
		resp, err := c.send(ctx, operation, body, creds)
		if err == nil {
			return resp, nil
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if attempt >= c.retryer.MaxAttempts() || !c.retryer.IsErrorRetryable(err) {
			var se *serviceError
			if attempt > 1 && errors.As(err, &se) {
				se.Retries = attempt - 1
			}
			return nil, err
		}
		delay, derr := c.retryer.RetryDelay(attempt, err)
		if derr != nil {
			return nil, err
		}
		if err := c.sleep(ctx, delay); err != nil {
			return nil, err
		}
	}
}

func (c *client) credentials(ctx context.Context) (*aws.Credentials, error) {
	if c.creds == nil {
		return nil, nil
	}
	creds, err := clientconfig.Retrieve(ctx, c.creds)
	if err != nil {
		return nil, &configError{msg: err.Error()}
	}
	return &creds, nil
}

// send makes one attempt.
func (c *client) send(ctx context.Context, operation string, body []byte, creds *aws.Credentials) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.endpoint, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", ecsmodel.TargetPrefix+"."+operation)
	req.Header.Set("User-Agent", c.userAgent)
	if creds != nil {
		sum := sha256.Sum256(body)
		if err := c.signer.SignHTTP(ctx, *creds, req, hex.EncodeToString(sum[:]), "ecs", c.region, time.Now()); err != nil {
			return nil, fmt.Errorf("sign request: %w", err)
		}
	}
	if c.debug != nil {
		fmt.Fprintf(c.debug, "DEBUG request: POST %s\nDEBUG X-Amz-Target: %s\nDEBUG body: %s\n", c.endpoint, req.Header.Get("X-Amz-Target"), body)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, &connectError{url: c.endpoint, err: err}
	}
	defer resp.Body.Close()
	respBody, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, &connectError{url: c.endpoint, err: err}
	}
	if c.debug != nil {
		fmt.Fprintf(c.debug, "DEBUG response: %d x-amzn-RequestId=%s\nDEBUG body: %s\n", resp.StatusCode, resp.Header.Get("X-Amzn-Requestid"), respBody)
	}
	if resp.StatusCode >= 300 {
		return nil, parseServiceError(operation, resp, respBody)
	}
	return respBody, nil
}

// parseServiceError reads an awsJson error as botocore does: the code from
// the body's __type (the part after a '#', before a ':'), else the
// X-Amzn-ErrorType header, else the status code; the message from
// "message" or "Message", else the status text.
func parseServiceError(operation string, resp *http.Response, body []byte) *serviceError {
	e := &serviceError{Operation: operation, Status: resp.StatusCode}
	var fields struct {
		Type     string `json:"__type"`
		Code     string `json:"code"`
		Message  string `json:"message"`
		MessageU string `json:"Message"`
	}
	_ = json.Unmarshal(body, &fields)
	e.Code = cmp.Or(sanitizeCode(fields.Type), sanitizeCode(resp.Header.Get("X-Amzn-Errortype")), fields.Code, strconv.Itoa(resp.StatusCode))
	e.Message = cmp.Or(fields.Message, fields.MessageU, http.StatusText(resp.StatusCode))
	return e
}

func sanitizeCode(code string) string {
	if i := strings.LastIndexByte(code, '#'); i >= 0 {
		code = code[i+1:]
	}
	code, _, _ = strings.Cut(code, ":")
	return code
}

// sleepContext waits for d or until ctx is done.
func sleepContext(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
