package openai

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/sira-ai/caddy-ai-backends/internal/fuzzcorpus"
)

var responsesEventSeeds = fuzzcorpus.Bodies{
	`{"type":"response.output_text.delta","sequence_number":5,"item_id":"msg_1","output_index":0,"content_index":0,"delta":" word","logprobs":[]}`,
	`{"type":"response.function_call_arguments.delta","sequence_number":7,"item_id":"fc_1","output_index":1,"delta":"{\"a\":"}`,
	`{"type":"response.refusal.delta","output_index":0,"delta":"no \u00e9"}`,
	`{"type":"response.content_part.added","item_id":"msg_1","output_index":0,"content_index":0,"part":{"type":"output_text","annotations":[],"text":""}}`,
	`{"type":"response.output_text.done","output_index":0,"text":"all of it","logprobs":[]}`,
	`{"type":"response.custom.event","x":{"y":[1,2,{"z":null}]}}`,
	`{"type":"response.output_item.added","output_index":1,"item":{"type":"function_call","call_id":"c","name":"f","arguments":""}}`,
	`{"type":"response.completed","response":{"id":"r","status":"completed","output":[]}}`,
	`{"type":"response.created","sequence_number":0,"response": {"id":"r","output":[],"usage":null} }`,
	`{"type":"response.output_item.done","item":{"id":"m","type":"message","content":[{"type":"output_text","text":"a\nb"}]}}`,
	`{"type":"response.completed","response":null}`,
	`{"type":"response.completed","response":"x"}`,
	`{"type":"response.output_item.added","item":[1]}`,
	`{"type":"response.output_item.added","item":{},"item":{"type":"message"}}`,
	`{"type":"response.completed","response":{"a":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}}`,
	`{"type":"response.completed","response":{"id":"r"`,
	`{"Type":"response.output_text.delta","delta":"x"}`,
	`{"type":"response.output_text.delta","delta":"a","delta":"b"}`,
	`{"type":"response.output_text.delta","delta":null}`,
	`{"type":"response.output_text.delta","output_index":1.0}`,
	`{"type":"response.output_text.delta","output_index":-3,"delta":""}`,
	`{"type":5}`, `{"type":"x"} `, `{"type":"x"} y`, `{}`, `[]`, `null`, ``, `{"delta":"\ud800"}`,
	`{"type":"response.output_text.delta","de\u006cta":"x"}`,
	`{"type":"error","code":"server_error","message":"boom","param":null}`,
}

// TestEventDecoderMatchesEncodingJSON: whatever the fast decoder takes, it
// decodes as encoding/json does.
func TestEventDecoderMatchesEncodingJSON(t *testing.T) {
	responsesEventSeeds.Check(t, checkEventDecoder)
	// It takes the common shapes (not only declines), items and
	// responses included.
	if e := checkTakes(t, responsesEventSeeds[:10], new(eventDecoder).decode); e.Type != "response.output_text.delta" || e.Delta != " word" {
		t.Errorf("decoded %+v", e)
	}
}

func FuzzEventDecoder(f *testing.F) { responsesEventSeeds.Fuzz(f, checkEventDecoder) }

func checkEventDecoder(t *testing.T, data []byte) {
	t.Helper()
	checkFastDecoder(t, data, new(eventDecoder).decode)
}

// checkTakes fails unless fast takes every one of bodies (a fast decoder
// that declined everything would pass checkFastDecoder) and returns what
// it read of the first, read again after the others into the same value.
func checkTakes[T any](t *testing.T, bodies fuzzcorpus.Bodies, fast func([]byte, *T) bool) T {
	t.Helper()
	var v T
	for _, s := range bodies {
		if !fast([]byte(s), &v) {
			t.Errorf("declined %s", s)
		}
	}
	if !fast([]byte(bodies[0]), &v) {
		t.Errorf("declined %s when read again", bodies[0])
	}
	return v
}

// checkFastDecoder: whatever fast takes, it reads as encoding/json does;
// what it declines, encoding/json decides.
func checkFastDecoder[T any](t *testing.T, data []byte, fast func([]byte, *T) bool) {
	t.Helper()
	var got, want T
	if !fast(data, &got) {
		return
	}
	if err := json.Unmarshal(data, &want); err != nil {
		t.Fatalf("%q: the fast decoder took what encoding/json refuses (%v)", data, err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%q:\nfast %+v\njson %+v", data, got, want)
	}
}
