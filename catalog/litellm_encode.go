package catalog

import (
	"bytes"
	"encoding/json"
	"maps"
	"slices"
	"strconv"
)

// EncodeBuiltinLiteLLM writes the built-in table in LiteLLM's format, one
// entry per family name, sorted. It is what the drift test compares with
// the checked-in copy, and a starting point for an operator's own catalog
// file.
func EncodeBuiltinLiteLLM() []byte {
	return encodeLiteLLM(builtin, builtinProvider)
}

// builtinProvider names the LiteLLM provider of a built-in family.
func builtinProvider(name string) string {
	switch {
	case hasKey(openAIModels, name):
		return "openai"
	case hasKey(anthropicModels, name):
		return "anthropic"
	case hasKey(geminiModels, name):
		return "gemini"
	case hasKey(simModels, name):
		return "sim"
	case hasKey(bedrockModels, name):
		return "bedrock"
	}
	return vendorOf(name)
}

func hasKey(m map[string]Spec, k string) bool {
	_, ok := m[k]
	return ok
}

// encodeLiteLLM writes specs as a LiteLLM document that decodeLiteLLM
// reads back into the same specs. Numbers are written with 12 significant
// digits, the precision the decoder keeps.
func encodeLiteLLM(specs map[string]Spec, provider func(string) string) []byte {
	names := slices.Sorted(maps.Keys(specs))
	var b bytes.Buffer
	b.WriteString("{\n")
	for i, n := range names {
		key, _ := json.Marshal(n)
		b.WriteString("    ")
		b.Write(key)
		b.WriteString(": {")
		writeEntry(&b, specs[n], provider(n))
		b.WriteString("}")
		if i < len(names)-1 {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
	}
	b.WriteString("}\n")
	return b.Bytes()
}

func writeEntry(b *bytes.Buffer, s Spec, provider string) {
	first := true
	field := func(name, value string) {
		if !first {
			b.WriteString(", ")
		}
		first = false
		b.WriteByte('"')
		b.WriteString(name)
		b.WriteString(`": `)
		b.WriteString(value)
	}
	num := func(name string, v float64) {
		if v != 0 {
			field(name, strconv.FormatFloat(sig12(v), 'g', -1, 64))
		}
	}
	integer := func(name string, v int) {
		if v != 0 {
			field(name, strconv.Itoa(v))
		}
	}
	flag := func(name string, v bool) {
		if v {
			field(name, "true")
		}
	}
	if provider != "" {
		p, _ := json.Marshal(provider)
		field(fProvider, string(p))
	}
	mode := "chat"
	switch {
	case s.Embeddings:
		mode = "embedding"
	case s.Images:
		mode = "image_generation"
	case !s.Streaming:
		mode = "moderation" // a mode the gateway does not serve as chat
	}
	field(fMode, `"`+mode+`"`)
	integer(fMaxInput, s.ContextWindow)
	integer(fMaxOutput, s.MaxOutput)
	p := s.Prices
	num(fInputCost, toPerToken(p.Input))
	num(fCacheReadCost, toPerToken(p.CachedInput))
	num(fCacheWriteCost, toPerToken(p.CacheWrite))
	num(fOutputCost, toPerToken(p.Output))
	num(fReasoningCost, toPerToken(p.Reasoning))
	num(fOutputImage, p.PerImage)
	num(fOutputSecond, p.PerSecond)
	flag(fVision, s.Vision)
	flag(fTools, s.Tools)
	flag(fSchema, s.JSONMode)
	flag(fReasoning, s.Reasoning)
}
