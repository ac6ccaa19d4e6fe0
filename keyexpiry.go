package aibackends

import (
	"context"
	"fmt"
	"time"

	"github.com/caddyserver/caddy/v2"
	"go.uber.org/zap"

	"github.com/sira-ai/caddy-ai-backends/keystore"
	"github.com/sira-ai/caddy-ai-backends/metrics"
)

// decryptProviderKeys decrypts every api_key_encrypted with the configured
// master keys (newest first). The master keys live only for this call.
func (h *Handler) decryptProviderKeys() error {
	needed := false
	for _, p := range h.providers {
		needed = needed || p.Base().HasEncryptedKeys()
	}
	if !needed {
		return nil
	}
	if len(h.MasterKeys) == 0 {
		return fmt.Errorf("api_key_encrypted needs at least one master_key")
	}
	repl := caddy.NewReplacer()
	values := make([]string, len(h.MasterKeys))
	for i, v := range h.MasterKeys {
		mk, err := repl.ReplaceOrErr(v, true, true)
		if err != nil {
			return fmt.Errorf("master_key %d: %v", i+1, err)
		}
		values[i] = mk
	}
	ring, err := keystore.ParseKeyring(values...)
	if err != nil {
		return fmt.Errorf("master keys: %v", err)
	}
	defer ring.Wipe()
	for _, p := range h.providers {
		if err := p.Base().DecryptKeys(ring.Decrypt); err != nil {
			return err
		}
	}
	return nil
}

// watchKeyExpiry keeps the days-left gauge of every upstream key current
// and warns, once a day per key, when a key nears its not_after.
func (h *Handler) watchKeyExpiry(ctx context.Context) {
	warned := map[string]time.Time{}
	h.checkKeyExpiry(warned)
	runEvery(ctx, time.Hour, func() { h.checkKeyExpiry(warned) })
}

func (h *Handler) checkKeyExpiry(warned map[string]time.Time) {
	now := h.now()
	warnDays := h.KeyExpiryWarningDays
	if warnDays <= 0 {
		warnDays = 14
	}
	for _, up := range h.catalog.upstreams {
		for _, k := range up.keys {
			if k.NotAfter.IsZero() {
				continue
			}
			days := k.NotAfter.Sub(now).Hours() / 24
			metrics.SetKeyDaysLeft(up.name, k.Fingerprint, days)
			if days < float64(warnDays) && now.Sub(warned[k.Fingerprint]) > 24*time.Hour {
				warned[k.Fingerprint] = now
				h.logger.Warn("upstream key expires soon",
					zap.String("provider", up.name), zap.String("key", k.Fingerprint),
					zap.Float64("days_left", days), zap.Time("not_after", k.NotAfter))
			}
		}
	}
}
