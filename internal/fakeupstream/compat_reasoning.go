package fakeupstream

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
)

// ReasoningCompatOptions configure a fake OpenAI-compatible server that
// reasons aloud, as DeepSeek's thinking mode and vLLM's reasoning parsers
// do: the chat completion's message (and each stream delta) carries
// reasoning_content besides content
// (https://api-docs.deepseek.com/guides/reasoning_model).
type ReasoningCompatOptions struct {
	// Reasoning is the reasoning_content of every answer; streamed in
	// pieces of 8 bytes before the content.
	Reasoning string
	// Text is the answer's content.
	Text string
	// Tool, when set, is called (arguments {"city":"Paris"}) while the
	// request holds fewer than ToolTurns tool results.
	Tool      string
	ToolTurns int
	// RequireReasoningBack applies DeepSeek's rule for thinking with tool
	// calls: every assistant message that called tools gives back its
	// reasoning_content unchanged, or the request is refused with a 400.
	RequireReasoningBack bool
	// ReasoningTokens are reported in completion_tokens_details and
	// counted in completion_tokens.
	ReasoningTokens int
}

// NewReasoningCompat starts the fake: POST /v1/chat/completions, JSON and
// SSE (with stream_options.include_usage honoured).
func NewReasoningCompat(opts ReasoningCompatOptions) (*httptest.Server, *Recorder) {
	rec := &Recorder{}
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body := rec.Record(r)
		if r.Method != http.MethodPost || r.URL.Path != "/v1/chat/completions" {
			compatError(w, http.StatusNotFound, "not found")
			return
		}
		var req struct {
			Model         string `json:"model"`
			Stream        bool   `json:"stream"`
			StreamOptions *struct {
				IncludeUsage bool `json:"include_usage"`
			} `json:"stream_options"`
			Messages []struct {
				Role             string            `json:"role"`
				ReasoningContent *string           `json:"reasoning_content"`
				ToolCalls        []json.RawMessage `json:"tool_calls"`
			} `json:"messages"`
		}
		if err := json.Unmarshal(body, &req); err != nil || req.Model == "" || len(req.Messages) == 0 {
			compatError(w, http.StatusBadRequest, "invalid request body")
			return
		}
		results := 0
		for i, m := range req.Messages {
			switch {
			case m.Role == "tool":
				results++
			case opts.RequireReasoningBack && m.Role == "assistant" && len(m.ToolCalls) > 0 &&
				(m.ReasoningContent == nil || *m.ReasoningContent != opts.Reasoning):
				compatError(w, http.StatusBadRequest, fmt.Sprintf("messages[%d]: the reasoning_content of an assistant message with tool_calls must be passed back", i))
				return
			}
		}
		a := compatAnswer{opts: &opts, model: req.Model, call: opts.Tool != "" && results < opts.ToolTurns}
		if !req.Stream {
			w.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(w).Encode(a.completion())
			return
		}
		w.Header().Set("Content-Type", "text/event-stream")
		for _, c := range a.chunks(req.StreamOptions != nil && req.StreamOptions.IncludeUsage) {
			b, _ := json.Marshal(c)
			fmt.Fprintf(w, "data: %s\n\n", b)
		}
		fmt.Fprint(w, "data: [DONE]\n\n")
	})), rec
}

type compatAnswer struct {
	opts  *ReasoningCompatOptions
	model string
	call  bool
}

func (a compatAnswer) usage() map[string]any {
	completion := 5 + a.opts.ReasoningTokens
	return map[string]any{"prompt_tokens": 20, "completion_tokens": completion, "total_tokens": 20 + completion,
		"completion_tokens_details": map[string]any{"reasoning_tokens": a.opts.ReasoningTokens}}
}

func (a compatAnswer) toolCall() map[string]any {
	return map[string]any{"index": 0, "id": "call_compat_1", "type": "function",
		"function": map[string]any{"name": a.opts.Tool, "arguments": `{"city":"Paris"}`}}
}

func (a compatAnswer) finish() string {
	if a.call {
		return "tool_calls"
	}
	return "stop"
}

func (a compatAnswer) completion() map[string]any {
	msg := map[string]any{"role": "assistant", "content": a.opts.Text, "reasoning_content": a.opts.Reasoning}
	if a.call {
		msg["tool_calls"] = []any{a.toolCall()}
	}
	return map[string]any{"id": "chatcmpl-compat", "object": "chat.completion", "created": 1700000000, "model": a.model,
		"choices": []any{map[string]any{"index": 0, "message": msg, "finish_reason": a.finish()}}, "usage": a.usage()}
}

func (a compatAnswer) chunks(usage bool) []map[string]any {
	chunk := func(delta map[string]any, finish any) map[string]any {
		return map[string]any{"id": "chatcmpl-compat", "object": "chat.completion.chunk", "created": 1700000000, "model": a.model,
			"choices": []any{map[string]any{"index": 0, "delta": delta, "finish_reason": finish}}}
	}
	out := []map[string]any{chunk(map[string]any{"role": "assistant", "content": nil, "reasoning_content": ""}, nil)}
	for rest := a.opts.Reasoning; rest != ""; {
		n := min(8, len(rest))
		out = append(out, chunk(map[string]any{"reasoning_content": rest[:n], "content": nil}, nil))
		rest = rest[n:]
	}
	for _, w := range strings.SplitAfter(a.opts.Text, " ") {
		if w != "" {
			out = append(out, chunk(map[string]any{"content": w, "reasoning_content": nil}, nil))
		}
	}
	if a.call {
		out = append(out, chunk(map[string]any{"tool_calls": []any{a.toolCall()}}, nil))
	}
	out = append(out, chunk(map[string]any{}, a.finish()))
	if usage {
		out = append(out, map[string]any{"id": "chatcmpl-compat", "object": "chat.completion.chunk", "created": 1700000000,
			"model": a.model, "choices": []any{}, "usage": a.usage()})
	}
	return out
}

func compatError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"message": msg, "type": "invalid_request_error"}})
}
