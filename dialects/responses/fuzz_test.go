package responses

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

var fuzzSeeds = []string{
	`{"model":"m","input":"Hi"}`,
	`{"model":"m","input":[{"role":"user","content":[{"type":"input_text","text":"a"},{"type":"input_image","image_url":"https://x/a.png"}]}]}`,
	`{"model":"m","input":[{"type":"function_call","call_id":"c","name":"f","arguments":"{}"},{"type":"function_call_output","call_id":"c","output":[{"type":"input_text","text":"r"}]}]}`,
	`{"model":"m","input":[{"type":"reasoning","id":"rs","summary":[{"type":"summary_text","text":"t"}],"encrypted_content":"e"}]}`,
	`{"model":"m","input":"x","tools":[{"type":"function","name":"f","parameters":{"type":"object"},"strict":false},{"type":"web_search"}],"tool_choice":{"type":"function","name":"f"}}`,
	`{"model":"m","input":"x","text":{"format":{"type":"json_schema","name":"n","schema":{"type":"object"},"strict":true}},"reasoning":{"effort":"low","summary":"auto"}}`,
	`{"model":"m","input":"x","store":false,"previous_response_id":"resp_1","metadata":{"a":"b"},"include":["x"],"truncation":"auto","stream":true,"background":true}`,
	`{"model":"m","input":"x","bogus":1}`,
	`{"model":"m","input":[{"role":"user","content":[{"type":"input_file","file_data":"x"}]}]}`,
}

// FuzzDecode: no input panics; every failure is a 400 *providers.Error, and
// one about a field names it; every success translates and encodes.
func FuzzDecode(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		checkScanAgrees(t, body)
		r, err := Decode(body)
		if err != nil {
			var e *providers.Error
			if !errors.As(err, &e) || e.Kind != providers.KindInvalidRequest || e.HTTPStatus() != 400 {
				t.Fatalf("error %v (%T) is not a 400 *providers.Error", err, err)
			}
			if e.Param == "" && e.Code != "invalid_json" && e.Code != codeInvalidType && e.Code != codeInvalidValue {
				t.Fatalf("error without a param: %+v", e)
			}
			return
		}
		if r.Model == "" {
			t.Fatal("decoded without a model")
		}
		c := r.ChatRequest(nil)
		if _, err := json.Marshal(c); err != nil {
			t.Fatalf("chat request does not encode: %v", err)
		}
		resp, err := EncodeResponse(r, &providers.ChatResponse{Choices: []providers.Choice{{Message: providers.Message{Role: "assistant", Content: providers.TextContent("ok")}}}}, Meta{})
		if err != nil {
			t.Fatal(err)
		}
		if !json.Valid(resp.JSON()) {
			t.Fatalf("response is not JSON: %s", resp.JSON())
		}
		for _, in := range NewStored(r, resp, nil, testEpoch).Input {
			if !json.Valid(in) {
				t.Fatalf("listed input item is not JSON: %s", in)
			}
		}
	})
}

// TestDecodeRoundTrip: what Decode reads, ChatRequest carries; the
// translated request decodes back with the unified decoder to the same value.
func TestDecodeRoundTrip(t *testing.T) {
	for _, s := range fuzzSeeds {
		r, err := Decode([]byte(s))
		if err != nil {
			continue
		}
		c := r.ChatRequest(nil)
		b, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		var back providers.ChatRequest
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("%s: %v", b, err)
		}
		b2, _ := json.Marshal(&back)
		if string(b) != string(b2) {
			t.Errorf("round trip differs:\n%s\n%s", b, b2)
		}
	}
}

// checkScanAgrees: whatever the fast member scan accepts, encoding/json
// reads as the same members.
func checkScanAgrees(t *testing.T, body []byte) {
	fast, ok := scanMembers(body)
	if !ok || checkDepth(body) != nil {
		return
	}
	slow, err := decodeMembers(body, "")
	if err != nil {
		t.Fatalf("scan accepted what encoding/json refuses (%v): %q", err, body)
	}
	if len(fast) != len(slow) {
		t.Fatalf("%d members scanned, %d decoded", len(fast), len(slow))
	}
	for i := range fast {
		if fast[i].key != slow[i].key || string(fast[i].value) != string(slow[i].value) {
			t.Fatalf("member %d: %q=%s vs %q=%s", i, fast[i].key, fast[i].value, slow[i].key, slow[i].value)
		}
	}
}

var scalarSeeds = []string{`"gpt-4o"`, `"a\"b\u00e9\ud83d\ude00"`, `"\ud800"`, "\"\xff\"", `""`, `"x" `, ` "x"`, `"x`,
	`true`, `false`, `null`, `1`, `"true"`, `truex`, `[]`, `{}`, `tru`}

// TestScalarDecodersMatchEncodingJSON and FuzzScalarDecoders: the direct
// reading of strings and booleans gives what encoding/json gives, and an
// error where it refuses.
func TestScalarDecodersMatchEncodingJSON(t *testing.T) {
	for _, s := range scalarSeeds {
		checkScalarDecoders(t, []byte(s))
	}
}

func FuzzScalarDecoders(f *testing.F) {
	for _, s := range scalarSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(checkScalarDecoders)
}

func checkScalarDecoders(t *testing.T, v []byte) {
	s, want := "before", "before"
	err := decodeString(v, "p", &s)
	wantErr := json.Unmarshal(v, &want)
	if (err != nil) != (wantErr != nil) || (err == nil && s != want) {
		t.Fatalf("%q: string %q %v, encoding/json %q %v", v, s, err, want, wantErr)
	}
	b, err := decodeBool(v, "p")
	var wantB bool
	wantErr = json.Unmarshal(v, &wantB)
	if (err != nil) != (wantErr != nil) || (err == nil && b != wantB) {
		t.Fatalf("%q: bool %v %v, encoding/json %v %v", v, b, err, wantB, wantErr)
	}
	var p *bool
	if err := decodeBoolPtr(v, "p", &p); (err != nil) != (wantErr != nil) || (err == nil && (p == nil || *p != wantB)) {
		t.Fatalf("%q: bool pointer %v %v", v, p, err)
	}
}
