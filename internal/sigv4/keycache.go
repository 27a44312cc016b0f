package sigv4

import (
	"sync"
)

// maxCachedKeys bounds the signing-key cache; it is emptied when full. One
// entry serves one access key for one day, region and service, so a server
// with a few hundred active keys never reaches it.
const maxCachedKeys = 1024

// keyCache keeps derived signing keys, which stay valid for a whole day, so
// that a request costs one HMAC instead of five. It stores a key only after
// a request signed with it has verified, so unauthenticated callers cannot
// fill it, and it remembers the secret the key came from so that a rotated
// secret is never served a stale key.
type keyCache struct {
	mu   sync.Mutex
	keys map[string]cachedKey
}

type cachedKey struct {
	secret string
	key    []byte
}

// get returns the signing key for the scope of a, deriving it on a miss.
// cached reports whether it came from the cache.
func (c *keyCache) get(a Authorization, secret string) (key []byte, cached bool) {
	c.mu.Lock()
	e, ok := c.keys[cacheID(a)]
	c.mu.Unlock()
	if ok && e.secret == secret {
		return e.key, true
	}
	return SigningKey(secret, a.Date, a.Region, a.Service), false
}

// put stores a key that has just verified a request.
func (c *keyCache) put(a Authorization, secret string, key []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.keys == nil || len(c.keys) >= maxCachedKeys {
		c.keys = make(map[string]cachedKey)
	}
	c.keys[cacheID(a)] = cachedKey{secret: secret, key: key}
}

func cacheID(a Authorization) string {
	return a.AccessKeyID + "/" + a.Date + "/" + a.Region + "/" + a.Service
}
