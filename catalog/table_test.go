package catalog

import (
	"slices"
	"strings"
	"testing"
)

// required are the models the built-in table must know (the list).
var required = []string{
	"gpt-4o", "gpt-4o-mini", "gpt-4.1", "gpt-4.1-mini", "gpt-4.1-nano",
	"o1", "o3", "o3-mini", "o4-mini", "gpt-5", "gpt-5-mini", "gpt-5-nano",
	"text-embedding-3-small", "text-embedding-3-large", "text-embedding-ada-002",
	"dall-e-3", "dall-e-2", "gpt-image-1",
	"claude-opus-4-1", "claude-opus-4", "claude-sonnet-4-5", "claude-sonnet-4",
	"claude-3-7-sonnet", "claude-3-5-haiku", "claude-haiku-4-5", "claude-3-haiku", "claude-3-opus",
	"gemini-2.5-pro", "gemini-2.5-flash", "gemini-2.5-flash-lite", "gemini-2.0-flash",
	"text-embedding-004", "gemini-embedding-001",
	"sim-small", "sim-large",
}

func TestRequiredModelsKnown(t *testing.T) {
	names := Known()
	for _, m := range required {
		if !slices.Contains(names, m) {
			t.Errorf("Known() lacks %s", m)
		}
		if _, ok := Lookup(m); !ok {
			t.Errorf("Lookup(%q) not found", m)
		}
	}
}

func TestLookupResolvesVersions(t *testing.T) {
	tests := []struct {
		in, family string
	}{
		// exact
		{"gpt-4o", "gpt-4o"},
		{"gpt-4o-mini", "gpt-4o-mini"},
		// dated OpenAI snapshots
		{"gpt-4o-2024-08-06", "gpt-4o"},
		{"gpt-4o-mini-2024-07-18", "gpt-4o-mini"},
		{"gpt-4.1-nano-2025-04-14", "gpt-4.1-nano"},
		{"o3-mini-2025-01-31", "o3-mini"},
		{"gpt-5-mini-2025-08-07", "gpt-5-mini"},
		// Anthropic dated IDs, -latest aliases, Vertex '@' versions
		{"claude-sonnet-4-5-20250929", "claude-sonnet-4-5"},
		{"claude-sonnet-4-20250514", "claude-sonnet-4"},
		{"claude-opus-4-1-20250805", "claude-opus-4-1"},
		{"claude-3-5-haiku-latest", "claude-3-5-haiku"},
		{"claude-3-7-sonnet-latest", "claude-3-7-sonnet"},
		{"claude-haiku-4-5-20251001", "claude-haiku-4-5"},
		{"claude-sonnet-4-5@20250929", "claude-sonnet-4-5"},
		{"claude-opus-4-0", "claude-opus-4"},
		// Gemini resource names, revisions, previews
		{"models/gemini-2.5-flash", "gemini-2.5-flash"},
		{"publishers/google/models/gemini-2.5-pro", "gemini-2.5-pro"},
		{"gemini-2.0-flash-001", "gemini-2.0-flash"},
		{"gemini-2.5-flash-preview-09-2025", "gemini-2.5-flash"},
		{"gemini-2.5-flash-lite-preview-06-17", "gemini-2.5-flash-lite"},
		{"models/text-embedding-004", "text-embedding-004"},
		// case and surrounding space do not matter
		{"GPT-4o", "gpt-4o"},
		{" gpt-4o-mini ", "gpt-4o-mini"},
	}
	for _, tt := range tests {
		got, ok := Lookup(tt.in)
		if !ok {
			t.Errorf("Lookup(%q) not found, want %s", tt.in, tt.family)
			continue
		}
		if want := builtin[tt.family]; got != want {
			t.Errorf("Lookup(%q) = %+v, want the spec of %s", tt.in, got, tt.family)
		}
	}
}

func TestLookupDoesNotConfuseModels(t *testing.T) {
	// Each of these is a different model (or not a model), not a version
	// of a known family, and must not borrow that family's prices.
	for _, in := range []string{
		"gpt-4o-mini-tts",         // not gpt-4o-mini
		"gpt-4o-audio-preview",    // not gpt-4o
		"gpt-4o-realtime-preview", // not gpt-4o
		"o3-pro",                  // not o3
		"o1-mini",                 // not o1
		"claude-opus-4-6",         // a new minor version, not claude-opus-4
		"claude-sonnet-4-7-20260101",
		"gemini-2.5-flash-image", // not gemini-2.5-flash
		"gemini-2.0-flash-thinking-exp",
		"gpt-4o-",  // trailing separator
		"gpt-4o--", // empty part
		"gpt",      // shorter than any family
		"",
		"models/",
		"unknown-model",
	} {
		if s, ok := Lookup(in); ok {
			t.Errorf("Lookup(%q) = %+v, want not found", in, s)
		}
	}
	// gpt-4o-mini's snapshot must not resolve to gpt-4o.
	mini, _ := Lookup("gpt-4o-mini-2024-07-18")
	if mini.Prices.Input != 0.15 {
		t.Errorf("gpt-4o-mini snapshot priced at %v, want gpt-4o-mini's 0.15", mini.Prices.Input)
	}
}

func TestTableSanity(t *testing.T) {
	for _, name := range Known() {
		s, _ := Lookup(name)
		p := s.Prices
		switch {
		case s.Embeddings:
			if s.ContextWindow <= 0 {
				t.Errorf("%s: embedding model without an input limit", name)
			}
			if s.Streaming || s.Tools || s.Images {
				t.Errorf("%s: embedding model with chat/image capabilities: %+v", name, s)
			}
		case s.Images:
			if p.PerImage <= 0 {
				t.Errorf("%s: image model without a per-image price", name)
			}
		default: // chat
			if s.ContextWindow <= 0 || s.MaxOutput <= 0 || s.MaxOutput > s.ContextWindow {
				t.Errorf("%s: window %d, max output %d", name, s.ContextWindow, s.MaxOutput)
			}
			if p.Input <= 0 || p.Output <= 0 {
				t.Errorf("%s: prices must be > 0: %+v", name, p)
			}
			if p.Output < p.Input {
				t.Errorf("%s: output cheaper than input: %+v", name, p)
			}
			// Perplexity's Sonar models are the one family without function calling.
			if !s.Streaming || !s.Tools && vendorOf(name) != "perplexity" {
				t.Errorf("%s: every chat model in the table streams and calls tools", name)
			}
		}
		if p.CachedInput < 0 || p.CachedInput >= p.Input && p.Input > 0 {
			t.Errorf("%s: cached input %v must be below input %v", name, p.CachedInput, p.Input)
		}
		if p.CacheWrite != 0 && p.CacheWrite < p.Input {
			t.Errorf("%s: cache write %v below input %v", name, p.CacheWrite, p.Input)
		}
	}
}

func TestAnthropicCacheMultipliers(t *testing.T) {
	for _, name := range Known() {
		if !strings.HasPrefix(name, "claude-") || name == "claude-3-haiku" {
			continue
		}
		p := builtin[name].Prices
		if p.CacheWrite != roundPrice(p.Input*1.25) || p.CachedInput != roundPrice(p.Input*0.1) {
			t.Errorf("%s: cache write %v / read %v, want 1.25× / 0.1× of %v", name, p.CacheWrite, p.CachedInput, p.Input)
		}
	}
	haiku3 := builtin["claude-3-haiku"].Prices
	if haiku3.CacheWrite != 0.30 || haiku3.CachedInput != 0.03 {
		t.Errorf("claude-3-haiku cache prices %+v, want the published 0.30 / 0.03", haiku3)
	}
	if p := builtin["claude-3-5-haiku"].Prices; p.CachedInput != 0.08 || p.CacheWrite != 1 {
		t.Errorf("claude-3-5-haiku cache prices %+v, want 0.08 / 1", p)
	}
}

func TestReasoningFlags(t *testing.T) {
	for _, name := range Known() {
		want := name == "o1" || name == "o3" || name == "o3-mini" || name == "o4-mini" ||
			strings.HasPrefix(name, "gpt-5")
		if got := builtin[name].Reasoning; got != want {
			t.Errorf("%s: Reasoning = %v, want %v", name, got, want)
		}
	}
}

func TestKnownIsSortedCopy(t *testing.T) {
	a := Known()
	if !slices.IsSorted(a) || len(a) != len(builtin) {
		t.Fatalf("Known() = %v", a)
	}
	a[0] = "mutated"
	if Known()[0] == "mutated" {
		t.Error("Known returned the package's own slice")
	}
}

func TestLookupDoesNotAllocate(t *testing.T) {
	for _, in := range []string{"gpt-4o", "claude-sonnet-4-5-20250929", "models/gemini-2.5-flash", "nope-1"} {
		if n := testing.AllocsPerRun(100, func() { Lookup(in) }); n != 0 {
			t.Errorf("Lookup(%q) allocates %v times", in, n)
		}
	}
}

func FuzzLookup(f *testing.F) {
	for _, seed := range []string{"gpt-4o-2024-08-06", "claude-3-5-haiku-latest", "models/gemini-2.5-flash",
		"claude-sonnet-4-5@20250929", "gpt-4o-mini-tts", "-", "@", "a/b/c", "GPT-4O"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, model string) {
		s, ok := Lookup(model)
		if !ok {
			if s != (Spec{}) {
				t.Fatalf("Lookup(%q) not found but returned %+v", model, s)
			}
			return
		}
		// A resolved ID names a known family, and resolution is stable.
		found := false
		for _, spec := range builtin {
			if spec == s {
				found = true
				break
			}
		}
		if !found {
			t.Fatalf("Lookup(%q) returned a spec outside the table", model)
		}
		if again, _ := Lookup(model); again != s {
			t.Fatalf("Lookup(%q) not deterministic", model)
		}
	})
}

// The vendors' own model IDs, with their path prefixes and versions,
// resolve to the preset tables; OpenRouter's "<vendor>/<model>" IDs to
// the vendor's entry.
func TestVendorModelIDs(t *testing.T) {
	wantInputPrices(t, map[string]float64{
		"mistral-large-2411":                               2.00,
		"mistral-small-latest":                             0.10,
		"llama-3.3-70b-versatile":                          0.59,
		"openai/gpt-oss-120b":                              0.15,
		"deepseek-chat":                                    0.28,
		"grok-4-0709":                                      3.00,
		"meta-llama/Llama-3.3-70B-Instruct-Turbo":          0.88,
		"accounts/fireworks/models/llama-v3p1-8b-instruct": 0.20,
		"llama3.1-8b":                                      0.10,
		"sonar-pro":                                        3.00,
		"openai/gpt-4o":                                    2.50,
		"anthropic/claude-sonnet-4":                        3.00,
	})
	if s, _ := Lookup("sonar"); s.Tools {
		t.Error("sonar calls tools")
	}
}

// wantInputPrices checks that each model id resolves, to a spec with the
// given input price.
func wantInputPrices(t *testing.T, prices map[string]float64) {
	t.Helper()
	for id, want := range prices {
		s, ok := Lookup(id)
		if !ok || s.Prices.Input != want {
			t.Errorf("Lookup(%q) = %v %+v, want input %v", id, ok, s.Prices, want)
		}
	}
}

// Every family is in one table only: builtin merges them, and a name in
// two would silently take one of the prices.
func TestBuiltinTablesDisjoint(t *testing.T) {
	seen := map[string]int{}
	groups := []map[string]Spec{openAIModels, anthropicModels, geminiModels, simModels, bedrockModels}
	for _, v := range vendorModels {
		groups = append(groups, v)
	}
	total := 0
	for _, g := range groups {
		for name := range g {
			seen[name]++
			total++
		}
	}
	for name, n := range seen {
		if n > 1 {
			t.Errorf("%s is in %d tables", name, n)
		}
	}
	if total != len(builtin) {
		t.Errorf("%d entries in the tables, %d built in", total, len(builtin))
	}
}
