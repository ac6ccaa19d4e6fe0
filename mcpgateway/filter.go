package mcpgateway

import (
	"encoding/json"
	"strings"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"
	"go.uber.org/zap"

	"github.com/sira-ai/caddy-ai-backends/security"
)

// filterArgs applies the security filter to a tool call's arguments: with
// the block action any finding refuses the call; with redact the values are
// replaced in place. A redaction that would leave invalid JSON (a finding
// across a string's quotes) refuses the call rather than send it whole.
func (g *Gateway) filterArgs(args json.RawMessage) (json.RawMessage, *jsonrpc.Error) {
	f := g.opts.Filter
	if f == nil || len(args) == 0 {
		return args, nil
	}
	if f.Action() == security.ActionBlock {
		if findings := f.Scan(string(args)); len(findings) > 0 {
			return nil, rpcError(codeBlocked, "tool arguments contain sensitive data (%s); the call was not sent", detectors(findings))
		}
		return args, nil
	}
	red, findings := f.Redact(string(args))
	if len(findings) == 0 {
		return args, nil
	}
	if !json.Valid([]byte(red)) {
		return nil, rpcError(codeBlocked, "tool arguments contain sensitive data (%s) that cannot be redacted; the call was not sent", detectors(findings))
	}
	return json.RawMessage(red), nil
}

// filterResult redacts sensitive data in a tool's text and structured
// output: the tool has already run, so a result is never blocked.
func (g *Gateway) filterResult(res *mcp.CallToolResult) {
	f := g.opts.Filter
	if f == nil || res == nil {
		return
	}
	for _, c := range res.Content {
		if t, ok := c.(*mcp.TextContent); ok {
			if red, findings := f.Redact(t.Text); len(findings) > 0 {
				t.Text = red
			}
		}
	}
	if res.StructuredContent != nil {
		raw, err := json.Marshal(res.StructuredContent)
		if err != nil {
			return
		}
		if red, findings := f.Redact(string(raw)); len(findings) > 0 {
			if json.Valid([]byte(red)) {
				res.StructuredContent = json.RawMessage(red)
			} else {
				res.StructuredContent = nil // unredactable: better absent than leaked
			}
		}
	}
}

func detectors(findings []security.Finding) string {
	seen := make([]string, 0, 2)
	for _, f := range findings {
		d := string(f.Detector)
		found := false
		for _, s := range seen {
			found = found || s == d
		}
		if !found {
			seen = append(seen, d)
		}
	}
	return strings.Join(seen, ", ")
}

func zapServer(s *upstreamServer) zap.Field { return zap.String("mcp_server", s.cfg.Name) }
func zapDetail(d string) zap.Field          { return zap.String("detail", d) }
