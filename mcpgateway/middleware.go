package mcpgateway

import (
	"context"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// The kinds of things a server offers, for list_changed relaying.
const (
	kindTools     = "tools"
	kindPrompts   = "prompts"
	kindResources = "resources"
)

// middleware answers the aggregated methods itself; everything else
// (initialize, ping, notifications) is the SDK's own handling.
func (cs *clientSession) middleware(next mcp.MethodHandler) mcp.MethodHandler {
	return func(ctx context.Context, method string, req mcp.Request) (mcp.Result, error) {
		switch method {
		case "initialize":
			res, err := next(ctx, method, req)
			if ss, ok := req.GetSession().(*mcp.ServerSession); ok && err == nil {
				cs.attach(ss)
			}
			return res, err
		case "tools/list":
			return cs.listTools(ctx)
		case "prompts/list":
			return cs.listPrompts(ctx)
		case "resources/list":
			return cs.listResources(ctx)
		case "resources/templates/list":
			return cs.listTemplates(ctx)
		case "tools/call":
			p, _ := req.GetParams().(*mcp.CallToolParamsRaw)
			return cs.callTool(ctx, p)
		case "prompts/get":
			p, _ := req.GetParams().(*mcp.GetPromptParams)
			return cs.getPrompt(ctx, p)
		case "resources/read":
			p, _ := req.GetParams().(*mcp.ReadResourceParams)
			return cs.readResource(ctx, p)
		}
		return next(ctx, method, req)
	}
}
