package catalog_test

import (
	"math"
	"testing"

	"github.com/sira-ai/caddy-ai-backends/catalog"
	"github.com/sira-ai/caddy-ai-backends/providers"
)

// sameUSD compares dollars to within float64 rounding of the table's
// decimal prices: "exact to the table" for a float.
func sameUSD(got, want float64) bool {
	return math.Abs(got-want) <= 1e-12*math.Max(1, math.Abs(want))
}

// Each case starts from the usage the provider reports, translated to the
// unified (OpenAI-convention) Usage the way the provider packages do it,
// and goes through Usage.Tokens, which is what the handler prices.
func TestCostPerProviderConvention(t *testing.T) {
	cases := []struct {
		name   string
		usage  *providers.Usage
		prices catalog.Prices
		want   float64
	}{
		{
			// OpenAI: prompt_tokens includes prompt_tokens_details.cached_tokens.
			// 500 uncached × 2.50 + 1500 cached × 1.25 + 300 × 10.00 = 6125 per 1M.
			name: "openai cached prompt",
			usage: &providers.Usage{
				PromptTokens: 2000, CompletionTokens: 300, TotalTokens: 2300,
				PromptTokensDetails: &providers.PromptTokensDetails{CachedTokens: 1500},
			},
			prices: catalog.Prices{Input: 2.5, CachedInput: 1.25, Output: 10},
			want:   0.006125,
		},
		{
			// OpenAI reasoning model: completion_tokens includes reasoning_tokens,
			// reasoning billed at the output rate (Reasoning left at 0).
			// 176 × 2 + 1024 × 0.5 + 260 × 8 + 640 × 8 = 8064 per 1M.
			name: "openai reasoning",
			usage: &providers.Usage{
				PromptTokens: 1200, CompletionTokens: 900, TotalTokens: 2100,
				PromptTokensDetails:     &providers.PromptTokensDetails{CachedTokens: 1024},
				CompletionTokensDetails: &providers.CompletionTokensDetails{ReasoningTokens: 640},
			},
			prices: catalog.Prices{Input: 2, CachedInput: 0.5, Output: 8},
			want:   0.008064,
		},
		{
			// Anthropic reports input_tokens=50 (after the last breakpoint),
			// cache_read_input_tokens=10000, cache_creation_input_tokens=2000,
			// output_tokens=400. Translated: prompt = 50+10000+2000.
			// 50 × 3 + 10000 × 0.30 + 2000 × 3.75 + 400 × 15 = 16650 per 1M.
			name: "anthropic cache read and write",
			usage: &providers.Usage{
				PromptTokens: 12050, CompletionTokens: 400, TotalTokens: 12450,
				PromptTokensDetails: &providers.PromptTokensDetails{CachedTokens: 10000},
				CacheWriteTokens:    2000,
			},
			prices: catalog.Prices{Input: 3, CachedInput: 0.3, CacheWrite: 3.75, Output: 15},
			want:   0.01665,
		},
		{
			// A table without a cache-write rate bills writes as input:
			// 50 × 3 + 10000 × 0.30 + 2000 × 3 + 400 × 15 = 15150 per 1M.
			name: "anthropic cache write at input rate",
			usage: &providers.Usage{
				PromptTokens: 12050, CompletionTokens: 400, TotalTokens: 12450,
				PromptTokensDetails: &providers.PromptTokensDetails{CachedTokens: 10000},
				CacheWriteTokens:    2000,
			},
			prices: catalog.Prices{Input: 3, CachedInput: 0.3, Output: 15},
			want:   0.01515,
		},
		{
			// Gemini: promptTokenCount=8000 includes cachedContentTokenCount=6000;
			// candidatesTokenCount=500 excludes thoughtsTokenCount=1500, so the
			// translation reports completion = 2000 with 1500 reasoning.
			// 2000 × 1.25 + 6000 × 0.125 + 500 × 10 + 1500 × 10 = 23250 per 1M.
			name: "gemini cached and thinking",
			usage: &providers.Usage{
				PromptTokens: 8000, CompletionTokens: 2000, TotalTokens: 10000,
				PromptTokensDetails:     &providers.PromptTokensDetails{CachedTokens: 6000},
				CompletionTokensDetails: &providers.CompletionTokensDetails{ReasoningTokens: 1500},
			},
			prices: catalog.Prices{Input: 1.25, CachedInput: 0.125, Output: 10},
			want:   0.02325,
		},
		{
			// A table with its own thinking rate: 1000 × 0.15 + 200 × 0.60 +
			// 1000 × 3.50 = 3770 per 1M.
			name: "gemini separate reasoning rate",
			usage: &providers.Usage{
				PromptTokens: 1000, CompletionTokens: 1200, TotalTokens: 2200,
				CompletionTokensDetails: &providers.CompletionTokensDetails{ReasoningTokens: 1000},
			},
			prices: catalog.Prices{Input: 0.15, Output: 0.6, Reasoning: 3.5},
			want:   0.00377,
		},
		{
			name:   "no usage",
			usage:  nil,
			prices: catalog.Prices{Input: 2.5, Output: 10},
			want:   0,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := catalog.Cost(tc.usage.Tokens(), tc.prices)
			if !sameUSD(got, tc.want) {
				t.Fatalf("Cost = %.12f, want %.12f", got, tc.want)
			}
		})
	}
}

// Pricing cached tokens as plain input is the classic mistake: the same
// usage must cost strictly less when part of the prompt was a cache hit.
func TestCostCachedNeverAtInputRate(t *testing.T) {
	p := catalog.Prices{Input: 2.5, CachedInput: 1.25, Output: 10}
	cold := catalog.Cost(catalog.Tokens{Input: 2000, Output: 300}, p)
	warm := catalog.Cost((&providers.Usage{
		PromptTokens: 2000, CompletionTokens: 300,
		PromptTokensDetails: &providers.PromptTokensDetails{CachedTokens: 1500},
	}).Tokens(), p)
	if !sameUSD(cold-warm, 1500*(2.5-1.25)/1e6) {
		t.Fatalf("cache saving = %.12f, want %.12f", cold-warm, 1500*(2.5-1.25)/1e6)
	}
}

func TestCostImages(t *testing.T) {
	got := catalog.Cost(catalog.Tokens{Images: 3}, catalog.Prices{PerImage: 0.04})
	if !sameUSD(got, 0.12) {
		t.Fatalf("Cost = %v, want 0.12", got)
	}
}

func TestEmbeddingCost(t *testing.T) {
	if got := catalog.EmbeddingCost(1000, catalog.Prices{Input: 0.02}); !sameUSD(got, 0.00002) {
		t.Fatalf("EmbeddingCost = %v, want 0.00002", got)
	}
	if got := catalog.EmbeddingCost(-1, catalog.Prices{Input: 0.02}); got != 0 {
		t.Fatalf("EmbeddingCost(-1) = %v, want 0", got)
	}
}

func TestCostNeverNegative(t *testing.T) {
	cases := []struct {
		name string
		t    catalog.Tokens
		p    catalog.Prices
	}{
		{"negative counters", catalog.Tokens{Input: -5, CachedInput: -1, Output: -7, Images: -2}, catalog.Prices{Input: 1, CachedInput: 1, Output: 1, PerImage: 1}},
		{"negative price", catalog.Tokens{Input: 100}, catalog.Prices{Input: -1}},
		{"NaN price", catalog.Tokens{Input: 100}, catalog.Prices{Input: math.NaN()}},
	}
	for _, tc := range cases {
		if got := catalog.Cost(tc.t, tc.p); got != 0 {
			t.Errorf("%s: Cost = %v, want 0", tc.name, got)
		}
	}
}

// FuzzCost checks the properties a cost counter relies on: never negative or
// NaN, and additive over the independent token counters.
func FuzzCost(f *testing.F) {
	f.Add(2000, 1500, 0, 300, 0, 0, 2.5, 1.25, 0.0, 10.0, 0.0, 0.0)
	f.Add(50, 10000, 2000, 400, 0, 0, 3.0, 0.3, 3.75, 15.0, 0.0, 0.0)
	f.Add(-1, -1, -1, -1, -1, -1, -1.0, -1.0, -1.0, -1.0, -1.0, -1.0)
	f.Add(0, 0, 0, 0, 0, 4, 0.0, 0.0, 0.0, 0.0, 0.0, 0.04)
	f.Fuzz(func(t *testing.T, in, cached, write, out, reasoning, images int,
		pIn, pCached, pWrite, pOut, pReasoning, pImage float64) {
		for _, v := range []float64{pIn, pCached, pWrite, pOut, pReasoning, pImage} {
			if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 || v > 1e6 {
				t.Skip()
			}
		}
		for _, n := range []int{in, cached, write, out, reasoning, images} {
			if n > 1<<40 || n < -(1<<40) {
				t.Skip()
			}
		}
		p := catalog.Prices{Input: pIn, CachedInput: pCached, CacheWrite: pWrite, Output: pOut, Reasoning: pReasoning, PerImage: pImage}
		tok := catalog.Tokens{Input: in, CachedInput: cached, CacheWrite: write, Output: out, Reasoning: reasoning, Images: images}
		got := catalog.Cost(tok, p)
		if got < 0 || math.IsNaN(got) {
			t.Fatalf("Cost = %v", got)
		}
		var sum float64
		for _, part := range []catalog.Tokens{
			{Input: in}, {CachedInput: cached}, {CacheWrite: write},
			{Output: out}, {Reasoning: reasoning}, {Images: images},
		} {
			sum += catalog.Cost(part, p)
		}
		if math.Abs(got-sum) > 1e-9*math.Max(1, got) {
			t.Fatalf("Cost = %v, sum of parts = %v", got, sum)
		}
	})
}
