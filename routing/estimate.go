package routing

import (
	"math"
	"time"

	"github.com/sira-ai/caddy-ai-backends/catalog"
)

// EstimateCost returns the expected price in USD of serving req on a
// deployment with spec, and whether the spec has prices at all.
//
// The estimate is the prompt estimate at the input rate plus the expected
// output at the output rate. Expected output is typicalOutput (default
// DefaultExpectedOutputTokens), lowered to the request's max_tokens when
// that is smaller and to the model's output limit: max_tokens is a ceiling,
// not a forecast, so a habitual max_tokens of 4096 does not make every
// answer look 4096 tokens long. OpenAI reasoning models are assumed to
// spend as many hidden reasoning tokens as visible ones. Image models cost
// one image plus the prompt; embedding models only the prompt.
//
// A spec without any price (an unknown model) is not free but unpriced:
// known is false and strategies rank it after priced candidates. Embedding
// models are the exception: they bill only input, and a zero input price
// (text-embedding-004 on the Gemini API) really is free.
func EstimateCost(req *Request, spec catalog.Spec, typicalOutput int) (usd float64, known bool) {
	if req == nil {
		req = &noRequest
	}
	return estimateCost(req, &spec, typicalOutput)
}

var noRequest Request

func estimateCost(req *Request, s *catalog.Spec, typicalOutput int) (float64, bool) {
	p := s.Prices
	t := catalog.Tokens{Input: promptTokens(req)}
	switch {
	case s.Embeddings:
		return catalog.Cost(t, p), true
	case s.Images:
		t.Images = 1
		return catalog.Cost(t, p), p.PerImage > 0 || p.Input > 0
	case p.Input <= 0 && p.Output <= 0:
		return 0, false
	}
	t.Output = expectedOutput(req, s, typicalOutput)
	if s.Reasoning {
		t.Reasoning = t.Output
	}
	return catalog.Cost(t, p), true
}

// expectedOutput is the completion length a cost estimate assumes.
func expectedOutput(req *Request, s *catalog.Spec, typical int) int {
	if typical <= 0 {
		typical = DefaultExpectedOutputTokens
	}
	out := typical
	if req.MaxTokens > 0 && req.MaxTokens < out {
		out = req.MaxTokens
	}
	if s.MaxOutput > 0 && out > s.MaxOutput {
		out = s.MaxOutput
	}
	return out
}

// The reliability prior: a deployment without history is assumed to
// succeed priorSuccess of the time, and that belief counts as much as
// priorWeight observed requests. So one success in one request (0.952)
// does not beat 999 in 1000 (0.998), and a deployment needs a few dozen
// outcomes before its own record dominates.
const (
	priorSuccess = 0.95
	priorWeight  = 20.0
)

// Reliability returns a candidate's expected success probability: its
// recent success ratio shrunk towards a prior of 95% by the number of
// samples it rests on (the mean of a Beta posterior).
func Reliability(c *Candidate) float64 {
	if c == nil {
		return priorSuccess
	}
	n := float64(max(c.Samples, 0))
	rate := c.SuccessRate
	if math.IsNaN(rate) || n == 0 {
		rate = 0
	}
	rate = min(max(rate, 0), 1)
	return (rate*n + priorSuccess*priorWeight) / (n + priorWeight)
}

// latencyOf is the latency a request would see on a candidate: time to
// first token for a stream when it is known, else the full response
// latency. 0 means not measured.
func latencyOf(req *Request, c *Candidate) time.Duration {
	if req.Stream && c.TTFT > 0 {
		return c.TTFT
	}
	return max(c.Latency, 0)
}
