package catalog

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// The LiteLLM price table (model_prices_and_context_window.json) is one
// JSON object: model name → entry. Costs in it are USD per token (per image,
// per second); this package keeps USD per million tokens, so token prices
// are scaled on the way in and out.

// sampleSpecKey is the documentation entry at the top of LiteLLM's file; its
// values are descriptions, not a model.
const sampleSpecKey = "sample_spec"

// maxTokenLimit caps context windows and output limits read from a
// catalog, so an absurd number cannot overflow int arithmetic in routing.
const maxTokenLimit = 1 << 40

// Fields of a LiteLLM entry that the gateway reads; every other field is
// ignored.
const (
	fInputCost      = "input_cost_per_token"
	fOutputCost     = "output_cost_per_token"
	fCacheReadCost  = "cache_read_input_token_cost"
	fCacheWriteCost = "cache_creation_input_token_cost"
	fReasoningCost  = "output_cost_per_reasoning_token"
	fOutputImage    = "output_cost_per_image"
	fInputImage     = "input_cost_per_image"
	fOutputSecond   = "output_cost_per_second"
	fInputSecond    = "input_cost_per_second"
	fMaxInput       = "max_input_tokens"
	fMaxOutput      = "max_output_tokens"
	fMaxTokens      = "max_tokens"
	fProvider       = "litellm_provider"
	fMode           = "mode"
	fVision         = "supports_vision"
	fTools          = "supports_function_calling"
	fSchema         = "supports_response_schema"
	fReasoning      = "supports_reasoning"
)

// decoded is a LiteLLM document read into specs.
type decoded struct {
	specs     map[string]Spec   // by key, lower case, provider prefix kept
	providers map[string]string // key → litellm_provider, where given
	skipped   int               // entries that could not be used
}

// errEmptyCatalog refuses a document without one usable model: loading it
// would silently drop every loaded price back to the built-in table.
var errEmptyCatalog = errors.New("catalog has no usable model entries")

// decodeLiteLLM reads a LiteLLM-format document. Malformed JSON, or a
// document that is not an object of entries, is an error. A single entry
// that does not fit (a field of the wrong type, a negative price, or prices
// only in units the gateway does not bill, such as per pixel or per
// character) is skipped and counted, so one odd line in a community file
// does not cost the whole table.
func decodeLiteLLM(data []byte) (*decoded, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("not a LiteLLM catalog: %v", jsonProblem(err))
	}
	out := &decoded{specs: make(map[string]Spec, len(raw)), providers: map[string]string{}}
	for key, msg := range raw {
		if key == sampleSpecKey {
			continue
		}
		name := strings.ToLower(strings.TrimSpace(key))
		if name == "" {
			out.skipped++
			continue
		}
		spec, provider, ok := decodeEntry(msg)
		if !ok {
			out.skipped++
			continue
		}
		out.specs[name] = spec
		if provider != "" {
			out.providers[name] = provider
		}
	}
	if len(out.specs) == 0 {
		return nil, errEmptyCatalog
	}
	return out, nil
}

// jsonProblem shortens a decoding error to what an operator can act on.
func jsonProblem(err error) string {
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		return fmt.Sprintf("invalid JSON at byte %d: %v", syn.Offset, syn)
	}
	var typ *json.UnmarshalTypeError
	if errors.As(err, &typ) {
		return "the document must be a JSON object of model entries"
	}
	return err.Error()
}

// decodeEntry converts one entry; ok is false when it must be skipped.
func decodeEntry(msg json.RawMessage) (s Spec, provider string, ok bool) {
	var e map[string]any
	if err := json.Unmarshal(msg, &e); err != nil || e == nil {
		return Spec{}, "", false
	}
	r := entryReader{e: e}
	mode := r.str(fMode)
	provider = r.str(fProvider)

	p := Prices{
		Input:       fromPerToken(r.price(fInputCost)),
		CachedInput: fromPerToken(r.price(fCacheReadCost)),
		CacheWrite:  fromPerToken(r.price(fCacheWriteCost)),
		Output:      fromPerToken(r.price(fOutputCost)),
		Reasoning:   fromPerToken(r.price(fReasoningCost)),
		PerImage:    r.price(fOutputImage),
		PerSecond:   r.price(fOutputSecond),
	}
	if p.PerImage == 0 && mode == "image_generation" {
		// Some image models list the price of a generated image as input.
		p.PerImage = r.price(fInputImage)
	}
	if p.PerSecond == 0 {
		p.PerSecond = r.price(fInputSecond) // transcription: seconds of audio in
	}

	switch mode {
	case "", "chat", "completion", "responses":
		s.Streaming = true
	case "embedding":
		s.Embeddings = true
	case "image_generation":
		s.Images = true
	}
	s.Vision = r.flag(fVision)
	s.Tools = r.flag(fTools)
	s.JSONMode = r.flag(fSchema)
	s.Reasoning = r.flag(fReasoning)
	s.Prices = p

	// max_tokens is LiteLLM's legacy field: the output limit where the
	// provider gives one, otherwise the input limit. It is only read as a
	// window for embedding models (which have no output), and otherwise as
	// the output limit; reading it as a window could exclude requests the
	// model accepts.
	s.ContextWindow = r.tokens(fMaxInput)
	s.MaxOutput = r.tokens(fMaxOutput)
	if s.Embeddings {
		if s.ContextWindow == 0 {
			s.ContextWindow = r.tokens(fMaxTokens)
		}
		s.MaxOutput = 0
	} else if s.MaxOutput == 0 {
		s.MaxOutput = r.tokens(fMaxTokens)
	}

	if r.bad || !finite(p) || (p == Prices{} && r.foreignPrice()) {
		return Spec{}, "", false
	}
	return s, provider, true
}

// entryReader reads typed fields of one entry and remembers whether any
// field the gateway uses had the wrong type or an impossible value.
type entryReader struct {
	e   map[string]any
	bad bool
}

func (r *entryReader) num(field string) (float64, bool) {
	v, present := r.e[field]
	if !present || v == nil {
		return 0, false
	}
	f, isNum := v.(float64)
	if !isNum || f < 0 || math.IsInf(f, 0) || math.IsNaN(f) {
		r.bad = true
		return 0, false
	}
	return f, true
}

func (r *entryReader) price(field string) float64 {
	f, _ := r.num(field)
	return f
}

func (r *entryReader) tokens(field string) int {
	f, ok := r.num(field)
	if !ok {
		return 0
	}
	return int(math.Min(f, maxTokenLimit))
}

func (r *entryReader) flag(field string) bool {
	v, present := r.e[field]
	if !present || v == nil {
		return false
	}
	b, isBool := v.(bool)
	if !isBool {
		r.bad = true
	}
	return b
}

func (r *entryReader) str(field string) string {
	v, present := r.e[field]
	if !present || v == nil {
		return ""
	}
	s, isStr := v.(string)
	if !isStr {
		r.bad = true
	}
	return s
}

// foreignPrice reports a positive price in a unit the gateway does not
// bill (per pixel, per character, per query, ...). An entry priced only
// that way must not stand in the catalog as a free model.
func (r *entryReader) foreignPrice() bool {
	for k, v := range r.e {
		if f, ok := v.(float64); ok && f > 0 && strings.Contains(k, "cost") {
			return true
		}
	}
	return false
}

// finite reports whether every price is a finite number (a huge per-token
// price times a million is not).
func finite(p Prices) bool {
	for _, v := range []float64{p.Input, p.CachedInput, p.CacheWrite, p.Output, p.Reasoning, p.PerImage, p.PerSecond} {
		if math.IsInf(v, 0) || math.IsNaN(v) {
			return false
		}
	}
	return true
}

// fromPerToken converts a LiteLLM per-token price to USD per million
// tokens, rounded to 12 significant digits so that 2.5e-06 reads as 2.5
// and not 2.4999999999999996.
func fromPerToken(usd float64) float64 { return sig12(usd * perMillion) }

// toPerToken converts back, for writing LiteLLM documents.
func toPerToken(usd float64) float64 { return sig12(usd / perMillion) }

func sig12(v float64) float64 {
	if v == 0 {
		return 0
	}
	r, err := strconv.ParseFloat(strconv.FormatFloat(v, 'g', 12, 64), 64)
	if err != nil {
		return v
	}
	return r
}
