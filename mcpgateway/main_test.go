package mcpgateway

import (
	"testing"

	"go.uber.org/goleak"
)

// Every test closes its gateway, clients and servers: no session, upstream
// connection or notification goroutine may outlive it.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m,
		// net/http keeps idle keep-alive connections of the shared
		// DefaultTransport (the test clients') until they time out.
		goleak.IgnoreTopFunction("net/http.(*persistConn).readLoop"),
		goleak.IgnoreTopFunction("net/http.(*persistConn).writeLoop"),
		goleak.IgnoreTopFunction("internal/poll.runtime_pollWait"),
	)
}
