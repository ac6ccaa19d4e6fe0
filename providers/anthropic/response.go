package anthropic

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// FromAnthropic translates a Messages API response body into a unified chat
// completion. created stamps the completion (the API sends no timestamp).
//
//   - text blocks are joined, in order, into the message content;
//   - tool_use blocks become tool_calls: the id is kept, arguments are the
//     input object as a compact JSON string;
//   - thinking and redacted_thinking blocks become thinking_blocks, kept
//     exactly, and the thinking text joined is reasoning_content (the
//     OpenAI writer shows both only to clients that asked for them);
//   - server-tool blocks are dropped: Chat Completions has no place for them;
//   - the id (msg_…) is kept as the completion id.
//
// The body is decoded by decodeResponse when it has the usual shape and by
// encoding/json otherwise; the two give the same wireResponse.
func FromAnthropic(body []byte, created int64) (*providers.ChatResponse, error) {
	w, ok := decodeResponse(body)
	if !ok {
		w = new(wireResponse)
		if err := json.Unmarshal(body, w); err != nil {
			return nil, &providers.Error{Kind: providers.KindUpstream, Message: "upstream sent a malformed message", Err: err}
		}
	}
	return fromWire(w, body, created)
}

// fromWire translates a decoded response; body is its JSON, for an error.
func fromWire(w *wireResponse, body []byte, created int64) (*providers.ChatResponse, error) {
	if w.Type == "error" {
		var e wireErrorBody
		_ = json.Unmarshal(body, &e)
		return nil, streamError(e.Error)
	}
	msg := providers.Message{Role: "assistant"}
	texts, tools, thoughts := 0, 0, 0
	for _, b := range w.Content {
		switch b.Type {
		case "text":
			texts++
		case "tool_use":
			tools++
		case "thinking", "redacted_thinking":
			thoughts++
		}
	}
	if tools > 0 {
		msg.ToolCalls = make([]providers.ToolCall, 0, tools)
	}
	if thoughts > 0 {
		msg.ThinkingBlocks, msg.ReasoningContent = thinkingBlocks(w.Content, thoughts)
	}
	var text strings.Builder
	for _, b := range w.Content {
		switch b.Type {
		case "text":
			if texts == 1 {
				msg.Content.Text = b.Text // the usual single block needs no copy
			} else {
				text.WriteString(b.Text)
			}
		case "tool_use":
			msg.ToolCalls = append(msg.ToolCalls, providers.ToolCall{
				ID:       b.ID,
				Type:     "function",
				Function: providers.FunctionCall{Name: b.Name, Arguments: ArgumentsJSON(b.Input)},
			})
		}
	}
	if texts != 1 {
		msg.Content = providers.TextContent(text.String())
	}
	var totals usageTotals
	totals.apply(w.Usage)
	// The response and its one choice are allocated together.
	out := &struct {
		resp   providers.ChatResponse
		choice [1]providers.Choice
	}{choice: [1]providers.Choice{{Index: 0, Message: msg, FinishReason: finishReason(w.StopReason)}}}
	out.resp = providers.ChatResponse{
		ID:      w.ID,
		Object:  "chat.completion",
		Created: created,
		Model:   w.Model,
		Choices: out.choice[:],
		Usage:   totals.unified(),
	}
	return &out.resp, nil
}

// thinkingBlocks returns the n thinking and redacted_thinking blocks of
// content, in order, and their thinking text joined.
func thinkingBlocks(content []Block, n int) ([]providers.ThinkingBlock, string) {
	out := make([]providers.ThinkingBlock, 0, n)
	var text strings.Builder
	for _, b := range content {
		if b.Type == "thinking" || b.Type == "redacted_thinking" {
			out = append(out, providers.ThinkingBlock{Type: b.Type, Thinking: b.Thinking, Signature: b.Signature, Data: b.Data})
			text.WriteString(b.Thinking)
		}
	}
	return out, text.String()
}

// ArgumentsJSON renders a tool_use input as OpenAI's arguments string.
func ArgumentsJSON(input json.RawMessage) string {
	s := bytes.TrimSpace(input)
	if len(s) == 0 || bytes.Equal(s, []byte("null")) {
		return "{}"
	}
	if isCompact(s) { // compacting would give s back, and so would a failure
		return string(s)
	}
	if c, ok := appendCompact(make([]byte, 0, len(s)), s); ok {
		return string(c)
	}
	return string(s)
}

// finishReason maps Anthropic's stop_reason to OpenAI's finish_reason.
// pause_turn (a server tool paused a long turn) has no OpenAI counterpart
// and ends the answer as "stop".
func finishReason(stop string) string {
	switch stop {
	case "max_tokens", "model_context_window_exceeded":
		return providers.FinishLength
	case "tool_use":
		return providers.FinishToolCalls
	case "refusal":
		return providers.FinishContentFilter
	}
	return providers.FinishStop // end_turn, stop_sequence, pause_turn, unknown
}

// usageTotals accumulates Anthropic's token counts. Every count the API
// sends is a running total for the whole message, so a later value replaces
// an earlier one; nothing is ever added up.
type usageTotals struct {
	known      bool
	input      int
	cacheRead  int
	cacheWrite int
	output     int
	thinking   int
}

func (t *usageTotals) apply(u *wireUsage) {
	if u == nil {
		return
	}
	set := func(dst *int, v *int) {
		if v != nil {
			*dst = max(*v, 0)
			t.known = true
		}
	}
	set(&t.input, u.InputTokens)
	set(&t.cacheRead, u.CacheReadInputTokens)
	set(&t.cacheWrite, u.CacheCreationInputTokens)
	set(&t.output, u.OutputTokens)
	if u.OutputTokensDetails != nil {
		t.thinking = max(u.OutputTokensDetails.ThinkingTokens, 0)
	}
}

// unified converts to OpenAI's convention: prompt tokens include cache reads
// and cache writes (Anthropic's input_tokens excludes both); cached_tokens
// are the cache reads; cache writes are kept apart for pricing.
func (t *usageTotals) unified() *providers.Usage {
	if !t.known {
		return nil
	}
	prompt := t.input + t.cacheRead + t.cacheWrite
	// The usage and its two details are allocated together.
	b := &struct {
		usage      providers.Usage
		prompt     providers.PromptTokensDetails
		completion providers.CompletionTokensDetails
	}{
		prompt:     providers.PromptTokensDetails{CachedTokens: t.cacheRead},
		completion: providers.CompletionTokensDetails{ReasoningTokens: min(t.thinking, t.output)},
	}
	b.usage = providers.Usage{
		PromptTokens:            prompt,
		CompletionTokens:        t.output,
		TotalTokens:             prompt + t.output,
		PromptTokensDetails:     &b.prompt,
		CompletionTokensDetails: &b.completion,
		CacheWriteTokens:        t.cacheWrite,
	}
	return &b.usage
}
