package logscli

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/berth-io/berth/internal/buildinfo"
	"github.com/berth-io/berth/internal/logsapi"
)

// emptyPayloadHash is the SigV4 payload hash of a GET.
var emptyPayloadHash = func() string {
	sum := sha256.Sum256(nil)
	return hex.EncodeToString(sum[:])
}()

// connectError is a request that never got an HTTP answer: exit 255.
type connectError struct {
	url string
	err error
}

func (e *connectError) Error() string {
	return fmt.Sprintf("Could not connect to the endpoint URL: %q: %v", e.url, e.err)
}

func (e *connectError) Unwrap() error { return e.err }

// stream sends the signed request and copies the log stream to out as it
// arrives.
func (c *client) stream(ctx context.Context, o options, out io.Writer) error {
	q := url.Values{}
	q.Set(logsapi.ParamTask, o.task)
	if o.cluster != "" {
		q.Set(logsapi.ParamCluster, o.cluster)
	}
	if o.container != "" {
		q.Set(logsapi.ParamContainer, o.container)
	}
	if o.follow {
		q.Set(logsapi.ParamFollow, "true")
	}
	u := *c.url
	u.RawQuery = q.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return err
	}
	req.Header.Set("User-Agent", "berth/"+buildinfo.Version+" logs")
	if err := c.signer.SignHTTP(ctx, c.creds, req, emptyPayloadHash, "ecs", c.region, time.Now()); err != nil {
		return fmt.Errorf("sign request: %w", err)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return &connectError{url: c.url.String(), err: err}
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return readServiceError(resp)
	}
	if _, err := io.Copy(out, resp.Body); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return &connectError{url: c.url.String(), err: err}
	}
	if e := resp.Trailer.Get(logsapi.TrailerError); e != "" {
		code, msg, _ := strings.Cut(e, ": ")
		return &serviceError{Code: code, Message: msg}
	}
	return nil
}

// readServiceError reads the ECS error of a refused request: the code from
// __type (after a '#'), else X-Amzn-ErrorType, else the status.
func readServiceError(resp *http.Response) error {
	var body struct {
		Type    string `json:"__type"`
		Message string `json:"message"`
	}
	_ = json.NewDecoder(io.LimitReader(resp.Body, 64<<10)).Decode(&body)
	code := body.Type
	if i := strings.LastIndexByte(code, '#'); i >= 0 {
		code = code[i+1:]
	}
	code = cmp.Or(code, resp.Header.Get("X-Amzn-ErrorType"), strconv.Itoa(resp.StatusCode))
	msg := cmp.Or(body.Message, http.StatusText(resp.StatusCode))
	return &serviceError{Code: code, Message: msg, Status: resp.StatusCode}
}
