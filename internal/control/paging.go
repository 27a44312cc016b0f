package control

import (
	"context"
	"encoding/base64"
	"strings"

	"github.com/berth-io/berth/internal/ecs"
	"github.com/berth-io/berth/internal/store"
)

// Paginated List* operations return at most maxResults items (1..100,
// default 100) and an opaque nextToken when more follow. A token encodes
// the operation it belongs to and the position after which the next page
// starts (a store key, or a key plus a name), so it stays valid while
// records are added or removed, as ECS tokens do.

// maxPage is the largest and the default page of the List operations.
const maxPage = 100

// pageSize validates maxResults.
func pageSize(maxResults *int32) (int, error) {
	if maxResults == nil {
		return maxPage, nil
	}
	if n := *maxResults; n < 1 || n > maxPage {
		return 0, ecs.InvalidParameter("maxResults must be between 1 and %d.", maxPage)
	}
	return int(*maxResults), nil
}

// tokenVersion prefixes every token so that the format can change.
const tokenVersion = "1"

// encodeToken makes the nextToken for operation op resuming after pos.
func encodeToken(op, pos string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(tokenVersion + "\x00" + op + "\x00" + pos))
}

// decodeToken returns the position of a nextToken made by encodeToken for
// op; "" for an empty token. A token from another operation or one that is
// not berth's is an InvalidParameterException.
func decodeToken(op, token string) (string, error) {
	if token == "" {
		return "", nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err == nil {
		parts := strings.SplitN(string(raw), "\x00", 3)
		if len(parts) == 3 && parts[0] == tokenVersion && parts[1] == op && parts[2] != "" {
			return parts[2], nil
		}
	}
	return "", ecs.InvalidParameter("Invalid nextToken.")
}

// scanPage walks the keys under prefix that follow after (a key; "" for the
// start) and keeps those keep accepts, until it has limit of them. next is
// the key of the last one kept when more acceptable keys follow, else "".
func scanPage(ctx context.Context, st store.Store, prefix, after string, limit int, keep func(store.KV) (bool, error)) (kept []store.KV, next string, err error) {
	for {
		kvs, _, err := st.List(ctx, prefix, store.ListOptions{StartAfter: after, Limit: listPage})
		if err != nil {
			return nil, "", err
		}
		for _, kv := range kvs {
			ok, err := keep(kv)
			if err != nil {
				return nil, "", err
			}
			if !ok {
				continue
			}
			if len(kept) == limit {
				return kept, kept[limit-1].Key, nil
			}
			kept = append(kept, kv)
		}
		if len(kvs) < listPage {
			return kept, "", nil
		}
		after = kvs[len(kvs)-1].Key
	}
}

// tokenAfter validates that a decoded token position lies under prefix,
// so a token cannot make a listing escape its prefix.
func tokenAfter(op, token, prefix string) (string, error) {
	pos, err := decodeToken(op, token)
	if err != nil || pos == "" {
		return pos, err
	}
	if !strings.HasPrefix(pos, prefix) {
		return "", ecs.InvalidParameter("Invalid nextToken.")
	}
	return pos, nil
}
