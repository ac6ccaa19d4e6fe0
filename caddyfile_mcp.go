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
	if err := caddyargs.EachOption(d, func(name string) (err error) {
		switch name {
		case "max_message_size":
			c.MaxMessageSize, err = caddyargs.Size(d)
		case "session_idle_timeout":
			err = caddyargs.Duration(d, &c.SessionIdleTimeout)
		case "server":
			var s MCPServer
			if s, err = parseMCPServer(d); err == nil {
				if seen[s.Name] {
					return d.Errf("mcp server %q is declared twice", s.Name)
				}
				seen[s.Name] = true
				c.Servers = append(c.Servers, s)
			}
		default:
			err = caddyargs.Unrecognized(d, "mcp", name)
		}
		return err
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
	err := caddyargs.EachOption(d, func(name string) (err error) {
		switch name {
		case "transport":
			if err = caddyargs.String(d, &s.Transport); err == nil && s.Transport != "streamable" && s.Transport != "sse" {
				err = d.Errf("mcp server %s: transport %q is not streamable or sse", s.Name, s.Transport)
			}
		case "header":
			var field, value string
			if !d.AllArgs(&field, &value) {
				return d.Errf("usage: header <name> <value>")
			}
			if s.Headers == nil {
				s.Headers = map[string]string{}
			}
			s.Headers[field] = value
		case "pass_client_token":
			s.PassClientToken = true
			err = caddyargs.None(d)
		case "timeout":
			err = caddyargs.Duration(d, &s.Timeout)
		case "tools":
			s.Tools = append(s.Tools, d.RemainingArgs()...)
		case "prompts":
			s.Prompts = append(s.Prompts, d.RemainingArgs()...)
		case "resources":
			s.Resources = append(s.Resources, d.RemainingArgs()...)
		default:
			err = caddyargs.Unrecognized(d, "mcp server", name)
		}
		return err
	})
	return s, err
}
