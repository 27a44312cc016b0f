package sigv4

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/smithy-go"
)

// These tests sign with aws-sdk-go-v2 (an independent SigV4 implementation)
// and verify on a real HTTP server on 127.0.0.1, so the request goes through
// Go's client and server as it will in berth.

// verdict is what the test server reports about each request it verified.
type verdict struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	AKID    string `json:"akid"`
	Token   string `json:"token"`
}

// verifyServer starts a server that verifies every request with v and
// answers with its verdict as JSON.
func verifyServer(t *testing.T, v *Verifier) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		var out verdict
		id, err := v.Authenticate(r, body)
		var e *Error
		switch {
		case errors.As(err, &e):
			out.Code, out.Message = e.Code, e.Message
		case err != nil:
			out.Code, out.Message = "unexpected", err.Error()
		default:
			out.AKID, out.Token = id.AccessKeyID, id.SessionToken
		}
		_ = json.NewEncoder(w).Encode(out)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// sdkCall is one request signed by the SDK signer.
type sdkCall struct {
	creds   aws.Credentials
	service string
	region  string
	at      time.Time
	path    string // with query, relative to the server URL
	// tamper changes the request after signing.
	tamper func(*http.Request)
}

func defaultSDKCall() sdkCall {
	return sdkCall{
		creds:   aws.Credentials{AccessKeyID: testAKID, SecretAccessKey: testSecret},
		service: "ecs",
		region:  testRegion,
		at:      testNow,
		path:    "/",
	}
}

func (c sdkCall) do(t *testing.T, srv *httptest.Server) verdict {
	t.Helper()
	body := []byte(testBody)
	req, err := http.NewRequest(http.MethodPost, srv.URL+c.path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "AmazonEC2ContainerServiceV20141113.RunTask")
	err = v4.NewSigner().SignHTTP(context.Background(), c.creds, req, HexSHA256(body), c.service, c.region, c.at)
	if err != nil {
		t.Fatalf("SignHTTP: %v", err)
	}
	if c.tamper != nil {
		c.tamper(req)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatalf("POST: %v", err)
	}
	defer resp.Body.Close()
	var out verdict
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatalf("decode verdict: %v", err)
	}
	return out
}

func TestSDKSignedRequests(t *testing.T) {
	srv := verifyServer(t, testVerifier())
	mismatch := errSignatureMismatch().Message
	tests := []struct {
		name   string
		change func(*sdkCall)
		want   verdict
	}{
		{name: "success", want: verdict{AKID: testAKID}},
		{name: "session token",
			change: func(c *sdkCall) { c.creds.SessionToken = "FwoGZXIvYXdzEXAMPLETOKEN" },
			want:   verdict{AKID: testAKID, Token: "FwoGZXIvYXdzEXAMPLETOKEN"}},
		{name: "wrong secret",
			change: func(c *sdkCall) { c.creds.SecretAccessKey = "wrong" },
			want:   verdict{Code: CodeInvalidSignature, Message: mismatch}},
		{name: "unknown key",
			change: func(c *sdkCall) { c.creds.AccessKeyID = "AKIAUNKNOWN" },
			want:   verdict{Code: CodeUnrecognizedClient, Message: errUnknownKey().Message}},
		{name: "tampered body",
			change: func(c *sdkCall) {
				c.tamper = func(r *http.Request) {
					r.Body = io.NopCloser(strings.NewReader(strings.Replace(testBody, "web:1", "web:9", 1)))
				}
			},
			want: verdict{Code: CodeInvalidSignature, Message: mismatch}},
		{name: "tampered header",
			change: func(c *sdkCall) {
				c.tamper = func(r *http.Request) { r.Header.Set("X-Amz-Target", "AmazonEC2ContainerServiceV20141113.StopTask") }
			},
			want: verdict{Code: CodeInvalidSignature, Message: mismatch}},
		{name: "clock behind",
			change: func(c *sdkCall) { c.at = testNow.Add(-10 * time.Minute) },
			want: verdict{Code: CodeInvalidSignature,
				Message: "Signature expired: 20240301T115000Z is now earlier than 20240301T115500Z (20240301T120000Z - 5 min.)"}},
		{name: "clock ahead",
			change: func(c *sdkCall) { c.at = testNow.Add(10 * time.Minute) },
			want: verdict{Code: CodeInvalidSignature,
				Message: "Signature not yet current: 20240301T121000Z is still later than 20240301T120500Z (20240301T120000Z + 5 min.)"}},
		{name: "wrong region",
			change: func(c *sdkCall) { c.region = "ap-south-1" },
			want:   verdict{Code: CodeInvalidSignature, Message: "Credential should be scoped to a valid region, not 'ap-south-1'. "}},
		{name: "wrong service",
			change: func(c *sdkCall) { c.service = "ec2" },
			want:   verdict{Code: CodeInvalidSignature, Message: "Credential should be scoped to correct service: 'ecs'. "}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := defaultSDKCall()
			if tt.change != nil {
				tt.change(&c)
			}
			if got := c.do(t, srv); got != tt.want {
				t.Errorf("verdict = %+v, want %+v", got, tt.want)
			}
		})
	}
}

// TestSDKPathEncoding checks the canonical URI and query against the SDK on
// paths and queries that need escaping, where the double encoding of the
// path and the RFC 3986 query encoding matter.
func TestSDKPathEncoding(t *testing.T) {
	srv := verifyServer(t, testVerifier())
	paths := []string{
		"/a%20b/c",
		"/%E1%88%B4/x",
		"/a+b/c=d/~e",
		"/clusters/default/",
		"/?b=2&a=1&a=0",
		"/x?q=hello%20world&slash=%2F&star=*&tilde=~&empty=&flag",
		"/x?a=a-b&a=a%2Fb",
	}
	for _, p := range paths {
		t.Run(p, func(t *testing.T) {
			c := defaultSDKCall()
			c.path = p
			if got, want := c.do(t, srv), (verdict{AKID: testAKID}); got != want {
				t.Errorf("verdict = %+v, want %+v", got, want)
			}
		})
	}
}

// TestECSClient drives the real ECS client of aws-sdk-go-v2 against a server
// that verifies with the real clock: whatever headers the client signs
// (amz-sdk-invocation-id, content-length, ...) must verify.
func TestECSClient(t *testing.T) {
	v := &Verifier{Credentials: StaticCredentials{testAKID: testSecret}, Region: testRegion}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		if _, err := v.Verify(r, body); err != nil {
			var e *Error
			errors.As(err, &e)
			w.Header().Set("X-Amzn-ErrorType", e.Code)
			w.WriteHeader(e.HTTPStatus())
			_ = json.NewEncoder(w).Encode(map[string]string{"__type": e.Code, "message": e.Message})
			return
		}
		_, _ = io.WriteString(w, `{"clusterArns":["arn:aws:ecs:us-east-1:000000000000:cluster/default"]}`)
	}))
	defer srv.Close()

	tests := []struct {
		name     string
		akid     string
		secret   string
		region   string
		wantCode string
		wantMsg  string
	}{
		{name: "valid credentials", akid: testAKID, secret: testSecret, region: testRegion},
		{name: "unknown key", akid: "AKIAUNKNOWN", secret: testSecret, region: testRegion,
			wantCode: CodeUnrecognizedClient, wantMsg: errUnknownKey().Message},
		{name: "wrong secret", akid: testAKID, secret: "wrong", region: testRegion,
			wantCode: CodeInvalidSignature, wantMsg: errSignatureMismatch().Message},
		{name: "wrong region", akid: testAKID, secret: testSecret, region: "eu-west-1",
			wantCode: CodeInvalidSignature, wantMsg: "Credential should be scoped to a valid region, not 'eu-west-1'. "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			client := ecs.New(ecs.Options{
				Region:       tt.region,
				BaseEndpoint: aws.String(srv.URL),
				Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
					return aws.Credentials{AccessKeyID: tt.akid, SecretAccessKey: tt.secret}, nil
				}),
				HTTPClient:       srv.Client(),
				RetryMaxAttempts: 1,
			})
			out, err := client.ListClusters(context.Background(), &ecs.ListClustersInput{})
			if tt.wantCode == "" {
				if err != nil {
					t.Fatalf("ListClusters error = %v, want nil", err)
				}
				if len(out.ClusterArns) != 1 {
					t.Errorf("ClusterArns = %v, want one ARN", out.ClusterArns)
				}
				return
			}
			var apiErr smithy.APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("ListClusters error = %v, want an API error", err)
			}
			if apiErr.ErrorCode() != tt.wantCode || apiErr.ErrorMessage() != tt.wantMsg {
				t.Errorf("ListClusters error = %s: %q, want %s: %q", apiErr.ErrorCode(), apiErr.ErrorMessage(), tt.wantCode, tt.wantMsg)
			}
		})
	}
}

// TestSignMatchesSDK checks berth's own Sign against the SDK signer: over
// the same headers both must write the same Authorization header.
func TestSignMatchesSDK(t *testing.T) {
	tests := []struct {
		name  string
		url   string
		token string
	}{
		{name: "ecs call", url: "http://127.0.0.1:4566/"},
		{name: "session token", url: "http://127.0.0.1:4566/", token: "FwoGZXIvYXdzEXAMPLETOKEN"},
		{name: "path and query", url: "http://berth.local/a%20b/c?z=1&a=x%20y&a=%2F"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			build := func() *http.Request {
				r, err := http.NewRequest(http.MethodPost, tt.url, nil)
				if err != nil {
					t.Fatal(err)
				}
				r.Header.Set("Content-Type", "application/x-amz-json-1.1")
				r.Header.Set("X-Amz-Target", "AmazonEC2ContainerServiceV20141113.ListClusters")
				return r
			}
			ours := build()
			if tt.token != "" {
				ours.Header.Set("X-Amz-Security-Token", tt.token)
			}
			Sign(ours, nil, testAKID, testSecret, testRegion, "ecs", testNow)

			sdk := build()
			creds := aws.Credentials{AccessKeyID: testAKID, SecretAccessKey: testSecret, SessionToken: tt.token}
			if err := v4.NewSigner().SignHTTP(context.Background(), creds, sdk, HexSHA256(nil), "ecs", testRegion, testNow); err != nil {
				t.Fatalf("SignHTTP: %v", err)
			}
			if got, want := ours.Header.Get("Authorization"), sdk.Header.Get("Authorization"); got != want {
				t.Errorf("Sign Authorization = %q\nwant (SDK) %q", got, want)
			}
		})
	}
}
