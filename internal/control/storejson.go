package control

import (
	"bytes"
	"encoding/json"
	"sync"

	"github.com/berth-io/berth/internal/ecsmodel"
)

// appendBufs are scratch buffers for AppendJSON, so that a stored value
// is one allocation of its exact size.
var appendBufs = sync.Pool{New: func() any { return new([]byte) }}

// maxPooledAppendBuf is the largest scratch buffer put back in appendBufs.
const maxPooledAppendBuf = 64 << 10

// marshalAppender returns exactly what json.Marshal writes for a: its
// AppendJSON with <, >, & and U+2028/U+2029 escaped, as json.Marshal (HTML
// escaping on) writes them, so records keep the bytes they always had.
func marshalAppender(a ecsmodel.JSONAppender) []byte {
	bp := appendBufs.Get().(*[]byte)
	raw := a.AppendJSON((*bp)[:0])
	out := appendHTMLEscaped(make([]byte, 0, len(raw)), raw)
	if cap(raw) <= maxPooledAppendBuf {
		*bp = raw[:0]
		appendBufs.Put(bp)
	}
	return out
}

// appendHTMLEscaped appends src, a JSON document, to dst with <, >, & and
// U+2028/U+2029 inside strings escaped as \u003c, \u003e, \u0026, \u2028
// and \u2029 (json.HTMLEscape). Documents with none of them, nearly all,
// are copied after four quick scans.
func appendHTMLEscaped(dst, src []byte) []byte {
	if bytes.IndexByte(src, '<') < 0 && bytes.IndexByte(src, '>') < 0 &&
		bytes.IndexByte(src, '&') < 0 && bytes.IndexByte(src, 0xe2) < 0 { // 0xe2 starts U+2028 and U+2029
		return append(dst, src...)
	}
	var buf bytes.Buffer
	json.HTMLEscape(&buf, src)
	return append(dst, buf.Bytes()...)
}
