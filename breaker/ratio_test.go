package breaker

import (
	"testing"
	"time"

	"github.com/sira-ai/caddy-ai-backends/internal/testclock"
)

// ratioCfg opens on the ratio rule only: the consecutive threshold is out
// of reach in these tests.
var ratioCfg = Config{
	FailureThreshold: 1000,
	FailureRatio:     0.5,
	MinRequests:      6,
	Window:           10 * time.Second,
	RecoveryTimeout:  10 * time.Second,
}

func TestFailureRatio(t *testing.T) {
	runScripts(t, []scriptCase{
		{"no trip below min requests", ratioCfg, "+ fail + fail + fail + fail + fail =closed"},
		{"trips at the ratio once min requests is reached", ratioCfg, "+ ok + ok + fail + ok + fail =closed + fail =open"},
		{"stays closed under the ratio", ratioCfg, "+ ok + ok + ok + ok + fail + fail + ok + fail =closed"},
		{"failures that rolled out of the window do not count", ratioCfg,
			"+ fail + fail + fail + fail + fail wait:10s + ok + ok + ok + ok + fail + fail =closed"},
		{"failures still in the window count", ratioCfg,
			"+ fail + fail + fail wait:9s + ok + ok + fail =open"},
		{"disabled when ratio is zero", Config{FailureThreshold: 1000, MinRequests: 1},
			"+ fail + fail + fail + fail =closed"},
		{"closing clears the window", Config{FailureThreshold: 1000, FailureRatio: 0.5, MinRequests: 2, RecoveryTimeout: time.Second, SuccessThreshold: 1},
			"+ ok + fail =open wait:1s + ok =closed + fail =closed + fail =open"},
	})
}

func TestWindowCountsOnlyClosedTraffic(t *testing.T) {
	clock := testclock.New()
	b := New(ratioCfg, clock.Now)
	runScript(t, b, clock, "+ ok + ok + ok")
	if s := b.Snapshot(); s.WindowRequests != 3 || s.WindowFailures != 0 {
		t.Fatalf("window = %d/%d, want 3/0", s.WindowFailures, s.WindowRequests)
	}
	clock.Advance(10 * time.Second)
	if s := b.Snapshot(); s.WindowRequests != 0 {
		t.Fatalf("window requests = %d after it rolled, want 0", s.WindowRequests)
	}
}
