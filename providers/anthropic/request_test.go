package anthropic

import (
	"testing"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// TestToAnthropicExact pins the exact body for each request mapping.
func TestToAnthropicExact(t *testing.T) {
	const m = "claude-sonnet-4-5"
	tests := []struct {
		name string
		in   string
		opts Options
		want string
	}{
		{
			name: "plain user text, default max_tokens from the model table",
			in:   `{"model":"pub","messages":[{"role":"user","content":"Hi"}]}`,
			want: `{"model":"claude-sonnet-4-5","max_tokens":64000,"messages":[{"role":"user","content":"Hi"}]}`,
		},
		{
			name: "max_completion_tokens wins over max_tokens",
			in:   `{"model":"pub","max_tokens":10,"max_completion_tokens":20,"messages":[{"role":"user","content":"Hi"}]}`,
			want: `{"model":"claude-sonnet-4-5","max_tokens":20,"messages":[{"role":"user","content":"Hi"}]}`,
		},
		{
			name: "max_tokens, then the configured default",
			in:   `{"model":"pub","max_tokens":10,"messages":[{"role":"user","content":"Hi"}]}`,
			opts: Options{DefaultMaxTokens: 99},
			want: `{"model":"claude-sonnet-4-5","max_tokens":10,"messages":[{"role":"user","content":"Hi"}]}`,
		},
		{
			name: "configured default when the client set none",
			in:   `{"model":"pub","messages":[{"role":"user","content":"Hi"}]}`,
			opts: Options{DefaultMaxTokens: 99},
			want: `{"model":"claude-sonnet-4-5","max_tokens":99,"messages":[{"role":"user","content":"Hi"}]}`,
		},
		{
			name: "one system message is a string",
			in:   `{"model":"pub","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hi"}]}`,
			want: `{"model":"claude-sonnet-4-5","max_tokens":64000,"system":"Be brief.","messages":[{"role":"user","content":"Hi"}]}`,
		},
		{
			name: "system and developer hoisted in order as blocks, images and blanks dropped",
			in: `{"model":"pub","messages":[{"role":"system","content":"A"},{"role":"user","content":"Hi"},
				{"role":"developer","content":[{"type":"text","text":"B"},{"type":"image_url","image_url":{"url":"https://x/i.png"}},{"type":"text","text":" "}]}]}`,
			want: `{"model":"claude-sonnet-4-5","max_tokens":64000,"system":[{"type":"text","text":"A"},{"type":"text","text":"B"}],"messages":[{"role":"user","content":"Hi"}]}`,
		},
		{
			name: "sampling, stop (blank dropped), user, stream",
			in:   `{"model":"pub","messages":[{"role":"user","content":"Hi"}],"temperature":0.5,"top_p":0.9,"top_k":40,"stop":["END"," ",""],"user":"u-1"}`,
			opts: Options{Stream: true},
			want: `{"model":"claude-sonnet-4-5","max_tokens":64000,"messages":[{"role":"user","content":"Hi"}],"metadata":{"user_id":"u-1"},"stop_sequences":["END"],"stream":true,"temperature":0.5,"top_k":40,"top_p":0.9}`,
		},
		{
			name: "stop as a single string",
			in:   `{"model":"pub","messages":[{"role":"user","content":"Hi"}],"stop":"###"}`,
			want: `{"model":"claude-sonnet-4-5","max_tokens":64000,"messages":[{"role":"user","content":"Hi"}],"stop_sequences":["###"]}`,
		},
		{
			name: "temperature above Anthropic's range is clamped to 1",
			in:   `{"model":"pub","messages":[{"role":"user","content":"Hi"}],"temperature":1.7}`,
			want: `{"model":"claude-sonnet-4-5","max_tokens":64000,"messages":[{"role":"user","content":"Hi"}],"temperature":1}`,
		},
		{
			name: "consecutive same-role turns merged; empty messages dropped",
			in: `{"model":"pub","messages":[{"role":"user","content":"a"},{"role":"user","content":""},{"role":"user","content":[{"type":"text","text":"b"}]},
				{"role":"assistant","content":"c"},{"role":"assistant","content":null},{"role":"assistant","content":"d"},{"role":"user","content":"e"}]}`,
			want: `{"model":"claude-sonnet-4-5","max_tokens":64000,"messages":[{"role":"user","content":[{"type":"text","text":"a"},{"type":"text","text":"b"}]},{"role":"assistant","content":[{"type":"text","text":"c"},{"type":"text","text":"d"}]},{"role":"user","content":"e"}]}`,
		},
		{
			name: "final assistant turn is prefill without trailing whitespace",
			in:   `{"model":"pub","messages":[{"role":"user","content":"Say"},{"role":"assistant","content":"The answer is \n"}]}`,
			want: `{"model":"claude-sonnet-4-5","max_tokens":64000,"messages":[{"role":"user","content":"Say"},{"role":"assistant","content":"The answer is"}]}`,
		},
		{
			name: "assistant first is kept (the API accepts it)",
			in:   `{"model":"pub","messages":[{"role":"assistant","content":"Hello!"},{"role":"user","content":"Hi"}]}`,
			want: `{"model":"claude-sonnet-4-5","max_tokens":64000,"messages":[{"role":"assistant","content":"Hello!"},{"role":"user","content":"Hi"}]}`,
		},
		{
			name: "tools: missing parameters get an empty object schema",
			in: `{"model":"pub","messages":[{"role":"user","content":"Hi"}],"tools":[
				{"type":"function","function":{"name":"now","description":"Current time"}},
				{"type":"function","function":{"name":"w","parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}]}`,
			want: `{"model":"claude-sonnet-4-5","max_tokens":64000,"messages":[{"role":"user","content":"Hi"}],"tools":[{"name":"now","description":"Current time","input_schema":{"type":"object","properties":{}}},{"name":"w","input_schema":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}]}`,
		},
		{
			name: "images: data URL to base64 source, https URL to url source",
			in: `{"model":"pub","messages":[{"role":"user","content":[{"type":"text","text":"What?"},
				{"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}},
				{"type":"image_url","image_url":{"url":"data:image/jpg;base64,/9j/4AAQ","detail":"high"}},
				{"type":"image_url","image_url":{"url":"https://example.com/cat.webp"}}]}]}`,
			want: `{"model":"claude-sonnet-4-5","max_tokens":64000,"messages":[{"role":"user","content":[{"type":"text","text":"What?"},{"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw0KGgo="}},{"type":"image","source":{"type":"base64","media_type":"image/jpeg","data":"/9j/4AAQ"}},{"type":"image","source":{"type":"url","url":"https://example.com/cat.webp"}}]}]}`,
		},
		{
			name: "json_object adds an instruction to system",
			in:   `{"model":"pub","messages":[{"role":"system","content":"S"},{"role":"user","content":"Hi"}],"response_format":{"type":"json_object"}}`,
			want: `{"model":"claude-sonnet-4-5","max_tokens":64000,"system":[{"type":"text","text":"S"},{"type":"text","text":"Respond only with a single valid JSON object, with no text, explanation or code fences before or after it."}],"messages":[{"role":"user","content":"Hi"}]}`,
		},
		{
			name: "json_schema instruction carries the schema",
			in:   `{"model":"pub","messages":[{"role":"user","content":"Hi"}],"response_format":{"type":"json_schema","json_schema":{"name":"x","schema":{"type":"object"}}}}`,
			want: `{"model":"claude-sonnet-4-5","max_tokens":64000,"system":"Respond only with a single valid JSON object, with no text, explanation or code fences before or after it. The object must conform to this JSON Schema: {\"type\":\"object\"}","messages":[{"role":"user","content":"Hi"}]}`,
		},
		{
			name: "text response_format changes nothing; html stays unescaped",
			in:   `{"model":"pub","messages":[{"role":"user","content":"<b>&</b>"}],"response_format":{"type":"text"}}`,
			want: `{"model":"claude-sonnet-4-5","max_tokens":64000,"messages":[{"role":"user","content":"<b>&</b>"}]}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.opts.Model == "" {
				tt.opts.Model = m
			}
			got, err := ToAnthropic(unified(t, tt.in), tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

// TestToAnthropicToolTurns covers the tool loop: assistant tool_calls become
// tool_use blocks, tool messages become tool_result blocks merged into one
// user turn (results first, then the user's text).
func TestToAnthropicToolTurns(t *testing.T) {
	in := `{"model":"pub","messages":[
		{"role":"user","content":"Weather in Paris and Rome?"},
		{"role":"assistant","content":"Checking.","tool_calls":[
			{"id":"call_1","type":"function","function":{"name":"weather","arguments":"{\"city\": \"Paris\"}"}},
			{"id":"call_2","type":"function","function":{"name":"weather","arguments":"{\"city\":\"Rome\"}"}}]},
		{"role":"tool","tool_call_id":"call_1","content":"18C"},
		{"role":"tool","tool_call_id":"call_2","content":[{"type":"text","text":"21C"}]},
		{"role":"user","content":"Thanks, and?"}]}`
	want := `{"model":"m","max_tokens":4096,"messages":[` +
		`{"role":"user","content":"Weather in Paris and Rome?"},` +
		`{"role":"assistant","content":[{"type":"text","text":"Checking."},` +
		`{"type":"tool_use","id":"call_1","name":"weather","input":{"city":"Paris"}},` +
		`{"type":"tool_use","id":"call_2","name":"weather","input":{"city":"Rome"}}]},` +
		`{"role":"user","content":[{"type":"tool_result","tool_use_id":"call_1","content":"18C"},` +
		`{"type":"tool_result","tool_use_id":"call_2","content":[{"type":"text","text":"21C"}]},` +
		`{"type":"text","text":"Thanks, and?"}]}]}`
	got, err := ToAnthropic(unified(t, in), Options{Model: "m"})
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestToAnthropicToolResultsMovedBeforeText(t *testing.T) {
	in := `{"model":"pub","messages":[{"role":"user","content":"q"},
		{"role":"assistant","tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":""}}]},
		{"role":"user","content":"also this"},
		{"role":"tool","tool_call_id":"c1","content":""}]}`
	m := toAnthropicMap(t, in, Options{Model: "m"})
	msgs := m["messages"].([]any)
	last := msgs[2].(map[string]any)["content"].([]any)
	if got := mustJSON(t, last); got != `[{"tool_use_id":"c1","type":"tool_result"},{"text":"also this","type":"text"}]` {
		t.Errorf("user turn = %s", got)
	}
	use := msgs[1].(map[string]any)["content"].([]any)[0].(map[string]any)
	if mustJSON(t, use["input"]) != `{}` {
		t.Errorf("empty arguments should become {}, got %s", mustJSON(t, use["input"]))
	}
}

func TestToolInput(t *testing.T) {
	tests := map[string]string{
		``:                   `{}`,
		`   `:                `{}`,
		`{"a":1}`:            `{"a":1}`,
		` {"a": [1, 2]} `:    `{"a": [1, 2]}`,
		`{"a":`:              `{"_raw_arguments":"{\"a\":"}`,
		`[1,2]`:              `{"_raw_arguments":"[1,2]"}`,
		`"text"`:             `{"_raw_arguments":"\"text\""}`,
		`{"x":"<tag>&"}`:     `{"x":"<tag>&"}`,
		`not json at all <>`: `{"_raw_arguments":"not json at all <>"}`,
	}
	for in, want := range tests {
		if got := string(ToolInput(in)); got != want {
			t.Errorf("ToolInput(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestToolID(t *testing.T) {
	tests := map[string]string{"call_abc-1": "call_abc-1", "toolu_01X": "toolu_01X", "fc:weather#0": "fc_weather_0", "a.b/c": "a_b_c"}
	for in, want := range tests {
		if got := toolID(in); got != want {
			t.Errorf("toolID(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestToAnthropicToolChoice(t *testing.T) {
	const tools = `"tools":[{"type":"function","function":{"name":"f"}}]`
	tests := []struct{ extra, want string }{
		{`"tool_choice":"auto"`, `{"type":"auto"}`},
		{`"tool_choice":"required"`, `{"type":"any"}`},
		{`"tool_choice":"none"`, `{"type":"none"}`},
		{`"tool_choice":{"type":"function","function":{"name":"f"}}`, `{"name":"f","type":"tool"}`},
		{`"parallel_tool_calls":false`, `{"disable_parallel_tool_use":true,"type":"auto"}`},
		{`"tool_choice":"required","parallel_tool_calls":false`, `{"disable_parallel_tool_use":true,"type":"any"}`},
		{`"tool_choice":{"type":"function","function":{"name":"f"}},"parallel_tool_calls":false`, `{"disable_parallel_tool_use":true,"name":"f","type":"tool"}`},
		{`"tool_choice":"none","parallel_tool_calls":false`, `{"type":"none"}`},
		{`"parallel_tool_calls":true`, `null`},
	}
	for _, tt := range tests {
		m := toAnthropicMap(t, `{"model":"p","messages":[{"role":"user","content":"x"}],`+tools+`,`+tt.extra+`}`, Options{Model: "m"})
		if got := mustJSON(t, m["tool_choice"]); got != tt.want {
			t.Errorf("%s: tool_choice = %s, want %s", tt.extra, got, tt.want)
		}
	}
	// Without tools, tool_choice is dropped (the API rejects it).
	m := toAnthropicMap(t, `{"model":"p","messages":[{"role":"user","content":"x"}],"tool_choice":"required"}`, Options{Model: "m"})
	if _, ok := m["tool_choice"]; ok {
		t.Error("tool_choice sent without tools")
	}
}

func TestToAnthropicErrors(t *testing.T) {
	tests := []struct {
		name, in string
		kind     providers.Kind
		param    string
	}{
		{"n > 1", `{"model":"p","n":2,"messages":[{"role":"user","content":"x"}]}`, providers.KindUnsupported, "n"},
		{"only system", `{"model":"p","messages":[{"role":"system","content":"x"}]}`, providers.KindInvalidRequest, "messages"},
		{"unknown role", `{"model":"p","messages":[{"role":"function","content":"x"}]}`, providers.KindInvalidRequest, "messages[0].role"},
		{"audio part", `{"model":"p","messages":[{"role":"user","content":[{"type":"input_audio"}]}]}`, providers.KindUnsupported, "messages[0].content"},
		{"bmp image", `{"model":"p","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/bmp;base64,AAAA"}}]}]}`, providers.KindUnsupported, "messages[0].content"},
		{"non-base64 data URL", `{"model":"p","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/png,abc"}}]}]}`, providers.KindInvalidRequest, "messages[0].content"},
		{"ftp image", `{"model":"p","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"ftp://x/y.png"}}]}]}`, providers.KindInvalidRequest, "messages[0].content"},
		{"missing image_url", `{"model":"p","messages":[{"role":"user","content":[{"type":"image_url"}]}]}`, providers.KindInvalidRequest, "messages[0].content"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ToAnthropic(unified(t, tt.in), Options{Model: "m"})
			if err == nil {
				t.Fatal("no error")
			}
			e := err.(*providers.Error)
			if e.Kind != tt.kind || e.Param != tt.param {
				t.Errorf("kind %v param %q, want %v %q (%v)", e.Kind, e.Param, tt.kind, tt.param, e)
			}
		})
	}
	if _, err := ToAnthropic(nil, Options{}); err == nil {
		t.Error("nil request accepted")
	}
}

func TestToAnthropicGolden(t *testing.T) {
	for _, name := range casesIn(t, "to_anthropic") {
		t.Run(name, func(t *testing.T) {
			req := unified(t, string(readTestdata(t, "to_anthropic/"+name+".json")))
			got, err := ToAnthropic(req, Options{Model: "claude-3-5-sonnet-20241022"})
			if err != nil {
				t.Fatal(err)
			}
			golden(t, "to_anthropic/"+name+".golden.json", got)
		})
	}
}

func TestDefaultMaxTokens(t *testing.T) {
	tests := map[string]int{
		"claude-3-opus-20240229":                   4096,
		"claude-3-haiku-20240307":                  4096,
		"anthropic.claude-3-haiku-20240307-v1:0":   4096,
		"claude-3-5-sonnet-20241022":               8192,
		"claude-3-5-haiku-latest":                  8192,
		"claude-3-5-sonnet-v2@20241022":            8192,
		"claude-3-7-sonnet-20250219":               8192,
		"claude-sonnet-4-20250514":                 64000,
		"claude-sonnet-4-5":                        64000,
		"claude-haiku-4-5-20251001":                64000,
		"claude-opus-4-20250514":                   32000,
		"claude-opus-4-1":                          32000,
		"claude-opus-4-5-20251101":                 64000,
		"claude-opus-4-6":                          64000,
		"claude-sonnet-5":                          32000,
		"claude-2.1":                               FallbackMaxTokens,
		"gpt-4o":                                   FallbackMaxTokens,
		"":                                         FallbackMaxTokens,
		"us.anthropic.claude-sonnet-4-20250514-v1": 64000,
	}
	for model, want := range tests {
		if got := DefaultMaxTokens(model); got != want {
			t.Errorf("DefaultMaxTokens(%q) = %d, want %d", model, got, want)
		}
	}
}
