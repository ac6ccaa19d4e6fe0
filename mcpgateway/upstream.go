package mcpgateway

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// dial opens a session to s for cs. The connection's context outlives the
// request that opened it (the SSE transport holds its stream on it) and
// ends with the session; a timer bounds the handshake.
func (g *Gateway) dial(ctx context.Context, s *upstreamServer, cs *clientSession) (*mcp.ClientSession, context.CancelFunc, error) {
	token := ""
	if s.cfg.PassClientToken && cs.caller != nil {
		token = cs.caller.Token
	}
	hc := &http.Client{Transport: &headerTransport{base: g.base, headers: s.cfg.Headers, token: token}}
	var t mcp.Transport
	switch s.cfg.Transport {
	case TransportSSE:
		t = &mcp.SSEClientTransport{Endpoint: s.cfg.URL, HTTPClient: hc}
	default:
		t = &mcp.StreamableClientTransport{Endpoint: s.cfg.URL, HTTPClient: hc}
	}
	client := mcp.NewClient(gatewayImpl, &mcp.ClientOptions{
		ToolListChangedHandler:     func(context.Context, *mcp.ToolListChangedRequest) { cs.listChanged(kindTools) },
		PromptListChangedHandler:   func(context.Context, *mcp.PromptListChangedRequest) { cs.listChanged(kindPrompts) },
		ResourceListChangedHandler: func(context.Context, *mcp.ResourceListChangedRequest) { cs.listChanged(kindResources) },
		ProgressNotificationHandler: func(ctx context.Context, r *mcp.ProgressNotificationClientRequest) {
			cs.relayProgress(ctx, r.Params)
		},
	})
	connCtx, stop := context.WithCancel(context.WithoutCancel(ctx))
	timer := time.AfterFunc(s.cfg.Timeout, stop)
	sess, err := client.Connect(connCtx, t, nil)
	if timedOut := !timer.Stop(); timedOut || err != nil {
		stop()
		if sess != nil {
			_ = sess.Close()
		}
		if timedOut && ctx.Err() == nil {
			err = context.DeadlineExceeded
		}
		return nil, nil, err
	}
	if r := sess.InitializeResult(); r != nil && r.Capabilities != nil {
		s.caps.Store(r.Capabilities)
	}
	return sess, stop, nil
}

// headerTransport adds a server's configured headers, and the caller's
// token where the server takes it, to every upstream request.
type headerTransport struct {
	base    http.RoundTripper
	headers http.Header
	token   string
}

func (t *headerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if len(t.headers) == 0 && t.token == "" {
		return t.base.RoundTrip(r)
	}
	r = r.Clone(r.Context()) // a RoundTripper must not change the caller's request
	for k, v := range t.headers {
		r.Header[k] = v
	}
	if t.token != "" {
		r.Header.Set("Authorization", "Bearer "+t.token)
	}
	return t.base.RoundTrip(r)
}

// scrubError is a failure's text for logs and events, with the server's
// URL (which may carry a credential in its query) replaced by its name.
func scrubError(s *upstreamServer, err error) string {
	if err == nil {
		return ""
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return "timed out"
	}
	msg := strings.ReplaceAll(err.Error(), s.cfg.URL, "<"+s.cfg.Name+">")
	if len(msg) > 200 {
		msg = msg[:200]
	}
	return msg
}
