package agentrpc

import (
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// writeJSON sends one message on ws; it is safe to call from any
// goroutine.
func (s *Session) writeJSON(ws *websocket.Conn, typ string, msg any) error {
	data, err := encodeEnvelope(typ, msg)
	if err != nil {
		return err
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	return writeFrame(ws, data)
}

// writeStateChanges sends req on ws, encoded into a buffer of
// encodePool; it is safe to call from any goroutine.
func (s *Session) writeStateChanges(ws *websocket.Conn, req StateChangeRequest) error {
	buf := encodePool.Get().(*[]byte)
	defer encodePool.Put(buf)
	data := appendStateChangeFrame((*buf)[:0], &req)
	if cap(data) <= maxPooledFrame {
		*buf = data // grown: keep the larger buffer
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	return writeFrame(ws, data) // ws copies data; the buffer is free again once it returns
}

// encodePool holds the buffers sessions encode state changes into.
var encodePool = sync.Pool{New: func() any { return new([]byte) }}

// writeFrame sends one encoded message on ws; the caller holds wmu.
func writeFrame(ws *websocket.Conn, data []byte) error {
	if err := ws.SetWriteDeadline(time.Now().Add(10 * time.Second)); err != nil {
		return err
	}
	return ws.WriteMessage(websocket.TextMessage, data)
}
