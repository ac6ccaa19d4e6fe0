package catalog

import (
	"math"
	"strings"
	"testing"
)

// sampleDoc is shaped like LiteLLM's file: a sample_spec whose values are
// descriptions, bare and provider-prefixed keys, and entries priced in
// units the gateway does not bill.
const sampleDoc = `{
  "sample_spec": {"max_tokens": "LEGACY parameter", "input_cost_per_token": 0.0, "mode": "one of: chat, embedding"},
  "gpt-4o": {"litellm_provider": "openai", "mode": "chat", "max_input_tokens": 128000, "max_output_tokens": 16384, "max_tokens": 16384,
    "input_cost_per_token": 2.5e-06, "output_cost_per_token": 1e-05, "cache_read_input_token_cost": 1.25e-06,
    "supports_vision": true, "supports_function_calling": true, "supports_response_schema": true, "supports_prompt_caching": true},
  "azure/gpt-4o": {"litellm_provider": "azure", "mode": "chat", "input_cost_per_token": 2.75e-06, "output_cost_per_token": 1.1e-05},
  "Claude-Sonnet-4-5-20250929": {"litellm_provider": "anthropic", "mode": "chat", "max_input_tokens": 200000, "max_output_tokens": 64000,
    "input_cost_per_token": 3e-06, "output_cost_per_token": 1.5e-05, "cache_read_input_token_cost": 3e-07,
    "cache_creation_input_token_cost": 3.75e-06, "cache_creation_input_token_cost_above_1hr": 6e-06,
    "supports_reasoning": true, "supports_vision": true, "supports_function_calling": true},
  "o3-deep": {"mode": "responses", "input_cost_per_token": 1e-05, "output_cost_per_token": 4e-05, "output_cost_per_reasoning_token": 5e-05},
  "text-embedding-3-small": {"litellm_provider": "openai", "mode": "embedding", "max_tokens": 8191, "input_cost_per_token": 2e-08, "output_cost_per_token": 0.0},
  "dall-e-9": {"litellm_provider": "openai", "mode": "image_generation", "output_cost_per_image": 0.04},
  "imagen-9": {"litellm_provider": "vertex_ai", "mode": "image_generation", "input_cost_per_image": 0.03},
  "whisper-1": {"litellm_provider": "openai", "mode": "audio_transcription", "input_cost_per_second": 0.0001, "output_cost_per_second": 0.0001},
  "1024-x-1024/dall-e-2": {"litellm_provider": "openai", "mode": "image_generation", "input_cost_per_pixel": 1.9e-08, "output_cost_per_pixel": 0.0},
  "tts-1": {"litellm_provider": "openai", "mode": "audio_speech", "input_cost_per_character": 1.5e-05},
  "free-local": {"mode": "chat", "input_cost_per_token": 0, "output_cost_per_token": 0},
  "broken-type": {"mode": "chat", "input_cost_per_token": "0.000001"},
  "broken-negative": {"mode": "chat", "input_cost_per_token": -1e-06},
  "broken-flag": {"mode": "chat", "supports_vision": "yes"},
  "broken-huge": {"mode": "chat", "input_cost_per_token": 1e305},
  "not-an-object": [1, 2]
}`

func TestDecodeLiteLLMReadsPricesLimitsAndCapabilities(t *testing.T) {
	d, err := decodeLiteLLM([]byte(sampleDoc))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]Spec{
		"gpt-4o": {ContextWindow: 128000, MaxOutput: 16384, Vision: true, Tools: true, JSONMode: true, Streaming: true,
			Prices: Prices{Input: 2.5, CachedInput: 1.25, Output: 10}},
		"azure/gpt-4o": {Streaming: true, Prices: Prices{Input: 2.75, Output: 11}},
		"claude-sonnet-4-5-20250929": {ContextWindow: 200000, MaxOutput: 64000, Vision: true, Tools: true, Streaming: true, Reasoning: true,
			Prices: Prices{Input: 3, CachedInput: 0.3, CacheWrite: 3.75, Output: 15}},
		"o3-deep":                {Streaming: true, Prices: Prices{Input: 10, Output: 40, Reasoning: 50}},
		"text-embedding-3-small": {ContextWindow: 8191, Embeddings: true, Prices: Prices{Input: 0.02}},
		"dall-e-9":               {Images: true, Prices: Prices{PerImage: 0.04}},
		"imagen-9":               {Images: true, Prices: Prices{PerImage: 0.03}},
		"whisper-1":              {Prices: Prices{PerSecond: 0.0001}},
		"free-local":             {Streaming: true},
	}
	for name, w := range want {
		if got, ok := d.specs[name]; !ok || got != w {
			t.Errorf("%s:\n got %+v (present %v)\nwant %+v", name, got, ok, w)
		}
	}
	if len(d.specs) != len(want) {
		t.Errorf("decoded %d entries, want %d: %v", len(d.specs), len(want), keys(d.specs))
	}
	// per-pixel dall-e-2, per-character tts-1, four broken entries and the array.
	if d.skipped != 7 {
		t.Errorf("skipped %d entries, want 7", d.skipped)
	}
	if d.providers["gpt-4o"] != "openai" {
		t.Errorf("provider of gpt-4o = %q", d.providers["gpt-4o"])
	}
}

func keys(m map[string]Spec) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestDecodeLiteLLMRefusesWhatIsNotACatalog(t *testing.T) {
	for name, doc := range map[string]string{
		"truncated":         `{"gpt-4o": {"input_cost_per_token": 2.5e-06`,
		"trailing garbage":  `{"gpt-4o": {}} x`,
		"array":             `[{"gpt-4o": {}}]`,
		"empty object":      `{}`,
		"only sample_spec":  `{"sample_spec": {"mode": "chat"}}`,
		"only broken":       `{"a": {"input_cost_per_token": "x"}}`,
		"html error page":   `<html>rate limited</html>`,
		"null":              `null`,
		"empty":             ``,
		"only foreign unit": `{"tts": {"input_cost_per_character": 1e-05}}`,
	} {
		if _, err := decodeLiteLLM([]byte(doc)); err == nil {
			t.Errorf("%s: decoded without an error", name)
		}
	}
}

func TestLoadedTableLookupOrder(t *testing.T) {
	d, err := decodeLiteLLM([]byte(`{
	  "gemini-2.5-flash": {"mode": "chat", "input_cost_per_token": 1e-06},
	  "gemini/gemini-2.5-flash": {"mode": "chat", "input_cost_per_token": 2e-06},
	  "vertex_ai/claude-x@001": {"mode": "chat", "input_cost_per_token": 3e-06},
	  "openrouter/vendor/only-prefixed": {"mode": "chat", "input_cost_per_token": 4e-06},
	  "bedrock/only-prefixed": {"mode": "chat", "input_cost_per_token": 5e-06},
	  "gpt-9": {"mode": "chat", "input_cost_per_token": 6e-06}
	}`))
	if err != nil {
		t.Fatal(err)
	}
	tbl := newTable(d)
	for _, tc := range []struct {
		provider, model string
		input           float64
	}{
		{"openai_compatible", "gemini-2.5-flash", 1}, // the bare key
		{"google", "gemini-2.5-flash", 2},            // the provider's own prefix first
		{"google", "models/gemini-2.5-flash", 2},     // a path prefix is dropped
		{"anthropic", "vertex_ai/claude-x@001", 3},   // an exact prefixed key
		{"anthropic", "claude-x@001", 3},             // the bare part of a prefixed key
		{"openai", "only-prefixed", 5},               // first prefixed key in sort order
		{"openai", "GPT-9-2026-01-01", 6},            // a dated ID resolves to its family
		{"openai", "gpt-9-turbo", 0},                 // not a version: unknown
		{"openai", "gpt-4o", 0},                      // not in this table
	} {
		s, ok := tbl.lookup(tc.provider, tc.model)
		if ok != (tc.input != 0) || s.Prices.Input != tc.input {
			t.Errorf("%s %q: input %v (found %v), want %v", tc.provider, tc.model, s.Prices.Input, ok, tc.input)
		}
	}
}

// FuzzDecodeLiteLLM: any input either fails cleanly or yields specs that
// are safe to price with (finite, non-negative) and that survive a write
// and a read unchanged.
func FuzzDecodeLiteLLM(f *testing.F) {
	f.Add([]byte(sampleDoc))
	f.Add(EncodeBuiltinLiteLLM())
	f.Add([]byte(`{"m": {"max_input_tokens": 1e300, "max_output_tokens": 1.5, "input_cost_per_token": 1e-320}}`))
	f.Add([]byte(`{"a/b/": {}, "": {}, "x": null}`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		d, err := decodeLiteLLM(doc)
		if err != nil {
			if d != nil {
				t.Fatal("error with a result")
			}
			return
		}
		for name, s := range d.specs {
			if name != strings.ToLower(name) {
				t.Fatalf("key %q is not lower case", name)
			}
			if s.ContextWindow < 0 || s.MaxOutput < 0 || s.ContextWindow > maxTokenLimit || s.MaxOutput > maxTokenLimit {
				t.Fatalf("%q: limits %d/%d", name, s.ContextWindow, s.MaxOutput)
			}
			p := s.Prices
			for _, v := range []float64{p.Input, p.CachedInput, p.CacheWrite, p.Output, p.Reasoning, p.PerImage, p.PerSecond} {
				if v < 0 || math.IsInf(v, 0) || math.IsNaN(v) {
					t.Fatalf("%q: price %v", name, v)
				}
			}
			c := Cost(Tokens{Input: 1 << 40, CachedInput: 1, CacheWrite: 1, Output: 1, Reasoning: 1, Images: 1, Seconds: 1}, p)
			if c < 0 || math.IsNaN(c) {
				t.Fatalf("%q: cost %v", name, c)
			}
		}
		again, err := decodeLiteLLM(encodeLiteLLM(d.specs, func(string) string { return "" }))
		if err != nil {
			t.Fatalf("re-reading the written table: %v", err)
		}
		for name, s := range d.specs {
			if got := again.specs[name]; !roundTrips(got, s) {
				t.Fatalf("%q changed in a write and read:\n got %+v\nwant %+v", name, got, s)
			}
		}
	})
}

// roundTrips compares specs up to the 12 significant digits a written
// table keeps (prices below about 1e-300 per million lose precision in
// the per-token scaling).
func roundTrips(got, want Spec) bool {
	gp, wp := got.Prices, want.Prices
	got.Prices, want.Prices = Prices{}, Prices{}
	if got != want {
		return false
	}
	g := []float64{gp.Input, gp.CachedInput, gp.CacheWrite, gp.Output, gp.Reasoning, gp.PerImage, gp.PerSecond}
	w := []float64{wp.Input, wp.CachedInput, wp.CacheWrite, wp.Output, wp.Reasoning, wp.PerImage, wp.PerSecond}
	for i := range g {
		if math.Abs(g[i]-w[i]) > 1e-11*math.Abs(w[i])+1e-290 {
			return false
		}
	}
	return true
}
