package main

import (
	"math/rand/v2"
	"time"

	"github.com/sira-ai/caddy-ai-backends/routing"
)

// simRequest is one request of the workload: what routing sees (its shape)
// plus what only the simulation knows (how long the answer will be).
type simRequest struct {
	Shape        routing.Request
	OutputTokens int           // the answer's real length, whichever deployment writes it
	Gap          time.Duration // idle time after the previous request ended
}

// clientRegions are where requests come from (the X-AI-Region header), with
// their shares; "" is a client that sends no region.
var clientRegions = []struct {
	region string
	share  float64
}{{"us-east-1", 0.5}, {"eu-west-1", 0.3}, {"", 0.2}}

// maxTokenChoices are the max_tokens values clients set; 0 = not set.
var maxTokenChoices = []int{0, 0, 0, 0, 256, 512, 1024, 1024, 4096, 16_000}

// Prompt and answer sizes, in tokens.
var (
	chatPrompt   = lognormalTokens{median: 700, p99: 12_000}
	longDocument = lognormalTokens{median: 40_000, p99: 250_000}
	answerLength = lognormalTokens{median: 180, p99: 2_000}
)

// longDocumentShare is the share of requests that carry a whole document:
// few, but they dominate the bill and some fit only the 1M-token windows.
const longDocumentShare = 0.02

// meanGap is the mean idle time between requests (exponential).
const meanGap = 250 * time.Millisecond

// workload draws n requests from seed. The same seed gives the same
// requests, so every strategy serves the identical workload.
func workload(n int, seed uint64) []simRequest {
	rng := rand.New(rand.NewPCG(seed, 0x776f726b6c6f6164)) // "workload"
	reqs := make([]simRequest, n)
	for i := range reqs {
		r := &reqs[i]
		r.Shape = routing.Request{
			Model:       "chat",
			NeedsTools:  rng.Float64() < 0.25,
			NeedsVision: rng.Float64() < 0.10,
			NeedsJSON:   rng.Float64() < 0.15,
			Stream:      rng.Float64() < 0.30,
			MaxTokens:   maxTokenChoices[rng.IntN(len(maxTokenChoices))],
			Region:      pickRegion(rng.Float64()),
		}
		if rng.Float64() < longDocumentShare {
			r.Shape.PromptTokens = longDocument.sample(rng, 900_000)
		} else {
			r.Shape.PromptTokens = chatPrompt.sample(rng, 100_000)
		}
		r.OutputTokens = answerLength.sample(rng, 16_000)
		if r.Shape.MaxTokens > 0 {
			r.OutputTokens = min(r.OutputTokens, r.Shape.MaxTokens)
		}
		r.Gap = time.Duration(rng.ExpFloat64() * float64(meanGap))
	}
	return reqs
}

func pickRegion(u float64) string {
	for _, c := range clientRegions {
		if u < c.share {
			return c.region
		}
		u -= c.share
	}
	return ""
}

// lognormalTokens is a token count distribution given by median and p99.
type lognormalTokens struct{ median, p99 int }

func (l lognormalTokens) sample(rng *rand.Rand, limit int) int {
	d := lognormal{Median: time.Duration(l.median), P99: time.Duration(l.p99)}.sample(rng)
	return min(max(int(d), 1), limit)
}
