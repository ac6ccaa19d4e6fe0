package google

import (
	"strings"
	"testing"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// translationCase is a JSON input and the JSON its translation must equal.
type translationCase struct {
	name string
	in   string
	want string
}

// checkTranslations runs translate on each case's input as a subtest.
func checkTranslations[T any](t *testing.T, cases []translationCase, translate func(t *testing.T, in string) (T, error)) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := translate(t, tc.in)
			if err != nil {
				t.Fatal(err)
			}
			assertJSONEq(t, mustMarshal(t, got), []byte(tc.want))
		})
	}
}

// TestToGemini: an OpenAI request in, the Gemini body it becomes.
func TestToGemini(t *testing.T) {
	checkTranslations(t, []translationCase{
		{
			name: "user text",
			in:   `{"model":"m","messages":[{"role":"user","content":"Hi"}]}`,
			want: `{"contents":[{"role":"user","parts":[{"text":"Hi"}]}]}`,
		},
		{
			name: "system and developer joined in order",
			in: `{"model":"m","messages":[{"role":"system","content":"A"},{"role":"user","content":"Hi"},
				{"role":"developer","content":[{"type":"text","text":"B"}]},{"role":"system","content":""}]}`,
			want: `{"systemInstruction":{"parts":[{"text":"A\n\nB"}]},"contents":[{"role":"user","parts":[{"text":"Hi"}]}]}`,
		},
		{
			name: "same-role turns merged, empty ones dropped",
			in: `{"model":"m","messages":[{"role":"user","content":"a"},{"role":"user","content":[{"type":"text","text":""},{"type":"text","text":"b"}]},
				{"role":"assistant","content":""},{"role":"assistant","content":"c"},{"role":"assistant","content":[{"type":"text","text":"d"}]},{"role":"user","content":""}]}`,
			want: `{"contents":[{"role":"user","parts":[{"text":"a"},{"text":"b"}]},{"role":"model","parts":[{"text":"c"},{"text":"d"}]}]}`,
		},
		{
			name: "images",
			in: `{"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"what?"},
				{"type":"image_url","image_url":{"url":"data:image/PNG;base64,iVBORw0KGgo="}},
				{"type":"image_url","image_url":{"url":"gs://bucket/cat.jpg"}},
				{"type":"image_url","image_url":{"url":"https://generativelanguage.googleapis.com/v1beta/files/abc"}}]}]}`,
			want: `{"contents":[{"role":"user","parts":[{"text":"what?"},{"inlineData":{"mimeType":"image/png","data":"iVBORw0KGgo="}},
				{"fileData":{"mimeType":"image/jpeg","fileUri":"gs://bucket/cat.jpg"}},
				{"fileData":{"fileUri":"https://generativelanguage.googleapis.com/v1beta/files/abc"}}]}]}`,
		},
		{
			name: "sampling options",
			in: `{"model":"m","messages":[{"role":"user","content":"x"}],"temperature":0.2,"top_p":0.9,"top_k":40,"max_tokens":50,
				"max_completion_tokens":100,"stop":"END","n":2,"seed":42,"presence_penalty":0.5,"frequency_penalty":-0.5}`,
			want: `{"contents":[{"role":"user","parts":[{"text":"x"}]}],"generationConfig":{"stopSequences":["END"],"candidateCount":2,
				"maxOutputTokens":100,"temperature":0.2,"topP":0.9,"topK":40,"seed":42,"presencePenalty":0.5,"frequencyPenalty":-0.5}}`,
		},
		{
			name: "max_tokens alone, stop list, 64-bit seed truncated",
			in:   `{"model":"m","messages":[{"role":"user","content":"x"}],"max_tokens":7,"stop":["a","b"],"seed":4294967297}`,
			want: `{"contents":[{"role":"user","parts":[{"text":"x"}]}],"generationConfig":{"stopSequences":["a","b"],"maxOutputTokens":7,"seed":1}}`,
		},
		{
			name: "json_object",
			in:   `{"model":"m","messages":[{"role":"user","content":"x"}],"response_format":{"type":"json_object"}}`,
			want: `{"contents":[{"role":"user","parts":[{"text":"x"}]}],"generationConfig":{"responseMimeType":"application/json"}}`,
		},
		{
			name: "json_schema in the subset goes as responseSchema with property order",
			in: `{"model":"m","messages":[{"role":"user","content":"x"}],"response_format":{"type":"json_schema","json_schema":{"name":"p","strict":true,
				"schema":{"type":"object","properties":{"name":{"type":"string"},"age":{"type":"integer"}},"required":["name","age"],"additionalProperties":false}}}}`,
			want: `{"contents":[{"role":"user","parts":[{"text":"x"}]}],"generationConfig":{"responseMimeType":"application/json",
				"responseSchema":{"type":"object","properties":{"name":{"type":"string"},"age":{"type":"integer"}},"required":["name","age"],"propertyOrdering":["name","age"]}}}`,
		},
		{
			name: "json_schema beyond the subset goes as responseJsonSchema",
			in: `{"model":"m","messages":[{"role":"user","content":"x"}],"response_format":{"type":"json_schema","json_schema":{"name":"p",
				"schema":{"type":"object","properties":{"a":{"$ref":"#/$defs/A"}},"$defs":{"A":{"type":"string"}}}}}}`,
			want: `{"contents":[{"role":"user","parts":[{"text":"x"}]}],"generationConfig":{"responseMimeType":"application/json",
				"responseJsonSchema":{"type":"object","properties":{"a":{"$ref":"#/$defs/A"}},"$defs":{"A":{"type":"string"}}}}}`,
		},
		{
			name: "tools and tool_choice auto",
			in: `{"model":"m","messages":[{"role":"user","content":"x"}],"tool_choice":"auto","tools":[
				{"type":"function","function":{"name":"get_weather","description":"Weather","parameters":{"$schema":"http://json-schema.org/draft-07/schema#","type":"object",
					"properties":{"city":{"type":"string","description":"City"},"unit":{"type":"string","enum":["c","f"]}},"required":["city"],"additionalProperties":false},"strict":true}},
				{"type":"function","function":{"name":"now","parameters":{"type":"object","properties":{}}}},
				{"type":"function","function":{"name":"noparams"}},
				{"type":"function","function":{"name":"map","parameters":{"type":"object","properties":{"tags":{"type":"object","additionalProperties":{"type":"string"}}}}}}]}`,
			want: `{"contents":[{"role":"user","parts":[{"text":"x"}]}],"tools":[{"functionDeclarations":[
				{"name":"get_weather","description":"Weather","parameters":{"type":"object","properties":{"city":{"type":"string","description":"City"},"unit":{"type":"string","enum":["c","f"]}},"required":["city"]}},
				{"name":"now"},{"name":"noparams"},
				{"name":"map","parametersJsonSchema":{"type":"object","properties":{"tags":{"type":"object","additionalProperties":{"type":"string"}}}}}]}],
				"toolConfig":{"functionCallingConfig":{"mode":"AUTO"}}}`,
		},
		{
			name: "tool_choice named",
			in: `{"model":"m","messages":[{"role":"user","content":"x"}],"tool_choice":{"type":"function","function":{"name":"f"}},
				"tools":[{"type":"function","function":{"name":"f"}}]}`,
			want: `{"contents":[{"role":"user","parts":[{"text":"x"}]}],"tools":[{"functionDeclarations":[{"name":"f"}]}],
				"toolConfig":{"functionCallingConfig":{"mode":"ANY","allowedFunctionNames":["f"]}}}`,
		},
		{
			name: "tool round trip: signature restored, results in one user turn with the next text",
			in: `{"model":"m","messages":[{"role":"user","content":"weather?"},
				{"role":"assistant","content":"Checking.","tool_calls":[
					{"id":"call_0123456789abcdef01234567__ts__c2lnbmF0dXJl","type":"function","function":{"name":"get_weather","arguments":"{\"city\": \"Paris\"}"}},
					{"id":"call_89abcdef0123456789abcdef","type":"function","function":{"name":"get_time","arguments":""}}]},
				{"role":"tool","tool_call_id":"call_0123456789abcdef01234567__ts__c2lnbmF0dXJl","content":"{\"temp\": 21}"},
				{"role":"tool","tool_call_id":"call_89abcdef0123456789abcdef","content":"12:00"},
				{"role":"user","content":"thanks"}]}`,
			want: `{"contents":[{"role":"user","parts":[{"text":"weather?"}]},
				{"role":"model","parts":[{"text":"Checking."},
					{"functionCall":{"name":"get_weather","args":{"city":"Paris"}},"thoughtSignature":"c2lnbmF0dXJl"},
					{"functionCall":{"name":"get_time","args":{}}}]},
				{"role":"user","parts":[{"functionResponse":{"name":"get_weather","response":{"temp":21}}},
					{"functionResponse":{"name":"get_time","response":{"result":"12:00"}}},{"text":"thanks"}]}]}`,
		},
		{
			name: "Gemini's own call ids are sent back",
			in: `{"model":"m","messages":[{"role":"user","content":"x"},
				{"role":"assistant","tool_calls":[{"id":"abc123__tsr__c2lnLTE","type":"function","function":{"name":"f","arguments":"{}"}}]},
				{"role":"tool","tool_call_id":"abc123__tsr__c2lnLTE","content":"ok"}]}`,
			want: `{"contents":[{"role":"user","parts":[{"text":"x"}]},
				{"role":"model","parts":[{"functionCall":{"id":"abc123","name":"f","args":{}},"thoughtSignature":"sig-1"}]},
				{"role":"user","parts":[{"functionResponse":{"id":"abc123","name":"f","response":{"result":"ok"}}}]}]}`,
		},
		{
			name: "calls written by another model get the documented skip signature",
			in: `{"model":"m","messages":[{"role":"user","content":"x"},
				{"role":"assistant","tool_calls":[{"id":"call_abc","type":"function","function":{"name":"f","arguments":"{}"}},
					{"id":"call_def","type":"function","function":{"name":"g","arguments":"{}"}}]},
				{"role":"tool","tool_call_id":"call_abc","content":"1"},{"role":"tool","tool_call_id":"call_def","content":"2"}]}`,
			want: `{"contents":[{"role":"user","parts":[{"text":"x"}]},
				{"role":"model","parts":[{"functionCall":{"id":"call_abc","name":"f","args":{}},"thoughtSignature":"skip_thought_signature_validator"},
					{"functionCall":{"id":"call_def","name":"g","args":{}}}]},
				{"role":"user","parts":[{"functionResponse":{"id":"call_abc","name":"f","response":{"result":"1"}}},
					{"functionResponse":{"id":"call_def","name":"g","response":{"result":"2"}}}]}]}`,
		},
		{
			name: "legacy function role",
			in:   `{"model":"m","messages":[{"role":"user","content":"x"},{"role":"function","name":"f","content":"[1,2]"}]}`,
			want: `{"contents":[{"role":"user","parts":[{"text":"x"},{"functionResponse":{"name":"f","response":{"result":"[1,2]"}}}]}]}`,
		},
	}, func(t *testing.T, in string) (*generateRequest, error) {
		return toGemini(chatRequest(t, in), nil)
	})
}

func TestToGeminiSafetySettings(t *testing.T) {
	safety := []SafetySetting{{Category: "HARM_CATEGORY_HARASSMENT", Threshold: "BLOCK_NONE"}}
	got, err := toGemini(chatRequest(t, `{"model":"m","messages":[{"role":"user","content":"x"}]}`), safety)
	if err != nil {
		t.Fatal(err)
	}
	assertJSONEq(t, mustMarshal(t, got), []byte(`{"contents":[{"role":"user","parts":[{"text":"x"}]}],
		"safetySettings":[{"category":"HARM_CATEGORY_HARASSMENT","threshold":"BLOCK_NONE"}]}`))
}

func TestToGeminiErrors(t *testing.T) {
	tests := []struct {
		name, req, wantMsg string
	}{
		{"http image", `{"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"https://example.com/a.png"}}]}]}`, "cannot fetch image URLs"},
		{"not base64 data url", `{"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/png,abc"}}]}]}`, "base64"},
		{"data url without mime", `{"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:;base64,abc"}}]}]}`, "MIME type"},
		{"audio part", `{"messages":[{"role":"user","content":[{"type":"input_audio"}]}]}`, `"input_audio" is not supported`},
		{"image in system", `{"messages":[{"role":"system","content":[{"type":"image_url","image_url":{"url":"data:image/png;base64,AA=="}}]},{"role":"user","content":"x"}]}`, "only contain text"},
		{"unknown role", `{"messages":[{"role":"robot","content":"x"}]}`, `unsupported role "robot"`},
		{"only system", `{"messages":[{"role":"system","content":"x"}]}`, "at least one user or assistant message"},
		{"unmatched tool result", `{"messages":[{"role":"user","content":"x"},{"role":"tool","tool_call_id":"nope","content":"1"}]}`, `"nope" does not match`},
		{"bad arguments", `{"messages":[{"role":"assistant","tool_calls":[{"id":"a","type":"function","function":{"name":"f","arguments":"[1]"}}]}]}`, "must be a JSON object"},
		{"call without name", `{"messages":[{"role":"assistant","tool_calls":[{"id":"a","type":"function","function":{"arguments":"{}"}}]}]}`, "function.name is required"},
		{"custom tool", `{"messages":[{"role":"user","content":"x"}],"tools":[{"type":"custom","function":{"name":"f"}}]}`, `tool type "custom"`},
		{"tool without name", `{"messages":[{"role":"user","content":"x"}],"tools":[{"type":"function","function":{}}]}`, "name is required"},
		{"parameters not an object", `{"messages":[{"role":"user","content":"x"}],"tools":[{"type":"function","function":{"name":"f","parameters":[1]}}]}`, "schema must be a JSON object"},
		{"bad tool_choice", `{"messages":[{"role":"user","content":"x"}],"tools":[{"type":"function","function":{"name":"f"}}],"tool_choice":"sometimes"}`, `"sometimes"`},
		{"bad response_format", `{"messages":[{"role":"user","content":"x"}],"response_format":{"type":"yaml"}}`, `"yaml" is not supported`},
		{"bad json_schema", `{"messages":[{"role":"user","content":"x"}],"response_format":{"type":"json_schema","json_schema":[1]}}`, "json_schema must be an object"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := toGemini(chatRequest(t, tt.req), nil)
			if err == nil {
				t.Fatal("want an error")
			}
			if k := kindOf(t, err); k != providers.KindInvalidRequest {
				t.Errorf("kind = %v, want invalid_request", k)
			}
			if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("error %q does not mention %q", err, tt.wantMsg)
			}
		})
	}
}

func TestToGeminiGolden(t *testing.T) {
	req := chatRequest(t, string(readTestdata(t, "request_agent.openai.json")))
	got, err := toGemini(req, []SafetySetting{{Category: "HARM_CATEGORY_DANGEROUS_CONTENT", Threshold: "BLOCK_ONLY_HIGH"}})
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "request_agent.gemini.json", mustMarshal(t, got))
}

func TestToolResponse(t *testing.T) {
	tests := map[string]string{
		`{"a": 1}`:    `{"a":1}`,
		` {"a":[1]} `: `{"a":[1]}`,
		`plain`:       `{"result":"plain"}`,
		`[1,2]`:       `{"result":"[1,2]"}`,
		`{broken`:     `{"result":"{broken"}`,
		``:            `{"result":""}`,
	}
	for in, want := range tests {
		if got := string(toolResponse(in)); got != want {
			t.Errorf("toolResponse(%q) = %s, want %s", in, got, want)
		}
	}
}

func BenchmarkToGemini(b *testing.B) {
	req := chatRequest(b, string(readTestdata(b, "request_agent.openai.json")))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := toGemini(req, nil); err != nil {
			b.Fatal(err)
		}
	}
}
