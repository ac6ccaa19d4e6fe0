package breaker

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/sira-ai/caddy-ai-backends/internal/testclock"
)

func TestSetConfigKeepsState(t *testing.T) {
	clock := testclock.New()
	b := New(base, clock.Now)
	runScript(t, b, clock, "+ fail + fail")

	// Counters survive: one more failure trips at the old threshold of 3.
	b.SetConfig(Config{FailureThreshold: 3, RecoveryTimeout: 2 * time.Second, SuccessThreshold: 1})
	runScript(t, b, clock, "=closed + fail =open")

	// Open survives a reload, and the new recovery timeout applies.
	b.SetConfig(Config{FailureThreshold: 3, RecoveryTimeout: 5 * time.Second, SuccessThreshold: 1})
	runScript(t, b, clock, "=open wait:4s - wait:1s =half_open + ok =closed")
}

func TestSetConfigNeverChangesStateByItself(t *testing.T) {
	clock := testclock.New()
	b := New(base, clock.Now)
	runScript(t, b, clock, "+ fail + fail")
	gen := b.Generation()
	b.SetConfig(Config{FailureThreshold: 1})
	if b.State() != Closed || b.Generation() != gen {
		t.Fatalf("lowering the threshold changed the state to %v", b.State())
	}
}

func TestSetConfigNewWindowClearsCounts(t *testing.T) {
	clock := testclock.New()
	b := New(ratioCfg, clock.Now)
	runScript(t, b, clock, "+ fail + fail")
	same := ratioCfg
	same.FailureRatio = 0.9
	b.SetConfig(same)
	if s := b.Snapshot(); s.WindowRequests != 2 {
		t.Fatalf("same window: %d requests kept, want 2", s.WindowRequests)
	}
	wider := ratioCfg
	wider.Window = time.Minute
	b.SetConfig(wider)
	if s := b.Snapshot(); s.WindowRequests != 0 {
		t.Fatalf("new window: %d requests kept, want 0", s.WindowRequests)
	}
}

func TestReset(t *testing.T) {
	clock := testclock.New()
	b := New(base, clock.Now)
	runScript(t, b, clock, trip3+" cool:1m")
	gen := b.Generation()
	b.Reset()
	runScript(t, b, clock, "=closed + fail + fail =closed")
	if b.Generation() == gen {
		t.Error("Reset did not change the generation")
	}
	b.Reset()
	if s := b.Snapshot(); s != (Snapshot{State: Closed, Generation: b.Generation()}) {
		t.Errorf("snapshot after reset = %+v, want everything cleared", s)
	}
}

func TestGeneration(t *testing.T) {
	clock := testclock.New()
	b := New(base, clock.Now)
	steps := []struct {
		script  string
		changes bool
	}{
		{"+ ok + fail + fail", false},
		{"+ fail", true},     // closed -> open
		{"-", false},         // still open
		{"wait:10s", false},  // nothing observed the deadline yet
		{"=half_open", true}, // the lazy transition happens on read
		{"+ ok", false},
		{"+ ok", true}, // half-open -> closed
		{"cool:10s", true},
		{"cool:5s", false}, // shorter than the cooldown in force
		{"wait:10s cool:5s", true},
	}
	for _, s := range steps {
		before := b.Generation()
		runScript(t, b, clock, s.script)
		if changed := b.Generation() != before; changed != s.changes {
			t.Errorf("%q: generation changed = %v, want %v", s.script, changed, s.changes)
		}
	}
}

func TestSnapshot(t *testing.T) {
	clock := testclock.New()
	start := clock.Now()
	b := New(withProbes(2), clock.Now)
	runScript(t, b, clock, "+ ok + fail + fail wait:1s + fail wait:10s + + ok cool:30s")

	got := b.Snapshot()
	want := Snapshot{
		State:               HalfOpen,
		ConsecutiveFailures: 0,
		OpenedAt:            start.Add(time.Second),
		CooldownUntil:       start.Add(41 * time.Second),
		HalfOpenSuccesses:   1,
		HalfOpenInFlight:    1,
		Generation:          b.Generation(),
	}
	if got != want {
		t.Fatalf("snapshot = %+v\nwant       %+v", got, want)
	}

	data, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	const wantJSON = `{"state":"half_open","consecutive_failures":0,"window_requests":0,"window_failures":0,` +
		`"opened_at":"2025-01-01T00:00:01Z","cooldown_until":"2025-01-01T00:00:41Z",` +
		`"half_open_successes":1,"half_open_in_flight":1,"generation":3}`
	if string(data) != wantJSON {
		t.Errorf("json = %s\nwant   %s", data, wantJSON)
	}
}

func TestSnapshotOmitsPastDeadlines(t *testing.T) {
	clock := testclock.New()
	b := New(base, clock.Now)
	runScript(t, b, clock, "+ fail + ok cool:1s wait:1s")
	data, err := json.Marshal(b.Snapshot())
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"state":"closed","consecutive_failures":0,"window_requests":2,"window_failures":1,` +
		`"half_open_successes":0,"half_open_in_flight":0,"generation":1}`
	if string(data) != want {
		t.Errorf("json = %s\nwant   %s", data, want)
	}
}
