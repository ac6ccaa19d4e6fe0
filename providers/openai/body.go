package openai

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// isReasoningModel reports whether model is one of OpenAI's reasoning models,
// which refuse max_tokens and want max_completion_tokens instead.
func isReasoningModel(model string) bool {
	for _, prefix := range [...]string{"o1", "o3", "o4", "gpt-5"} {
		if strings.HasPrefix(model, prefix) {
			return true
		}
	}
	return false
}

// modelName is the model behind an upstream name (SetModelOf), else the
// name itself.
func (p *Provider) modelName(upstream string) string {
	if p.modelOf != nil {
		if model := p.modelOf(upstream); model != "" {
			return model
		}
	}
	return upstream
}

// reasoning reports whether the upstream name stands for a reasoning
// model: the name itself, or the model behind it (SetModelOf).
func (p *Provider) reasoning(upstream string) bool {
	if p.modelOf != nil {
		if model := p.modelOf(upstream); model != "" && isReasoningModel(model) {
			return true
		}
	}
	return isReasoningModel(upstream)
}

var (
	jsonTrue         = []byte("true")
	includeUsageOnly = []byte(`{"include_usage":true}`)
)

// chatBody returns the upstream chat request body. A request the client sent
// in OpenAI's format is patched in place, so fields the gateway does not know
// reach the upstream byte for byte; a translated request is encoded anew.
func (p *Provider) chatBody(t providers.Target, req *providers.ChatRequest, stream bool) ([]byte, error) {
	body, err := p.chatBodyFor(t, req, stream)
	if err != nil || len(p.drop) == 0 {
		return body, err
	}
	return dropFields(body, p.drop)
}

// chatBodyFor is chatBody before the upstream's rejected fields are dropped.
func (p *Provider) chatBodyFor(t providers.Target, req *providers.ChatRequest, stream bool) ([]byte, error) {
	history := p.carriesReasoningHistory(req.Messages)
	if !req.Original.Is(providers.FormatOpenAIChat) {
		if history {
			req = p.withoutReasoningHistory(req)
		}
		return p.encodeChat(t, req, stream)
	}
	body, err := patchModel(req.Original.Body, t.Model)
	if err != nil {
		return nil, err
	}
	if history {
		if body, err = stripMessageFields(body, p.historyFields()); err != nil {
			return nil, err
		}
	}
	if stream {
		body, err = forceStreamUsage(body)
	} else {
		body, err = withoutStream(body)
	}
	if err != nil {
		return nil, err
	}
	if p.reasoning(t.Model) {
		if body, err = renameMaxTokens(body); err != nil {
			return nil, err
		}
	}
	return body, ensureUnique(body, chatKeys)
}

// encodeChat encodes a request built from another format (no Raw).
func (p *Provider) encodeChat(t providers.Target, req *providers.ChatRequest, stream bool) ([]byte, error) {
	out := *req // shallow copy: the handler's request stays as it was
	if t.Model != "" {
		out.Model = t.Model
	}
	out.Stream = stream
	out.StreamOptions = nil
	if stream {
		out.StreamOptions = &providers.StreamOptions{IncludeUsage: true}
	}
	if p.reasoning(out.Model) && out.MaxTokens != nil && out.MaxCompletionTokens == nil {
		out.MaxCompletionTokens, out.MaxTokens = out.MaxTokens, nil
	}
	if f := req.Original.Format; out.ReasoningEffort != "" && (f == providers.FormatAnthropicMessages || f == providers.FormatGemini) {
		// An OpenAI client's own level goes as it chose it, even when its
		// body was not relayed (a redacted prompt).
		out.ReasoningEffort = translatedEffort(p.modelName(out.Model), out.ReasoningEffort)
	}
	if f := req.Original.Format; (f == providers.FormatAnthropicMessages || f == providers.FormatGemini) &&
		samplesWithReasoning(p.modelName(out.Model), out.ReasoningEffort) {
		// A reasoning model refuses these while it reasons; a client of
		// another API set them for its own model, so they go as they would
		// to Anthropic with thinking on: left out (README, reasoning).
		out.Temperature, out.TopP = nil, nil
	}
	if p.official {
		out.TopK = nil // not an OpenAI parameter; OpenAI rejects unknown ones
	}
	return json.Marshal(&out)
}

// passThroughBody is the body for embeddings and images: the client's own
// bytes with the upstream model name, or the typed request encoded.
func passThroughBody(raw []byte, typed any, model string) ([]byte, error) {
	if raw != nil {
		body, err := patchModel(raw, model)
		if err != nil {
			return nil, err
		}
		return body, ensureUnique(body, modelKey)
	}
	return json.Marshal(typed)
}

// patchModel sets the top-level "model" to model unless it already says so.
func patchModel(body []byte, model string) ([]byte, error) {
	if model == "" {
		return body, nil
	}
	if cur := providers.GetTopLevel(body, "model"); cur != nil {
		// The usual case, the same name without escapes, compared as bytes.
		if len(cur) == len(model)+2 && cur[0] == '"' && string(cur[1:len(cur)-1]) == model && !strings.ContainsAny(model, `"\\`) {
			return body, nil
		}
		var s string
		if json.Unmarshal(cur, &s) == nil && s == model {
			return body, nil
		}
	}
	value, err := json.Marshal(model)
	if err != nil {
		return nil, err
	}
	return providers.SetTopLevel(body, "model", value)
}

// forceStreamUsage makes the body ask for a stream that ends with a usage
// chunk: the gateway needs usage for metrics and cost even when the client
// did not ask (the handler then hides that chunk from it). Other members of
// stream_options are kept.
func forceStreamUsage(body []byte) ([]byte, error) {
	var err error
	if !bytes.Equal(providers.GetTopLevel(body, "stream"), jsonTrue) {
		if body, err = providers.SetTopLevel(body, "stream", jsonTrue); err != nil {
			return nil, err
		}
	}
	opts := providers.GetTopLevel(body, "stream_options")
	if len(opts) == 0 || opts[0] != '{' {
		return providers.SetTopLevel(body, "stream_options", includeUsageOnly)
	}
	if bytes.Equal(providers.GetTopLevel(opts, "include_usage"), jsonTrue) {
		return body, nil
	}
	if opts, err = providers.SetTopLevel(opts, "include_usage", jsonTrue); err != nil {
		return nil, err
	}
	return providers.SetTopLevel(body, "stream_options", opts)
}

// withoutStream removes "stream": true (and the stream_options OpenAI only
// accepts with it) when the gateway wants a single JSON answer.
func withoutStream(body []byte) ([]byte, error) {
	if !bytes.Equal(providers.GetTopLevel(body, "stream"), jsonTrue) {
		return body, nil
	}
	body, err := providers.DeleteTopLevel(body, "stream")
	if err != nil {
		return nil, err
	}
	return providers.DeleteTopLevel(body, "stream_options")
}

// renameMaxTokens moves max_tokens to max_completion_tokens when the client
// sent only the former.
func renameMaxTokens(body []byte) ([]byte, error) {
	value := providers.GetTopLevel(body, "max_tokens")
	if value == nil || providers.GetTopLevel(body, "max_completion_tokens") != nil {
		return body, nil
	}
	body, err := providers.DeleteTopLevel(body, "max_tokens")
	if err != nil {
		return nil, err
	}
	return providers.SetTopLevel(body, "max_completion_tokens", value)
}
