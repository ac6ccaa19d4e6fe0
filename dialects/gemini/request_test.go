package gemini

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

func mustParse(t *testing.T, body string) *providers.ChatRequest {
	t.Helper()
	req, e := ParseRequest([]byte(body), "m")
	if e != nil {
		t.Fatalf("%s: %v", body, e)
	}
	return req
}

func TestParseRequestMapping(t *testing.T) {
	req := mustParse(t, `{
		"systemInstruction":{"parts":[{"text":"Be brief."},{"text":"Be kind."}]},
		"contents":[
			{"role":"user","parts":[{"text":"look"},{"inlineData":{"mimeType":"image/png","data":"AAAA"}}]},
			{"role":"model","parts":[{"text":"thinking…","thought":true},{"text":"Sure."},
				{"functionCall":{"name":"a","args":{"x":1}}},{"functionCall":{"name":"b"}},{"functionCall":{"name":"a","args":{"x":2}}}]},
			{"role":"user","parts":[{"functionResponse":{"name":"a","response":{"r":1}}},
				{"functionResponse":{"name":"b","response":{"r":2}}},{"functionResponse":{"name":"a","response":{"r":3}}},{"text":"next"}]}],
		"tools":[{"functionDeclarations":[{"name":"a","parameters":{"type":"OBJECT","nullable":true,"propertyOrdering":["x"],
			"properties":{"x":{"type":"INTEGER"}}}},{"name":"b","parametersJsonSchema":{"type":"object"}}]}],
		"toolConfig":{"functionCallingConfig":{"mode":"ANY","allowedFunctionNames":["a"]}},
		"safetySettings":[{"category":"HARM_CATEGORY_HARASSMENT","threshold":"BLOCK_NONE"}],
		"generationConfig":{"temperature":0.5,"topP":0.9,"topK":40,"maxOutputTokens":99,"stopSequences":["END"],
			"candidateCount":2,"responseMimeType":"application/json","responseSchema":{"type":"OBJECT","properties":{"n":{"type":"NUMBER"}}}}}`)
	if len(req.Untranslatable) != 0 {
		t.Errorf("untranslatable %v", req.Untranslatable)
	}
	roles := []string{}
	for _, m := range req.Messages {
		roles = append(roles, m.Role)
	}
	if got := strings.Join(roles, ","); got != "system,user,assistant,tool,tool,tool,user" {
		t.Fatalf("roles %s", got)
	}
	if req.Messages[0].Content.Text != "Be brief.\nBe kind." {
		t.Errorf("system %q", req.Messages[0].Content.Text)
	}
	if p := req.Messages[1].Content.Parts; len(p) != 2 || p[1].ImageURL == nil || p[1].ImageURL.URL != "data:image/png;base64,AAAA" {
		t.Errorf("user parts %+v", p)
	}
	a := req.Messages[2]
	if a.Content.Text != "Sure." || len(a.ToolCalls) != 3 || a.ToolCalls[0].ID != "call_1" || a.ToolCalls[1].Function.Arguments != "{}" {
		t.Errorf("assistant %+v", a)
	}
	// responses match by name and order: a→call_1, b→call_2, a→call_3
	for i, want := range []string{"call_1", "call_2", "call_3"} {
		if got := req.Messages[3+i].ToolCallID; got != want {
			t.Errorf("tool %d answers %s, want %s", i, got, want)
		}
	}
	if req.Messages[5].Content.Text != `{"r":3}` {
		t.Errorf("tool content %q", req.Messages[5].Content.Text)
	}
	if len(req.Tools) != 1 || req.Tools[0].Function.Name != "a" || req.ToolChoice == nil || req.ToolChoice.Function != "a" {
		t.Errorf("tools %+v choice %+v", req.Tools, req.ToolChoice)
	}
	var params map[string]any
	_ = json.Unmarshal(req.Tools[0].Function.Parameters, &params)
	if ty, _ := params["type"].([]any); len(ty) != 2 || ty[0] != "object" || params["propertyOrdering"] != nil {
		t.Errorf("parameters %s", req.Tools[0].Function.Parameters)
	}
	if *req.Temperature != 0.5 || *req.TopP != 0.9 || *req.TopK != 40 || *req.MaxTokens != 99 || *req.N != 2 ||
		len(req.Stop) != 1 || req.ResponseFormat == nil || req.ResponseFormat.Type != "json_schema" ||
		!strings.Contains(string(req.ResponseFormat.JSONSchema), `"type":"number"`) {
		t.Errorf("config %+v %s", req, req.ResponseFormat.JSONSchema)
	}
}

func TestParseRequestToolModes(t *testing.T) {
	for mode, want := range map[string]string{"AUTO": "auto", "NONE": "none", "ANY": "required"} {
		req := mustParse(t, `{"contents":[{"parts":[{"text":"x"}]}],"tools":[{"functionDeclarations":[{"name":"f"}]}],
			"toolConfig":{"functionCallingConfig":{"mode":"`+mode+`"}}}`)
		if req.ToolChoice == nil || req.ToolChoice.Mode != want {
			t.Errorf("%s: %+v", mode, req.ToolChoice)
		}
	}
	req := mustParse(t, `{"contents":[{"parts":[{"text":"x"}]}],"generationConfig":{"responseMimeType":"application/json"}}`)
	if req.ResponseFormat == nil || req.ResponseFormat.Type != "json_object" {
		t.Errorf("json without schema: %+v", req.ResponseFormat)
	}
}

// TestParseRequestFunctionIDs: ids the client sends are kept and matched.
func TestParseRequestFunctionIDs(t *testing.T) {
	req := mustParse(t, `{"contents":[{"role":"model","parts":[{"functionCall":{"id":"x1","name":"f"}},{"functionCall":{"id":"x2","name":"f"}}]},
		{"role":"user","parts":[{"functionResponse":{"id":"x2","name":"f","response":{}}},{"functionResponse":{"name":"f","response":{}}}]}]}`)
	if req.Messages[1].ToolCallID != "x2" || req.Messages[2].ToolCallID != "x1" {
		t.Errorf("ids %s %s", req.Messages[1].ToolCallID, req.Messages[2].ToolCallID)
	}
}

func TestParseRequestUntranslatable(t *testing.T) {
	req := mustParse(t, `{"cachedContent":"cachedContents/abc",
		"contents":[{"parts":[{"fileData":{"fileUri":"gs://b/f.pdf"}},{"inlineData":{"mimeType":"audio/wav","data":"AA"}},{"text":"x"}]}],
		"tools":[{"googleSearch":{}},{"codeExecution":{}}],
		"generationConfig":{"responseModalities":["TEXT","IMAGE"]}}`)
	got := strings.Join(req.Untranslatable, "|")
	for _, want := range []string{"cachedContent", "contents.0.parts.0.fileData", "contents.0.parts.1.inlineData (audio/wav)",
		"tools.0.googleSearch", "tools.1.codeExecution", "generationConfig.responseModalities (IMAGE)"} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %s in %s", want, got)
		}
	}
}

func TestParseRequestErrors(t *testing.T) {
	for body, param := range map[string]string{
		`{"contents":[]}`: "contents",
		`{"contents":[{"role":"system","parts":[{"text":"x"}]}]}`:                                     "contents.0.role",
		`{"contents":[{"parts":[{}]}]}`:                                                               "contents.0.parts.0",
		`{"contents":[{"parts":[{"functionResponse":{"name":"f","response":{}}}]}]}`:                  "contents.0.parts.0.functionResponse",
		`{"contents":[{"role":"model","parts":[{"functionCall":{"args":{}}}]}]}`:                      "contents.0.parts.0.functionCall.name",
		`{"contents":[{"parts":[{"text":"x"}]}],"toolConfig":{"functionCallingConfig":{"mode":"X"}}}`: "toolConfig.functionCallingConfig.mode",
		`{"contents":[{"parts":[{"text":"x"}]}],"generationConfig":{"candidateCount":0}}`:             "generationConfig.candidateCount",
		`{"contents":[{"parts":[{"text":"x"}]}],"tools":[{"functionDeclarations":[{}]}]}`:             "tools.0.functionDeclarations.0.name",
		`{"contents":"x"}`: "contents",
	} {
		_, e := ParseRequest([]byte(body), "m")
		if e == nil || e.Kind != providers.KindInvalidRequest || e.Param != param {
			t.Errorf("%s: got %+v, want param %s", body, e, param)
		}
	}
	if _, e := ParseRequest([]byte(`{"contents":[{"parts":[{"text":"x"}]}]}`), ""); e == nil || e.Param != "model" {
		t.Errorf("no model: %v", e)
	}
}

func TestParseRequestThinking(t *testing.T) {
	for cfg, want := range map[string]string{
		`{"thinkingBudget":0}`: "none", `{"thinkingBudget":2048}`: "low", `{"thinkingBudget":-1}`: "",
		`{"thinkingLevel":"HIGH"}`: "high", `{"includeThoughts":true}`: "",
	} {
		req := mustParse(t, `{"contents":[{"parts":[{"text":"x"}]}],"generationConfig":{"thinkingConfig":`+cfg+`}}`)
		if req.ReasoningEffort != want {
			t.Errorf("%s: %q, want %q", cfg, req.ReasoningEffort, want)
		}
	}
	_, e := ParseRequest([]byte(`{"contents":[{"parts":[{"text":"x"}]}],"generationConfig":{"thinkingConfig":{"thinkingLevel":"MAX"}}}`), "m")
	if e == nil || e.Param != "generationConfig.thinkingConfig.thinkingLevel" {
		t.Errorf("unknown level: %v", e)
	}
}
