package sim

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

func seed(n int64) *int64 { return &n }

func TestFailureRateWithSeed(t *testing.T) {
	const calls = 10_000
	run := func() []bool {
		p, _ := newSim(t, func(p *Provider) { p.FailureRate = 0.3; p.Seed = seed(42) })
		req := chatReq(userMsg("x"))
		out := make([]bool, calls)
		for i := range out {
			_, err := p.Chat(context.Background(), target, req)
			out[i] = err != nil
		}
		return out
	}
	first, second := run(), run()
	failed := 0
	for i := range first {
		if first[i] {
			failed++
		}
		if first[i] != second[i] {
			t.Fatalf("call %d differs between runs with the same seed", i)
		}
	}
	if rate := float64(failed) / calls; rate < 0.28 || rate > 0.32 {
		t.Errorf("failure rate %.4f, want 0.30 ± 0.02", rate)
	}
}

func TestFailureRateBounds(t *testing.T) {
	for _, rate := range []float64{0, 1} {
		p, _ := newSim(t, func(p *Provider) { p.FailureRate = rate })
		for range 200 {
			_, err := p.Chat(context.Background(), target, chatReq(userMsg("x")))
			if (err != nil) != (rate == 1) {
				t.Fatalf("rate %g: err %v", rate, err)
			}
		}
	}
}

func TestFailureStatuses(t *testing.T) {
	cases := []struct {
		status     int
		retryAfter time.Duration
		kind       providers.Kind
		client     int
	}{
		{0, 0, providers.KindUpstream, http.StatusBadGateway}, // default 500
		{500, 0, providers.KindUpstream, http.StatusBadGateway},
		{429, time.Second, providers.KindRateLimited, http.StatusTooManyRequests},
		{503, 0, providers.KindOverloaded, http.StatusServiceUnavailable},
		{529, 0, providers.KindOverloaded, http.StatusServiceUnavailable},
		{401, 0, providers.KindAuth, http.StatusUnauthorized},
		{400, 0, providers.KindInvalidRequest, http.StatusBadRequest},
	}
	for _, c := range cases {
		p, _ := newSim(t, func(p *Provider) { p.FailureRate = 1; p.FailureStatus = c.status; p.Name = "demo" })
		ops := map[string]func() error{
			"chat": func() error { _, err := p.Chat(context.Background(), target, chatReq(userMsg("x"))); return err },
			"stream": func() error {
				_, err := p.ChatStream(context.Background(), target, chatReq(userMsg("x")))
				return err
			},
			"embeddings": func() error {
				_, err := p.Embeddings(context.Background(), target, &providers.EmbeddingRequest{Input: providers.EmbeddingInput{Texts: []string{"x"}}})
				return err
			},
			"images": func() error {
				_, err := p.Images(context.Background(), target, &providers.ImageRequest{Prompt: "x"})
				return err
			},
		}
		for op, call := range ops {
			e := asError(t, call())
			upstream := c.status
			if upstream == 0 {
				upstream = 500
			}
			if e.Kind != c.kind || e.RetryAfter != c.retryAfter || e.HTTPStatus() != c.client ||
				e.Upstream != upstream || e.Provider != "demo" || e.Message == "" {
				t.Errorf("status %d, %s: %+v", c.status, op, e)
			}
		}
	}
	p, _ := newSim(t, func(p *Provider) {
		p.FailureRate = 1
		p.FailureStatus = 429
		p.RetryAfter = caddyDuration(3 * time.Second)
	})
	_, err := p.Chat(context.Background(), target, chatReq(userMsg("x")))
	if e := asError(t, err); e.RetryAfter != 3*time.Second || e.Code != "rate_limit_exceeded" || !e.Retryable() {
		t.Errorf("retry_after: %+v", e)
	}
}

func TestFailureAfterLatencyAndCancel(t *testing.T) {
	p, clock := newSim(t, func(p *Provider) { p.FailureRate = 1; p.Latency = caddyDuration(time.Second) })
	_, err := p.Chat(context.Background(), target, chatReq(userMsg("x")))
	if asError(t, err).Kind != providers.KindUpstream || len(clock.slept()) != 1 {
		t.Errorf("err %v, waits %v", err, clock.slept())
	}
	// Cancelled during the latency: the cancellation wins over the failure.
	ctx, cancel := context.WithCancel(context.Background())
	clock.onSleep = cancel
	_, err = p.Chat(ctx, target, chatReq(userMsg("x")))
	if asError(t, err).Kind != providers.KindCanceled {
		t.Errorf("canceled during latency: %v", err)
	}
	// Already cancelled: no wait at all.
	clock.waits = nil
	_, err = p.Embeddings(ctx, target, &providers.EmbeddingRequest{Input: providers.EmbeddingInput{Texts: []string{"x"}}})
	if asError(t, err).Kind != providers.KindCanceled || len(clock.slept()) != 0 {
		t.Errorf("pre-canceled: %v, waits %v", err, clock.slept())
	}
}

func TestJitter(t *testing.T) {
	p, clock := newSim(t, func(p *Provider) {
		p.Latency = caddyDuration(100 * time.Millisecond)
		p.Jitter = caddyDuration(20 * time.Millisecond)
		p.Seed = seed(1)
	})
	for range 500 {
		chat(t, p, chatReq(userMsg("x")))
	}
	lo, hi := time.Hour, time.Duration(0)
	for _, d := range clock.slept() {
		lo, hi = min(lo, d), max(hi, d)
	}
	if lo < 100*time.Millisecond || hi > 120*time.Millisecond || hi-lo < 15*time.Millisecond {
		t.Errorf("waits within [%v, %v], want spread over [100ms, 120ms]", lo, hi)
	}
}

func TestRealSleep(t *testing.T) {
	if err := sleepContext(context.Background(), time.Microsecond); err != nil {
		t.Error(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := sleepContext(ctx, time.Hour); err != context.Canceled {
		t.Errorf("canceled sleep: %v", err)
	}
}
