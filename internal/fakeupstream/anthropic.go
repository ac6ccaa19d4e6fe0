package fakeupstream

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"time"
	"unicode/utf8"
)

// DefaultAnthropicText is what the Anthropic fake answers by default.
const DefaultAnthropicText = "Hello! How can I help you today?"

// AnthropicToolUse is a tool call the Anthropic fake answers with.
type AnthropicToolUse struct {
	ID    string // default toolu_fake_<n>
	Name  string
	Input string // the input object as JSON; default {}
}

// AnthropicOptions shape the Anthropic fake. The zero value answers every
// valid request with DefaultAnthropicText.
type AnthropicOptions struct {
	APIKey   string // the x-api-key to require; empty accepts any non-empty key
	Text     string // answer text; default DefaultAnthropicText; "-" for none
	Thinking string // a thinking block (with signature) before the text
	// ThinkingOmitted sends the thinking block with empty text and only
	// its signature, as Anthropic does with thinking display "omitted"
	// (the default of Opus 4.7 and later).
	ThinkingOmitted bool
	ToolUses        []AnthropicToolUse
	// ToolTurns: with ToolUses, answer with the tool calls only while the
	// request holds fewer tool results than this, then with text (a tool
	// loop of ToolTurns+1 requests). 0 calls tools every time.
	ToolTurns    int
	StopReason   string // default tool_use with ToolUses, end_turn otherwise
	StopSequence string // reported when StopReason is stop_sequence

	InputTokens              int // default 12
	OutputTokens             int // default 9
	CacheCreationInputTokens int
	CacheReadInputTokens     int

	Status       int         // answer with this status and an Anthropic error body
	ErrorType    string      // default derived from Status
	ErrorMessage string      // default derived from Status
	Header       http.Header // extra response headers, e.g. retry-after
	FailFirst    int         // with Status: fail only the first N requests

	Delay            time.Duration // wait before answering (cut short if the client leaves)
	StreamErrorAfter int           // stream: after N events, an error event ends the stream
	StreamErrorType  string        // default overloaded_error
	TruncateAfter    int           // stream: after N events, the body ends mid-event
	TextChunk        int           // stream: runes per text_delta; default 4
	JSONChunk        int           // stream: bytes per input_json_delta; default 5
}

// NewAnthropic starts a fake of the Messages API (POST /v1/messages), JSON
// and SSE, faithful to https://docs.anthropic.com/en/api/messages and
// /en/api/messages-streaming. It checks x-api-key and anthropic-version
// like the real API and records every request.
func NewAnthropic(opts AnthropicOptions) (*httptest.Server, *Recorder) {
	f := &anthropicFake{opts: opts, rec: &Recorder{}}
	return httptest.NewServer(f), f.rec
}

type anthropicFake struct {
	opts  AnthropicOptions
	rec   *Recorder
	count atomic.Int64
}

func (f *anthropicFake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body := f.rec.Record(r)
	n := f.count.Add(1)
	o := &f.opts
	w.Header().Set("Request-Id", fmt.Sprintf("req_fake%06d", n))
	if o.Delay > 0 {
		select {
		case <-time.After(o.Delay):
		case <-r.Context().Done():
			return
		}
	}
	switch {
	case r.Method != http.MethodPost || (r.URL.Path != "/v1/messages" && r.URL.Path != "/v1/messages/count_tokens"):
		anthropicError(w, http.StatusNotFound, "not_found_error", "Not found", nil)
		return
	case r.Header.Get("X-Api-Key") == "":
		anthropicError(w, http.StatusUnauthorized, "authentication_error", "x-api-key header is required", nil)
		return
	case o.APIKey != "" && r.Header.Get("X-Api-Key") != o.APIKey:
		anthropicError(w, http.StatusUnauthorized, "authentication_error", "invalid x-api-key", nil)
		return
	case r.Header.Get("Anthropic-Version") == "":
		anthropicError(w, http.StatusBadRequest, "invalid_request_error", "anthropic-version: header is required", nil)
		return
	case o.Status != 0 && (o.FailFirst == 0 || n <= int64(o.FailFirst)):
		anthropicError(w, o.Status, o.ErrorType, o.ErrorMessage, o.Header)
		return
	case r.URL.Path == "/v1/messages/count_tokens":
		f.serveCountTokens(w, body)
		return
	}
	var req struct {
		Model     string            `json:"model"`
		MaxTokens *int              `json:"max_tokens"`
		Messages  []json.RawMessage `json:"messages"`
		Stream    bool              `json:"stream"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		anthropicError(w, http.StatusBadRequest, "invalid_request_error", "invalid JSON body", nil)
		return
	}
	switch {
	case req.Model == "":
		anthropicError(w, http.StatusBadRequest, "invalid_request_error", "model: Field required", nil)
	case req.MaxTokens == nil:
		anthropicError(w, http.StatusBadRequest, "invalid_request_error", "max_tokens: Field required", nil)
	case len(req.Messages) == 0:
		anthropicError(w, http.StatusBadRequest, "invalid_request_error", "messages: Field required", nil)
	case checkThinking(body) != "":
		anthropicError(w, http.StatusBadRequest, "invalid_request_error", checkThinking(body), nil)
	case f.checkThinkingHistory(body) != "":
		anthropicError(w, http.StatusBadRequest, "invalid_request_error", f.checkThinkingHistory(body), nil)
	default:
		tools := o.ToolUses
		if o.ToolTurns > 0 && toolResults(body) >= o.ToolTurns {
			tools = nil
		}
		if req.Stream {
			f.stream(w, n, req.Model, tools)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(f.message(n, req.Model, true, tools))
	}
}

// message is the Message object: complete, or (for message_start) empty.
func (f *anthropicFake) message(n int64, model string, complete bool, tools []AnthropicToolUse) map[string]any {
	o := &f.opts
	msg := map[string]any{
		"id": fmt.Sprintf("msg_fake%06d", n), "type": "message", "role": "assistant", "model": model,
		"content": []any{}, "stop_reason": nil, "stop_sequence": nil, "usage": f.usage(true, !complete),
	}
	if !complete {
		return msg
	}
	var content []any
	if o.thinks() {
		content = append(content, map[string]any{"type": "thinking", "thinking": o.thinkingText(), "signature": anthropicSignature})
	}
	if text := f.text(); text != "" {
		content = append(content, map[string]any{"type": "text", "text": text})
	}
	for i, t := range tools {
		content = append(content, map[string]any{"type": "tool_use", "id": anthropicToolID(t, i), "name": t.Name,
			"input": json.RawMessage(anthropicToolInput(t))})
	}
	msg["content"] = append([]any{}, content...)
	msg["stop_reason"] = f.stopReason(tools)
	if o.StopReason == "stop_sequence" {
		msg["stop_sequence"] = o.StopSequence
	}
	return msg
}

func (f *anthropicFake) text() string {
	switch f.opts.Text {
	case "":
		return DefaultAnthropicText
	case "-":
		return ""
	}
	return f.opts.Text
}

func (f *anthropicFake) stopReason(tools []AnthropicToolUse) string {
	switch {
	case f.opts.StopReason != "":
		return f.opts.StopReason
	case len(tools) > 0:
		return "tool_use"
	}
	return "end_turn"
}

// usage is the usage object; atStart is message_start's (output_tokens 1).
func (f *anthropicFake) usage(full, atStart bool) map[string]any {
	o := &f.opts
	in, out := anthropicOr(o.InputTokens, 12), anthropicOr(o.OutputTokens, 9)
	if atStart {
		out = 1
	}
	u := map[string]any{
		"input_tokens": in, "output_tokens": out,
		"cache_creation_input_tokens": o.CacheCreationInputTokens,
		"cache_read_input_tokens":     o.CacheReadInputTokens,
	}
	if full {
		u["cache_creation"] = map[string]int{"ephemeral_5m_input_tokens": o.CacheCreationInputTokens, "ephemeral_1h_input_tokens": 0}
		u["service_tier"] = "standard"
	}
	return u
}

// stream writes the events in the official order: message_start, each
// block's start / deltas / stop (a ping after the first start), then
// message_delta with cumulative usage and message_stop.
func (f *anthropicFake) stream(w http.ResponseWriter, n int64, model string, tools []AnthropicToolUse) {
	o := &f.opts
	h := w.Header()
	h.Set("Content-Type", "text/event-stream; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	s := &anthropicSSE{w: w, errAfter: o.StreamErrorAfter, errType: o.StreamErrorType, cutAfter: o.TruncateAfter}
	s.send("message_start", map[string]any{"type": "message_start", "message": f.message(n, model, false, nil)})
	index := 0
	if o.thinks() {
		s.blockStart(index, map[string]any{"type": "thinking", "thinking": "", "signature": ""})
		if text := o.thinkingText(); text != "" {
			s.delta(index, map[string]any{"type": "thinking_delta", "thinking": text})
		}
		s.delta(index, map[string]any{"type": "signature_delta", "signature": anthropicSignature})
		s.send("content_block_stop", map[string]any{"type": "content_block_stop", "index": index})
		index++
	}
	if text := f.text(); text != "" {
		s.blockStart(index, map[string]any{"type": "text", "text": ""})
		for _, part := range anthropicSplit(text, anthropicOr(o.TextChunk, 4)) {
			s.delta(index, map[string]any{"type": "text_delta", "text": part})
		}
		s.send("content_block_stop", map[string]any{"type": "content_block_stop", "index": index})
		index++
	}
	for i, t := range tools {
		s.blockStart(index, map[string]any{"type": "tool_use", "id": anthropicToolID(t, i), "name": t.Name, "input": map[string]any{}})
		s.delta(index, map[string]any{"type": "input_json_delta", "partial_json": ""})
		for _, part := range anthropicSplit(anthropicToolInput(t), anthropicOr(o.JSONChunk, 5)) {
			s.delta(index, map[string]any{"type": "input_json_delta", "partial_json": part})
		}
		s.send("content_block_stop", map[string]any{"type": "content_block_stop", "index": index})
		index++
	}
	delta := map[string]any{"stop_reason": f.stopReason(tools), "stop_sequence": nil}
	if o.StopReason == "stop_sequence" {
		delta["stop_sequence"] = o.StopSequence
	}
	s.send("message_delta", map[string]any{"type": "message_delta", "delta": delta, "usage": f.usage(false, false)})
	s.send("message_stop", map[string]any{"type": "message_stop"})
}

// anthropicSSE writes and flushes one event at a time, and fails or cuts the
// stream after a set number of events.
type anthropicSSE struct {
	w        http.ResponseWriter
	sent     int
	pinged   bool
	stopped  bool
	errAfter int
	errType  string
	cutAfter int
}

func (s *anthropicSSE) blockStart(index int, block map[string]any) {
	s.send("content_block_start", map[string]any{"type": "content_block_start", "index": index, "content_block": block})
	if !s.pinged {
		s.pinged = true
		s.send("ping", map[string]any{"type": "ping"})
	}
}

func (s *anthropicSSE) delta(index int, delta map[string]any) {
	s.send("content_block_delta", map[string]any{"type": "content_block_delta", "index": index, "delta": delta})
}

func (s *anthropicSSE) send(name string, data any) {
	if s.stopped {
		return
	}
	switch {
	case s.errAfter > 0 && s.sent == s.errAfter:
		typ := s.errType
		if typ == "" {
			typ = "overloaded_error"
		}
		s.write("error", map[string]any{"type": "error", "error": map[string]string{"type": typ, "message": anthropicErrorMessage(typ)}})
		s.stopped = true
		return
	case s.cutAfter > 0 && s.sent == s.cutAfter:
		_, _ = s.w.Write([]byte("event: " + name + "\ndata: {\"type\":\"" + name[:len(name)/2]))
		s.flush()
		s.stopped = true
		return
	}
	s.write(name, data)
	s.sent++
}

func (s *anthropicSSE) write(name string, data any) {
	b, _ := json.Marshal(data)
	var buf bytes.Buffer
	buf.WriteString("event: " + name + "\ndata: ")
	buf.Write(b)
	buf.WriteString("\n\n")
	_, _ = s.w.Write(buf.Bytes())
	s.flush()
}

func (s *anthropicSSE) flush() {
	if fl, ok := s.w.(http.Flusher); ok {
		fl.Flush()
	}
}

// anthropicError writes Anthropic's error envelope.
func anthropicError(w http.ResponseWriter, status int, typ, msg string, extra http.Header) {
	if typ == "" {
		typ = anthropicErrorType(status)
	}
	if msg == "" {
		msg = anthropicErrorMessage(typ)
	}
	for k, v := range extra {
		w.Header()[k] = v
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{
		"type":       "error",
		"error":      map[string]string{"type": typ, "message": msg},
		"request_id": w.Header().Get("Request-Id"),
	})
}

// anthropicErrorTypes are the error types the API uses per status
// (https://docs.anthropic.com/en/api/errors); others are invalid_request_error.
var anthropicErrorTypes = map[int]string{
	401: "authentication_error", 402: "billing_error", 403: "permission_error", 404: "not_found_error",
	413: "request_too_large", 429: "rate_limit_error", 500: "api_error", 529: "overloaded_error",
}

func anthropicErrorType(status int) string {
	if typ, ok := anthropicErrorTypes[status]; ok {
		return typ
	}
	return "invalid_request_error"
}

func anthropicErrorMessage(typ string) string {
	switch typ {
	case "overloaded_error":
		return "Overloaded"
	case "rate_limit_error":
		return "Number of request tokens has exceeded your per-minute rate limit"
	case "api_error":
		return "Internal server error"
	}
	return "fake upstream error: " + typ
}

func anthropicToolID(t AnthropicToolUse, i int) string {
	if t.ID != "" {
		return t.ID
	}
	return "toolu_fake_" + strconv.Itoa(i)
}

func anthropicToolInput(t AnthropicToolUse) string {
	if t.Input == "" {
		return "{}"
	}
	var buf bytes.Buffer
	if json.Compact(&buf, []byte(t.Input)) != nil {
		return "{}"
	}
	return buf.String()
}

// anthropicSplit cuts s into pieces of n runes, never inside a character, so
// JSON fragments break at awkward places (mid-key, mid-string) as the API's do.
func anthropicSplit(s string, n int) []string {
	var parts []string
	for len(s) > 0 {
		end, count := 0, 0
		for end < len(s) && count < n {
			_, size := utf8.DecodeRuneInString(s[end:])
			end += size
			count++
		}
		parts = append(parts, s[:end])
		s = s[end:]
	}
	return parts
}

func anthropicOr(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}
