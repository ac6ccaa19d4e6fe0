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
// response.in_progress, per output item (a reasoning item first, for a
// reasoning model) its added / delta… / done events, then
// response.completed (or response.incomplete). TruncateAfter cuts the
// stream after N events; StreamError sends an error event after
// StreamErrorAfter events instead of the rest.
func (f *fakeOpenAI) streamResponses(w http.ResponseWriter, r *http.Request, resp *oaiResponse) {
	if !f.startStream(w, r) {
		return
	}
	s := &oaiEventStream{f: f, w: w, r: r}
	items := resp.Output
	resp.Output = []oaiOutputItem{}
	if !s.send("response.created", map[string]any{"response": resp}) ||
		!s.send("response.in_progress", map[string]any{"response": resp}) {
		return
	}
	for i, item := range items {
		if !s.item(i, item, resp.pieces) {
			return
		}
	}
	resp.Output = items
	resp.Status = resp.finalStatus
	s.send("response."+resp.finalStatus, map[string]any{"response": resp})
}

// item streams one output item: added (empty), its content events, done.
func (s *oaiEventStream) item(index int, final oaiOutputItem, pieces []string) bool {
	pending := final
	switch final.Type {
	case "reasoning":
		pending.Summary, pending.EncryptedContent = &[]oaiSummaryText{}, ""
	case "message":
		pending.Status = "in_progress"
		empty := []oaiOutputText{}
		pending.Content = &empty
	default:
		pending.Status = "in_progress"
		empty := ""
		pending.Arguments = &empty
	}
	if !s.send("response.output_item.added", map[string]any{"output_index": index, "item": pending}) {
		return false
	}
	var ok bool
	switch final.Type {
	case "reasoning":
		ok = s.summary(index, final)
	case "message":
		ok = s.text(index, final, pieces)
	default:
		ok = s.arguments(index, final, pieces)
	}
	return ok && s.send("response.output_item.done", map[string]any{"output_index": index, "item": final})
}

// summary streams a reasoning item's summary parts.
func (s *oaiEventStream) summary(index int, final oaiOutputItem) bool {
	for si, part := range *final.Summary {
		at := func(fields map[string]any) map[string]any {
			fields["item_id"], fields["output_index"], fields["summary_index"] = final.ID, index, si
			return fields
		}
		empty := oaiSummaryText{Type: part.Type}
		if !s.send("response.reasoning_summary_part.added", at(map[string]any{"part": empty})) ||
			!s.send("response.reasoning_summary_text.delta", at(map[string]any{"delta": part.Text})) ||
			!s.send("response.reasoning_summary_text.done", at(map[string]any{"text": part.Text})) ||
			!s.send("response.reasoning_summary_part.done", at(map[string]any{"part": part})) {
			return false
		}
	}
	return true
}

// text streams a message's text part.
func (s *oaiEventStream) text(index int, final oaiOutputItem, pieces []string) bool {
	at := func(fields map[string]any) map[string]any {
		fields["item_id"], fields["output_index"], fields["content_index"] = final.ID, index, 0
		return fields
	}
	part := oaiOutputText{Type: "output_text", Annotations: []any{}, Logprobs: []any{}}
	if !s.send("response.content_part.added", at(map[string]any{"part": part})) {
		return false
	}
	for _, p := range pieces {
		if !s.send("response.output_text.delta", at(map[string]any{"delta": p, "logprobs": []any{}})) {
			return false
		}
	}
	part.Text = (*final.Content)[0].Text
	return s.send("response.output_text.done", at(map[string]any{"text": part.Text, "logprobs": []any{}})) &&
		s.send("response.content_part.done", at(map[string]any{"part": part}))
}

// arguments streams a function call's arguments.
func (s *oaiEventStream) arguments(index int, final oaiOutputItem, pieces []string) bool {
	for _, p := range pieces {
		if !s.send("response.function_call_arguments.delta", map[string]any{"item_id": final.ID, "output_index": index, "delta": p}) {
			return false
		}
	}
	return s.send("response.function_call_arguments.done", map[string]any{"item_id": final.ID, "output_index": index, "name": final.Name, "arguments": *final.Arguments})
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
