package mcpgateway

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/sira-ai/caddy-ai-backends/internal/leakcheck"
)

// Every test closes its gateway, clients and servers: no session, upstream
// connection or notification goroutine may outlive it.
func TestMain(m *testing.M) {
	leakcheck.VerifyTestMain(m, goleak.IgnoreTopFunction("internal/poll.runtime_pollWait"))
}
