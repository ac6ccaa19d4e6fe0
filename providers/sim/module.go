// Package sim is the built-in simulator provider: a providers.Provider that
// answers chat, streams, embeddings and images from the request alone, with
// no network and no key. It powers offline demos, tests, load and chaos
// tests and routing simulations, so it is deterministic where that helps
// (the same request gets the same answer) and configurable where realism
// matters (latency, jitter, streaming speed, failure rate and status).
package sim

import (
	"context"
	"fmt"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/caddyserver/caddy/v2"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

func init() {
	caddy.RegisterModule(Provider{})
}

// Defaults of the simulator's own options.
const (
	DefaultMaxOutput           = 64
	DefaultFailureStatus       = http.StatusInternalServerError
	DefaultRetryAfter          = time.Second
	DefaultEmbeddingDimensions = 256
)

// Provider simulates an upstream AI provider in process.
type Provider struct {
	providers.Config

	// Latency before the first token of a stream, or before a whole
	// response. Default: 0.
	Latency caddy.Duration `json:"latency,omitempty"`
	// Jitter adds a uniformly random extra latency in [0, jitter]. Default: 0.
	Jitter caddy.Duration `json:"jitter,omitempty"`
	// TokensPerSecond paces streamed tokens. Default: 0, as fast as possible.
	TokensPerSecond float64 `json:"tokens_per_second,omitempty"`
	// FailureRate is the probability (0 to 1) that a call fails. Default: 0.
	FailureRate float64 `json:"failure_rate,omitempty"`
	// FailureStatus is the HTTP status a failing call simulates: 429 is a
	// rate limit with RetryAfter advice, 503 and 529 are overloads, other
	// statuses are classified as a real upstream's would be. Default: 500.
	FailureStatus int `json:"failure_status,omitempty"`
	// RetryAfter is the advice a simulated 429 carries. Default: 1s.
	RetryAfter caddy.Duration `json:"retry_after,omitempty"`
	// MaxOutput is the length of an answer in tokens (one generated word
	// each) when the client's max_tokens does not cut it. Default: 64.
	MaxOutput int `json:"max_output,omitempty"`
	// EmbeddingDimensions is the vector size when the request does not ask
	// for one. Default: 256.
	EmbeddingDimensions int `json:"embedding_dimensions,omitempty"`
	// Seed fixes the random source of failures and jitter, so load tests
	// are reproducible. Default: time-based.
	Seed *int64 `json:"seed,omitempty"`

	draws    *draws        // behind a pointer: Caddy copies the module value
	interval time.Duration // between streamed tokens; 0 = no pacing
	failMsg  string

	// sleep waits d or until ctx is done; tests swap it for a fake clock.
	sleep func(ctx context.Context, d time.Duration) error
	// now stamps the "created" field.
	now func() time.Time
}

// draws are the provider's mutable counters, shared by concurrent calls.
type draws struct {
	rand   randSource    // failures and jitter
	idSeq  atomic.Uint64 // response ids
	idSalt uint64
}

// CaddyModule returns the Caddy module information.
func (Provider) CaddyModule() caddy.ModuleInfo {
	return caddy.ModuleInfo{
		ID:  providers.Namespace + ".sim",
		New: func() caddy.Module { return new(Provider) },
	}
}

// instances makes ids unique across simulators started in the same instant.
var instances atomic.Uint64

// Provision applies defaults and checks the options. The simulator needs
// neither a key nor a base_url.
func (p *Provider) Provision(caddy.Context) error {
	if err := p.Config.Provision(providers.Defaults{Type: "sim", NoUpstream: true}); err != nil {
		return err
	}
	if err := p.check(); err != nil {
		return fmt.Errorf("provider %s: %v", p.Name, err)
	}
	if p.MaxOutput == 0 {
		p.MaxOutput = DefaultMaxOutput
	}
	if p.FailureStatus == 0 {
		p.FailureStatus = DefaultFailureStatus
	}
	if p.RetryAfter == 0 {
		p.RetryAfter = caddy.Duration(DefaultRetryAfter)
	}
	if p.EmbeddingDimensions == 0 {
		p.EmbeddingDimensions = DefaultEmbeddingDimensions
	}
	seed := uint64(time.Now().UnixNano())
	if p.Seed != nil {
		seed = uint64(*p.Seed)
	}
	p.draws = &draws{idSalt: mix64(uint64(time.Now().UnixNano()) ^ instances.Add(1)<<48)}
	p.draws.rand.state.Store(seed)
	p.interval = 0
	if p.TokensPerSecond > 0 {
		p.interval = time.Duration(float64(time.Second) / p.TokensPerSecond)
	}
	p.failMsg = fmt.Sprintf("simulated failure (failure_rate %g): %d %s",
		p.FailureRate, p.FailureStatus, http.StatusText(p.FailureStatus))
	if p.sleep == nil {
		p.sleep = sleepContext
	}
	if p.now == nil {
		p.now = time.Now
	}
	return nil
}

// check rejects option values that cannot be simulated.
func (p *Provider) check() error {
	switch {
	case p.Latency < 0 || p.Jitter < 0 || p.RetryAfter < 0:
		return fmt.Errorf("latency, jitter and retry_after must not be negative")
	case p.TokensPerSecond < 0:
		return fmt.Errorf("tokens_per_second must not be negative")
	case !(p.FailureRate >= 0 && p.FailureRate <= 1): // also rejects NaN
		return fmt.Errorf("failure_rate must be between 0 and 1, got %g", p.FailureRate)
	case p.FailureStatus != 0 && (p.FailureStatus < 400 || p.FailureStatus > 599):
		return fmt.Errorf("failure_status must be an HTTP error status (400-599), got %d", p.FailureStatus)
	case p.MaxOutput < 0:
		return fmt.Errorf("max_output must not be negative")
	case p.EmbeddingDimensions < 0 || p.EmbeddingDimensions > maxDimensions:
		return fmt.Errorf("embedding_dimensions must be between 1 and %d", maxDimensions)
	}
	return nil
}

// Interface guards.
var (
	_ providers.Module         = (*Provider)(nil)
	_ providers.Embedder       = (*Provider)(nil)
	_ providers.ImageGenerator = (*Provider)(nil)
)
