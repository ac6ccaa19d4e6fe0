package openai

import (
	"encoding/json"
	"errors"

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

// eventDecoder decodes the events of a Responses stream without
// reflection: encoding/json took a third of the gateway's allocations for a
// relayed Responses stream, and after the deltas were read directly, the
// five events with a whole item or Response in them (created, in_progress,
// output_item.added and .done, completed) still took a third of its CPU.
// An item or a response member is checked and kept as it came (a
// json.RawMessage, as encoding/json would give it); the stream reads the
// little it needs of it where it needs it (itemHead, and
// providers.ReadResponsesHead for the final Response). Measured with
// BenchmarkGatewayCPU/responses/pass/stream20: 260 allocations → 190 from
// the lazy members alone (170 with the relay's and the request's), and the
// stream's CPU net of the fake from 1.59× chat's stream to 1.07× (medians
// of 7 runs of BenchmarkPassOverheadLabelled on a loaded VM, 2026-12-07;
// ranges 1.32–2.09 and 1.01–1.32). Any shape it does not read exactly as
// encoding/json would (escaped or case-folded member names, repeated
// members, nulls, non-integer indexes, very deep nesting) makes it decline;
// the caller then decodes with encoding/json. A differential fuzz test
// holds the two to the same result.
type eventDecoder struct {
	r       jsonscan.Reader
	scratch []byte
}

// decode fills e from data, or reports false to fall back.
func (d *eventDecoder) decode(data []byte, e *responsesEvent) bool {
	d.r = jsonscan.Reader{Data: data}
	*e = responsesEvent{}
	ok := d.r.Members(func(key []byte) (int, bool) {
		switch string(key) {
		case "type":
			return 1, d.str(&d.r, responsesEventTypes, &e.Type)
		case "delta":
			return 2, d.str(&d.r, nil, &e.Delta)
		case "output_index":
			n, ok := d.r.Int()
			e.OutputIndex = n
			return 4, ok
		case "item":
			return 8, d.raw(&e.Item)
		case "response":
			return 16, d.raw(&e.Response)
		}
		// Members the event struct does not have are skipped, as
		// encoding/json skips them, if no field could match them.
		return 0, plainMemberName(key) && d.r.Skip(0)
	})
	return ok && d.r.AtEnd()
}

// raw keeps a value as it came, checked, without its surrounding space.
func (d *eventDecoder) raw(dst *json.RawMessage) bool {
	v, ok := d.r.Value()
	*dst = v
	return ok
}

// str reads a string from r (null leaves dst alone, as encoding/json
// does), as a constant when it is one of known (the event and item types:
// no new string per event for them).
func (d *eventDecoder) str(r *jsonscan.Reader, known []string, dst *string) bool {
	return r.KnownString(dst, &d.scratch, known...)
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

// errNotObject is an item or a response member that is neither an object
// nor null: encoding/json refused such an event before these members were
// read lazily, and the stream still does.
var errNotObject = errors.New("an item or response member is not an object")

// objectOrNull returns an event's item or response member as an object,
// nil when it is absent or null.
func objectOrNull(raw json.RawMessage) (json.RawMessage, error) {
	switch {
	case len(raw) == 0 || string(raw) == "null":
		return nil, nil
	case raw[0] == '{':
		return raw, nil
	}
	return nil, errNotObject
}
