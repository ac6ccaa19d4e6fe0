package breaker

import (
	"testing"
	"time"

	"github.com/sira-ai/caddy-ai-backends/internal/testclock"
)

// base is a small configuration that keeps scripts short: three failures
// open the breaker, it recovers after 10s, and two probes close it.
var base = Config{
	FailureThreshold: 3,
	RecoveryTimeout:  10 * time.Second,
	SuccessThreshold: 2,
	HalfOpenProbes:   1,
}

const trip3 = "+ fail + fail + fail =open"

// scriptCase is a script run on a new breaker with cfg, as a subtest.
type scriptCase struct {
	name   string
	cfg    Config
	script string
}

// runScripts runs each case on a breaker of its own, under a test clock.
func runScripts(t *testing.T, cases []scriptCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			clock := testclock.New()
			runScript(t, New(c.cfg, clock.Now), clock, c.script)
		})
	}
}

func TestStateMachine(t *testing.T) {
	runScripts(t, []scriptCase{
		{"starts closed and admits", base, "=closed + ok + ok =closed"},
		{"failures below threshold keep it closed", base, "+ fail + fail =closed + ok"},
		{"a success ends the run of failures", base, "+ fail + fail + ok + fail + fail =closed +"},
		{"threshold consecutive failures open it", base, trip3 + " -"},
		{"open refuses until the recovery timeout", base, trip3 + " wait:9s - =open wait:1s =half_open +"},
		{"half-open closes after enough successes", base, trip3 + " wait:10s + ok =half_open + ok =closed + ok + ok"},
		{"half-open failure reopens", base, trip3 + " wait:10s + ok + fail =open -"},
		{"reopening restarts the recovery timer", base, trip3 + " wait:10s + fail wait:9s - =open wait:1s =half_open +"},
		{"half-open admits one probe at a time", base, trip3 + " wait:10s + - - ok + - ok =closed"},
		{"release frees the probe slot without counting", base, trip3 + " wait:10s + rel + rel + ok =half_open + ok =closed"},
		{"several concurrent probes", withProbes(3), trip3 + " wait:10s + + + - ok + - rel =half_open"},
		{"release in closed changes nothing", base, "+ fail + fail + rel =closed + fail =open"},
		{"success threshold 1 closes on first probe", Config{FailureThreshold: 1, SuccessThreshold: 1, RecoveryTimeout: time.Second}, "+ fail =open wait:1s + ok =closed"},
		{"zero config uses defaults", Config{}, "+ fail + fail + fail + fail =closed + fail =open wait:59s - wait:1s + ok + ok =half_open + ok =closed"},
	})
}

func withProbes(n int) Config {
	c := base
	c.HalfOpenProbes = n
	return c
}

// Outcomes of requests admitted before the breaker opened must not steer
// it: a long stream that started while closed and ends after the recovery
// timeout is no evidence about the backend's recovery.
func TestStaleOutcomesAreIgnored(t *testing.T) {
	runScripts(t, []scriptCase{
		{"stale failure while open does not restart the timer", base, "+ + + + fail fail fail =open wait:5s fail wait:5s =half_open"},
		{"stale success while open does not close it", base, "+ + + + fail fail fail =open ok =open"},
		{"stale success in half-open is not a probe success", base, "+ + + + fail fail fail wait:10s ok ok =half_open"},
		{"stale failure in half-open does not reopen", base, "+ + + + fail fail fail wait:10s fail =half_open + ok + ok =closed"},
	})
}

func TestCoolDown(t *testing.T) {
	runScripts(t, []scriptCase{
		{"refuses without changing state", base, "cool:5s - =closed wait:4s - wait:1s + ok =closed"},
		{"is not a failure", base, "cool:1s cool:1s cool:1s =closed wait:1s + fail + fail =closed"},
		{"a longer cooldown in force is kept", base, "cool:10s cool:2s wait:5s - wait:5s +"},
		{"a longer new cooldown extends it", base, "cool:2s cool:10s wait:5s - wait:5s +"},
		{"zero or negative does nothing", base, "cool:0s + cool:-1s +"},
		{"applies in half-open too", base, trip3 + " wait:10s cool:3s - =half_open wait:3s + ok"},
		{"outlasts the recovery timeout", base, trip3 + " cool:20s wait:10s - =half_open wait:10s +"},
	})
}

func TestReadyDoesNotReserveProbes(t *testing.T) {
	clock := testclock.New()
	b := New(base, clock.Now)
	if !b.Ready() {
		t.Fatal("closed breaker not ready")
	}
	runScript(t, b, clock, trip3)
	if b.Ready() {
		t.Fatal("open breaker ready")
	}
	clock.Advance(10 * time.Second)
	for range 3 {
		if !b.Ready() {
			t.Fatal("half-open breaker with a free probe slot not ready")
		}
	}
	runScript(t, b, clock, "+")
	if b.Ready() {
		t.Fatal("half-open breaker with every slot taken reported ready")
	}
	b.Release()
	b.CoolDown(time.Second)
	if b.Ready() {
		t.Fatal("cooling breaker reported ready")
	}
}

func TestNilClockUsesTimeNow(t *testing.T) {
	b := New(Config{}, nil)
	if !b.Allow() {
		t.Fatal("new breaker refused")
	}
	b.Success()
}
