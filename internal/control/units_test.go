package control

import (
	"testing"
)

func TestParseTaskCPU(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"1024", 1024, true},
		{" 256 ", 256, true},
		{"1 vCPU", 1024, true},
		{"1vcpu", 1024, true},
		{"2 VCPU", 2048, true},
		{"0.25 vCPU", 256, true},
		{".5 vCPU", 512, true},
		{"0.125 vcpu", 128, true},
		{"0.1 vCPU", 0, false}, // 102.4 units
		{"0", 0, false},
		{"-1", 0, false},
		{"", 0, false},
		{"vCPU", 0, false},
		{"1e3 vCPU", 0, false},
		{"one vCPU", 0, false},
		{"1 GB", 0, false},
	}
	for _, tc := range tests {
		got, ok := parseTaskCPU(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("parseTaskCPU(%q) = %d, %v; want %d, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestParseTaskMemory(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"512", 512, true},
		{"2GB", 2048, true},
		{"2 GB", 2048, true},
		{"0.5 gb", 512, true},
		{"1.5GB", 1536, true},
		{"2 MB", 0, false},
		{"1TB", 0, false},
		{"GB", 0, false},
		{"0GB", 0, false},
	}
	for _, tc := range tests {
		got, ok := parseTaskMemory(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("parseTaskMemory(%q) = %d, %v; want %d, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestValidFargateSize(t *testing.T) {
	tests := []struct {
		cpu, memory int64
		want        bool
	}{
		{256, 512, true}, {256, 1024, true}, {256, 2048, true}, {256, 1536, false}, {256, 3072, false},
		{512, 1024, true}, {512, 4096, true}, {512, 512, false}, {512, 5120, false},
		{1024, 2048, true}, {1024, 8192, true}, {1024, 2560, false},
		{2048, 4096, true}, {2048, 16384, true},
		{4096, 8192, true}, {4096, 30720, true}, {4096, 31744, false},
		{8192, 16384, true}, {8192, 20480, true}, {8192, 17408, false}, {8192, 61440, true},
		{16384, 32768, true}, {16384, 40960, true}, {16384, 36864, false}, {16384, 122880, true},
		{128, 512, false}, {3072, 8192, false},
	}
	for _, tc := range tests {
		if got := validFargateSize(tc.cpu, tc.memory); got != tc.want {
			t.Errorf("validFargateSize(%d, %d) = %v; want %v", tc.cpu, tc.memory, got, tc.want)
		}
	}
}

func TestTokens(t *testing.T) {
	tok := encodeToken("ListClusters", "/clusters/b")
	if got, err := decodeToken("ListClusters", tok); err != nil || got != "/clusters/b" {
		t.Errorf("decodeToken(own token) = %q, %v; want /clusters/b", got, err)
	}
	for _, bad := range []string{"x", "!!", encodeToken("ListTaskDefinitions", "/clusters/b")} {
		if _, err := decodeToken("ListClusters", bad); err == nil {
			t.Errorf("decodeToken(%q) succeeded, want an error", bad)
		}
	}
	if _, err := tokenAfter("ListClusters", encodeToken("ListClusters", "/allocs/x"), prefixClusters); err == nil {
		t.Errorf("tokenAfter accepted a position outside the prefix, want an error")
	}
}

func TestTaskDefKeys(t *testing.T) {
	key := taskDefKey("web", 42)
	if key != "/taskdefs/web/0000042" {
		t.Errorf("taskDefKey(web, 42) = %s; want /taskdefs/web/0000042", key)
	}
	if f, r, ok := parseTaskDefKey(key); f != "web" || r != 42 || !ok {
		t.Errorf("parseTaskDefKey(%s) = %s, %d, %v; want web, 42, true", key, f, r, ok)
	}
	if taskDefKey("web", 1000000) <= taskDefKey("web", 999999) {
		t.Errorf("revision keys do not sort numerically up to 1,000,000")
	}
}
