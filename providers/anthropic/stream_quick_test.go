package anthropic

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// What decodeQuick takes, it must decode as json.Unmarshal does.
func FuzzDecodeQuick(f *testing.F) {
	shapes := []string{
		`{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":%s}}`,
		`{"type":"content_block_delta","index":12,"delta":{"type":"input_json_delta","partial_json":%s}}`,
		`{"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":%s}}`,
		`{"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":%s}}`,
		`{"type":"content_block_start","index":1,"content_block":{"type":"text","text":%s}}`,
		`{"type":"content_block_delta","index":01,"delta":{"type":"text_delta","text":%s}}`,
		`{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":%s}} `,
		`{"type":"content_block_stop","index":3}`, `{"type": "ping"}`, `{"type":"message_stop"}`,
	}
	raws := []string{`"plain"`, `"a\nb\"\\\/\b\f\r\t"`, `"\u00e9\u2028"`, `"\ud83d\ude00"`, `"\ud83d"`, `"\ud83d\u0041"`,
		`"\'"`, "\"\xff\xfe\"", "\"\x01\"", `"\u12"`, `""`, "\"\xed\xa0\x80 é\""}
	for _, s := range shapes {
		for _, r := range raws {
			f.Add([]byte(strings.Replace(s, "%s", r, 1)))
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var scratch []byte
		q, ok := decodeQuick(data, &scratch)
		if !ok {
			return
		}
		var want wireEvent
		if err := json.Unmarshal(data, &want); err != nil {
			t.Fatalf("decodeQuick took what encoding/json rejects (%v): %s", err, data)
		}
		got := wireEvent{Type: q.typ, Index: q.index}
		switch q.typ {
		case "content_block_delta":
			got.Delta = &q.delta
		case "content_block_start":
			got.ContentBlock = &Block{Type: "text", Text: q.text}
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s\n got %+v %+v\nwant %+v %+v", data, got, got.Delta, want, want.Delta)
		}
	})
}
