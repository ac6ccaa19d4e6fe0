package aibackends

import (
	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"

	"github.com/sira-ai/caddy-ai-backends/internal/caddyargs"
)

// parseMCP reads:
//
//	mcp [<path>] {
//	    max_message_size <size>
//	    session_idle_timeout <duration>
//	    server <name> <url> {
//	        transport streamable|sse
//	        header <name> <value>
//	        pass_client_token
//	        timeout <duration>
//	        tools <name>...
//	        prompts <name>...
//	        resources <name>...
//	    }
//	}
func (h *Handler) parseMCP(d *caddyfile.Dispenser) error {
	if h.MCP != nil {
		return d.Err("mcp is declared twice")
	}
	c := &MCPConfig{}
	if d.NextArg() {
		c.Path = d.Val()
		if d.NextArg() {
			return d.ArgErr()
		}
	}
	seen := map[string]bool{}
	if err := readBlock(d, "mcp", options{
		"max_message_size":     set(&c.MaxMessageSize, caddyargs.Size),
		"session_idle_timeout": fill(&c.SessionIdleTimeout, caddyargs.Duration),
		"server": func(d *caddyfile.Dispenser) error {
			s, err := parseMCPServer(d)
			if err != nil {
				return err
			}
			if seen[s.Name] {
				return d.Errf("mcp server %q is declared twice", s.Name)
			}
			seen[s.Name] = true
			c.Servers = append(c.Servers, s)
			return nil
		},
	}); err != nil {
		return err
	}
	if len(c.Servers) == 0 {
		return d.Err("mcp needs at least one server")
	}
	h.MCP = c
	return nil
}

func parseMCPServer(d *caddyfile.Dispenser) (MCPServer, error) {
	var s MCPServer
	if !d.Args(&s.Name, &s.URL) {
		return s, d.Errf("usage: server <name> <url> { ... }")
	}
	if d.NextArg() {
		return s, d.ArgErr()
	}
	err := readBlock(d, "mcp server", options{
		"transport": func(d *caddyfile.Dispenser) error {
			if err := caddyargs.String(d, &s.Transport); err != nil {
				return err
			}
			if s.Transport != "streamable" && s.Transport != "sse" {
				return d.Errf("mcp server %s: transport %q is not streamable or sse", s.Name, s.Transport)
			}
			return nil
		},
		"header": func(d *caddyfile.Dispenser) error {
			var field, value string
			if !d.AllArgs(&field, &value) {
				return d.Errf("usage: header <name> <value>")
			}
			if s.Headers == nil {
				s.Headers = map[string]string{}
			}
			s.Headers[field] = value
			return nil
		},
		"pass_client_token": flag(&s.PassClientToken),
		"timeout":           fill(&s.Timeout, caddyargs.Duration),
		"tools":             appendArgs(&s.Tools),
		"prompts":           appendArgs(&s.Prompts),
		"resources":         appendArgs(&s.Resources),
	})
	return s, err
}
