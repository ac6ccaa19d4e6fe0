package catalog

import (
	"strings"
	"sync/atomic"
)

// table is one loaded catalog. It is never changed after newTable, so
// lookups need no lock; a reload swaps in a new table.
type table struct {
	gen    uint64          // distinct for every table, for Entry's cache
	byKey  map[string]Spec // every key, lower case, provider prefix kept
	byName map[string]Spec // by the part after the last '/'
}

// generations numbers tables process-wide; 0 means "no loaded table".
var generations atomic.Uint64

// newTable indexes decoded entries. A name that appears both bare
// ("gpt-4o") and under prefixes ("azure/gpt-4o", "openrouter/openai/gpt-4o")
// resolves to the bare entry, which in LiteLLM's file is the model
// maker's own price; among prefixed entries only, the first key in sort
// order wins, so the choice does not depend on map iteration.
func newTable(d *decoded) *table {
	t := &table{
		gen:    generations.Add(1),
		byKey:  d.specs,
		byName: make(map[string]Spec, len(d.specs)),
	}
	chosen := make(map[string]string, len(d.specs)) // bare name → key it came from
	for key, s := range d.specs {
		name := key
		if i := strings.LastIndexByte(key, '/'); i >= 0 {
			name = key[i+1:]
		}
		if name == "" {
			continue
		}
		prev, taken := chosen[name]
		if taken && (prev == name || (key != name && prev < key)) {
			continue
		}
		chosen[name] = key
		t.byName[name] = s
	}
	return t
}

// liteLLMPrefix maps a gateway provider type to LiteLLM's key prefix for
// it, where the two differ or the bare key may belong to another provider.
var liteLLMPrefix = map[string]string{
	"openai":     "openai",
	"anthropic":  "anthropic",
	"google":     "gemini",
	"azure":      "azure",
	"vertex":     "vertex_ai",
	"together":   "together_ai",
	"fireworks":  "fireworks_ai",
	"groq":       "groq",
	"mistral":    "mistral",
	"deepseek":   "deepseek",
	"xai":        "xai",
	"cerebras":   "cerebras",
	"perplexity": "perplexity",
	"openrouter": "openrouter",
}

// lookup finds a model: a prefixed ID by its exact key (so a configured
// "vertex_ai/claude-..." or "azure/gpt-4o" gets that provider's price),
// then the name under the provider type's LiteLLM prefix ("gemini/..." for
// the google provider), then the bare name, then its family by the
// dated-version rules of Lookup.
func (t *table) lookup(providerType, model string) (Spec, bool) {
	if strings.IndexByte(model, '/') >= 0 {
		if s, ok := t.byKey[strings.ToLower(strings.TrimSpace(model))]; ok {
			return s, true
		}
	}
	name := normalize(model)
	if prefix := liteLLMPrefix[providerType]; prefix != "" {
		if s, ok := t.byKey[prefix+"/"+name]; ok {
			return s, true
		}
	}
	if s, ok := t.byName[name]; ok {
		return s, true
	}
	return familyOf(t.byName, name)
}
