package reliability

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/berth-io/berth/internal/ecsmodel"
	"github.com/berth-io/berth/internal/sigv4"
)

// badCase is one request of the bad-input corpus and the ECS error it
// must get.
type badCase struct {
	group, name string
	spec        reqSpec
	// wantCode is the exact __type; wantStatus the HTTP status (400 when
	// zero).
	wantCode   string
	wantStatus int
}

// reqSpec describes a request to build. The zero value of each field
// means what an SDK would send: POST / with the awsJson1_1 content type,
// signed now with the test's key for us-east-1/ecs.
type reqSpec struct {
	method, path string
	target       string // the full X-Amz-Target; noHeader leaves it out
	contentType  string // noHeader leaves it out
	body         []byte
	headers      map[string]string // extra headers, set before signing
	signing      signing
	// signedBody, when not nil, is what is signed instead of body (a body
	// tampered with after signing).
	signedBody []byte
	// afterSign changes the request once it is signed.
	afterSign func(*http.Request)
	// unsigned sends no Authorization header.
	unsigned bool
	// chunked sends the body without a Content-Length.
	chunked bool
}

// noHeader marks a header that must not be sent.
const noHeader = "\x00none"

// signing is who signs, for which scope and when.
type signing struct {
	key, secret, region, service string
	offset                       time.Duration // from now
}

func (s signing) withDefaults() signing {
	if s.key == "" {
		s.key = testKey
	}
	if s.secret == "" {
		s.secret = testSecret
	}
	if s.region == "" {
		s.region = testRegion
	}
	if s.service == "" {
		s.service = "ecs"
	}
	return s
}

// target is the X-Amz-Target of an operation.
func target(op string) string { return ecsmodel.TargetPrefix + "." + op }

// build makes the request for endpoint.
func (s reqSpec) build(endpoint string) (*http.Request, error) {
	method, path := s.method, s.path
	if method == "" {
		method = http.MethodPost
	}
	if path == "" {
		path = "/"
	}
	var body io.Reader = bytes.NewReader(s.body)
	if s.chunked {
		body = io.MultiReader(bytes.NewReader(s.body)) // no Len: sent chunked
	}
	req, err := http.NewRequest(method, endpoint+path, body)
	if err != nil {
		return nil, err
	}
	if s.chunked {
		req.ContentLength = -1
	}
	for name, v := range map[string]string{"X-Amz-Target": s.target, "Content-Type": s.contentType} {
		switch v {
		case noHeader:
		case "":
			if name == "Content-Type" {
				req.Header.Set(name, "application/x-amz-json-1.1")
			}
		default:
			req.Header.Set(name, v)
		}
	}
	for k, v := range s.headers {
		req.Header.Set(k, v)
	}
	if !s.unsigned {
		g := s.signing.withDefaults()
		signed := s.body
		if s.signedBody != nil {
			signed = s.signedBody
		}
		sigv4.Sign(req, signed, g.key, g.secret, g.region, g.service, time.Now().Add(g.offset))
	}
	if s.afterSign != nil {
		s.afterSign(req)
	}
	return req, nil
}

// recorded is a response as received, kept for the SDK parsers.
type recorded struct {
	Case      string            `json:"case"`
	Status    int               `json:"status"`
	Headers   map[string]string `json:"headers"`
	Body      string            `json:"body"`
	ErrorType string            `json:"-"`
	Message   string            `json:"-"`
}

// send sends req and records the response.
func send(client *http.Client, name string, req *http.Request) (*recorded, error) {
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	r := &recorded{Case: name, Status: resp.StatusCode, Headers: map[string]string{}, Body: string(body)}
	for k := range resp.Header {
		r.Headers[k] = resp.Header.Get(k)
	}
	return r, nil
}

// checkError checks that r is a well-formed ECS error: status want (400
// by default, never a 5xx), the awsJson1_1 content type, a request id, a
// body that is a JSON object with a string __type and a non-empty string
// message (plus, optionally, resourceIds), and x-amzn-ErrorType equal to
// __type. It fills r.ErrorType and r.Message.
func checkError(r *recorded, wantStatus int, wantCode string) error {
	if wantStatus == 0 {
		wantStatus = http.StatusBadRequest
	}
	if r.Status >= 500 || r.Status != wantStatus {
		return fmt.Errorf("got status %d, want %d (body %.200q)", r.Status, wantStatus, r.Body)
	}
	if ct := r.Headers["Content-Type"]; ct != "application/x-amz-json-1.1" {
		return fmt.Errorf("got Content-Type %q, want application/x-amz-json-1.1", ct)
	}
	if r.Headers["X-Amzn-Requestid"] == "" {
		return fmt.Errorf("got no x-amzn-RequestId header")
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal([]byte(r.Body), &doc); err != nil {
		return fmt.Errorf("got body %.200q, want a JSON object: %v", r.Body, err)
	}
	for k := range doc {
		if k != "__type" && k != "message" && k != "resourceIds" {
			return fmt.Errorf("got member %q in the error body %.200q, want only __type, message (and resourceIds)", k, r.Body)
		}
	}
	if err := json.Unmarshal(doc["__type"], &r.ErrorType); err != nil || r.ErrorType == "" {
		return fmt.Errorf("got __type %s, want a non-empty string", doc["__type"])
	}
	if err := json.Unmarshal(doc["message"], &r.Message); err != nil || r.Message == "" {
		return fmt.Errorf("got message %s, want a non-empty string", doc["message"])
	}
	if h := r.Headers["X-Amzn-Errortype"]; h != r.ErrorType {
		return fmt.Errorf("got x-amzn-ErrorType %q, want __type %q", h, r.ErrorType)
	}
	if r.ErrorType != wantCode {
		return fmt.Errorf("got %s (%s), want %s", r.ErrorType, r.Message, wantCode)
	}
	return nil
}
