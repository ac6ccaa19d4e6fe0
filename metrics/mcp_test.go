package metrics

import (
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
)

// A series of each MCP metric exists before any test gathers, as touchAll
// does for the others, so the name and lint checks see them.
func init() { ObserveMCP("all-s", "tools/call", "ok", time.Millisecond) }

func TestObserveMCP(t *testing.T) {
	before := testutil.ToFloat64(mcpRequests.WithLabelValues("search", "tools/call", "denied"))
	ObserveMCP("search", "tools/call", "denied", 2*time.Second)
	if got := testutil.ToFloat64(mcpRequests.WithLabelValues("search", "tools/call", "denied")); got != before+1 {
		t.Fatalf("denied calls = %v, want %v", got, before+1)
	}
	if n := testutil.CollectAndCount(mcpDuration, nameMCPDuration); n < 2 {
		t.Fatalf("duration series = %d, want the search series too", n)
	}
}
