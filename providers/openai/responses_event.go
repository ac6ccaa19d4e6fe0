package openai

import (
	"github.com/sira-ai/caddy-ai-backends/internal/jsonscan"
)

// responsesEventTypes are the event types of a Responses stream, so the
// fast decoder hands out a constant instead of a new string per event.
var responsesEventTypes = []string{
	"response.output_text.delta", "response.function_call_arguments.delta", "response.refusal.delta",
	"response.output_text.done", "response.content_part.added", "response.content_part.done",
	"response.reasoning_summary_text.delta", "response.reasoning_summary_text.done",
	"response.reasoning_summary_part.added", "response.reasoning_summary_part.done",
	"response.function_call_arguments.done", "response.refusal.done",
}

// eventDecoder decodes the common events of a Responses stream — text,
// refusal and argument deltas, part and text done — without reflection:
// encoding/json took a third of the gateway's allocations for a relayed
// Responses stream. An event with an item or a response object, and any
// shape it does not read exactly as encoding/json would (escaped or
// case-folded member names, repeated members, nulls, non-integer indexes),
// makes it decline; the caller then decodes with encoding/json. A
// differential fuzz test holds the two to the same result.
type eventDecoder struct {
	r       jsonscan.Reader
	scratch []byte
}

// decode fills e from data, or reports false to fall back.
func (d *eventDecoder) decode(data []byte, e *responsesEvent) bool {
	d.r = jsonscan.Reader{Data: data}
	*e = responsesEvent{}
	var seen [3]bool
	once := func(i int) bool {
		if seen[i] {
			return false
		}
		seen[i] = true
		return true
	}
	ok := d.r.Object(func(key []byte) bool {
		switch string(key) {
		case "type":
			return once(0) && d.eventType(&e.Type)
		case "delta":
			if !once(1) {
				return false
			}
			raw, escaped, ok := d.r.Quoted()
			if ok {
				e.Delta = jsonscan.Unquote(raw, escaped, &d.scratch)
			}
			return ok
		case "output_index":
			if !once(2) {
				return false
			}
			n, ok := d.r.Int()
			e.OutputIndex = n
			return ok
		case "item", "response":
			return false // whole objects: encoding/json
		}
		// Members the event struct does not have are skipped, as
		// encoding/json skips them, if no field could match them.
		return plainMemberName(key) && d.r.Skip(0)
	})
	return ok && d.r.AtEnd()
}

// eventType reads the type string, as a constant when it is a known one.
func (d *eventDecoder) eventType(dst *string) bool {
	raw, escaped, ok := d.r.Quoted()
	if !ok {
		return false
	}
	if !escaped {
		for _, t := range responsesEventTypes {
			if string(raw) == t {
				*dst = t
				return true
			}
		}
	}
	*dst = jsonscan.Unquote(raw, escaped, &d.scratch)
	return true
}

// plainMemberName reports whether a member name is lower-case ASCII
// letters, digits, '_' and '.': encoding/json's case-insensitive match
// cannot take such a name to one of the event's fields unless it is
// exactly that field's name.
func plainMemberName(name []byte) bool {
	for _, c := range name {
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '_' && c != '.' {
			return false
		}
	}
	return true
}
