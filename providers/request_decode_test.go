package providers

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// requestSamples are chat requests as the official SDKs send them, plus the
// corner cases where a hand-written decoder most easily parts from
// encoding/json.
var requestSamples = []struct {
	body string
	fast bool // whether DecodeChatRequest should take it
}{
	{`{"model":"gpt-4o","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hi"}]}`, true},
	{`{"messages":[{"role":"user","content":"Hi"}],"model":"gpt-4o","stream":true,"stream_options":{"include_usage":true},
	  "temperature":0.2,"top_p":1,"max_tokens":64,"max_completion_tokens":32,"n":1,"seed":-42,"top_k":5,
	  "presence_penalty":-0.5,"frequency_penalty":1e-1,"reasoning_effort":"low","user":"u-1","stop":["\n","END"],
	  "parallel_tool_calls":false,"response_format":{"type":"json_object"},"metadata":{"a":"b"},"store":false}`, true},
	{`{"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"what is this?"},{"type":"image_url","image_url":{"url":"https://x/y.png","detail":"low"}}]}]}`, true},
	{`{"model":"m","tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object"}}}],"tool_choice":{"type":"function","function":{"name":"f"}},
	  "messages":[{"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{}"}}]},
	  {"role":"tool","tool_call_id":"c1","content":"42","name":"f"},{"role":"assistant","content":"","refusal":"no"}]}`, true},
	{`{"model":"caf\u00e9 \"q\"","messages":[{"role":"us\u0065r","content":"line\nbreak \ud83d\ude00"}]}`, true},
	{` {"model":null,"messages":null,"max_tokens":null,"temperature":null,"stream":null,"stop":null,"tool_choice":"auto"} `, true},
	{`{"model":"m","messages":[],"stop":"x","stream":false,"model":"last wins"}`, true},
	{`{"model":"m","messages":[{"role":"assistant","content":null,"reasoning_content":"Hm.","thinking_blocks":[{"type":"thinking","thinking":"Hm.","signature":"s=="},{"type":"redacted_thinking","data":"ZW5j"}],
	  "tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{}"}}]}]}`, true},
	{`{"model":"m","messages":[{"role":"user","content":"a","role":"assistant"}]}`, true},
	{"{\"model\":\"bad \xff utf8\",\"messages\":[{\"role\":\"user\",\"content\":\"\xc3\"}]}", true},

	// Declined: encoding/json decides (and words the error).
	{`{"Model":"m","messages":[]}`, false},                              // case-insensitive match
	{`{"mod\u0065l":"m"}`, false},                                       // escaped name
	{`{"model":"m","messages":[],"messages":[{"role":"user"}]}`, false}, // repeated messages
	{`{"model":"m","messages":[null]}`, false},
	{`{"model":5}`, false},
	{`{"model":"m","max_tokens":1.5}`, false},
	{`{"model":"m","max_tokens":"5"}`, false},
	{`{"model":"m","seed":1e3}`, false},
	{`{"model":"m","temperature":"hot"}`, false},
	{`{"model":"m","temperature":1e999}`, false},
	{`{"model":"m","stream":"yes"}`, false},
	{`{"model":"m","messages":{"role":"user"}}`, false},
	{`{"model":"m","messages":[{"role":"user","content":5}]}`, false},
	{`{"model":"m"`, false},
	{`{"model":"m"} x`, false},
	{`["model"]`, false},
	{`null`, false},
	{``, false},
}

// checkAgainstFull decodes body both ways. When DecodeChatRequest takes a
// body, encoding/json must accept it too and produce the same request.
func checkAgainstFull(t *testing.T, body []byte) bool {
	t.Helper()
	var fast ChatRequest
	took := DecodeChatRequest(body, &fast)
	if !took {
		return false
	}
	var full ChatRequest
	if err := json.Unmarshal(body, &full); err != nil {
		t.Fatalf("fast decoder took a body encoding/json refuses (%v): %q", err, body)
	}
	if !reflect.DeepEqual(fast, full) {
		t.Fatalf("decoders differ for %q\nfast %#v\nfull %#v", body, fast, full)
	}
	return true
}

func TestDecodeChatRequestMatchesEncodingJSON(t *testing.T) {
	for _, s := range requestSamples {
		if took := checkAgainstFull(t, []byte(s.body)); took != s.fast {
			t.Errorf("took=%v, want %v: %s", took, s.fast, s.body)
		}
	}
}

// TestDecodeChatRequestKnowsEveryField keeps the fast decoder in step with
// the types: a field added to ChatRequest or Message without a case in
// DecodeChatRequest would be dropped silently, so every json name of both
// must be taken and decoded as encoding/json decodes it.
func TestDecodeChatRequestKnowsEveryField(t *testing.T) {
	sample := func(f reflect.StructField) string {
		switch {
		case f.Type == reflect.TypeOf(Content{}):
			return `"text"`
		case f.Type.Kind() == reflect.String:
			return `"s"`
		case f.Type.Kind() == reflect.Bool,
			f.Type.Kind() == reflect.Pointer && f.Type.Elem().Kind() == reflect.Bool:
			return `true`
		case f.Type == reflect.TypeOf(StringList{}):
			return `["a"]`
		case f.Type == reflect.TypeOf(&ToolChoice{}):
			return `"required"`
		case f.Type.Kind() == reflect.Pointer && f.Type.Elem().Kind() == reflect.Float64:
			return `0.5`
		case f.Type.Kind() == reflect.Pointer && f.Type.Elem().Kind() != reflect.Struct:
			return `7`
		case f.Type.Kind() == reflect.Slice || f.Type.Kind() == reflect.Pointer:
			v := reflect.New(f.Type)
			b, _ := json.Marshal(v.Elem().Interface())
			if f.Type.Kind() == reflect.Slice {
				return "[]"
			}
			return strings.Replace(string(b), "null", "{}", 1)
		}
		t.Fatalf("no sample value for %s %s", f.Name, f.Type)
		return ""
	}
	names := func(typ reflect.Type) (out []reflect.StructField) {
		for i := range typ.NumField() {
			f := typ.Field(i)
			if tag := f.Tag.Get("json"); tag != "-" {
				out = append(out, f)
			}
		}
		return out
	}
	jsonName := func(f reflect.StructField) string { return strings.Split(f.Tag.Get("json"), ",")[0] }
	for _, f := range names(reflect.TypeOf(ChatRequest{})) {
		body := fmt.Sprintf(`{"model":"m",%q:%s}`, jsonName(f), sample(f))
		if jsonName(f) == "model" {
			body = `{"model":"m"}`
		}
		if !checkAgainstFull(t, []byte(body)) {
			t.Errorf("ChatRequest.%s: fast decoder does not take %s", f.Name, body)
		}
	}
	for _, f := range names(reflect.TypeOf(Message{})) {
		body := fmt.Sprintf(`{"messages":[{%q:%s}]}`, jsonName(f), sample(f))
		if !checkAgainstFull(t, []byte(body)) {
			t.Errorf("Message.%s: fast decoder does not take %s", f.Name, body)
		}
	}
}

func FuzzDecodeChatRequest(f *testing.F) {
	for _, s := range requestSamples {
		f.Add([]byte(s.body))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		checkAgainstFull(t, body)
	})
}

func BenchmarkDecodeChatRequest(b *testing.B) {
	body := []byte(requestSamples[0].body)
	b.Run("fast", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var r ChatRequest
			if !DecodeChatRequest(body, &r) {
				b.Fatal("not taken")
			}
		}
	})
	b.Run("encoding_json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var r ChatRequest
			if err := json.Unmarshal(body, &r); err != nil {
				b.Fatal(err)
			}
		}
	})
}
