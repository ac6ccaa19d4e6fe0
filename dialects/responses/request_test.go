package responses

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

func mustDecode(t *testing.T, body string) *Request {
	t.Helper()
	r, err := Decode([]byte(body))
	if err != nil {
		t.Fatalf("Decode(%s): %v", body, err)
	}
	return r
}

func TestDecodeStringInput(t *testing.T) {
	r := mustDecode(t, `{"model":"m","input":"Hi","instructions":"Be brief."}`)
	if !r.InputString || len(r.Input) != 1 || r.Input[0].Role != "user" || r.Input[0].Content[0].Text != "Hi" {
		t.Fatalf("input = %+v", r.Input)
	}
	if !r.Store {
		t.Error("store must default to true")
	}
	c := r.ChatRequest(nil)
	want := []providers.Message{
		{Role: "system", Content: providers.TextContent("Be brief.")},
		{Role: "user", Content: providers.TextContent("Hi")},
	}
	if !reflect.DeepEqual(c.Messages, want) {
		t.Fatalf("messages = %+v", c.Messages)
	}
}

// TestDecodeAgentLoop is a typical agent turn: developer prompt, a user
// message with an image, the model's earlier text and two parallel calls,
// their outputs, a reasoning item, all settings.
func TestDecodeAgentLoop(t *testing.T) {
	body := `{
	  "model": "claude-x",
	  "instructions": "sys",
	  "input": [
	    {"role": "developer", "content": "dev rules"},
	    {"type": "message", "role": "user", "content": [
	      {"type": "input_text", "text": "What is in "},
	      {"type": "input_image", "image_url": "https://example.com/a.png", "detail": "low"}]},
	    {"type": "reasoning", "id": "rs_1", "summary": [{"type": "summary_text", "text": "thinking"}], "encrypted_content": "gAAA"},
	    {"type": "message", "role": "assistant", "id": "msg_1", "status": "completed",
	      "content": [{"type": "output_text", "text": "Checking.", "annotations": []}]},
	    {"type": "function_call", "id": "fc_1", "call_id": "call_a", "name": "weather", "arguments": "{\"city\":\"Paris\"}"},
	    {"type": "function_call", "id": "fc_2", "call_id": "call_b", "name": "clock", "arguments": "{}"},
	    {"type": "function_call_output", "call_id": "call_a", "output": "sunny"},
	    {"type": "function_call_output", "call_id": "call_b", "output": [{"type": "input_text", "text": "12:00"}]}
	  ],
	  "tools": [{"type": "function", "name": "weather", "description": "d", "parameters": {"type": "object"}, "strict": true},
	            {"type": "function", "name": "clock", "parameters": {"type": "object"}}],
	  "tool_choice": {"type": "function", "name": "weather"},
	  "parallel_tool_calls": false,
	  "max_output_tokens": 500,
	  "temperature": 0.5,
	  "top_p": 0.9,
	  "text": {"format": {"type": "json_schema", "name": "out", "schema": {"type": "object"}, "strict": true}, "verbosity": "low"},
	  "reasoning": {"effort": "high", "summary": "auto"},
	  "store": false,
	  "metadata": {"k": "v"},
	  "safety_identifier": "u1",
	  "include": ["reasoning.encrypted_content"],
	  "truncation": "auto",
	  "stream": true,
	  "service_tier": "auto",
	  "prompt_cache_key": "pk"
	}`
	r := mustDecode(t, body)
	if r.OpenAIOnly != nil {
		t.Fatalf("OpenAIOnly = %+v", r.OpenAIOnly)
	}
	if r.Store || !r.Stream || r.Truncation != "auto" || r.SafetyIdentifier != "u1" || r.Metadata["k"] != "v" {
		t.Errorf("settings: %+v", r)
	}
	if rs := r.Input[2]; rs.Type != "reasoning" || rs.Summary[0] != "thinking" || *rs.EncryptedContent != "gAAA" {
		t.Errorf("reasoning item = %+v", rs)
	}
	c := r.ChatRequest([]providers.Message{{Role: "user", Content: providers.TextContent("earlier")}})
	strict := true
	wantTools := []providers.Tool{
		{Type: "function", Function: providers.FunctionDef{Name: "weather", Description: "d", Parameters: json.RawMessage(`{"type": "object"}`), Strict: &strict}},
		{Type: "function", Function: providers.FunctionDef{Name: "clock", Parameters: json.RawMessage(`{"type": "object"}`)}},
	}
	if !reflect.DeepEqual(c.Tools, wantTools) {
		t.Errorf("tools = %+v", c.Tools)
	}
	if c.ToolChoice.Function != "weather" || *c.ParallelToolCalls || *c.MaxCompletionTokens != 500 ||
		*c.Temperature != 0.5 || *c.TopP != 0.9 || c.ReasoningEffort != "high" || c.User != "u1" || !c.IncludeUsage() {
		t.Errorf("chat request = %+v", c)
	}
	if c.ResponseFormat.Type != "json_schema" || string(c.ResponseFormat.JSONSchema) != `{"name":"out","schema":{"type":"object"},"strict":true}` {
		t.Errorf("response_format = %s %s", c.ResponseFormat.Type, c.ResponseFormat.JSONSchema)
	}
	want := []providers.Message{
		{Role: "system", Content: providers.TextContent("sys")},
		{Role: "user", Content: providers.TextContent("earlier")},
		{Role: "system", Content: providers.TextContent("dev rules")},
		{Role: "user", Content: providers.Content{Parts: []providers.ContentPart{
			{Type: "text", Text: "What is in "},
			{Type: "image_url", ImageURL: &providers.ImageURL{URL: "https://example.com/a.png", Detail: "low"}}}}},
		{Role: "assistant", Content: providers.TextContent("Checking."), ToolCalls: []providers.ToolCall{
			{ID: "call_a", Type: "function", Function: providers.FunctionCall{Name: "weather", Arguments: `{"city":"Paris"}`}},
			{ID: "call_b", Type: "function", Function: providers.FunctionCall{Name: "clock", Arguments: `{}`}}}},
		{Role: "tool", ToolCallID: "call_a", Content: providers.TextContent("sunny")},
		{Role: "tool", ToolCallID: "call_b", Content: providers.TextContent("12:00")},
	}
	if !reflect.DeepEqual(c.Messages, want) {
		got, _ := json.Marshal(c.Messages)
		t.Fatalf("messages =\n%s", got)
	}
	if c.Original.Body != nil {
		t.Error("a translated request carries no original body")
	}
}

func TestDecodeFunctionCallWithoutAssistantText(t *testing.T) {
	r := mustDecode(t, `{"model":"m","input":[{"role":"user","content":"q"},
		{"type":"function_call","call_id":"c","name":"f","arguments":"{}"},
		{"type":"function_call_output","call_id":"c","output":"r"}]}`)
	msgs := r.ChatRequest(nil).Messages
	if len(msgs) != 3 || msgs[1].Role != "assistant" || !msgs[1].Content.IsEmpty() || msgs[1].ToolCalls[0].ID != "c" {
		t.Fatalf("messages = %+v", msgs)
	}
}

func TestDecodeTextFormats(t *testing.T) {
	for body, want := range map[string]string{
		`{"model":"m","input":"x","text":{"format":{"type":"text"}}}`:        "",
		`{"model":"m","input":"x","text":{"format":{"type":"json_object"}}}`: "json_object",
		`{"model":"m","input":"x"}`:                                          "",
	} {
		rf := mustDecode(t, body).ChatRequest(nil).ResponseFormat
		got := ""
		if rf != nil {
			got = rf.Type
		}
		if got != want {
			t.Errorf("%s: response_format %q, want %q", body, got, want)
		}
	}
}

// TestDecodeOpenAIOnly: hosted tools and server-side features decode, and
// the first one is recorded with its path so the pipeline can refuse it.
func TestDecodeOpenAIOnly(t *testing.T) {
	cases := []struct{ body, name, param string }{
		{`{"model":"m","input":"x","tools":[{"type":"function","name":"f"},{"type":"web_search_preview"}]}`, "web_search_preview tool", "tools[1]"},
		{`{"model":"m","input":"x","tools":[{"type":"file_search","vector_store_ids":["v"]},{"type":"code_interpreter","container":{"type":"auto"}}]}`, "file_search tool", "tools[0]"},
		{`{"model":"m","input":"x","tools":[{"type":"computer_use_preview","display_width":1,"display_height":1,"environment":"browser"}]}`, "computer_use_preview tool", "tools[0]"},
		{`{"model":"m","input":"x","background":true}`, "background mode", "background"},
		{`{"model":"m","input":"x","tool_choice":{"type":"web_search_preview"}}`, "tool_choice web_search_preview", "tool_choice"},
		{`{"model":"m","input":[{"role":"user","content":[{"type":"input_file","file_id":"file-1"}]}]}`, "input_file content", "input[0].content[0]"},
		{`{"model":"m","input":[{"role":"user","content":[{"type":"input_image","file_id":"file-1"}]}]}`, "input_image by file_id", "input[0].content[0].file_id"},
		{`{"model":"m","input":[{"type":"item_reference","id":"msg_1"}]}`, "item_reference input item", "input[0]"},
		{`{"model":"m","input":[{"type":"web_search_call","id":"ws_1","status":"completed"}]}`, "web_search_call input item", "input[0]"},
		{`{"model":"m","conversation":"conv_1","input":"x"}`, "conversation", "conversation"},
		{`{"model":"m","prompt":{"id":"pmpt_1"}}`, "prompt templates (prompt)", "prompt"},
	}
	for _, c := range cases {
		r := mustDecode(t, c.body)
		if r.OpenAIOnly == nil || r.OpenAIOnly.Name != c.name || r.OpenAIOnly.Param != c.param {
			t.Errorf("%s: OpenAIOnly = %+v, want %s at %s", c.body, r.OpenAIOnly, c.name, c.param)
			continue
		}
		e := r.OpenAIOnly.Error("anthropic")
		if e.HTTPStatus() != 400 || e.Param != c.param || e.Kind != providers.KindInvalidRequest {
			t.Errorf("%s: error %+v", c.body, e)
		}
	}
	if r := mustDecode(t, `{"model":"m","input":"x","background":false}`); r.OpenAIOnly != nil {
		t.Errorf("background false is not OpenAI-only: %+v", r.OpenAIOnly)
	}
}

// TestDecodeErrors: every refusal is a 400 naming the JSON path.
func TestDecodeErrors(t *testing.T) {
	cases := []struct{ body, param, code string }{
		{`{"input":"x"}`, "model", codeMissingParameter},
		{`{"model":"m"}`, "input", codeMissingParameter},
		{`{"model":5,"input":"x"}`, "model", codeInvalidType},
		{`{"model":"m","input":"x","frobnicate":1}`, "frobnicate", codeUnknownParameter},
		{`{"model":"m","input":"x","messages":[]}`, "messages", codeUnknownParameter},
		{`{"model":"m","input":"x","model":"n"}`, "model", codeInvalidValue},
		{`{"model":"m","input":5}`, "input", codeInvalidType},
		{`{"model":"m","input":[{"role":"tool","content":"x"}]}`, "input[0].role", codeInvalidValue},
		{`{"model":"m","input":[{"role":"user"}]}`, "input[0].content", codeMissingParameter},
		{`{"model":"m","input":[{"content":"x"}]}`, "input[0].type", codeMissingParameter},
		{`{"model":"m","input":["x"]}`, "input[0]", codeInvalidType},
		{`{"model":"m","input":[{"role":"user","content":"a"},{"role":"user","content":[{"type":"input_text","text":"b"},{"type":"input_image","image_url":"ftp://x"}]}]}`, "input[1].content[1].image_url", codeInvalidValue},
		{`{"model":"m","input":[{"role":"user","content":[{"type":"input_image"}]}]}`, "input[0].content[0].image_url", codeMissingParameter},
		{`{"model":"m","input":[{"role":"system","content":[{"type":"input_image","image_url":"https://x"}]}]}`, "input[0].content[0]", codeInvalidValue},
		{`{"model":"m","input":[{"role":"user","content":[{"text":"x"}]}]}`, "input[0].content[0].type", codeMissingParameter},
		{`{"model":"m","input":[{"type":"function_call","call_id":"c"}]}`, "input[0]", codeMissingParameter},
		{`{"model":"m","input":[{"type":"function_call_output","output":"x"}]}`, "input[0].call_id", codeMissingParameter},
		{`{"model":"m","input":[{"type":"function_call_output","call_id":"c"}]}`, "input[0].output", codeMissingParameter},
		{`{"model":"m","input":[{"type":"reasoning","summary":[{}]}]}`, "input[0].summary[0].text", codeMissingParameter},
		{`{"model":"m","input":"x","tools":[{"type":"function"}]}`, "tools[0].name", codeMissingParameter},
		{`{"model":"m","input":"x","tools":[{"name":"f"}]}`, "tools[0].type", codeMissingParameter},
		{`{"model":"m","input":"x","tools":[{"type":"function","name":"f","parameters":"{}"}]}`, "tools[0].parameters", codeInvalidType},
		{`{"model":"m","input":"x","tool_choice":"any"}`, "tool_choice", codeInvalidValue},
		{`{"model":"m","input":"x","tool_choice":{"type":"function"}}`, "tool_choice.name", codeMissingParameter},
		{`{"model":"m","input":"x","max_output_tokens":5}`, "max_output_tokens", "integer_below_min_value"},
		{`{"model":"m","input":"x","max_output_tokens":"5"}`, "max_output_tokens", codeInvalidType},
		{`{"model":"m","input":"x","temperature":3}`, "temperature", codeInvalidValue},
		{`{"model":"m","input":"x","top_p":-1}`, "top_p", codeInvalidValue},
		{`{"model":"m","input":"x","text":{"format":{"type":"xml"}}}`, "text.format.type", codeInvalidValue},
		{`{"model":"m","input":"x","text":{"format":{"type":"json_schema","schema":{}}}}`, "text.format.name", codeMissingParameter},
		{`{"model":"m","input":"x","text":{"format":{"type":"json_schema","name":"n"}}}`, "text.format.schema", codeMissingParameter},
		{`{"model":"m","input":"x","text":{"fmt":{}}}`, "text.fmt", codeUnknownParameter},
		{`{"model":"m","input":"x","reasoning":{"effort":"max"}}`, "reasoning.effort", codeInvalidValue},
		{`{"model":"m","input":"x","reasoning":{"budget":1}}`, "reasoning.budget", codeUnknownParameter},
		{`{"model":"m","input":"x","store":"yes"}`, "store", codeInvalidType},
		{`{"model":"m","input":"x","truncation":"middle"}`, "truncation", codeInvalidValue},
		{`{"model":"m","input":"x","metadata":{"a":1}}`, "metadata", codeInvalidType},
		{`{"model":"m","input":"x","include":"a"}`, "include", codeInvalidType},
	}
	for _, c := range cases {
		_, err := Decode([]byte(c.body))
		var e *providers.Error
		if !errors.As(err, &e) {
			t.Errorf("%s: err = %v, want *providers.Error", c.body, err)
			continue
		}
		if e.Kind != providers.KindInvalidRequest || e.HTTPStatus() != 400 || e.Param != c.param || e.Code != c.code {
			t.Errorf("%s: got param %q code %q kind %v (%s), want param %q code %q", c.body, e.Param, e.Code, e.Kind, e.Message, c.param, c.code)
		}
	}
}

func TestDecodeBodyErrors(t *testing.T) {
	for _, body := range []string{``, `[]`, `{"model":`, `{"model":"m","input":"x"} {}`, `nul`} {
		_, err := Decode([]byte(body))
		var e *providers.Error
		if !errors.As(err, &e) || e.Kind != providers.KindInvalidRequest {
			t.Errorf("%q: err = %v", body, err)
		}
	}
	deep := `{"model":"m","input":"x","metadata":` + repeat("[", 200) + repeat("]", 200) + `}`
	if _, err := Decode([]byte(deep)); err == nil {
		t.Error("deep nesting accepted")
	}
}

// TestDecodeNullIsAbsent: OpenAI's SDKs send explicit nulls for unset
// optional fields.
func TestDecodeNullIsAbsent(t *testing.T) {
	r := mustDecode(t, `{"model":"m","input":"x","instructions":null,"tools":null,"tool_choice":null,"store":null,
		"temperature":null,"previous_response_id":null,"text":null,"reasoning":null,"background":null,"conversation":null,"prompt_cache_key":null}`)
	if r.Instructions != nil || r.Tools != nil || r.ToolChoice != nil || !r.Store || r.OpenAIOnly != nil || r.Text != nil {
		t.Fatalf("%+v", r)
	}
}

func TestIgnoredFieldsAccepted(t *testing.T) {
	for _, f := range IgnoredFields {
		if _, err := Decode([]byte(`{"model":"m","input":"x","` + f + `":1}`)); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}

func repeat(s string, n int) string {
	out := ""
	for range n {
		out += s
	}
	return out
}
