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
	node, npm := nodeTools(t, "")
	if err := npmInstall(nodeDir, npm); err != nil {
		t.Fatalf("npm ci: %v", err)
	}
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
	runNodeTests(t, node, nodeDir, "GATEWAY_URL="+g.url(""), files...)
}

// nodeTools returns the paths of node and npm, or skips the test in -short
// mode or when either is not on PATH (why says what they were needed for).
func nodeTools(t *testing.T, why string) (node, npm string) {
	t.Helper()
	if testing.Short() {
		t.Skip("integration test: installs npm packages and runs Node")
	}
	node, errNode := exec.LookPath("node")
	npm, errNpm := exec.LookPath("npm")
	if errNode != nil || errNpm != nil {
		t.Skip("node and npm are needed on PATH" + why)
	}
	return node, npm
}

// npmInstall runs npm ci in dir unless its node_modules was already
// installed from the current package-lock.json.
func npmInstall(dir, npm string) error {
	lock, err := os.ReadFile(filepath.Join(dir, "package-lock.json"))
	if err != nil {
		return err
	}
	sum := sha256.Sum256(lock)
	want := []byte(hex.EncodeToString(sum[:]))
	stamp := filepath.Join(dir, "node_modules", nodeStamp)
	if got, err := os.ReadFile(stamp); err == nil && bytes.Equal(bytes.TrimSpace(got), want) {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, npm, "ci", "--no-audit", "--no-fund")
	cmd.Dir = dir
	cmd.Env = nodeEnv()
	cmd.WaitDelay = 5 * time.Second
	if out, err := cmd.CombinedOutput(); err != nil {
		return &npmError{err: err, ctxErr: ctx.Err(), out: out}
	}
	return os.WriteFile(stamp, append(want, '\n'), 0o644)
}

// npmError is a failed npm ci with the end of its output.
type npmError struct {
	err, ctxErr error
	out         []byte
}

func (e *npmError) Error() string {
	out := e.out
	if len(out) > 2000 {
		out = out[len(out)-2000:]
	}
	return fmt.Sprintf("%v (context: %v)\n%s", e.err, e.ctxErr, out)
}

// runNodeTests runs node --test on files in dir with the variable env
// (NAME=value) set, and fails the test with node's output if any fails.
func runNodeTests(t *testing.T, node, dir, env string, files ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	args := append([]string{"--test", "--test-reporter=spec"}, files...)
	cmd := exec.CommandContext(ctx, node, args...)
	cmd.Dir = dir
	cmd.Env = append(nodeEnv(), env)
	cmd.WaitDelay = 5 * time.Second
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("node --test with %s: %v (context: %v)\n%s", env, err, ctx.Err(), out)
	}
	t.Logf("node --test:\n%s", out)
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
