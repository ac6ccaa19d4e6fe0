package mcpgateway

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"go.opentelemetry.io/otel/trace"
	"go.uber.org/zap"

	"github.com/sira-ai/caddy-ai-backends/breaker"
	"github.com/sira-ai/caddy-ai-backends/security"
)

// Gateway is the MCP endpoint: an http.Handler speaking Streamable HTTP.
type Gateway struct {
	opts    Options
	servers []*upstreamServer
	byName  map[string]*upstreamServer
	base    http.RoundTripper
	handler *mcp.StreamableHTTPHandler
	// shared answers the SDK's per-request protocol-version check for
	// requests of existing sessions; it never serves a session.
	shared *mcp.Server

	mu       sync.Mutex
	sessions map[string]*clientSession // by Mcp-Session-Id
	closed   bool
	watchers sync.WaitGroup // one per initialized session, until its upstreams closed
}

// upstreamServer is one configured server and its live state.
type upstreamServer struct {
	cfg                       ServerConfig
	tools, prompts, resources security.NameList
	brk                       *breaker.Breaker
	open                      atomic.Int64 // upstream sessions open now
	// caps are the capabilities of the server's last initialize answer;
	// nil until one arrived.
	caps atomic.Pointer[mcp.ServerCapabilities]
}

type ctxKey int

const newSessionKey ctxKey = iota

// New checks the servers and builds the gateway.
func New(opts Options) (*Gateway, error) {
	if len(opts.Servers) == 0 {
		return nil, fmt.Errorf("mcp: no server configured")
	}
	if opts.MaxMessageBytes <= 0 {
		opts.MaxMessageBytes = DefaultMaxMessageBytes
	}
	if opts.SessionIdle <= 0 {
		opts.SessionIdle = DefaultSessionIdle
	}
	if opts.Logger == nil {
		opts.Logger = zap.NewNop()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	g := &Gateway{opts: opts, byName: make(map[string]*upstreamServer), sessions: make(map[string]*clientSession)}
	for i := range opts.Servers {
		s, err := opts.Servers[i].compile()
		if err != nil {
			return nil, err
		}
		if g.byName[s.cfg.Name] != nil {
			return nil, fmt.Errorf("mcp server %q is declared twice", s.cfg.Name)
		}
		g.byName[s.cfg.Name] = s
		g.servers = append(g.servers, s)
	}
	g.base = opts.Transport
	if g.base == nil {
		g.base = http.DefaultTransport.(*http.Transport).Clone()
	}
	g.shared = mcp.NewServer(gatewayImpl, &mcp.ServerOptions{Capabilities: &mcp.ServerCapabilities{}})
	g.handler = mcp.NewStreamableHTTPHandler(g.serverFor, &mcp.StreamableHTTPOptions{
		MaxRequestBodyBytes: opts.MaxMessageBytes,
		SessionTimeout:      opts.SessionIdle,
	})
	return g, nil
}

var gatewayImpl = &mcp.Implementation{Name: "sira-ai-gateway", Version: "1.0.0"}

// serverFor is the SDK's getServer: the new session's own server when the
// request opens one, else the shared one (the SDK only reads its protocol
// versions then).
func (g *Gateway) serverFor(r *http.Request) *mcp.Server {
	if cs, ok := r.Context().Value(newSessionKey).(*clientSession); ok {
		return cs.server
	}
	return g.shared
}

// ServeHTTP authenticates the caller, keeps each session to the key that
// opened it, and hands the request to the SDK's Streamable HTTP handler.
func (g *Gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	caller := &Caller{}
	if g.opts.Authenticate != nil {
		c, err := g.opts.Authenticate(r)
		if err != nil {
			writeHTTPError(w, http.StatusUnauthorized, codeUnauthorized, err.Error())
			return
		}
		caller = c
	}
	if r.Method == http.MethodPost {
		msg, ok := g.precheck(w, r)
		if !ok {
			return
		}
		var span trace.Span
		if r, span = traceMessage(r, msg); span != nil {
			defer span.End()
		}
	}
	if id := r.Header.Get("Mcp-Session-Id"); id != "" {
		g.mu.Lock()
		cs := g.sessions[id]
		g.mu.Unlock()
		if cs != nil && cs.caller.Fingerprint() != caller.Fingerprint() {
			// Another key's session: answer as if it did not exist, so a
			// leaked session id reveals nothing and can be used by no one else.
			writeHTTPError(w, http.StatusNotFound, codeInvalidParams, "session not found")
			return
		}
		g.handler.ServeHTTP(w, r)
		return
	}
	if r.Method != http.MethodPost {
		g.handler.ServeHTTP(w, r) // the SDK refuses GET/DELETE without a session
		return
	}
	cs := g.newSession(caller)
	g.handler.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), newSessionKey, cs)))
	cs.settle()
}

// Close ends every client session (and so every upstream session); the
// gateway refuses new sessions afterwards.
func (g *Gateway) Close() {
	g.mu.Lock()
	g.closed = true
	all := make([]*clientSession, 0, len(g.sessions))
	for _, cs := range g.sessions {
		all = append(all, cs)
	}
	g.mu.Unlock()
	for _, cs := range all {
		cs.end()
	}
	// Sessions the clients ended just before are still closing upstream.
	g.watchers.Wait()
}

// register records a session under the id the SDK is about to hand out.
func (g *Gateway) register(id string, cs *clientSession) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		return false
	}
	g.sessions[id] = cs
	return true
}

func (g *Gateway) unregister(id string) {
	g.mu.Lock()
	delete(g.sessions, id)
	g.mu.Unlock()
}

// Sessions is the number of client sessions open now: those that
// initialized. An id the SDK handed out for a request that never
// initialized stays registered until that request returns (settle), and is
// not a session a client holds.
func (g *Gateway) Sessions() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	n := 0
	for _, cs := range g.sessions {
		cs.mu.Lock()
		if cs.ss != nil {
			n++
		}
		cs.mu.Unlock()
	}
	return n
}

func (g *Gateway) observe(ev *Event) {
	if g.opts.Observe != nil {
		g.opts.Observe(ev)
	}
}

// capabilities is the union of what the servers offer: each server's last
// initialize answer, or tools, prompts and resources for a server not yet
// reached (its sessions are opened lazily, after the client's initialize).
func (g *Gateway) capabilities() *mcp.ServerCapabilities {
	var tools, prompts, resources bool
	for _, s := range g.servers {
		c := s.caps.Load()
		tools = tools || c == nil || c.Tools != nil
		prompts = prompts || c == nil || c.Prompts != nil
		resources = resources || c == nil || c.Resources != nil
	}
	caps := &mcp.ServerCapabilities{}
	if tools {
		caps.Tools = &mcp.ToolCapabilities{ListChanged: true}
	}
	if prompts {
		caps.Prompts = &mcp.PromptCapabilities{ListChanged: true}
	}
	if resources {
		caps.Resources = &mcp.ResourceCapabilities{ListChanged: true}
	}
	return caps
}
