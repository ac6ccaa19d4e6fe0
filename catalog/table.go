package catalog

import (
	"math"
	"slices"
	"strings"
)

// builtin holds every model family the gateway knows, keyed by the family
// name (the undated model ID). It is filled from the per-provider files
// (table_openai.go, table_anthropic.go, table_gemini.go, table_sim.go,
// table_vendors.go, table_bedrock.go) and
// never changed afterwards, so reads need no lock.
var builtin = func() map[string]Spec {
	m := make(map[string]Spec, len(openAIModels)+len(anthropicModels)+len(geminiModels)+len(simModels))
	groups := []map[string]Spec{openAIModels, anthropicModels, geminiModels, simModels, bedrockModels}
	for _, vendor := range vendorModels {
		groups = append(groups, vendor)
	}
	for _, group := range groups {
		for name, s := range group {
			m[name] = s
		}
	}
	return m
}()

// aliases are model IDs that name a family without following the
// "<family>-<version>" pattern Lookup understands.
var aliases = map[string]string{
	"claude-opus-4-0":   "claude-opus-4",
	"claude-sonnet-4-0": "claude-sonnet-4",
}

// known is the sorted list Known returns (a copy of it).
var known = func() []string {
	names := make([]string, 0, len(builtin))
	for name := range builtin {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}()

// Lookup returns the built-in spec of a model. (Loader.Lookup and Entry
// consult a loaded catalog first.)
//
// An exact model ID matches first. Otherwise a dated or otherwise
// versioned ID resolves to its family: the longest known family name that
// is followed by '-' or '@' and then only version parts, for example
// "gpt-4o-2024-08-06" → gpt-4o, "claude-sonnet-4-5-20250929" and
// "claude-sonnet-4-5@20250929" → claude-sonnet-4-5,
// "claude-3-5-haiku-latest" → claude-3-5-haiku,
// "gemini-2.0-flash-001" → gemini-2.0-flash. A path prefix such as
// Gemini's "models/" is ignored, and case does not matter.
//
// Version parts are dates and revision numbers (three or more digits, or
// one or two digits after such a part, as in 2024-08-06 or preview-09-2025)
// and the words latest, preview and exp. Anything else is a different
// model, not a version: "gpt-4o-mini" is not gpt-4o, "gpt-4o-audio-preview"
// and "o3-pro" are unknown, and "claude-opus-4-5" is not claude-opus-4 (a
// leading one- or two-digit part is a minor version with its own price).
func Lookup(model string) (Spec, bool) {
	name := normalize(model)
	if s, ok := builtin[name]; ok {
		return s, true
	}
	if family, ok := aliases[name]; ok {
		return builtin[family], true
	}
	return familyOf(builtin, name)
}

// familyOf resolves a dated or versioned name to its family in m, by the
// rules Lookup documents.
func familyOf(m map[string]Spec, name string) (Spec, bool) {
	// Longest prefix first: walk the separators from the right.
	for i := len(name) - 1; i > 0; i-- {
		if name[i] != '-' && name[i] != '@' {
			continue
		}
		s, ok := m[name[:i]]
		if !ok {
			continue
		}
		if isVersionSuffix(name[i+1:]) {
			return s, true
		}
		return Spec{}, false // the longest known family decides alone
	}
	return Spec{}, false
}

// Known returns the family names of the built-in table, sorted. The caller
// owns the returned slice.
func Known() []string { return slices.Clone(known) }

// normalize drops a path prefix ("models/gemini-2.5-flash",
// "publishers/google/models/…") and lower-cases the ID. It does not
// allocate for IDs that are already lower case.
func normalize(model string) string {
	if i := strings.LastIndexByte(model, '/'); i >= 0 {
		model = model[i+1:]
	}
	return strings.ToLower(strings.TrimSpace(model))
}

// isVersionSuffix reports whether s (what follows a family name and its
// separator) consists only of version parts.
func isVersionSuffix(s string) bool {
	if s == "" {
		return false
	}
	for first := true; ; first = false {
		end := strings.IndexAny(s, "-@")
		part := s
		if end >= 0 {
			part = s[:end]
		}
		if !isVersionPart(part, first) {
			return false
		}
		if end < 0 {
			return true
		}
		s = s[end+1:]
	}
}

func isVersionPart(p string, first bool) bool {
	switch p {
	case "latest", "preview", "exp":
		return true
	case "":
		return false
	}
	for i := 0; i < len(p); i++ {
		if p[i] < '0' || p[i] > '9' {
			return false
		}
	}
	// "4-5" after "claude-opus" is a new model; "08-06" after "2024" is a date.
	return len(p) >= 3 || !first
}

// Builders for the per-provider tables.

// Whether a chat model reads images.
const (
	readsImages = true
	textOnly    = false
)

// chatSpec builds a chat model spec: tools, JSON mode and streaming on.
func chatSpec(window, maxOutput int, canSee bool, input, cached, output float64) Spec {
	return Spec{
		ContextWindow: window,
		MaxOutput:     maxOutput,
		Vision:        canSee,
		Tools:         true,
		JSONMode:      true,
		Streaming:     true,
		Prices:        Prices{Input: input, CachedInput: cached, Output: output},
	}
}

// reasoningSpec marks an OpenAI reasoning model.
func reasoningSpec(s Spec) Spec {
	s.Reasoning = true
	return s
}

// embeddingSpec builds an embedding model spec; window is the input limit.
func embeddingSpec(window int, input float64) Spec {
	return Spec{ContextWindow: window, Embeddings: true, Prices: Prices{Input: input}}
}

// imageSpec builds an image generation model spec.
func imageSpec(input, cached, output, perImage float64) Spec {
	return Spec{Images: true, Prices: Prices{Input: input, CachedInput: cached, Output: output, PerImage: perImage}}
}

// roundPrice rounds a derived price to 6 decimals, so that 0.8×0.1 is 0.08
// and not 0.08000000000000002.
func roundPrice(v float64) float64 { return math.Round(v*1e6) / 1e6 }
