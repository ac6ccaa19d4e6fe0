// Package leakcheck fails a test package whose tests leave goroutines
// behind, as goleak does, knowing which goroutines are not leaks of the
// code under test. Only tests import it.
package leakcheck

import (
	"testing"

	"go.uber.org/goleak"
)

// VerifyTestMain runs the package's tests (call it from TestMain) and
// fails the run if any goroutine outlives them, but for those of idle
// keep-alive connections: net/http's shared DefaultTransport, which the
// test clients and the SDKs use, keeps them until they time out. extra
// ignores more.
func VerifyTestMain(m *testing.M, extra ...goleak.Option) {
	goleak.VerifyTestMain(m, append([]goleak.Option{
		goleak.IgnoreTopFunction("net/http.(*persistConn).readLoop"),
		goleak.IgnoreTopFunction("net/http.(*persistConn).writeLoop"),
	}, extra...)...)
}
