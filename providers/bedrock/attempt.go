package bedrock

import (
	"context"
	"errors"
	"time"
)

// errAttemptTimeout is the cancel cause when the provider's timeout
// expires.
var errAttemptTimeout = errors.New("upstream attempt timed out")

// attempt is the context of one upstream call under the provider's
// timeout: until the response headers (and body, unstreamed) and, for a
// stream, between two frames.
type attempt struct {
	parent  context.Context
	ctx     context.Context
	cancel  context.CancelCauseFunc
	timeout time.Duration
	timer   *time.Timer
}

func (b *Bedrock) newAttempt(parent context.Context) *attempt {
	ctx, cancel := context.WithCancelCause(parent)
	a := &attempt{parent: parent, ctx: ctx, cancel: cancel, timeout: time.Duration(b.Timeout)}
	if a.timeout > 0 {
		a.timer = time.AfterFunc(a.timeout, func() { cancel(errAttemptTimeout) })
	}
	return a
}

func (a *attempt) pause() {
	if a.timer != nil {
		a.timer.Stop()
	}
}

func (a *attempt) resume() {
	if a.timer != nil {
		a.timer.Reset(a.timeout)
	}
}

func (a *attempt) timedOut() bool { return errors.Is(context.Cause(a.ctx), errAttemptTimeout) }

// end releases the attempt and aborts the request if it still runs.
func (a *attempt) end() {
	a.pause()
	a.cancel(context.Canceled)
}
