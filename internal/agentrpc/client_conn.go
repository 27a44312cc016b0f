package agentrpc

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"github.com/berth-io/berth/internal/ecs"
	"github.com/berth-io/berth/internal/sigv4"
)

// errServerClosed ends a connection on which the server sent a CloseMessage.
var errServerClosed = errors.New("agentrpc: server closed the connection")

// PollURL turns a poll endpoint (http, https, ws or wss, with or without a
// trailing slash) into the websocket URL of the Hub with the given query.
func PollURL(endpoint string, query url.Values) (*url.URL, error) {
	u, err := url.Parse(endpoint)
	if err != nil {
		return nil, fmt.Errorf("agentrpc: poll endpoint %q: %w", endpoint, err)
	}
	switch u.Scheme {
	case "http":
		u.Scheme = "ws"
	case "https":
		u.Scheme = "wss"
	case "ws", "wss":
	default:
		return nil, fmt.Errorf("agentrpc: poll endpoint %q: scheme must be http, https, ws or wss", endpoint)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("agentrpc: poll endpoint %q has no host", endpoint)
	}
	u.Path = strings.TrimSuffix(u.Path, "/") + Path
	u.RawPath = ""
	u.RawQuery = query.Encode()
	u.Fragment = ""
	return u, nil
}

// connect opens and signs one websocket.
func (s *Session) connect(ctx context.Context) (*websocket.Conn, error) {
	s.mu.Lock()
	next := s.seq + 1
	s.mu.Unlock()
	q := url.Values{}
	q.Set(ParamClusterArn, s.cfg.Cluster)
	q.Set(ParamContainerInstanceArn, s.cfg.ContainerInstanceArn)
	q.Set(ParamSeqNum, strconv.FormatInt(next, 10))
	if s.cfg.AgentVersion != "" {
		q.Set(ParamAgentVersion, s.cfg.AgentVersion)
	}
	u, err := PollURL(s.cfg.Endpoint, q)
	if err != nil {
		return nil, err
	}
	req := &http.Request{Method: http.MethodGet, URL: u, Host: u.Host, Header: http.Header{}}
	if s.cfg.SessionToken != "" {
		req.Header.Set("X-Amz-Security-Token", s.cfg.SessionToken)
	}
	sigv4.Sign(req, nil, s.cfg.AccessKeyID, s.cfg.SecretAccessKey, s.cfg.Region, "ecs", s.cfg.Now())

	ws, resp, err := s.cfg.Dialer.DialContext(ctx, u.String(), req.Header)
	if err != nil {
		if resp != nil && resp.StatusCode != http.StatusSwitchingProtocols {
			return nil, handshakeError(resp)
		}
		return nil, fmt.Errorf("agentrpc: dial %s: %w", u.Host, err)
	}
	ws.SetReadLimit(64 << 20)
	s.attachConn(ws, hasFeature(resp.Header, FeatureStateChanges))
	return ws, nil
}

// serve reads from ws until it fails, the server goes silent or closes it,
// or ctx is done. Writes to ws go through writeJSON, from this goroutine
// and from the log streams' (which end with the connection), apart from
// the close frame sent when ctx ends.
func (s *Session) serve(ctx context.Context, ws *websocket.Conn) error {
	// Deferred first, so that it runs after ws is closed and no stream
	// waits on a write.
	s.streams = s.newAgentStreams(ctx, ws)
	defer s.streams.closeAll()
	defer s.detachConn()
	defer ws.Close()
	stop := context.AfterFunc(ctx, func() {
		_ = ws.WriteControl(websocket.CloseMessage,
			websocket.FormatCloseMessage(websocket.CloseNormalClosure, "agent stopping"), time.Now().Add(time.Second))
		_ = ws.Close()
	})
	defer stop()

	for {
		if err := ws.SetReadDeadline(time.Now().Add(s.cfg.HeartbeatTimeout)); err != nil {
			return err
		}
		if err := s.handleNext(ctx, ws); err != nil {
			return err
		}
	}
}

// framePool holds the buffers sessions read messages into, instead of a
// new one per message (as ws.ReadMessage makes). A session takes one
// once a message has begun to arrive and gives it back when it has
// handled the message, so that an idle session holds none.
var framePool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxPooledFrame is the largest buffer given back to framePool.
const maxPooledFrame = 64 << 10

// handleNext reads the next message of ws and dispatches it; an error
// ends the connection.
func (s *Session) handleNext(ctx context.Context, ws *websocket.Conn) error {
	kind, r, err := ws.NextReader()
	if err != nil {
		return err
	}
	buf := framePool.Get().(*bytes.Buffer)
	defer func() {
		if buf.Cap() <= maxPooledFrame {
			framePool.Put(buf)
		}
	}()
	buf.Reset()
	if _, err := buf.ReadFrom(r); err != nil {
		return err
	}
	if kind != websocket.TextMessage {
		return nil
	}
	env, err := decodeEnvelope(buf.Bytes())
	if err != nil {
		s.cfg.Logger.Warn("server sent a malformed message", "err", err)
		return nil
	}
	return s.dispatch(ctx, ws, env)
}

// dispatch handles one server message; an error ends the connection. It
// keeps nothing of env beyond the call: the buffer env is in goes back to
// framePool (see handleNext).
func (s *Session) dispatch(ctx context.Context, ws *websocket.Conn, env Envelope) error {
	log := s.cfg.Logger
	switch env.Type {
	case TypePayload:
		msg, err := decodePayload(env)
		if err != nil {
			log.Warn("server sent a malformed payload", "err", err)
			return nil
		}
		return s.handlePayload(ctx, ws, msg)
	case TypeHeartbeat:
		var hb HeartbeatMessage
		if err := decodeMessage(env, &hb); err != nil {
			return nil
		}
		return s.writeJSON(ws, TypeHeartbeatAck, HeartbeatAckRequest{MessageID: hb.MessageID})
	case TypeClose:
		var cm CloseMessage
		_ = decodeMessage(env, &cm)
		return fmt.Errorf("%w: %s", errServerClosed, cm.Message)
	case TypeStateChangeAck:
		s.handleStateAck(env)
	case TypeError:
		var em ErrorMessage
		_ = decodeMessage(env, &em)
		if em.MessageID != "" && em.Code == ecs.CodeUnsupportedFeature &&
			s.answer(em.MessageID, stateReply{err: ErrStateChangesUnsupported}) {
			s.mu.Lock()
			s.stateChanges = false // not on this connection after all
			s.mu.Unlock()
			return nil
		}
		log.Warn("server reported an error", "code", em.Code, "message", em.Message, "messageId", em.MessageID)
	case TypeLogsRequest, TypeLogsCredit, TypeLogsCancel:
		s.streams.handle(env)
	default:
		log.Debug("server sent an unknown message type", "type", env.Type)
	}
	return nil
}

// handlePayload hands the fresh tasks of msg to the Handler and acks msg
// when the Handler accepts it.
func (s *Session) handlePayload(ctx context.Context, ws *websocket.Conn, msg PayloadMessage) error {
	s.mu.Lock()
	if msg.SeqNum > s.seq {
		s.seq = msg.SeqNum
	}
	s.mu.Unlock()

	fresh := s.dedupe.fresh(msg.Tasks)
	if len(fresh) > 0 || msg.Snapshot {
		d := Delivery{Tasks: fresh, Snapshot: msg.Snapshot, SeqNum: msg.SeqNum, MessageID: msg.MessageID}
		if err := s.cfg.Handler(ctx, d); err != nil {
			s.cfg.Logger.Warn("payload not accepted; the server will resend it", "messageId", msg.MessageID, "err", err)
			return nil
		}
		s.dedupe.record(fresh, time.Now())
	}
	if s.deferAck(ws, msg.MessageID) {
		return nil
	}
	return s.writeJSON(ws, TypeAck, AckRequest{
		MessageID:            msg.MessageID,
		ClusterArn:           msg.ClusterArn,
		ContainerInstanceArn: msg.ContainerInstanceArn,
	})
}
