package openai

import (
	"testing"

	"github.com/sira-ai/caddy-ai-backends/internal/fuzzcorpus"
)

var itemHeadSeeds = fuzzcorpus.Bodies{
	`{"type":"function_call","id":"fc_1","call_id":"call_1","name":"get_weather","arguments":"","status":"in_progress"}`,
	`{"id":"msg_1","type":"message","status":"in_progress","content":[],"role":"assistant"}`,
	`{"type":"reasoning","summary":[{"type":"summary_text","text":"x"}]}`,
	`{"type":"some_new_item","name":"n\u00e9"}`,
	`{"type":"function_call","name":"a","name":"b"}`,
	`{"Type":"function_call"}`, `{"type":null}`, `{"type":5}`, `{"call_id":"c","x":{"y":[true,false,-1.5e3]}}`,
	`{}`, `{"type":"message"} `, `{"type":"message"} x`, `{"na\u006de":"f"}`, `null`, `[]`,
}

// TestItemHeadMatchesEncodingJSON: the item head reader takes the usual
// items and reads what it takes as encoding/json does.
func TestItemHeadMatchesEncodingJSON(t *testing.T) {
	itemHeadSeeds.Check(t, checkItemHead)
	if it := checkTakes(t, itemHeadSeeds[:4], new(eventDecoder).fastItemHead); it != (itemHead{"function_call", "call_1", "get_weather"}) {
		t.Errorf("read %+v", it)
	}
}

func FuzzItemHead(f *testing.F) { itemHeadSeeds.Fuzz(f, checkItemHead) }

func checkItemHead(t *testing.T, data []byte) {
	t.Helper()
	checkFastDecoder(t, data, new(eventDecoder).fastItemHead)
}
