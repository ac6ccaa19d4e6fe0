package sim

import (
	"strings"
	"testing"
	"time"

	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"
)

func TestUnmarshalCaddyfile(t *testing.T) {
	var p Provider
	err := p.UnmarshalCaddyfile(caddyfile.NewTestDispenser(`provider demo sim {
		models sim-small sim-large
		latency 20ms
		jitter 5ms
		tokens_per_second 40.5
		failure_rate 0.1
		failure_status 429
		retry_after 3s
		max_output 32
		embedding_dimensions 64
		seed -9
		weight 2
	}`))
	if err != nil {
		t.Fatal(err)
	}
	if time.Duration(p.Latency) != 20*time.Millisecond || time.Duration(p.Jitter) != 5*time.Millisecond ||
		p.TokensPerSecond != 40.5 || p.FailureRate != 0.1 || p.FailureStatus != 429 ||
		time.Duration(p.RetryAfter) != 3*time.Second || p.MaxOutput != 32 || p.EmbeddingDimensions != 64 ||
		p.Seed == nil || *p.Seed != -9 || p.Weight != 2 || len(p.Models) != 2 {
		t.Errorf("parsed %+v", p)
	}
}

func TestUnmarshalCaddyfileEmptyBlock(t *testing.T) {
	var p Provider
	if err := p.UnmarshalCaddyfile(caddyfile.NewTestDispenser(`provider sim`)); err != nil {
		t.Fatal(err)
	}
}

func TestUnmarshalCaddyfileErrors(t *testing.T) {
	for _, c := range []struct{ body, want string }{
		{"latency", "wrong argument count"},
		{"latency soon", "latency"},
		{"latency -1s", "negative"},
		{"jitter 1s 2s", "wrong argument count"},
		{"tokens_per_second -3", "tokens_per_second"},
		{"tokens_per_second fast", "tokens_per_second"},
		{"failure_rate 1.01", "failure_rate"},
		{"failure_rate NaN", "failure_rate"},
		{"failure_status 200", "failure_status"},
		{"failure_status 5xx", "failure_status"},
		{"max_output 0", "max_output"},
		{"embedding_dimensions 99999", "embedding_dimensions"},
		{"seed 1.5", "seed"},
		{"retry_after", "wrong argument count"},
		{"flavour mint", "unrecognized provider option"},
	} {
		var p Provider
		err := p.UnmarshalCaddyfile(caddyfile.NewTestDispenser("provider demo sim {\n" + c.body + "\n}"))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: error %v, want it to mention %q", c.body, err, c.want)
		}
	}
}
