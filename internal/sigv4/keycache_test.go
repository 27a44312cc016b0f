package sigv4

import (
	"bytes"
	"errors"
	"strconv"
	"sync"
	"testing"
)

func TestKeyCacheRotatedSecret(t *testing.T) {
	creds := StaticCredentials{testAKID: testSecret}
	v := testVerifier()
	v.Credentials = creds
	if _, err := v.Verify(ecsRequest(defaultSigning(), nil, nil), []byte(testBody)); err != nil {
		t.Fatalf("Verify with the first secret error = %v, want nil", err)
	}
	if got := len(v.keys.keys); got != 1 {
		t.Fatalf("cached keys = %d, want 1", got)
	}

	creds[testAKID] = "rotated-secret"
	_, err := v.Verify(ecsRequest(defaultSigning(), nil, nil), []byte(testBody))
	if want := errSignatureMismatch(); !errors.Is(err, want) {
		t.Errorf("Verify with the old secret after rotation = %v, want %v", err, want)
	}
	s := defaultSigning()
	s.secret = "rotated-secret"
	if _, err := v.Verify(ecsRequest(s, nil, nil), []byte(testBody)); err != nil {
		t.Errorf("Verify with the rotated secret error = %v, want nil", err)
	}
}

func TestKeyCacheOnlyAfterSuccess(t *testing.T) {
	v := testVerifier()
	s := defaultSigning()
	s.secret = "wrong"
	if _, err := v.Verify(ecsRequest(s, nil, nil), []byte(testBody)); err == nil {
		t.Fatal("Verify with a wrong secret error = nil, want a mismatch")
	}
	if got := len(v.keys.keys); got != 0 {
		t.Errorf("cached keys after a failed verification = %d, want 0", got)
	}
}

func TestKeyCacheBounded(t *testing.T) {
	var c keyCache
	a := exampleAuthorization()
	for i := 0; i < maxCachedKeys+10; i++ {
		a.AccessKeyID = "AKID" + strconv.Itoa(i)
		c.put(a, "s", []byte(strconv.Itoa(i)))
		if len(c.keys) > maxCachedKeys {
			t.Fatalf("after %d puts the cache holds %d keys, want at most %d", i+1, len(c.keys), maxCachedKeys)
		}
	}
	key, cached := c.get(a, "s")
	if want := []byte(strconv.Itoa(maxCachedKeys + 9)); !cached || !bytes.Equal(key, want) {
		t.Errorf("get(last put) = %q, %v; want %q, true", key, cached, want)
	}
	if _, cached := c.get(a, "other secret"); cached {
		t.Errorf("get with another secret cached = true, want false")
	}
}

// TestVerifyConcurrent is for the race detector: one Verifier, many callers.
func TestVerifyConcurrent(t *testing.T) {
	v := testVerifier()
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 20 {
				if _, err := v.Verify(ecsRequest(defaultSigning(), nil, nil), []byte(testBody)); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("concurrent Verify error = %v, want nil", err)
	}
}
