package gemini

import (
	"encoding/json"
	"sort"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// relayedEvent gathers the unified content of one relayed Gemini event
// (its chunks come one after the other, the event's Data on the last), so
// an event whose text the security filter changed is written from the
// filtered content instead of the upstream's bytes.
type relayedEvent struct {
	changed bool
	cands   map[int]*outCandidate
}

// relayChunk writes a Gemini upstream's stream events as they came, with
// modelVersion set to the public name.
func (s *chunkSink) relayChunk(c *providers.ChatChunk) error {
	ev := c.Event
	if ev == nil || !ev.Relay {
		return nil // the end-of-stream usage chunk: already in the last event
	}
	s.ev.changed = s.ev.changed || ev.Changed
	if ev.Data == nil {
		s.ev.add(c) // a later chunk of this event may still be changed
		return nil
	}
	if s.ev.changed {
		s.ev.add(c)
	}
	// An unchanged event is written from the upstream's bytes: its content
	// is gathered only while that is not yet known (most events are one
	// chunk, which then costs nothing here).
	defer func() { s.ev = relayedEvent{} }()
	if s.ev.changed {
		return s.write(s.ev.response(c, s.model))
	}
	if s.modelJSON == nil { // once per stream, not per event
		s.modelJSON, _ = json.Marshal(s.model)
	}
	// The event is patched straight into the output buffer, where the
	// provider saw modelVersion if it says, else where a scan finds it.
	return s.writeWith(func(b []byte) []byte {
		if at := ev.ModelAt; at[1] > 0 {
			b = append(b, ev.Data[:at[0]]...)
			b = append(b, s.modelJSON...)
			return append(b, ev.Data[at[1]:]...)
		}
		patched, err := providers.SetTopLevel(ev.Data, "modelVersion", s.modelJSON)
		if err != nil {
			patched = ev.Data
		}
		return append(b, patched...)
	})
}

// add keeps a chunk's text and whole function calls (Gemini sends each call
// complete in one event).
func (e *relayedEvent) add(c *providers.ChatChunk) {
	for i := range c.Choices {
		ch := &c.Choices[i]
		if e.cands == nil {
			e.cands = map[int]*outCandidate{}
		}
		cand := e.cands[ch.Index]
		if cand == nil {
			cand = &outCandidate{Index: ch.Index, Content: outContent{Role: "model", Parts: []outPart{}}}
			e.cands[ch.Index] = cand
		}
		if t := ch.Delta.Content; t != nil && *t != "" {
			text := *t
			cand.Content.Parts = append(cand.Content.Parts, outPart{Text: &text})
		}
		for _, tc := range ch.Delta.ToolCalls {
			cand.Content.Parts = append(cand.Content.Parts, callPart(tc.ID, tc.Function.Name, tc.Function.Arguments))
		}
		if ch.FinishReason != nil && *ch.FinishReason != "" {
			cand.FinishReason = finishReason(*ch.FinishReason, false)
		}
	}
}

// response is the event rebuilt from its unified content.
func (e *relayedEvent) response(c *providers.ChatChunk, model string) *outResponse {
	out := &outResponse{ModelVersion: model, ResponseID: c.ID, UsageMetadata: usageOf(c.Usage), Candidates: []outCandidate{}}
	for _, cand := range e.cands {
		out.Candidates = append(out.Candidates, *cand)
	}
	sort.Slice(out.Candidates, func(i, j int) bool { return out.Candidates[i].Index < out.Candidates[j].Index })
	return out
}
