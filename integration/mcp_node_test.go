package integration

import "testing"

// mcpNodeDir holds the Node project that runs the official MCP TypeScript
// SDK (@modelcontextprotocol/sdk) against the gateway; separate from node/
// so that each lock file pins one family of SDKs.
const mcpNodeDir = "mcp_node"

// TestMCPTypeScriptSDK runs mcp_node/*.test.mjs against a Caddyfile-
// configured MCP gateway in front of two Go SDK tool servers.
func TestMCPTypeScriptSDK(t *testing.T) {
	node, npm := nodeTools(t, " to run the MCP TypeScript SDK")
	if err := npmInstall(mcpNodeDir, npm); err != nil {
		t.Skipf("npm could not install @modelcontextprotocol/sdk (no registry access?): %v", err)
	}
	alpha := newMCPUpstream(t, "alpha", "search", "echo")
	beta := newMCPUpstream(t, "beta", "search")
	g := startMCPGateway(t, mcpSite(alpha.URL, beta.URL))
	runNodeTests(t, node, mcpNodeDir, "MCP_URL="+g.url("/mcp"), "gateway.test.mjs")
}
