package fakeupstream

import (
	"encoding/json"
	"net/http"
)

// oaiEventStream writes typed Responses events with sequence numbers.
type oaiEventStream struct {
	f    *fakeOpenAI
	w    http.ResponseWriter
	r    *http.Request
	seq  int
	sent int
}

// streamResponses sends resp as OpenAI's event sequence: response.created,
// response.in_progress, the item's added / delta… / done events, then
// response.completed (or response.incomplete). TruncateAfter cuts the
// stream after N events; StreamError sends an error event after
// StreamErrorAfter events instead of the rest.
func (f *fakeOpenAI) streamResponses(w http.ResponseWriter, r *http.Request, resp *oaiResponse) {
	if f.cfg.HoldAfter <= 0 && !f.hold(r) {
		return
	}
	w.Header().Set("Content-Type", "text/event-stream; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	oaiFlush(w)
	s := &oaiEventStream{f: f, w: w, r: r}
	final := resp.Output[0]
	pending := final
	pending.Status = "in_progress"
	if final.Type == "message" {
		empty := []oaiOutputText{}
		pending.Content = &empty
	} else {
		empty := ""
		pending.Arguments = &empty
	}
	resp.Output = []oaiOutputItem{}
	ok := s.send("response.created", map[string]any{"response": resp}) &&
		s.send("response.in_progress", map[string]any{"response": resp}) &&
		s.send("response.output_item.added", map[string]any{"output_index": 0, "item": pending})
	if !ok {
		return
	}
	if final.Type == "message" {
		part := oaiOutputText{Type: "output_text", Annotations: []any{}, Logprobs: []any{}}
		if !s.send("response.content_part.added", map[string]any{"item_id": final.ID, "output_index": 0, "content_index": 0, "part": part}) {
			return
		}
		for _, p := range resp.pieces {
			if !s.send("response.output_text.delta", map[string]any{"item_id": final.ID, "output_index": 0, "content_index": 0, "delta": p, "logprobs": []any{}}) {
				return
			}
		}
		part.Text = (*final.Content)[0].Text
		if !s.send("response.output_text.done", map[string]any{"item_id": final.ID, "output_index": 0, "content_index": 0, "text": part.Text, "logprobs": []any{}}) ||
			!s.send("response.content_part.done", map[string]any{"item_id": final.ID, "output_index": 0, "content_index": 0, "part": part}) {
			return
		}
	} else {
		for _, p := range resp.pieces {
			if !s.send("response.function_call_arguments.delta", map[string]any{"item_id": final.ID, "output_index": 0, "delta": p}) {
				return
			}
		}
		if !s.send("response.function_call_arguments.done", map[string]any{"item_id": final.ID, "output_index": 0, "name": final.Name, "arguments": *final.Arguments}) {
			return
		}
	}
	if !s.send("response.output_item.done", map[string]any{"output_index": 0, "item": final}) {
		return
	}
	resp.Output = []oaiOutputItem{final}
	resp.Status = resp.finalStatus
	s.send("response."+resp.finalStatus, map[string]any{"response": resp})
}

// send writes one event unless a knob ends the stream first; it reports
// whether to go on.
func (s *oaiEventStream) send(typ string, fields map[string]any) bool {
	cfg := &s.f.cfg
	if cfg.TruncateAfter > 0 && s.sent >= cfg.TruncateAfter {
		return false
	}
	if e := cfg.StreamError; e != nil && s.sent >= cfg.StreamErrorAfter {
		ev := map[string]any{"code": nil, "message": e.Message, "param": nil}
		if e.Code != "" {
			ev["code"] = e.Code
		}
		if e.Param != "" {
			ev["param"] = e.Param
		}
		s.write("error", ev)
		return false
	}
	if cfg.HoldAfter > 0 && s.sent == cfg.HoldAfter && !s.f.hold(s.r) {
		return false
	}
	s.write(typ, fields)
	s.sent++
	return true
}

func (s *oaiEventStream) write(typ string, fields map[string]any) {
	fields["type"] = typ
	fields["sequence_number"] = s.seq
	s.seq++
	data, err := json.Marshal(fields)
	if err != nil {
		return
	}
	_, _ = s.w.Write([]byte("event: " + typ + "\ndata: "))
	_, _ = s.w.Write(data)
	_, _ = s.w.Write([]byte("\n\n"))
	oaiFlush(s.w)
}
