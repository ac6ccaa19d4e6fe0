package mcpgateway

import (
	"context"
	"crypto/rand"
	"errors"
	"sync"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

var errSessionEnded = errors.New("the client session has ended")

// clientSession is one client's MCP session: its own gateway-side server
// and the upstream sessions opened for it.
type clientSession struct {
	g      *Gateway
	caller *Caller
	server *mcp.Server

	mu        sync.Mutex
	id        string
	ss        *mcp.ServerSession // set by a successful initialize
	upstreams map[*upstreamServer]*upstreamConn
	resources map[string]resourceRef // URI → owner, learned from resources/list
	templates []templateRef          // from resources/templates/list
	ended     bool
}

// upstreamConn is the session to one upstream server; mu serializes
// opening it, so concurrent first calls open one session, not several.
type upstreamConn struct {
	mu      sync.Mutex
	session *mcp.ClientSession
	stop    context.CancelFunc // ends the connection's context
}

func (g *Gateway) newSession(caller *Caller) *clientSession {
	cs := &clientSession{g: g, caller: caller, upstreams: make(map[*upstreamServer]*upstreamConn)}
	cs.server = mcp.NewServer(gatewayImpl, &mcp.ServerOptions{
		Capabilities: g.capabilities(),
		GetSessionID: cs.newID,
	})
	cs.server.AddReceivingMiddleware(cs.middleware)
	return cs
}

// newID is the SDK's GetSessionID for this session: a random id, recorded
// with its owner before the client can use it.
func (cs *clientSession) newID() string {
	id := rand.Text()
	cs.mu.Lock()
	cs.id = id
	cs.mu.Unlock()
	cs.g.register(id, cs)
	return id
}

// attach starts watching a session that initialized: when the client
// deletes it, it times out or the gateway closes, its upstreams close.
func (cs *clientSession) attach(ss *mcp.ServerSession) {
	cs.mu.Lock()
	if cs.ss != nil {
		cs.mu.Unlock()
		return
	}
	cs.ss = ss
	cs.mu.Unlock()
	cs.g.watchers.Add(1)
	go func() {
		defer cs.g.watchers.Done()
		_ = ss.Wait()
		cs.end()
	}()
}

// settle runs after the request that created the session: a session that
// never initialized was discarded by the SDK, so it is forgotten here too.
func (cs *clientSession) settle() {
	cs.mu.Lock()
	discarded := cs.ss == nil && cs.id != ""
	id := cs.id
	cs.mu.Unlock()
	if discarded {
		cs.g.unregister(id)
	}
}

// end closes the client session and every upstream session opened for it.
// It is idempotent.
func (cs *clientSession) end() {
	cs.mu.Lock()
	if cs.ended {
		cs.mu.Unlock()
		return
	}
	cs.ended = true
	ss, id := cs.ss, cs.id
	conns := make(map[*upstreamServer]*upstreamConn, len(cs.upstreams))
	for s, u := range cs.upstreams {
		conns[s] = u
	}
	cs.mu.Unlock()
	cs.g.unregister(id)
	if ss != nil {
		_ = ss.Close()
	}
	for s, u := range conns {
		u.mu.Lock()
		u.closeLocked(s)
		u.mu.Unlock()
	}
}

func (u *upstreamConn) closeLocked(s *upstreamServer) {
	if u.session == nil {
		return
	}
	s.open.Add(-1) // before Close, whose DELETE the server may act on at once
	_ = u.session.Close()
	u.stop()
	u.session, u.stop = nil, nil
}

// upstream returns the session to s, opening it on first use.
func (cs *clientSession) upstream(ctx context.Context, s *upstreamServer) (*mcp.ClientSession, error) {
	cs.mu.Lock()
	if cs.ended {
		cs.mu.Unlock()
		return nil, errSessionEnded
	}
	u := cs.upstreams[s]
	if u == nil {
		u = &upstreamConn{}
		cs.upstreams[s] = u
	}
	cs.mu.Unlock()

	u.mu.Lock()
	defer u.mu.Unlock()
	if u.session != nil {
		return u.session, nil
	}
	sess, stop, err := cs.g.dial(ctx, s, cs)
	if err != nil {
		return nil, err
	}
	u.session, u.stop = sess, stop
	s.open.Add(1)
	cs.mu.Lock()
	ended := cs.ended
	cs.mu.Unlock()
	if ended { // the client left while this session opened
		u.closeLocked(s)
		return nil, errSessionEnded
	}
	return sess, nil
}

// drop forgets a broken upstream session so that the next use opens a
// fresh one (the server may come back while the client stays).
func (cs *clientSession) drop(s *upstreamServer, sess *mcp.ClientSession) {
	cs.mu.Lock()
	u := cs.upstreams[s]
	cs.mu.Unlock()
	if u == nil {
		return
	}
	u.mu.Lock()
	if u.session == sess {
		u.closeLocked(s)
	}
	u.mu.Unlock()
}

// listChanged tells the client that a list changed upstream. The SDK sends
// list_changed only when its own registry changes, so a placeholder is
// added and removed: its debounce turns that into one notification, and
// the placeholder never shows since the middleware answers the lists.
func (cs *clientSession) listChanged(kind string) {
	const placeholder = "gateway__list_changed"
	switch kind {
	case kindTools:
		cs.server.AddTool(&mcp.Tool{Name: placeholder, InputSchema: map[string]any{"type": "object"}},
			func(context.Context, *mcp.CallToolRequest) (*mcp.CallToolResult, error) { return nil, errSessionEnded })
		cs.server.RemoveTools(placeholder)
	case kindPrompts:
		cs.server.AddPrompt(&mcp.Prompt{Name: placeholder},
			func(context.Context, *mcp.GetPromptRequest) (*mcp.GetPromptResult, error) {
				return nil, errSessionEnded
			})
		cs.server.RemovePrompts(placeholder)
	case kindResources:
		const uri = "gateway:list_changed"
		cs.server.AddResource(&mcp.Resource{Name: placeholder, URI: uri},
			func(context.Context, *mcp.ReadResourceRequest) (*mcp.ReadResourceResult, error) {
				return nil, errSessionEnded
			})
		cs.server.RemoveResources(uri)
	}
}

// relayProgress passes an upstream progress notification to the client:
// forwarded requests keep the client's progress token, so it is the
// client's own.
func (cs *clientSession) relayProgress(ctx context.Context, p *mcp.ProgressNotificationParams) {
	cs.mu.Lock()
	ss := cs.ss
	cs.mu.Unlock()
	if ss != nil && p != nil {
		_ = ss.NotifyProgress(ctx, p)
	}
}
