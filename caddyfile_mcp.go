package aibackends

import (
	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"
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
	for nesting := d.Nesting(); d.NextBlock(nesting); {
		var err error
		switch d.Val() {
		case "max_message_size":
			c.MaxMessageSize, err = sizeArg(d)
		case "session_idle_timeout":
			err = durationArg(d, &c.SessionIdleTimeout)
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
			return d.Errf("unrecognized mcp option %q", d.Val())
		}
		if err != nil {
			return err
		}
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
	for nesting := d.Nesting(); d.NextBlock(nesting); {
		switch d.Val() {
		case "transport":
			if !d.AllArgs(&s.Transport) {
				return s, d.ArgErr()
			}
			if s.Transport != "streamable" && s.Transport != "sse" {
				return s, d.Errf("mcp server %s: transport %q is not streamable or sse", s.Name, s.Transport)
			}
		case "header":
			var name, value string
			if !d.AllArgs(&name, &value) {
				return s, d.Errf("usage: header <name> <value>")
			}
			if s.Headers == nil {
				s.Headers = map[string]string{}
			}
			s.Headers[name] = value
		case "pass_client_token":
			if d.NextArg() {
				return s, d.ArgErr()
			}
			s.PassClientToken = true
		case "timeout":
			var v caddy.Duration
			if err := durationArg(d, &v); err != nil {
				return s, err
			}
			s.Timeout = v
		case "tools":
			s.Tools = append(s.Tools, d.RemainingArgs()...)
		case "prompts":
			s.Prompts = append(s.Prompts, d.RemainingArgs()...)
		case "resources":
			s.Resources = append(s.Resources, d.RemainingArgs()...)
		default:
			return s, d.Errf("unrecognized mcp server option %q", d.Val())
		}
	}
	return s, nil
}
