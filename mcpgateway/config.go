package mcpgateway

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/sira-ai/caddy-ai-backends/breaker"
	"github.com/sira-ai/caddy-ai-backends/security"
)

// The upstream transports.
const (
	// TransportStreamable is the current Streamable HTTP transport.
	TransportStreamable = "streamable"
	// TransportSSE is the older HTTP+SSE transport (protocol 2024-11-05).
	TransportSSE = "sse"
)

// Separator joins a server's name and one of its tools, prompts or
// resources into the name a client sees ("github__create_issue").
const Separator = "__"

// Defaults.
const (
	DefaultTimeout         = 30 * time.Second
	DefaultMaxMessageBytes = 4 << 20
	DefaultSessionIdle     = 30 * time.Minute
)

// ServerConfig is one upstream MCP server.
type ServerConfig struct {
	// Name prefixes everything the server offers; letters, digits, '-'
	// and '_', without "__".
	Name string
	// URL of the server's MCP endpoint (Streamable HTTP) or SSE endpoint.
	URL string
	// Transport is TransportStreamable (default) or TransportSSE.
	Transport string
	// Headers are sent on every upstream request, values already resolved
	// (they may hold credentials: never logged or shown).
	Headers http.Header
	// PassClientToken sends the caller's own bearer token upstream.
	PassClientToken bool
	// Timeout bounds connecting and each forwarded request. Default 30s.
	Timeout time.Duration
	// Tools, Prompts and Resources are allow-lists of the server's own names
	// (exact, or a prefix ending in '*'); empty exposes everything.
	Tools, Prompts, Resources []string
	// Breaker guards the server; nil gets a fresh one with defaults. The
	// caller may pool it so that it outlives a config reload.
	Breaker *breaker.Breaker
}

// Caller is who sends a request, as the Authenticate hook found it.
type Caller struct {
	// Key is the caller's client key; nil on an open gateway.
	Key *security.ClientKey
	// Token is the bearer token for servers with PassClientToken ("" sends
	// none). Never logged.
	Token string
}

// Fingerprint names the caller in logs and audit entries ("" when open).
func (c *Caller) Fingerprint() string {
	if c == nil || c.Key == nil {
		return ""
	}
	return c.Key.Fingerprint()
}

// Options configures a Gateway.
type Options struct {
	Servers []ServerConfig
	// Authenticate finds the caller of an HTTP request; an error refuses it
	// with 401 and the error's text. Nil lets everyone in as an anonymous
	// caller.
	Authenticate func(r *http.Request) (*Caller, error)
	// Filter, when set, redacts or blocks sensitive data in tool arguments
	// (per its action) and redacts it in tool results.
	Filter *security.Filter
	// Observe receives one Event per upstream request (and per refused
	// call); it must not keep the Event.
	Observe func(*Event)
	// MaxMessageBytes bounds one HTTP request body. Default 4 MiB.
	MaxMessageBytes int64
	// SessionIdle closes a client session without requests for this long.
	// Default 30 minutes.
	SessionIdle time.Duration
	// Transport carries upstream requests; nil uses a clone of
	// http.DefaultTransport.
	Transport http.RoundTripper
	Logger    *zap.Logger
	// Now is the clock for durations; nil is time.Now.
	Now func() time.Time
}

// validate checks one server's config and compiles its allow-lists.
func (c *ServerConfig) compile() (*upstreamServer, error) {
	if err := checkServerName(c.Name); err != nil {
		return nil, err
	}
	u, err := url.Parse(c.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("mcp server %q: url must be an absolute http or https URL", c.Name)
	}
	switch c.Transport {
	case "":
		c.Transport = TransportStreamable
	case TransportStreamable, TransportSSE:
	default:
		return nil, fmt.Errorf("mcp server %q: transport %q is not %q or %q", c.Name, c.Transport, TransportStreamable, TransportSSE)
	}
	if c.Timeout < 0 {
		return nil, fmt.Errorf("mcp server %q: timeout must not be negative", c.Name)
	}
	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
	s := &upstreamServer{cfg: *c, brk: c.Breaker}
	for _, l := range []struct {
		field string
		src   []string
		dst   *security.NameList
	}{{"tools", c.Tools, &s.tools}, {"prompts", c.Prompts, &s.prompts}, {"resources", c.Resources, &s.resources}} {
		if *l.dst, err = security.NewNameList(l.src); err != nil {
			return nil, fmt.Errorf("mcp server %q: %s: %v", c.Name, l.field, err)
		}
	}
	if s.brk == nil {
		s.brk = breaker.New(breaker.Config{}.WithDefaults(), time.Now)
	}
	return s, nil
}

// checkServerName keeps qualified names unambiguous: the first "__" of a
// qualified name always ends the server's name.
func checkServerName(name string) error {
	if name == "" {
		return fmt.Errorf("mcp server name is empty")
	}
	if strings.Contains(name, Separator) || strings.HasSuffix(name, "_") {
		return fmt.Errorf("mcp server name %q must not contain %q or end in '_'", name, Separator)
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return fmt.Errorf("mcp server name %q: only letters, digits, '-' and '_' are allowed", name)
		}
	}
	return nil
}
