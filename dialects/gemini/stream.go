package gemini

import (
	"encoding/json"
	"net/http"
	"sort"
	"strings"

	"github.com/sira-ai/caddy-ai-backends/dialects"
	"github.com/sira-ai/caddy-ai-backends/providers"
)

// Stream starts a :streamGenerateContent answer: SSE "data:" events with
// alt=sse, otherwise the JSON array Google streams ("[", responses
// separated by ",", "]"), flushed per response.
func (cw ChatWriter) Stream(w http.ResponseWriter, req *providers.ChatRequest) dialects.ChunkSink {
	if cw.sse {
		dialects.StartSSE(w)
	} else {
		h := w.Header()
		h.Set("Content-Type", "application/json; charset=UTF-8")
		h.Del("Content-Length")
		w.WriteHeader(http.StatusOK)
	}
	return &chunkSink{w: w, flusher: dialects.FlusherOf(w), sse: cw.sse, model: req.Model}
}

// chunkSink re-encodes unified chunks. Text goes out as it comes; function
// calls are buffered until whole (Gemini sends each call complete, with
// parsed args) and go out, with the finish reasons and the usage, in the
// last response, where Google puts them.
type chunkSink struct {
	w       http.ResponseWriter
	flusher http.Flusher
	sse     bool
	model   string
	// modelJSON is model as a JSON string, for relayed events' modelVersion.
	modelJSON []byte
	id        string
	wrote     bool   // a response went out (the array needs a separator)
	buf       []byte // the response being written, kept for the next

	decided bool // the first chunk said whether the stream is relayed
	relay   bool
	ev      relayedEvent

	// calls and finish are made when first written: a relayed stream
	// never needs them.
	calls  map[callKey]*pendingCall
	order  []callKey
	finish map[int]string // choice index → unified finish reason
	usage  *providers.Usage
}

type callKey struct{ choice, index int }

type pendingCall struct {
	id, name string
	args     strings.Builder
}

func (s *chunkSink) Chunk(c *providers.ChatChunk) error {
	if !s.decided {
		s.decided, s.relay = true, c.Event != nil && c.Event.Relay
	}
	if s.relay {
		return s.relayChunk(c)
	}
	if s.id == "" {
		s.id = c.ID
	}
	if c.Usage != nil {
		s.usage = c.Usage
	}
	var cands []outCandidate
	for i := range c.Choices {
		ch := &c.Choices[i]
		for j := range ch.Delta.ToolCalls {
			s.addCall(ch.Index, j, &ch.Delta.ToolCalls[j])
		}
		if ch.FinishReason != nil && *ch.FinishReason != "" {
			if s.finish == nil {
				s.finish = map[int]string{}
			}
			s.finish[ch.Index] = *ch.FinishReason
		}
		if ch.Delta.Content != nil && *ch.Delta.Content != "" {
			text := *ch.Delta.Content
			cands = append(cands, outCandidate{Index: ch.Index,
				Content: outContent{Role: "model", Parts: []outPart{{Text: &text}}}})
		}
	}
	if len(cands) == 0 {
		return nil
	}
	return s.write(&outResponse{Candidates: cands, ModelVersion: s.model, ResponseID: s.id})
}

// addCall appends a tool-call delta: a delta with an index continues that
// call, one without starts the next.
func (s *chunkSink) addCall(choice, pos int, tc *providers.ToolCall) {
	idx := pos
	if tc.Index != nil {
		idx = *tc.Index
	}
	k := callKey{choice, idx}
	p := s.calls[k]
	if p == nil {
		p = &pendingCall{}
		if s.calls == nil {
			s.calls = map[callKey]*pendingCall{}
		}
		s.calls[k] = p
		s.order = append(s.order, k)
	}
	if tc.ID != "" {
		p.id = tc.ID
	}
	if tc.Function.Name != "" {
		p.name = tc.Function.Name
	}
	p.args.WriteString(tc.Function.Arguments)
}

func (s *chunkSink) End(err *providers.Error) {
	if err != nil {
		s.writeError(err)
		return
	}
	if s.relay {
		s.close() // the last event, finish and usage included, was relayed
		return
	}
	byChoice := map[int]*outCandidate{}
	for _, k := range s.order {
		p := s.calls[k]
		c := s.candidate(byChoice, k.choice)
		c.Content.Parts = append(c.Content.Parts, callPart(p.id, p.name, p.args.String()))
	}
	for idx, r := range s.finish {
		c := s.candidate(byChoice, idx)
		c.FinishReason = finishReason(r, len(c.Content.Parts) > 0)
	}
	if len(byChoice) == 0 {
		s.candidate(byChoice, 0)
	}
	out := outResponse{ModelVersion: s.model, ResponseID: s.id, UsageMetadata: usageOf(s.usage)}
	for _, c := range byChoice {
		if c.FinishReason == "" {
			c.FinishReason = "STOP"
		}
		out.Candidates = append(out.Candidates, *c)
	}
	sort.Slice(out.Candidates, func(i, j int) bool { return out.Candidates[i].Index < out.Candidates[j].Index })
	_ = s.write(&out)
	s.close()
}

func (s *chunkSink) candidate(m map[int]*outCandidate, idx int) *outCandidate {
	c := m[idx]
	if c == nil {
		c = &outCandidate{Index: idx, Content: outContent{Role: "model", Parts: []outPart{}}}
		m[idx] = c
	}
	return c
}

// write sends one response: an SSE event, or the next array element.
func (s *chunkSink) write(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return s.writeRaw(b)
}

func (s *chunkSink) writeRaw(b []byte) error {
	return s.writeWith(func(dst []byte) []byte { return append(dst, b...) })
}

// writeWith sends the response body appends to the buffer, framed as an
// SSE event or the next array element.
func (s *chunkSink) writeWith(body func([]byte) []byte) error {
	b := s.buf[:0]
	switch {
	case s.sse:
		b = append(b, "data: "...)
	case s.wrote:
		b = append(b, ",\r\n"...)
	default:
		b = append(b, '[')
	}
	b = body(b)
	if s.sse {
		b = append(b, "\r\n\r\n"...)
	}
	s.buf = b
	s.wrote = true
	if _, err := s.w.Write(b); err != nil {
		return err
	}
	s.flusher.Flush()
	return nil
}

// writeError ends a failed stream with the error in Google's envelope, as
// the API does when a stream breaks.
func (s *chunkSink) writeError(err *providers.Error) {
	_ = s.writeRaw(Dialect.ErrorBody(err))
	s.close()
}

// close ends the JSON array (SSE needs no terminator).
func (s *chunkSink) close() {
	if s.sse {
		return
	}
	if !s.wrote {
		_, _ = s.w.Write([]byte("[]"))
	} else {
		_, _ = s.w.Write([]byte("]"))
	}
	s.flusher.Flush()
}
