package main

import (
	"math"
	"math/rand/v2"
	"time"

	"github.com/sira-ai/caddy-ai-backends/catalog"
	"github.com/sira-ai/caddy-ai-backends/providers"
)

// deployment is one simulated deployment of the public model. The first
// fields are what the gateway is told (as a Caddyfile would tell it); the
// behaviour is what only the simulation knows and routing has to learn.
type deployment struct {
	Provider string
	Model    string
	Region   string
	Weight   int
	Spec     catalog.Spec
	Behave   behaviour
}

// ID is the deployment id the handler uses: "provider/model".
func (d *deployment) ID() string { return d.Provider + "/" + d.Model }

// behaviour is how a deployment answers.
type behaviour struct {
	// TTFT is the time until the first token (network, queueing, prompt
	// processing); the rest of the answer streams at TokensPerSecond.
	TTFT            lognormal
	TokensPerSecond float64
	// FailRate is the chance that one attempt fails transiently; Failures
	// say how, in proportion to their Share.
	FailRate float64
	Failures []failureMode
	// Broken makes every attempt fail (a 503 after a short delay): the
	// outage the benchmark's target is about.
	Broken bool
}

// failureMode is one way an attempt can fail.
type failureMode struct {
	Kind       providers.Kind
	Share      float64
	RetryAfter time.Duration // sent with 429s
	// Hang makes the attempt last until the per-attempt timeout.
	Hang bool
}

// lognormal is a latency distribution given by its median and 99th
// percentile, the two numbers provider status pages and load tests report.
type lognormal struct {
	Median, P99 time.Duration
}

// z99 is the standard normal quantile at 0.99.
const z99 = 2.3263478740408408

func (l lognormal) sample(rng *rand.Rand) time.Duration {
	sigma := math.Log(float64(l.P99)/float64(l.Median)) / z99
	return time.Duration(float64(l.Median) * math.Exp(sigma*rng.NormFloat64()))
}

// ms is shorthand for the fleet table.
func ms(n int) time.Duration { return time.Duration(n) * time.Millisecond }

// builtinSpec returns the catalog's spec of a real model, so that the
// fleet bills at real prices. A name missing from the catalog gives a zero
// spec, which TestFleetUsesCatalogPrices catches.
func builtinSpec(model string) catalog.Spec {
	s, _ := catalog.Lookup(model)
	return s
}

// Failure mixes used by the fleet.
var (
	serverErrors = []failureMode{{Kind: providers.KindUpstream, Share: 0.8}, {Kind: providers.KindNetwork, Share: 0.2}}
	overloaded   = []failureMode{{Kind: providers.KindOverloaded, Share: 0.9}, {Kind: providers.KindUpstream, Share: 0.1}}
	rateLimited  = []failureMode{
		{Kind: providers.KindRateLimited, Share: 0.5, RetryAfter: time.Second},
		{Kind: providers.KindUpstream, Share: 0.5},
	}
	sometimesHangs = []failureMode{
		{Kind: providers.KindUpstream, Share: 0.8},
		{Kind: providers.KindTimeout, Share: 0.2, Hang: true},
	}
)

// selfHosted is a made-up spec for a small open model served on the
// operator's own GPUs: text only, no tool calling, a 16K window, and an
// amortised price well below any API.
var selfHosted = catalog.Spec{
	ContextWindow: 16_384, MaxOutput: 4_096, JSONMode: true, Streaming: true,
	Prices: catalog.Prices{Input: 0.05, Output: 0.10},
}

// defaultFleet is the fleet behind the public model "chat", in configured
// order. The primary (vertex/gemini-2.5-flash-lite) is the cheapest
// deployment that can do everything, and it is down: every request to it
// fails. Latencies and failure rates are plausible, not measured.
func defaultFleet() []deployment {
	return []deployment{
		catalogued("vertex", "gemini-2.5-flash-lite", "us-central1",
			behaviour{TTFT: lognormal{ms(150), ms(600)}, TokensPerSecond: 250, Broken: true}),
		catalogued("azure", "gpt-4o-mini", "eastus2",
			behaviour{TTFT: lognormal{ms(550), ms(3000)}, TokensPerSecond: 70, FailRate: 0.01, Failures: rateLimited}),
		catalogued("openai", "gpt-4.1-mini", "us-east",
			behaviour{TTFT: lognormal{ms(400), ms(2000)}, TokensPerSecond: 90, FailRate: 0.005, Failures: serverErrors}),
		catalogued("gemini", "gemini-2.5-flash", "europe-west4",
			behaviour{TTFT: lognormal{ms(300), ms(1500)}, TokensPerSecond: 180, FailRate: 0.02, Failures: serverErrors}),
		catalogued("anthropic", "claude-haiku-4-5", "us-west",
			behaviour{TTFT: lognormal{ms(600), ms(2500)}, TokensPerSecond: 120, FailRate: 0.015, Failures: overloaded}),
		catalogued("openai", "gpt-4o", "us-east",
			behaviour{TTFT: lognormal{ms(450), ms(2500)}, TokensPerSecond: 80, FailRate: 0.005, Failures: sometimesHangs}),
		{Provider: "local", Model: "llama-3.1-8b", Region: "us-east", Weight: 1, Spec: selfHosted,
			Behave: behaviour{TTFT: lognormal{ms(120), ms(900)}, TokensPerSecond: 60, FailRate: 0.005, Failures: serverErrors}},
	}
}

// catalogued is a deployment, of weight 1, of a model with the catalog's
// spec (builtinSpec).
func catalogued(provider, model, region string, b behaviour) deployment {
	return deployment{Provider: provider, Model: model, Region: region, Weight: 1, Spec: builtinSpec(model), Behave: b}
}
