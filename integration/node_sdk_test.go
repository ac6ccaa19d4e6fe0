package integration

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sira-ai/caddy-ai-backends/internal/fakeupstream"
)

// nodeDir holds the Node project whose tests run the official OpenAI and
// Anthropic Node SDKs against the gateway.
const nodeDir = "node"

// nodeStamp, inside node_modules, records the hash of the package-lock.json
// that node_modules was installed from, so npm ci runs only when the lock
// changed (npm ci always deletes and reinstalls everything).
const nodeStamp = ".installed-from-lock"

// nodeSDKSite serves every model the Node tests use. The names are repeated
// in node/gateway.mjs; keep both in step.
func nodeSDKSite(openaiURL, toolsURL, anthropicURL string) string {
	return fmt.Sprintf(`	ai_backends {
		provider demo sim {
			models sim-small sim-embed sim-image
		}
		provider oai openai {
			base_url %s/v1
			api_key oai-key
			models gpt-4o-mini text-embedding-3-small
		}
		provider oaitools openai {
			base_url %s/v1
			api_key oai-key
			models gpt-4.1-mini
		}
		provider claude anthropic {
			base_url %s
			api_key claude-key
			models claude-haiku-4-5
		}
	}`, openaiURL, toolsURL, anthropicURL)
}

// TestNodeSDKs runs node/*.test.mjs (node:test) with the official `openai`
// and `@anthropic-ai/sdk` packages, unchanged except for the base URL,
// against a real Caddy in front of the simulator and provider fakes.
func TestNodeSDKs(t *testing.T) {
	if testing.Short() {
		t.Skip("integration test: installs npm packages and runs Node")
	}
	node, errNode := exec.LookPath("node")
	npm, errNpm := exec.LookPath("npm")
	if errNode != nil || errNpm != nil {
		t.Skip("node and npm are needed on PATH")
	}
	installNodeModules(t, npm)
	files, err := filepath.Glob(filepath.Join(nodeDir, "*.test.mjs"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no Node test files in %s (%v)", nodeDir, err)
	}
	for i, f := range files {
		files[i] = filepath.Base(f)
	}

	oai, _ := fakeupstream.NewOpenAI(t, fakeupstream.OpenAIConfig{APIKey: "oai-key"})
	tools, _ := fakeupstream.NewOpenAI(t, fakeupstream.OpenAIConfig{APIKey: "oai-key", ToolCalls: true})
	claude, _ := fakeupstream.NewAnthropic(fakeupstream.AnthropicOptions{APIKey: "claude-key"})
	defer claude.Close()
	g := startGateway(t, nodeSDKSite(oai.URL, tools.URL, claude.URL))

	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	args := append([]string{"--test", "--test-reporter=spec"}, files...)
	cmd := exec.CommandContext(ctx, node, args...)
	cmd.Dir = nodeDir
	cmd.Env = append(nodeEnv(), "GATEWAY_URL="+g.url(""))
	cmd.WaitDelay = 5 * time.Second
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("node --test against %s: %v (context: %v)\n%s", g.url(""), err, ctx.Err(), out)
	}
	t.Logf("node --test:\n%s", out)
}

// installNodeModules runs npm ci unless node_modules was already installed
// from the current package-lock.json.
func installNodeModules(t *testing.T, npm string) {
	t.Helper()
	lock, err := os.ReadFile(filepath.Join(nodeDir, "package-lock.json"))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(lock)
	want := []byte(hex.EncodeToString(sum[:]))
	stamp := filepath.Join(nodeDir, "node_modules", nodeStamp)
	if got, err := os.ReadFile(stamp); err == nil && bytes.Equal(bytes.TrimSpace(got), want) {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, npm, "ci", "--no-audit", "--no-fund")
	cmd.Dir = nodeDir
	cmd.Env = nodeEnv()
	cmd.WaitDelay = 5 * time.Second
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("npm ci: %v (context: %v)\n%s", err, ctx.Err(), out)
	}
	if err := os.WriteFile(stamp, append(want, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
}

// nodeEnv is the test process's environment without the variables the SDKs
// would read instead of what the tests pass (base URLs, keys, tokens), and
// without colours in the output.
func nodeEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "OPENAI_") || strings.HasPrefix(kv, "ANTHROPIC_") ||
			strings.HasPrefix(kv, "FORCE_COLOR=") || strings.HasPrefix(kv, "GATEWAY_URL=") {
			continue
		}
		env = append(env, kv)
	}
	return append(env, "NO_COLOR=1")
}
