package sim

import (
	"context"
	"net/http"
	"time"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// begin is what every call goes through before answering: it draws whether
// the call fails, waits the latency (plus jitter), then returns the failure,
// so a failing call costs as much time as a real upstream's error would.
func (p *Provider) begin(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return p.contextError(err)
	}
	fail := p.FailureRate > 0 && p.draws.rand.float64() < p.FailureRate
	delay := time.Duration(p.Latency)
	if p.Jitter > 0 {
		delay += time.Duration(p.draws.rand.uint64() % uint64(p.Jitter+1))
	}
	if err := p.wait(ctx, delay); err != nil {
		return err
	}
	if fail {
		return p.failure()
	}
	return nil
}

// wait pauses for d through the injectable sleep; a zero wait costs nothing.
func (p *Provider) wait(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	if err := p.sleep(ctx, d); err != nil {
		return p.contextError(err)
	}
	return nil
}

// contextError classifies a cancellation or deadline the way a real
// provider's aborted request would be.
func (p *Provider) contextError(err error) *providers.Error {
	e := providers.Classify(err)
	if e.Provider == "" {
		e.Provider = p.Name
	}
	return e
}

// failure is the simulated upstream error, classified exactly as a real
// upstream answer with that status would be.
func (p *Provider) failure() *providers.Error {
	code := "simulated_failure"
	if p.FailureStatus == http.StatusTooManyRequests {
		code = "rate_limit_exceeded"
	}
	e := providers.FromUpstream(p.Name, p.FailureStatus, nil, p.failMsg, code)
	if p.FailureStatus == http.StatusTooManyRequests {
		e.RetryAfter = time.Duration(p.RetryAfter)
	}
	return e
}

// sleepContext is the real sleep: a timer that gives up when ctx is done.
func sleepContext(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// invalid is the error for a request a real upstream would refuse with 400.
func (p *Provider) invalid(param, msg string) *providers.Error {
	return &providers.Error{
		Kind:     providers.KindInvalidRequest,
		Provider: p.Name,
		Status:   http.StatusBadRequest,
		Upstream: http.StatusBadRequest,
		Param:    param,
		Code:     "invalid_value",
		Message:  msg,
	}
}
