package integration

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// mcpNodeDir holds the Node project that runs the official MCP TypeScript
// SDK (@modelcontextprotocol/sdk) against the gateway; separate from node/
// so that each lock file pins one family of SDKs.
const mcpNodeDir = "mcp_node"

// TestMCPTypeScriptSDK runs mcp_node/*.test.mjs against a Caddyfile-
// configured MCP gateway in front of two Go SDK tool servers.
func TestMCPTypeScriptSDK(t *testing.T) {
	if testing.Short() {
		t.Skip("integration test: installs npm packages and runs Node")
	}
	node, errNode := exec.LookPath("node")
	npm, errNpm := exec.LookPath("npm")
	if errNode != nil || errNpm != nil {
		t.Skip("node and npm are needed on PATH to run the MCP TypeScript SDK")
	}
	if err := installMCPNodeModules(npm); err != nil {
		t.Skipf("npm could not install @modelcontextprotocol/sdk (no registry access?): %v", err)
	}
	alpha := newMCPUpstream(t, "alpha", "search", "echo")
	beta := newMCPUpstream(t, "beta", "search")
	g := startMCPGateway(t, mcpSite(alpha.URL, beta.URL))

	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "--test", "--test-reporter=spec", "gateway.test.mjs")
	cmd.Dir = mcpNodeDir
	cmd.Env = append(nodeEnv(), "MCP_URL="+g.url("/mcp"))
	cmd.WaitDelay = 5 * time.Second
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("node --test against %s: %v (context: %v)\n%s", g.url("/mcp"), err, ctx.Err(), out)
	}
	t.Logf("node --test:\n%s", out)
}

// installMCPNodeModules runs npm ci unless node_modules was installed from
// the current package-lock.json (the same stamp as installNodeModules).
func installMCPNodeModules(npm string) error {
	lock, err := os.ReadFile(filepath.Join(mcpNodeDir, "package-lock.json"))
	if err != nil {
		return err
	}
	sum := sha256.Sum256(lock)
	want := []byte(hex.EncodeToString(sum[:]))
	stamp := filepath.Join(mcpNodeDir, "node_modules", nodeStamp)
	if got, err := os.ReadFile(stamp); err == nil && bytes.Equal(bytes.TrimSpace(got), want) {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, npm, "ci", "--no-audit", "--no-fund")
	cmd.Dir = mcpNodeDir
	cmd.Env = nodeEnv()
	cmd.WaitDelay = 5 * time.Second
	if out, err := cmd.CombinedOutput(); err != nil {
		return &npmError{err: err, out: out}
	}
	return os.WriteFile(stamp, append(want, '\n'), 0o644)
}

type npmError struct {
	err error
	out []byte
}

func (e *npmError) Error() string {
	out := e.out
	if len(out) > 2000 {
		out = out[len(out)-2000:]
	}
	return e.err.Error() + "\n" + string(out)
}
