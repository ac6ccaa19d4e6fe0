package aibackends

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/caddyserver/caddy/v2"
	"go.uber.org/zap"

	"github.com/sira-ai/caddy-ai-backends/breaker"
	"github.com/sira-ai/caddy-ai-backends/mcpgateway"
	"github.com/sira-ai/caddy-ai-backends/metrics"
	"github.com/sira-ai/caddy-ai-backends/security"
)

// MCPConfig turns on the MCP gateway: one Streamable HTTP endpoint in front
// of the listed MCP servers, governed by the client keys, the security
// filter, breakers, metrics and the audit log.
type MCPConfig struct {
	// Path the endpoint answers on, matched at the end of the request path
	// like every endpoint. Default: /mcp.
	Path string `json:"path,omitempty"`
	// Servers are the upstream MCP servers.
	Servers []MCPServer `json:"servers,omitempty"`
	// MaxMessageSize bounds one request body in bytes. Default: 4 MiB.
	MaxMessageSize int64 `json:"max_message_size,omitempty"`
	// SessionIdleTimeout closes a client session (and its upstream
	// sessions) without requests for this long. Default: 30m.
	SessionIdleTimeout caddy.Duration `json:"session_idle_timeout,omitempty"`
}

// MCPServer is one upstream MCP server.
type MCPServer struct {
	// Name prefixes its tools, prompts and resources ("name__tool").
	Name string `json:"name"`
	// URL of its MCP endpoint (Streamable HTTP) or SSE endpoint.
	URL string `json:"url"`
	// Transport is streamable (default) or sse (the older HTTP+SSE).
	Transport string `json:"transport,omitempty"`
	// Headers sent upstream; values may be placeholders ({env.*},
	// {file.*}) and are never logged or shown.
	Headers map[string]string `json:"headers,omitempty"`
	// PassClientToken sends the caller's own "Authorization: Bearer"
	// token upstream (never the gateway's client key).
	PassClientToken bool `json:"pass_client_token,omitempty"`
	// Timeout bounds connecting and each request. Default: 30s.
	Timeout caddy.Duration `json:"timeout,omitempty"`
	// Tools, Prompts and Resources expose only these of the server's own
	// names (exact, or ending in '*'). Empty: all.
	Tools     []string `json:"tools,omitempty"`
	Prompts   []string `json:"prompts,omitempty"`
	Resources []string `json:"resources,omitempty"`
}

// mcpEndpoint is the provisioned gateway and the path it serves.
type mcpEndpoint struct {
	path string
	gw   *mcpgateway.Gateway
}

// mcpBreakerState pools a server's breaker so a reload keeps it.
type mcpBreakerState struct{ brk *breaker.Breaker }

func (*mcpBreakerState) Destruct() error { return nil }

const defaultMCPPath = "/mcp"

func (h *Handler) provisionMCP() error {
	c := h.MCP
	if c == nil {
		return nil
	}
	if c.Path == "" {
		c.Path = defaultMCPPath
	}
	if !strings.HasPrefix(c.Path, "/") {
		return fmt.Errorf("mcp path %q must start with '/'", c.Path)
	}
	if c.MaxMessageSize < 0 || c.SessionIdleTimeout < 0 {
		return fmt.Errorf("mcp max_message_size and session_idle_timeout must not be negative")
	}
	repl := caddy.NewReplacer()
	servers := make([]mcpgateway.ServerConfig, len(c.Servers))
	for i, s := range c.Servers {
		headers := make(http.Header, len(s.Headers))
		for name, v := range s.Headers {
			val, err := repl.ReplaceOrErr(v, true, true)
			if err != nil {
				return fmt.Errorf("mcp server %q: header %s: %v", s.Name, name, err) // never the value
			}
			headers.Set(name, val)
		}
		v, err := h.pool.load("mcp:breaker:"+s.Name+"|"+s.URL, func() (caddy.Destructor, error) {
			return &mcpBreakerState{brk: breaker.New(h.breakerConfig(), time.Now)}, nil
		})
		if err != nil {
			return err
		}
		brk := v.(*mcpBreakerState).brk
		brk.SetConfig(h.breakerConfig())
		servers[i] = mcpgateway.ServerConfig{
			Name: s.Name, URL: s.URL, Transport: s.Transport, Headers: headers,
			PassClientToken: s.PassClientToken, Timeout: time.Duration(s.Timeout),
			Tools: s.Tools, Prompts: s.Prompts, Resources: s.Resources, Breaker: brk,
		}
	}
	opts := mcpgateway.Options{
		Servers:         servers,
		Authenticate:    h.mcpAuthenticate,
		Observe:         h.observeMCP,
		MaxMessageBytes: c.MaxMessageSize,
		SessionIdle:     time.Duration(c.SessionIdleTimeout),
		Logger:          h.logger.Named("mcp"),
		Now:             h.now,
	}
	if h.filterPrompts {
		opts.Filter = h.filter
	}
	gw, err := mcpgateway.New(opts)
	if err != nil {
		return err
	}
	h.mcp = &mcpEndpoint{path: c.Path, gw: gw}
	h.logger.Info("mcp gateway ready", zap.String("path", c.Path), zap.Int("servers", len(servers)))
	return nil
}

// serveMCP answers the request when it is for the MCP endpoint.
func (h *Handler) serveMCP(w http.ResponseWriter, r *http.Request) bool {
	if h.mcp == nil || !strings.HasSuffix(r.URL.Path, h.mcp.path) {
		return false
	}
	h.mcp.gw.ServeHTTP(w, r)
	return true
}

var errMCPKey = errors.New("invalid or missing API key: send it as Authorization: Bearer, x-api-key or api-key")

// mcpAuthenticate finds the caller's client key (the same headers and
// anomaly blocking as model requests), then masks the credential headers
// so that nothing after this sees them.
func (h *Handler) mcpAuthenticate(r *http.Request) (*mcpgateway.Caller, error) {
	defer security.MaskCredentials(r.Header)
	c := &mcpgateway.Caller{Token: security.BearerToken(r.Header)}
	if h.keyring == nil {
		return c, nil
	}
	presented := security.KeyFromRequest(r.Header)
	k := h.keyring.Lookup(presented)
	if k == nil {
		metrics.IncSecurityEvent(metrics.EventDeniedInvalidKey)
		return nil, errMCPKey
	}
	if c.Token == presented {
		c.Token = "" // the gateway's own key never goes upstream
	}
	if h.anomaly != nil {
		if blocked, _, _ := h.anomaly.Observe(k.Fingerprint()); blocked {
			return nil, errors.New("this API key is temporarily blocked for an anomalous request rate")
		}
	}
	c.Key = k
	return c, nil
}

// observeMCP turns a gateway event into metrics and, for tool calls, an
// audit entry.
func (h *Handler) observeMCP(ev *mcpgateway.Event) {
	metrics.ObserveMCP(ev.Server, ev.Method, ev.Status, ev.Duration)
	if ev.Method != "tools/call" {
		return
	}
	ce := h.auditLog.Check(zap.InfoLevel, "mcp tool call")
	if ce == nil {
		return
	}
	label := ""
	if ev.Caller != nil && ev.Caller.Key != nil {
		label = ev.Caller.Key.Label()
	}
	fields := []zap.Field{
		zap.String("client_key", ev.Caller.Fingerprint()),
		zap.String("client_label", label),
		zap.String("mcp_server", ev.Server),
		zap.String("tool", ev.Name),
		zap.Int("argument_bytes", ev.ArgBytes),
		zap.Duration("latency", ev.Duration),
		zap.String("outcome", ev.Status),
		zap.String("detail", ev.Detail),
	}
	if h.AuditPrompts && ev.Args != nil {
		fields = append(fields, zap.String("arguments", h.redactForAudit(string(ev.Args))))
	}
	ce.Write(fields...)
}

// mcpStatus is the MCP part of the status API.
func (h *Handler) mcpStatus() *mcpStatusView {
	if h.mcp == nil {
		return nil
	}
	return &mcpStatusView{Path: h.mcp.path, Sessions: h.mcp.gw.Sessions(), Servers: h.mcp.gw.Status(safeURL)}
}

type mcpStatusView struct {
	Path     string                    `json:"path"`
	Sessions int                       `json:"sessions"`
	Servers  []mcpgateway.ServerStatus `json:"servers"`
}
