package credentials

import (
	"bytes"
	"slices"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name    string
		file    string
		want    []Pair
		wantErr string
	}{
		{
			name: "sections, comments, profile prefix, other keys",
			file: `# berth keys
; another comment
[ci]
aws_access_key_id = CIKEY
aws_secret_access_key = ci/secret+1
region = us-east-1

[profile alice]
AWS_Access_Key_Id=ALICEKEY
aws_secret_access_key=alice-secret
aws_session_token = ignored

[sso-only]
sso_start_url = https://example.com
`,
			want: []Pair{
				{AccessKeyID: "CIKEY", SecretAccessKey: "ci/secret+1", Source: "f [ci]"},
				{AccessKeyID: "ALICEKEY", SecretAccessKey: "alice-secret", Source: "f [alice]"},
			},
		},
		{name: "value keeps inner equal signs", file: "[a]\naws_access_key_id=K\naws_secret_access_key=abc==\n",
			want: []Pair{{AccessKeyID: "K", SecretAccessKey: "abc==", Source: "f [a]"}}},
		{name: "empty file", file: "", wantErr: "f: no section sets aws_access_key_id and aws_secret_access_key"},
		{name: "no pairs", file: "[a]\nregion=x\n", wantErr: "no section sets"},
		{name: "key outside a section", file: "aws_access_key_id=K\n", wantErr: `f:1: "aws_access_key_id" is outside any [section]`},
		{name: "secret missing", file: "[a]\naws_access_key_id=K\n", wantErr: "f:1: section [a] sets aws_access_key_id but not aws_secret_access_key"},
		{name: "id missing", file: "[a]\n\n[b]\naws_secret_access_key=S\n", wantErr: "f:3: section [b] sets aws_secret_access_key but not aws_access_key_id"},
		{name: "duplicate section", file: "[a]\naws_access_key_id=K\naws_secret_access_key=S\n[profile a]\n", wantErr: "f:4: section [a] already appears at line 1"},
		{name: "duplicate key", file: "[a]\naws_access_key_id=K\naws_access_key_id=L\n", wantErr: "f:3: aws_access_key_id is set twice in section [a]"},
		{name: "unclosed header", file: "[a\n", wantErr: `f:1: section header "[a" has no closing ]`},
		{name: "empty header", file: "[ ]\n", wantErr: `f:1: section header "[ ]" has no name`},
		{name: "not key value", file: "[a]\njust words\n", wantErr: `f:2: expected "key = value"`},
		{name: "id with slash", file: "[a]\naws_access_key_id=A/B\naws_secret_access_key=S\n", wantErr: "may only hold printable ASCII without spaces, '/', ',' or '='"},
		{name: "empty secret", file: "[a]\naws_access_key_id=K\naws_secret_access_key=\n", wantErr: "the secret access key of K is empty"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Parse(strings.NewReader(tc.file), "f")
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("got error %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("got error %v, want none", err)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("got %#v, want %#v", got, tc.want)
			}
		})
	}
}

// TestFormatParses checks that what Format writes, Parse reads back.
func TestFormatParses(t *testing.T) {
	pairs := []Pair{{AccessKeyID: "K1", SecretAccessKey: "s1/+"}, {AccessKeyID: "K2", SecretAccessKey: "s2"}}
	var buf bytes.Buffer
	if err := Format(&buf, "line one\nline two", []string{"one", "two"}, pairs); err != nil {
		t.Fatalf("Format: %v", err)
	}
	got, err := Parse(&buf, "f")
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	want := []Pair{{AccessKeyID: "K1", SecretAccessKey: "s1/+", Source: "f [one]"}, {AccessKeyID: "K2", SecretAccessKey: "s2", Source: "f [two]"}}
	if !slices.Equal(got, want) {
		t.Errorf("got %#v, want %#v", got, want)
	}
	if err := Format(&buf, "", []string{"one"}, pairs); err == nil {
		t.Errorf("Format with 1 name for 2 pairs: got no error, want one")
	}
}
