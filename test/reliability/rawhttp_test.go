package reliability

import (
	"bufio"
	"bytes"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/berth-io/berth/internal/sigv4"
)

// rawCase is bytes written to a fresh TCP connection, which is then
// half-closed. answeredBy says who must answer: "http" for Go's net/http
// server (the bytes are not a request it hands to a handler: unparsable,
// or OPTIONS *), "ecs" for berth's ECS edge (an ECS JSON error; this
// includes request-targets like "*" or an authority, which Go's ServeMux
// would answer itself), "endpoint" for berth's other endpoints (agent
// channel, logs), "none" for no answer at all.
type rawCase struct {
	name       string
	data       []byte
	answeredBy string
	status     int
}

func randomBytes(seed uint64, n int) []byte {
	r := rand.New(rand.NewPCG(seed, 1))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.UintN(256))
	}
	return b
}

// signedRaw is a correctly signed ListClusters request as raw bytes.
func signedRaw(host string) []byte {
	body := []byte("{}")
	req, _ := http.NewRequest(http.MethodPost, "http://"+host+"/", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", target("ListClusters"))
	sigv4.Sign(req, body, testKey, testSecret, testRegion, "ecs", time.Now())
	var buf bytes.Buffer
	_ = req.Write(&buf)
	return buf.Bytes()
}

func rawCases(host string) []rawCase {
	h := "Host: " + host + "\r\n"
	post := "POST / HTTP/1.1\r\n" + h + "Content-Type: application/x-amz-json-1.1\r\nX-Amz-Target: " + target("ListClusters") + "\r\n"
	return []rawCase{
		{"16 random bytes", randomBytes(1, 16), "http", 400},
		{"4 KiB of random bytes", randomBytes(2, 4<<10), "http", 400},
		{"64 KiB of random bytes", randomBytes(3, 64<<10), "http", 400},
		{"NUL bytes", make([]byte, 1000), "http", 400},
		{"TLS ClientHello", []byte("\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03" + strings.Repeat("\x00", 64)), "http", 400},
		{"HTTP/1.1 without Host", []byte("POST / HTTP/1.1\r\n\r\n"), "http", 400},
		{"HTTP/0.9 request line", []byte("POST /\r\n\r\n"), "http", 400},
		{"invalid method characters", []byte("P@ST / HTTP/1.1\r\n" + h + "\r\n"), "http", 400},
		{"header line without colon", []byte("POST / HTTP/1.1\r\n" + h + "NoColonHere\r\n\r\n"), "http", 400},
		{"NUL in a header value", []byte("POST / HTTP/1.1\r\n" + h + "X-Amz-Target: a\x00b\r\n\r\n"), "http", 400},
		{"Content-Length abc", []byte(post + "Content-Length: abc\r\n\r\n{}"), "http", 400},
		{"negative Content-Length", []byte(post + "Content-Length: -5\r\n\r\n{}"), "http", 400},
		{"two Content-Lengths", []byte(post + "Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}"), "http", 400},
		{"unknown Transfer-Encoding", []byte(post + "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n"), "http", 501},
		{"2 MiB header", []byte("POST / HTTP/1.1\r\n" + h + "X-Big: " + strings.Repeat("a", 2<<20) + "\r\n\r\n"), "http", 431},
		{"2 MiB URI", []byte("POST /" + strings.Repeat("a", 2<<20) + " HTTP/1.1\r\n" + h + "\r\n"), "http", 431},
		{"100 KiB URI (within net/http's header limit)", []byte("POST /" + strings.Repeat("a", 100<<10) + " HTTP/1.1\r\n" + h + "\r\n"), "ecs", 404},
		{"HTTP/9.9", []byte("POST / HTTP/9.9\r\n" + h + "\r\n"), "http", 505},
		{"partial request line", []byte("POST / HT"), "http", 400},
		{"headers never finished", []byte(post + "Content-Length: 2\r\n"), "http", 400},
		{"nothing at all", nil, "none", 0},
		{"body shorter than Content-Length", []byte(post + "Content-Length: 100\r\n\r\n{\"a\":"), "ecs", 400},
		{"broken chunk size", []byte(post + "Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n"), "ecs", 400},
		{"chunk longer than announced", []byte(post + "Transfer-Encoding: chunked\r\n\r\n1\r\n{}}}}\r\n0\r\n\r\n"), "ecs", 400},
		{"chunked body cut off", []byte(post + "Transfer-Encoding: chunked\r\n\r\n10\r\n{\"a\""), "ecs", 400},
		{"Content-Length and chunked (chunked wins), unsigned", []byte(post + "Content-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n"), "ecs", 400},
		{"HTTP/2 preface", []byte("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"), "ecs", 404},
		{"POST *", []byte("POST * HTTP/1.1\r\n" + h + "Content-Type: application/x-amz-json-1.1\r\nContent-Length: 2\r\n\r\n{}"), "ecs", 404},
		{"absolute-form URI for another host", []byte("POST http://evil.example/ HTTP/1.1\r\nHost: evil.example\r\nContent-Type: application/x-amz-json-1.1\r\nContent-Length: 2\r\n\r\n{}"), "ecs", 400},
		{"CONNECT", []byte("CONNECT evil.example:443 HTTP/1.1\r\nHost: evil.example:443\r\n\r\n"), "ecs", 404},
		{"absolute-form URI with an unclean path", []byte("POST http://" + host + "//x/.. HTTP/1.1\r\n" + h + "Content-Type: application/x-amz-json-1.1\r\nContent-Length: 2\r\n\r\n{}"), "ecs", 404},
		{"OPTIONS *", []byte("OPTIONS * HTTP/1.1\r\n" + h + "\r\n"), "http", 200},
		{"websocket upgrade to the agent channel, unsigned", []byte("GET /ws?clusterArn=a&containerInstanceArn=b HTTP/1.1\r\n" + h +
			"Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"), "endpoint", 400},
		{"garbage to the logs endpoint", []byte("GET /berth/v1/logs?task=%ff%00 HTTP/1.1\r\n" + h + "\r\n"), "endpoint", 400},
		{"signed request, then garbage on the same connection", append(signedRaw(host), randomBytes(4, 512)...), "pipelined", 200},
		// Half-closing may end the request's context before the answer is
		// ready: then a ClientException, never a ServerException.
		{"signed request, half-closed at once", signedRaw(host), "ok or ecs", 200},
	}
}

// TestRawHTTPGarbage writes bytes that are not (or not quite) HTTP to the
// server's port. Nothing may crash it; net/http answers what it cannot
// parse (400, 431; 501 for an unknown transfer coding; 505 for an HTTP
// version it does not speak; 200 for OPTIONS *), anything that reaches a
// handler gets an ECS JSON error (a 404 for "*", CONNECT and unclean paths,
// which ServeMux would answer with a bodiless 400, 404 or redirect), and
// afterwards the server still serves and its state is unchanged.
func TestRawHTTPGarbage(t *testing.T) {
	srv := startServer(t, t.TempDir(), "127.0.0.1:0")
	t.Cleanup(func() { _ = srv.Close() })
	admin := newClient(srv.URL)
	seedWorld(t, admin)
	hc := &http.Client{Timeout: time.Minute}
	before, err := apiSnapshot(admin)
	if err != nil {
		t.Fatal(err)
	}
	writes, err := storeWrites(hc, srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	host := strings.TrimPrefix(srv.URL, "http://")
	cases := rawCases(host)
	for _, rc := range cases {
		// A pipelined case keeps the connection open for writing: a
		// half-close ends the context of a request still being served.
		resps, err := rawExchange(host, rc.data, rc.answeredBy != "pipelined")
		if err != nil {
			t.Errorf("%s: %v", rc.name, err)
			continue
		}
		checkRaw(t, rc, resps)
	}
	after, err := apiSnapshot(admin)
	if err != nil {
		t.Fatalf("after the garbage the server does not answer: %v", err)
	}
	if after != before {
		t.Errorf("the API shows a changed state:\n%s", diffLines(before, after))
	}
	if w, err := storeWrites(hc, srv.URL); err != nil || w != writes {
		t.Errorf("store write batches: got %v (%v), want %v", w, err, writes)
	}
	t.Logf("%d raw garbage cases", len(cases))
}

// rawExchange writes data, half-closes the connection (when halfClose)
// and reads every response until the server closes it.
func rawExchange(host string, data []byte, halfClose bool) ([]*http.Response, error) {
	conn, err := net.DialTimeout("tcp", host, 5*time.Second)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(15 * time.Second))
	go func() {
		_, _ = conn.Write(data) // the server may close before reading it all
		if halfClose {
			_ = conn.(*net.TCPConn).CloseWrite()
		}
	}()
	br := bufio.NewReader(conn)
	var out []*http.Response
	for {
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			return out, nil // the server closed the connection
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body = io.NopCloser(bytes.NewReader(body))
		out = append(out, resp)
	}
}

// checkRaw checks the responses to one raw case.
func checkRaw(t *testing.T, rc rawCase, resps []*http.Response) {
	t.Helper()
	switch {
	case rc.answeredBy == "none":
		if len(resps) != 0 {
			t.Errorf("%s: got status %d, want no answer", rc.name, resps[0].StatusCode)
		}
		return
	case len(resps) == 0:
		t.Errorf("%s: got no answer, want status %d", rc.name, rc.status)
		return
	}
	r := resps[0]
	if rc.answeredBy == "ok or ecs" {
		if r.StatusCode != 200 && r.Header.Get("X-Amzn-Errortype") != "ClientException" {
			t.Errorf("%s: got %d %s, want 200 or a ClientException", rc.name, r.StatusCode, r.Header.Get("X-Amzn-Errortype"))
		}
		return
	}
	if rc.answeredBy == "pipelined" {
		if len(resps) < 2 || r.StatusCode != 200 || resps[1].StatusCode != 400 {
			t.Errorf("%s: got %d answers, first %d, want 200 then net/http's 400", rc.name, len(resps), r.StatusCode)
		}
		return
	}
	if r.StatusCode != rc.status {
		t.Errorf("%s: got status %d, want %d", rc.name, r.StatusCode, rc.status)
	}
	fromECS := r.Header.Get("X-Amzn-Requestid") != ""
	switch rc.answeredBy {
	case "http":
		if fromECS {
			t.Errorf("%s: got an answer from the ECS edge, want net/http's own", rc.name)
		}
	case "ecs", "endpoint":
		rec := &recorded{Case: rc.name, Status: r.StatusCode, Headers: map[string]string{}}
		for k := range r.Header {
			rec.Headers[k] = r.Header.Get(k)
		}
		body, _ := io.ReadAll(r.Body)
		rec.Body = string(body)
		if rc.answeredBy == "endpoint" {
			rec.Headers["X-Amzn-Requestid"] = "-" // other endpoints need not send one
		}
		if err := checkError(rec, rc.status, errorTypeOf(rec.Body)); err != nil {
			t.Errorf("%s: %v", rc.name, err)
		}
	}
}

// errorTypeOf extracts __type, so that checkError checks the wire form
// whatever the code.
func errorTypeOf(body string) string {
	_, after, ok := strings.Cut(body, `"__type":"`)
	if !ok {
		return ""
	}
	code, _, _ := strings.Cut(after, `"`)
	return code
}
