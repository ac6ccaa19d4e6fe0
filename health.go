package aibackends

import (
	"context"
	"time"

	"go.uber.org/zap"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// healthLoop runs active health checks until the config is unloaded.
// Passive health (the breakers) works without it.
func (h *Handler) healthLoop(ctx context.Context, every time.Duration) {
	defer func() {
		if r := recover(); r != nil {
			h.logger.Error("health checks stopped by a panic", zap.Any("panic", r))
		}
	}()
	runEvery(ctx, every, func() { h.checkAll(ctx) })
}

// runEvery calls fn every interval until ctx ends (the config is
// unloaded); the gateway's background loops are built on it.
func runEvery(ctx context.Context, interval time.Duration, fn func()) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			fn()
		}
	}
}

// checkAll probes every deployment once, one at a time: health checks must
// not become a load of their own.
func (h *Handler) checkAll(ctx context.Context) {
	timeout := timeDuration(h.LoadBalancing.HealthCheckTimeout)
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	for _, d := range h.catalog.byID {
		if ctx.Err() != nil {
			return
		}
		err := h.checkOne(ctx, d, timeout)
		wasUnhealthy := d.state.unhealthy.Swap(err != nil)
		if err != nil && !wasUnhealthy {
			h.logger.Warn("deployment failed its health check", zap.String("deployment", d.id), zap.Error(err))
		} else if err == nil && wasUnhealthy {
			h.logger.Info("deployment healthy again", zap.String("deployment", d.id))
		}
	}
}

func (h *Handler) checkOne(ctx context.Context, d *deployment, timeout time.Duration) error {
	cctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	key, kerr := h.pickKey(d.up, h.now())
	if kerr != nil {
		return kerr
	}
	model := d.upstream
	if h.LoadBalancing.HealthCheckModel != "" {
		model = h.LoadBalancing.HealthCheckModel
	}
	t := providers.Target{Model: model, APIKey: key.Secret}
	if hc, ok := d.up.provider.(providers.HealthChecker); ok {
		return hc.HealthCheck(cctx, t)
	}
	if e, ok := d.up.provider.(providers.Embedder); ok && d.spec().Embeddings {
		_, err := e.Embeddings(cctx, t, &providers.EmbeddingRequest{
			Model: model, Input: providers.EmbeddingInput{Texts: []string{"ping"}},
		})
		return err
	}
	if d.spec().Images {
		return nil // generating an image to check health would cost too much
	}
	one := 1
	_, err := d.up.provider.Chat(cctx, t, &providers.ChatRequest{
		Model: model, MaxTokens: &one,
		Messages: []providers.Message{{Role: "user", Content: providers.TextContent("ping")}},
	})
	if e := providers.Classify(err); e != nil && e.Kind == providers.KindInvalidRequest {
		return nil // it answered: a picky upstream is still a live one
	}
	return err
}
