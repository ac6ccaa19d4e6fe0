package breaker

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sira-ai/caddy-ai-backends/internal/testclock"
)

// runScript drives a breaker through a space-separated script and fails the
// test at the first step whose expectation does not hold. It keeps the
// state-machine tables readable: each row is a story told in steps.
//
//   - Allow must admit
//   - Allow must refuse
//     ok         Success
//     fail       Failure
//     rel        Release
//     wait:DUR   advance the clock
//     cool:DUR   CoolDown(DUR)
//     =STATE     State() must be STATE (closed, open, half_open)
func runScript(t *testing.T, b *Breaker, clock *testclock.Clock, script string) {
	t.Helper()
	for i, tok := range strings.Fields(script) {
		where := func() string { return fmt.Sprintf("step %d (%s) of %q", i+1, tok, script) }
		switch {
		case tok == "+":
			if !b.Allow() {
				t.Fatalf("%s: Allow refused, want admitted; snapshot %+v", where(), b.Snapshot())
			}
		case tok == "-":
			if b.Allow() {
				t.Fatalf("%s: Allow admitted, want refused; snapshot %+v", where(), b.Snapshot())
			}
		case tok == "ok":
			b.Success()
		case tok == "fail":
			b.Failure()
		case tok == "rel":
			b.Release()
		case strings.HasPrefix(tok, "wait:"):
			clock.Advance(mustDuration(t, tok[len("wait:"):]))
		case strings.HasPrefix(tok, "cool:"):
			b.CoolDown(mustDuration(t, tok[len("cool:"):]))
		case strings.HasPrefix(tok, "="):
			if got := b.State().String(); got != tok[1:] {
				t.Fatalf("%s: state %s, want %s", where(), got, tok[1:])
			}
		default:
			t.Fatalf("bad script token %q", tok)
		}
	}
}

func mustDuration(t *testing.T, s string) time.Duration {
	t.Helper()
	d, err := time.ParseDuration(s)
	if err != nil {
		t.Fatalf("bad duration in script: %v", err)
	}
	return d
}
