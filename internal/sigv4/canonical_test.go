package sigv4

import (
	"net/http"
	"testing"
)

func TestCanonicalURI(t *testing.T) {
	tests := []struct {
		path string
		want string
	}{
		{"", "/"},
		{"/", "/"},
		{"/a/b/", "/a/b/"},
		{"//a//", "//a//"},
		{"/-._~AZaz09", "/-._~AZaz09"},
		// The wire path is encoded once more: '%' becomes %25.
		{"/a%20b", "/a%2520b"},
		{"/%E1%88%B4", "/%25E1%2588%25B4"},
		{"/a+b=c&d:e@f", "/a%2Bb%3Dc%26d%3Ae%40f"},
		// A raw byte is encoded once, upper-case hex.
		{"/ሴ", "/%E1%88%B4"},
		{"/a b", "/a%20b"},
		// Dot segments stay.
		{"/a/./b/../c", "/a/./b/../c"},
	}
	for _, tt := range tests {
		if got := CanonicalURI(tt.path); got != tt.want {
			t.Errorf("CanonicalURI(%q) = %q, want %q", tt.path, got, tt.want)
		}
	}
}

func TestCanonicalQueryString(t *testing.T) {
	tests := []struct {
		name  string
		query string
		want  string
	}{
		{"empty", "", ""},
		{"sorted by name", "b=2&a=1", "a=1&b=2"},
		{"same name sorted by value", "a=2&a=1", "a=1&a=2"},
		{"name is case sensitive, upper first", "a=1&B=2", "B=2&a=1"},
		{"no equal sign", "a", "a="},
		{"empty values", "a=&b", "a=&b="},
		{"empty pairs dropped", "&&a=1&", "a=1"},
		{"plus is a space", "a=b+c", "a=b%20c"},
		{"percent space kept", "a=b%20c", "a=b%20c"},
		{"slash encoded", "a=/", "a=%2F"},
		{"lower-case escape normalized", "a=%2f", "a=%2F"},
		{"unreserved decoded", "a=%7E%41", "a=~A"},
		{"reserved encoded", "a=!*'()", "a=%21%2A%27%28%29"},
		{"equal sign in value", "a=b=c", "a=b%3Dc"},
		{"utf-8", "k=%E1%88%B4", "k=%E1%88%B4"},
		{"bad escape taken literally", "a=%zz", "a=%25zz"},
		// Sorting happens after encoding: '%' (0x25) sorts before '-' (0x2D).
		{"sort after encoding", "a=a-b&a=a/b", "a=a%2Fb&a=a-b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CanonicalQueryString(tt.query); got != tt.want {
				t.Errorf("CanonicalQueryString(%q) = %q, want %q", tt.query, got, tt.want)
			}
		})
	}
}

func TestCanonicalHeaders(t *testing.T) {
	tests := []struct {
		name    string
		headers http.Header
		host    string
		signed  []string
		want    string
	}{
		{
			name:    "host comes from the argument",
			headers: http.Header{"Host": {"ignored.example"}},
			host:    "127.0.0.1:8080",
			signed:  []string{"host"},
			want:    "host:127.0.0.1:8080\n",
		},
		{
			name:    "order of the signed list, not of the map",
			headers: http.Header{"X-Amz-Date": {exampleAmzDate}, "Content-Type": {"application/x-amz-json-1.1"}},
			host:    "h",
			signed:  []string{"x-amz-date", "host", "content-type"},
			want:    "x-amz-date:20150830T123600Z\nhost:h\ncontent-type:application/x-amz-json-1.1\n",
		},
		{
			name:    "trimmed and spaces collapsed",
			headers: http.Header{"My-Header": {"  a   b \t"}},
			signed:  []string{"my-header"},
			want:    "my-header:a b\n",
		},
		{
			name:    "quoted spaces collapsed too",
			headers: http.Header{"My-Header": {`"a   b"`}},
			signed:  []string{"my-header"},
			want:    "my-header:\"a b\"\n",
		},
		{
			name:    "several values joined with commas in order",
			headers: http.Header{"My-Header": {"z", " y ", "x"}},
			signed:  []string{"my-header"},
			want:    "my-header:z,y,x\n",
		},
		{
			name:    "value case kept",
			headers: http.Header{"X-Amz-Target": {"AmazonEC2ContainerServiceV20141113.RunTask"}},
			signed:  []string{"x-amz-target"},
			want:    "x-amz-target:AmazonEC2ContainerServiceV20141113.RunTask\n",
		},
		{
			name:    "non-canonical map key found",
			headers: http.Header{"x_custom": {"v"}},
			signed:  []string{"x_custom"},
			want:    "x_custom:v\n",
		},
		{
			name:   "absent header has an empty value",
			signed: []string{"my-header"},
			want:   "my-header:\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CanonicalHeaders(tt.headers, tt.host, tt.signed); got != tt.want {
				t.Errorf("CanonicalHeaders = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestCanonicalRequestECS is the shape of every ECS call: POST / with a JSON
// body, signed as botocore signs it.
func TestCanonicalRequestECS(t *testing.T) {
	h := http.Header{
		"Content-Type": {"application/x-amz-json-1.1"},
		"X-Amz-Date":   {"20240101T000000Z"},
		"X-Amz-Target": {"AmazonEC2ContainerServiceV20141113.ListClusters"},
		"User-Agent":   {"aws-cli/2"},
	}
	body := []byte("{}")
	got := CanonicalRequest("POST", "/", "", h, "127.0.0.1:4566",
		[]string{"content-type", "host", "x-amz-date", "x-amz-target"}, HexSHA256(body))
	want := "POST\n/\n\n" +
		"content-type:application/x-amz-json-1.1\n" +
		"host:127.0.0.1:4566\n" +
		"x-amz-date:20240101T000000Z\n" +
		"x-amz-target:AmazonEC2ContainerServiceV20141113.ListClusters\n" +
		"\n" +
		"content-type;host;x-amz-date;x-amz-target\n" +
		"44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"
	if got != want {
		t.Errorf("CanonicalRequest = %q, want %q", got, want)
	}
}
