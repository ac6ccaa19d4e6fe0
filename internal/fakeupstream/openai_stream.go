package fakeupstream

import (
	"bytes"
	"encoding/json"
	"net/http"
)

// oaiChunk is a chat.completion.chunk event, fields in OpenAI's order.
type oaiChunk struct {
	ID                string           `json:"id"`
	Object            string           `json:"object"`
	Created           int64            `json:"created"`
	Model             string           `json:"model"`
	ServiceTier       string           `json:"service_tier"`
	SystemFingerprint string           `json:"system_fingerprint"`
	Choices           []oaiChunkChoice `json:"choices"`
	// Usage is absent unless stream_options.include_usage; then it is null
	// on every chunk but the last, which carries the totals.
	Usage any `json:"usage,omitempty"`
}

type oaiChunkChoice struct {
	Index        int      `json:"index"`
	Delta        oaiDelta `json:"delta"`
	Logprobs     any      `json:"logprobs"`
	FinishReason *string  `json:"finish_reason"`
}

// oaiDelta uses raw values where OpenAI sends an explicit null.
type oaiDelta struct {
	Role      string          `json:"role,omitempty"`
	Content   json.RawMessage `json:"content,omitempty"`
	ToolCalls []oaiToolDelta  `json:"tool_calls,omitempty"`
	Refusal   json.RawMessage `json:"refusal,omitempty"`
}

type oaiToolDelta struct {
	Index    int    `json:"index"`
	ID       string `json:"id,omitempty"`
	Type     string `json:"type,omitempty"`
	Function struct {
		Name      string `json:"name,omitempty"`
		Arguments string `json:"arguments"`
	} `json:"function"`
}

var oaiNull = json.RawMessage("null")

// oaiStream writes one SSE answer and applies the stream knobs.
type oaiStream struct {
	f    *fakeOpenAI
	w    http.ResponseWriter
	r    *http.Request
	sent int // chunks written
}

// streamChat sends the answer as OpenAI does: a role chunk per choice,
// content (or tool-argument) deltas, a finish chunk per choice, the usage
// chunk when asked for, then [DONE].
func (f *fakeOpenAI) streamChat(w http.ResponseWriter, r *http.Request, a *oaiAnswer) {
	if !f.startStream(w, r) {
		return
	}
	s := &oaiStream{f: f, w: w, r: r}
	for i := 0; i < a.choices; i++ {
		if !s.send(a, i, a.firstDelta()) {
			return
		}
	}
	for _, piece := range a.pieces {
		for i := 0; i < a.choices; i++ {
			if !s.send(a, i, a.pieceDelta(piece)) {
				return
			}
		}
	}
	for i := 0; i < a.choices; i++ {
		if !s.sendChunk(a.chunk([]oaiChunkChoice{{Index: i, FinishReason: &a.finish}})) {
			return
		}
	}
	if a.includeUsage {
		last := a.chunk([]oaiChunkChoice{})
		last.Usage = &a.usage
		if !s.sendChunk(last) {
			return
		}
	}
	if s.gate() {
		s.write([]byte("[DONE]"))
	}
}

// firstDelta opens the message: role, empty content (null for a tool call).
func (a *oaiAnswer) firstDelta() oaiDelta {
	if a.toolName == "" {
		return oaiDelta{Role: "assistant", Content: json.RawMessage(`""`), Refusal: oaiNull}
	}
	call := oaiToolDelta{ID: a.toolCallID, Type: "function"}
	call.Function.Name = a.toolName
	return oaiDelta{Role: "assistant", Content: oaiNull, ToolCalls: []oaiToolDelta{call}, Refusal: oaiNull}
}

// pieceDelta carries one fragment of text or of the tool call's arguments.
func (a *oaiAnswer) pieceDelta(piece string) oaiDelta {
	if a.toolName == "" {
		content, _ := json.Marshal(piece)
		return oaiDelta{Content: content}
	}
	var call oaiToolDelta
	call.Function.Arguments = piece
	return oaiDelta{ToolCalls: []oaiToolDelta{call}}
}

// chunk wraps choices in the chunk envelope.
func (a *oaiAnswer) chunk(choices []oaiChunkChoice) *oaiChunk {
	c := &oaiChunk{ID: a.id, Object: "chat.completion.chunk", Created: oaiCreated, Model: a.model,
		ServiceTier: "default", SystemFingerprint: oaiFingerprint, Choices: choices}
	if a.includeUsage {
		c.Usage = oaiNull
	}
	return c
}

func (s *oaiStream) send(a *oaiAnswer, index int, d oaiDelta) bool {
	return s.sendChunk(a.chunk([]oaiChunkChoice{{Index: index, Delta: d}}))
}

// sendChunk writes one chunk unless a knob ends the stream first; it
// reports whether to go on.
func (s *oaiStream) sendChunk(c *oaiChunk) bool {
	if !s.gate() {
		return false
	}
	data, err := json.Marshal(c)
	if err != nil {
		return false
	}
	s.write(data)
	s.sent++
	return true
}

// gate applies TruncateAfter, StreamError and Hold before the next event.
func (s *oaiStream) gate() bool {
	cfg := &s.f.cfg
	if cfg.TruncateAfter > 0 && s.sent >= cfg.TruncateAfter {
		return false
	}
	if cfg.StreamError != nil && s.sent >= cfg.StreamErrorAfter {
		var compact bytes.Buffer
		_ = json.Compact(&compact, cfg.StreamError.body())
		s.write(compact.Bytes())
		return false
	}
	if cfg.HoldAfter > 0 && s.sent == cfg.HoldAfter && !s.f.hold(s.r) {
		return false
	}
	return true
}

func (s *oaiStream) write(data []byte) {
	_, _ = s.w.Write([]byte("data: "))
	_, _ = s.w.Write(data)
	_, _ = s.w.Write([]byte("\n\n"))
	oaiFlush(s.w)
}

// startStream holds the answer as Hold says (unless HoldAfter moves the
// hold into the stream), then sends an event stream's status and headers.
// It reports false when the client left or the fake shut down meanwhile.
func (f *fakeOpenAI) startStream(w http.ResponseWriter, r *http.Request) bool {
	if f.cfg.HoldAfter <= 0 && !f.hold(r) {
		return false
	}
	w.Header().Set("Content-Type", "text/event-stream; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	oaiFlush(w)
	return true
}

func oaiFlush(w http.ResponseWriter) {
	if fl, ok := w.(http.Flusher); ok {
		fl.Flush()
	}
}
