package aibackends

import (
	"encoding/json"
	"sort"
	"strings"
	"time"

	"github.com/caddyserver/caddy/v2"
	"go.uber.org/zap"

	"github.com/sira-ai/caddy-ai-backends/metrics"
	"github.com/sira-ai/caddy-ai-backends/providers"
	"github.com/sira-ai/caddy-ai-backends/security"
)

// SecurityConfig configures input limits, sensitive-data filtering and
// anomaly blocking.
type SecurityConfig struct {
	// MaxDepth of JSON nesting in a request body. Default: 64.
	MaxDepth int `json:"max_depth,omitempty"`
	// Detectors to run on prompts: email, phone, card, secret. Empty with
	// a FilterAction set: all of them.
	Detectors []string `json:"detectors,omitempty"`
	// FilterAction is redact or block; empty disables prompt filtering.
	FilterAction string `json:"filter_action,omitempty"`
	// RedactResponses removes credentials a model echoes in its answers.
	RedactResponses bool `json:"redact_responses,omitempty"`
	// Anomaly blocks a client whose request rate jumps far above its own
	// baseline (client keys only).
	Anomaly *AnomalyConfig `json:"anomaly,omitempty"`
}

// AnomalyConfig tunes anomaly blocking.
type AnomalyConfig struct {
	// Factor: a client is blocked when its request rate exceeds its own
	// baseline this many times. Default: 10.
	Factor float64 `json:"factor,omitempty"`
	// MinRate in requests per second below which nobody is blocked.
	// Default: 5.
	MinRate float64 `json:"min_rate,omitempty"`
	// Baseline is the period the usual rate is learnt over. Default: 10m.
	Baseline caddy.Duration `json:"baseline,omitempty"`
	// CoolDown is how long a blocked client stays blocked. Default: 5m.
	CoolDown caddy.Duration `json:"cool_down,omitempty"`
}

// anomalyState pools the detector so a reload keeps baselines and blocks.
type anomalyState struct{ d *security.AnomalyDetector }

func (*anomalyState) Destruct() error { return nil }

func (h *Handler) provisionSecurity() error {
	sc := h.Security
	if sc == nil {
		return nil
	}
	if sc.FilterAction != "" || sc.RedactResponses {
		cfg := security.FilterConfig{Action: security.Action(sc.FilterAction), RedactResponses: sc.RedactResponses}
		for _, d := range sc.Detectors {
			cfg.Detectors = append(cfg.Detectors, security.Detector(d))
		}
		f, err := security.NewFilter(cfg)
		if err != nil {
			return err
		}
		h.filter = f
		h.filterPrompts = sc.FilterAction != ""
	}
	if a := sc.Anomaly; a != nil {
		cfg := security.AnomalyConfig{Factor: a.Factor, MinRate: a.MinRate,
			Baseline: time.Duration(a.Baseline), CoolDown: time.Duration(a.CoolDown)}
		v, err := h.pool.load("anomaly", func() (caddy.Destructor, error) {
			return &anomalyState{d: security.NewAnomalyDetector(cfg, nil)}, nil
		})
		if err != nil {
			return err
		}
		h.anomaly = v.(*anomalyState).d
	}
	return nil
}

// filterRequest redacts or blocks sensitive data in the prompt; the
// client's original body is patched or dropped to match.
func (h *Handler) filterRequest(rec *record, req *providers.ChatRequest) *providers.Error {
	if h.filter == nil || !h.filterPrompts {
		return nil
	}
	found := map[security.Detector]int{}
	block := h.filter.Action() == security.ActionBlock
	apply := func(text string) string {
		if block {
			for _, f := range h.filter.Scan(text) {
				found[f.Detector]++
			}
			return text
		}
		out, fs := h.filter.Redact(text)
		for _, f := range fs {
			found[f.Detector]++
		}
		return out
	}
	for i := range req.Messages {
		c := &req.Messages[i].Content
		if c.Parts == nil {
			c.Text = apply(c.Text)
			continue
		}
		for j := range c.Parts {
			if c.Parts[j].Type == "text" {
				c.Parts[j].Text = apply(c.Parts[j].Text)
			}
		}
	}
	if len(found) == 0 {
		return nil
	}
	kinds := make([]string, 0, len(found))
	for d := range found {
		kinds = append(kinds, string(d))
	}
	sort.Strings(kinds)
	event := "redacted"
	if block {
		event = "blocked"
	}
	metrics.IncSecurityEvent(event)
	h.logger.Info("sensitive data in a prompt", zap.String("action", event),
		zap.Strings("detectors", kinds), zap.String("request_id", rec.id), zap.String("client_key", rec.client))
	if block {
		return &providers.Error{Kind: providers.KindInvalidRequest, Code: "sensitive_data_blocked",
			Message: "the request was blocked because it contains sensitive data (" + strings.Join(kinds, ", ") + ")"}
	}
	// The client's own body still holds what was found: an OpenAI body
	// gets the filtered messages, any other is dropped (the upstream then
	// receives the translated, filtered request).
	if req.Original.Is(providers.FormatOpenAIChat) {
		if msgs, err := json.Marshal(req.Messages); err == nil {
			if patched, err := providers.SetTopLevel(req.Original.Body, "messages", msgs); err == nil {
				req.Original.Body = patched
				return nil
			}
		}
	}
	req.Original = providers.Original{}
	return nil
}

// redactsResponses reports whether model answers are scanned for secrets.
func (cp *contentPolicy) redactsResponses() bool {
	return cp.filter != nil && cp.filter.RedactsResponses()
}

// filterResponse removes credentials a model echoed in a complete answer.
func (h *Handler) filterResponse(rec *record, resp *providers.ChatResponse) {
	if !h.redactsResponses() {
		return
	}
	n := 0
	for i := range resp.Choices {
		m := &resp.Choices[i].Message
		var k int
		m.Content.Text, k = h.filter.RedactSecrets(m.Content.Text)
		n += k + h.redactMessageReasoning(m)
	}
	if n > 0 {
		resp.Raw = nil // the upstream bytes hold the secret: re-encode
		resp.Original = providers.Original{}
		metrics.IncSecurityEvent(metrics.EventResponseRedacted)
		h.logger.Info("secret redacted from a model answer", zap.Int("findings", n), zap.String("request_id", rec.id))
	}
}

// filterChunk redacts secrets within one stream delta. A secret split
// across two deltas is not seen: the README says so.
func (cp *contentPolicy) filterChunk(rec *record, c *providers.ChatChunk) {
	if !cp.redactsResponses() {
		return
	}
	for i := range c.Choices {
		if p := c.Choices[i].Delta.Content; p != nil && *p != "" {
			if out, n := cp.filter.RedactSecrets(*p); n > 0 {
				c.Choices[i].Delta.Content = &out
				c.Raw = nil
				if c.Event != nil {
					c.Event.Changed = true // a relayed event is written from the filtered text
				}
				metrics.IncSecurityEvent(metrics.EventResponseRedacted)
			}
		}
		if d := &c.Choices[i].Delta; d.HasReasoning() && cp.redactDeltaReasoning(d) > 0 {
			c.Raw = nil
			if c.Event != nil {
				c.Event.Changed = true // the relayed thinking is written from the filtered text
			}
			metrics.IncSecurityEvent(metrics.EventResponseRedacted)
		}
	}
}
