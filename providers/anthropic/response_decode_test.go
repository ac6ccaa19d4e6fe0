package anthropic

import (
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// checkDecodeResponse: what decodeResponse takes, it decodes exactly as
// json.Unmarshal does; and FromAnthropic, whichever path it takes, answers
// as the translation of json.Unmarshal's result would (or fails alike).
func checkDecodeResponse(t *testing.T, body []byte) (fast bool) {
	t.Helper()
	var want wireResponse
	wantErr := json.Unmarshal(body, &want)
	got, fast := decodeResponse(body)
	if fast {
		if wantErr != nil {
			t.Fatalf("decodeResponse took what encoding/json rejects (%v): %s", wantErr, body)
		}
		if !reflect.DeepEqual(*got, want) {
			t.Fatalf("decodeResponse differs from json.Unmarshal for %s\n got %#v\nwant %#v", body, *got, want)
		}
	}

	resp, err := FromAnthropic(body, 7)
	var wantResp *providers.ChatResponse
	if wantErr != nil {
		wantErr = &providers.Error{Kind: providers.KindUpstream, Message: "upstream sent a malformed message", Err: wantErr}
	} else {
		wantResp, wantErr = fromWire(&want, body, 7)
	}
	if (err == nil) != (wantErr == nil) {
		t.Fatalf("FromAnthropic error %v, want %v, for %s", err, wantErr, body)
	}
	if err != nil {
		var e, we *providers.Error
		if !errors.As(err, &e) || !errors.As(wantErr, &we) {
			t.Fatalf("unclassified error %T", err)
		}
		if e.Kind != we.Kind || e.Error() != we.Error() || (e.Err == nil) != (we.Err == nil) ||
			(e.Err != nil && e.Err.Error() != we.Err.Error()) {
			t.Fatalf("FromAnthropic error %v (%v), want %v (%v)", e, e.Err, we, we.Err)
		}
		return fast
	}
	if !reflect.DeepEqual(resp, wantResp) {
		t.Fatalf("FromAnthropic differs for %s\n got %s\nwant %s", body, mustJSON(t, resp), mustJSON(t, wantResp))
	}
	return fast
}

// A complete answer as the API writes it (compact), with every member
// the decoder reads and several it skips.
const fullResponse = `{"id":"msg_1","type":"message","role":"assistant","model":"claude-x",` +
	`"content":[{"type":"thinking","thinking":"hm","signature":"Eq=="},` +
	`{"type":"text","text":"Hi","citations":[{"type":"char_location","cited_text":"c","document_index":0,"start_char_index":0,"end_char_index":1}]},` +
	`{"type":"tool_use","id":"toolu_1","name":"f","input":{"a":[1,2.5,-3e2,0.1E+2,true,false,null,"s\n"],"b":{}}}],` +
	`"stop_reason":"tool_use","stop_sequence":null,"usage":{"input_tokens":10,"cache_creation_input_tokens":0,` +
	`"cache_read_input_tokens":5,"cache_creation":{"ephemeral_5m_input_tokens":0,"ephemeral_1h_input_tokens":0},` +
	`"output_tokens":20,"service_tier":"standard","server_tool_use":{"web_search_requests":1},"output_tokens_details":{"thinking_tokens":3}}}`

// withBlock is a minimal answer around one content block.
func withBlock(block string) string {
	return `{"id":"m","type":"message","content":[` + block + `],"usage":{"output_tokens":1}}`
}

// withUsage is a minimal answer around a usage object.
func withUsage(usage string) string {
	return `{"id":"m","content":[],"usage":` + usage + `}`
}

var decodeResponseCases = []struct {
	name string
	body string
	fast bool // the fast path must take it (true) or leave it (false)
}{
	{"full", fullResponse, true},
	{"pretty", "{\n  \"id\" : \"m\",\r\n\t\"content\" : [ { \"type\" : \"text\" , \"text\" : \"x\" } ] ,\n \"usage\" : { \"input_tokens\" : 1 }\n}\n", true},
	{"empty object", `{}`, true},
	{"escapes", withBlock(`{"type":"text","text":"a\nb\"\\\/\b\f\r\t\u00e9\u2028\ud83d\ude00"}`), true},
	{"lone surrogate", withBlock(`{"type":"text","text":"\ud800 \udc00x \ud83d\u0041"}`), true},
	{"invalid UTF-8", withBlock("{\"type\":\"text\",\"text\":\"\xff\xfe \xed\xa0\x80 é\"}"), true},
	{"escaped word", `{"type":"mess\u0061ge","stop_reason":"end_turn","role":"\u0061ssistant"}`, true},
	{"unusual words", `{"type":"message_v2","stop_reason":"pause_turn","role":"user"}`, true},
	{"stop sequence", `{"stop_reason":"stop_sequence","stop_sequence":"\n\nHuman:"}`, true},
	{"redacted thinking", withBlock(`{"type":"redacted_thinking","data":"abc"}`), true},
	{"server tool use", withBlock(`{"type":"server_tool_use","id":"srvtoolu_1","name":"web_search","input":{"query":"q"}}`), true},
	{"unknown block type", withBlock(`{"type":"hologram","depth":3}`), true},
	{"input null", withBlock(`{"type":"tool_use","id":"t","name":"f","input":null}`), true},
	{"input string", withBlock(`{"type":"tool_use","id":"t","name":"f","input":"x y"}`), true},
	{"input number", withBlock(`{"type":"tool_use","input":-0.5e-3}`), true},
	{"input spaced", withBlock(`{"type":"tool_use","input" : { "a" : [ 1 , 2 ] , "b" : "c d" } }`), true},
	{"input deep", withBlock(`{"type":"tool_use","input":` + strings.Repeat("[", 90) + strings.Repeat("]", 90) + `}`), true},
	{"content null", `{"content":null}`, true},
	{"nulls", `{"id":null,"type":null,"role":null,"model":null,"stop_reason":null,"stop_sequence":null,"usage":null}`, true},
	{"block nulls", withBlock(`{"type":null,"text":null,"id":null,"name":null}`), true},
	{"empty block", withBlock(`{}`), true},
	{"many blocks", `{"content":[{"type":"text","text":"1"},{"type":"text","text":"2"},{"type":"text","text":"3"},{"type":"text","text":"4"},{"type":"text","text":"5"},{"type":"text","text":"6"}]}`, true},
	{"usage empty", withUsage(`{}`), true},
	{"usage nulls", withUsage(`{"input_tokens":null,"output_tokens":null,"cache_read_input_tokens":null,"cache_creation_input_tokens":null,"output_tokens_details":null}`), true},
	{"usage signs", withUsage(`{"input_tokens":-5,"output_tokens":-0,"cache_read_input_tokens":0,"cache_creation_input_tokens":999999999999999999}`), true},
	{"details empty", withUsage(`{"output_tokens_details":{}}`), true},
	{"details null count", withUsage(`{"output_tokens_details":{"thinking_tokens":null,"other":[1]}}`), true},
	{"unknown members", `{"container":{"id":"c","expires_at":"2025-01-01T00:00:00Z"},"context_management":null,"":1,"IDX":[],"x":-1.5E-7}`, true},
	{"trailing space", "{\"id\":\"m\"} \n\t\r", true},

	{"folded key", `{"ID":"m"}`, false},
	{"folded usage", withUsage(`{"Input_Tokens":5}`), false},
	{"folded block", withBlock(`{"Type":"text"}`), false},
	{"unicode fold", `{"ſtop_reason":"end_turn"}`, false},
	{"kelvin fold", withUsage("{\"output_to\u212aens\":1}"), false},
	{"non-ASCII unknown key", `{"modèle":"x"}`, false},
	{"escaped key", `{"\u0069d":"m"}`, false},
	{"duplicate", `{"id":"a","id":"b"}`, false},
	{"duplicate usage", `{"usage":{"input_tokens":1},"usage":{"output_tokens":2}}`, false},
	{"duplicate count", withUsage(`{"input_tokens":1,"input_tokens":2}`), false},
	{"duplicate input", withBlock(`{"input":{},"input":[]}`), false},
	{"float count", withUsage(`{"input_tokens":1.0}`), false},
	{"exponent count", withUsage(`{"input_tokens":1e3}`), false},
	{"huge count", withUsage(`{"input_tokens":12345678901234567890}`), false},
	{"string count", withUsage(`{"input_tokens":"5"}`), false},
	{"float thinking", withUsage(`{"output_tokens_details":{"thinking_tokens":2.5}}`), false},
	{"number id", `{"id":5}`, false},
	{"bool text", withBlock(`{"text":true}`), false},
	{"content object", `{"content":{}}`, false},
	{"null block", `{"content":[null]}`, false},
	{"string block", `{"content":["x"]}`, false},
	{"tool result", withBlock(`{"type":"tool_result","tool_use_id":"t","content":"x","is_error":true}`), false},
	{"source", withBlock(`{"type":"image","source":{"type":"url","url":"u"}}`), false},
	{"usage array", withUsage(`[]`), false},
	{"details array", withUsage(`{"output_tokens_details":[]}`), false},
	{"top null", `null`, false},
	{"top array", `[]`, false},
	{"empty", ``, false},
	{"bom", "\xef\xbb\xbf{}", false},
	{"trailing value", `{} {}`, false},
	{"trailing comma", `{"id":"m",}`, false},
	{"trailing element comma", `{"content":[{"type":"text"},]}`, false},
	{"unterminated", `{"id":"m"`, false},
	{"unterminated string", `{"id":"m`, false},
	{"bad escape", `{"id":"\x"}`, false},
	{"short unicode escape", `{"id":"\u12"}`, false},
	{"control character", "{\"id\":\"a\x01b\"}", false},
	{"leading zero", `{"x":01}`, false},
	{"bare minus", `{"x":-}`, false},
	{"bare fraction", `{"x":1.}`, false},
	{"no integer part", `{"x":.5}`, false},
	{"bare exponent", `{"x":1e}`, false},
	{"literal typo", `{"x":tru}`, false},
	{"glued literal", `{"x":nullx}`, false},
	{"glued number", `{"x":1x}`, false},
	{"missing colon", `{"x" 1}`, false},
	{"missing value", `{"x":}`, false},
	{"bad inner object", `{"x":{"a"}}`, false},
	{"number key", `{"x":{1:2}}`, false},
	{"inner trailing comma", `{"x":[1,]}`, false},
	{"deep unknown", `{"x":` + strings.Repeat("[", 150) + strings.Repeat("]", 150) + `}`, false},
	{"too deep", `{"x":` + strings.Repeat("[", 10001) + strings.Repeat("]", 10001) + `}`, false},
	{"error body", `{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}`, true},
}

func TestDecodeResponseMatchesUnmarshal(t *testing.T) {
	for _, c := range decodeResponseCases {
		t.Run(c.name, func(t *testing.T) {
			if fast := checkDecodeResponse(t, []byte(c.body)); fast != c.fast {
				t.Errorf("fast path taken: %v, want %v", fast, c.fast)
			}
		})
	}
	for _, name := range casesIn(t, "from_anthropic") {
		if !checkDecodeResponse(t, readTestdata(t, "from_anthropic/"+name+".json")) {
			t.Errorf("%s: the fast path left an ordinary answer to encoding/json", name)
		}
	}
}

// The decoder's field lists must name every field encoding/json would
// fill: a field added to a wire struct and missing here would be skipped.
// (The order is the decoder's own: its member functions number fields.)
func TestResponseFieldLists(t *testing.T) {
	names := func(typ reflect.Type) []string {
		var out []string
		for f := range typ.Fields() {
			if f.IsExported() {
				out = append(out, strings.Split(f.Tag.Get("json"), ",")[0])
			}
		}
		return out
	}
	usage := reflect.TypeFor[wireUsage]()
	details, _ := usage.FieldByName("OutputTokensDetails")
	for _, c := range []struct {
		typ  reflect.Type
		list []string
	}{
		{reflect.TypeFor[wireResponse](), responseFields},
		{reflect.TypeFor[Block](), blockFields},
		{usage, usageFields},
		{details.Type.Elem(), detailsFields},
	} {
		if got, known := names(c.typ), slices.Sorted(slices.Values(c.list)); !reflect.DeepEqual(slices.Sorted(slices.Values(got)), known) {
			t.Errorf("%v: JSON names %q, decoder knows %q", c.typ, got, c.list)
		}
	}
}

// The tool input is decoded as a slice of the body: the answer must not
// depend on the body once FromAnthropic has returned.
func TestFromAnthropicDoesNotKeepBody(t *testing.T) {
	body := []byte(withBlock(`{"type":"tool_use","id":"t","name":"f","input":{"a":"b"}}`))
	resp, err := FromAnthropic(body, 1)
	if err != nil {
		t.Fatal(err)
	}
	for i := range body {
		body[i] = 'x'
	}
	if got := resp.Choices[0].Message.ToolCalls[0].Function.Arguments; got != `{"a":"b"}` {
		t.Errorf("arguments changed with the body: %q", got)
	}
}

// FuzzDecodeResponse compares the fast decoder with json.Unmarshal.
func FuzzDecodeResponse(f *testing.F) {
	seedFiles(f, "from_anthropic/*.json")
	for _, c := range decodeResponseCases {
		if len(c.body) < 1000 {
			f.Add([]byte(c.body))
		}
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		checkDecodeResponse(t, body)
	})
}
