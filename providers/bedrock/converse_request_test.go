package bedrock

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

func converseJSON(t *testing.T, raw, model string) (string, error) {
	t.Helper()
	body, err := toConverse(chatRequest(t, raw), converseOptions{Model: model})
	return string(body), err
}

func TestToConverseContent(t *testing.T) {
	raw := `{"model":"x","messages":[
		{"role":"developer","content":"Dev."},
		{"role":"user","content":[{"type":"text","text":"Look"},{"type":"image_url","image_url":{"url":"data:image/jpg;base64,AAAA"}},{"type":"image_url","image_url":{"url":"data:application/pdf;base64,JVBE"}}]},
		{"role":"user","content":"and again"}]}`
	got, err := converseJSON(t, raw, testNova)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"messages":[{"role":"user","content":[{"text":"Look"},{"image":{"format":"jpeg","source":{"bytes":"AAAA"}}},{"document":{"format":"pdf","name":"document-1","source":{"bytes":"JVBE"}}},{"text":"and again"}]}],"system":[{"text":"Dev."}]}`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestToConverseRejects(t *testing.T) {
	for _, tc := range []struct{ raw, param string }{
		{`{"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"https://x/a.png"}}]}]}`, "messages.0.content.0.image_url"},
		{`{"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/png,AAAA"}}]}]}`, "messages.0.content.0.image_url"},
		{`{"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/tiff;base64,AAAA"}}]}]}`, "messages.0.content.0.image_url"},
		{`{"messages":[{"role":"user","content":[{"type":"input_audio"}]}]}`, "messages.0.content.0.type"},
		{`{"messages":[{"role":"tool","content":"x"}]}`, "messages.0.tool_call_id"},
		{`{"messages":[{"role":"robot","content":"x"}]}`, "messages.0.role"},
		{`{"n":2,"messages":[{"role":"user","content":"x"}]}`, "n"},
		{`{"reasoning_effort":"max","messages":[{"role":"user","content":"x"}]}`, "reasoning_effort"},
		{`{"reasoning_effort":"high","tool_choice":"required","tools":[{"type":"function","function":{"name":"f"}}],"messages":[{"role":"user","content":"x"}]}`, "tool_choice"},
		{`{"tools":[{"type":"function","function":{}}],"messages":[{"role":"user","content":"x"}]}`, "tools.0.function.name"},
	} {
		_, err := converseJSON(t, tc.raw, testClaude)
		e := asError(t, err)
		if e.HTTPStatus() != 400 || e.Param != tc.param || !strings.Contains(e.Message, tc.param) {
			t.Errorf("%s: %+v (want param %s)", tc.raw, e, tc.param)
		}
	}
}

func TestToConverseThinking(t *testing.T) {
	got, err := converseJSON(t, `{"reasoning_effort":"medium","max_tokens":1000,"temperature":0.5,"top_p":0.5,"top_k":5,"messages":[{"role":"user","content":"x"}]}`, testClaude)
	if err != nil {
		t.Fatal(err)
	}
	var w converseRequest
	_ = json.Unmarshal([]byte(got), &w)
	th, _ := json.Marshal(w.AdditionalModelRequestFields)
	if string(th) != `{"thinking":{"budget_tokens":8192,"type":"enabled"}}` {
		t.Errorf("additionalModelRequestFields = %s", th)
	}
	ic := w.InferenceConfig
	if *ic.MaxTokens != 9192 || ic.Temperature != nil || *ic.TopP != 0.95 {
		t.Errorf("inferenceConfig = %+v", ic)
	}
	// Without a client limit, the model's output limit holds the budget.
	got, _ = converseJSON(t, `{"reasoning_effort":"high","messages":[{"role":"user","content":"x"}]}`, testClaude)
	if !strings.Contains(got, `"maxTokens":64000`) || !strings.Contains(got, `"budget_tokens":16384`) {
		t.Errorf("no limit: %s", got)
	}
	// Continuing a tool call: Claude would want the call's thinking block
	// back, which OpenAI histories lack, so thinking stays off.
	got, _ = converseJSON(t, `{"reasoning_effort":"high","tools":[{"type":"function","function":{"name":"f"}}],"messages":[{"role":"user","content":"x"},{"role":"assistant","tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{}"}}]},{"role":"tool","tool_call_id":"c1","content":"r"}]}`, testClaude)
	if strings.Contains(got, "thinking") {
		t.Errorf("tool turn: %s", got)
	}
	// Other models take no thinking field; top_k is Claude's only.
	got, _ = converseJSON(t, `{"reasoning_effort":"high","top_k":3,"messages":[{"role":"user","content":"x"}]}`, testNova)
	if strings.Contains(got, "additionalModelRequestFields") {
		t.Errorf("nova: %s", got)
	}
}

func TestToConverseTools(t *testing.T) {
	tools := `"tools":[{"type":"function","function":{"name":"f","description":"d"}}]`
	got, _ := converseJSON(t, `{"messages":[{"role":"user","content":"x"}],`+tools+`,"tool_choice":{"type":"function","function":{"name":"f"}}}`, testNova)
	if !strings.Contains(got, `"toolConfig":{"tools":[{"toolSpec":{"name":"f","description":"d","inputSchema":{"json":{"type":"object","properties":{}}}}}],"toolChoice":{"tool":{"name":"f"}}}`) {
		t.Errorf("named: %s", got)
	}
	got, _ = converseJSON(t, `{"messages":[{"role":"user","content":"x"}],`+tools+`,"tool_choice":"none"}`, testNova)
	if strings.Contains(got, "toolConfig") {
		t.Errorf("none without tool history: %s", got)
	}
	hist := `{"messages":[{"role":"user","content":"x"},{"role":"assistant","tool_calls":[{"id":"call.1/x","type":"function","function":{"name":"f","arguments":"not json"}}]},{"role":"tool","tool_call_id":"call.1/x","content":"r"}],` + tools + `,"tool_choice":"none"}`
	got, _ = converseJSON(t, hist, testNova)
	for _, want := range []string{`"toolConfig":{"tools"`, `"toolUseId":"call_1_x","name":"f","input":{"_raw_arguments":"not json"}`, `"toolResult":{"toolUseId":"call_1_x"`} {
		if !strings.Contains(got, want) {
			t.Errorf("history: lacks %s in %s", want, got)
		}
	}
}

func TestToConverseCachePoint(t *testing.T) {
	raw := `{"messages":[{"role":"system","content":[{"type":"text","text":"long","cache_control":{"type":"ephemeral"}}]},{"role":"user","content":"q"},{"role":"assistant","content":"a"},{"role":"user","content":"q2","cache_control":{"type":"ephemeral"}}]}`
	got, err := converseJSON(t, raw, testClaude)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"messages":[{"role":"user","content":[{"text":"q"}]},{"role":"assistant","content":[{"text":"a"}]},{"role":"user","content":[{"text":"q2"},{"cachePoint":{"type":"default"}}]}],"system":[{"text":"long"},{"cachePoint":{"type":"default"}}]}`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	// Without cache_control there is no cachePoint.
	if got, _ := converseJSON(t, `{"messages":[{"role":"user","content":"q"}]}`, testClaude); strings.Contains(got, "cachePoint") {
		t.Errorf("unasked: %s", got)
	}
}

func TestFromConverse(t *testing.T) {
	body := `{"output":{"message":{"role":"assistant","content":[{"reasoningContent":{"reasoningText":{"text":"hmm","signature":"s"}}},{"text":"A"},{"text":"B"},{"toolUse":{"toolUseId":"t1","name":"f","input":{"a": 1}}}]}},"stopReason":"tool_use","usage":{"inputTokens":10,"outputTokens":5,"totalTokens":35,"cacheReadInputTokens":15,"cacheWriteInputTokens":5}}`
	resp, err := fromConverse([]byte(body), "rid", "m", 1)
	if err != nil {
		t.Fatal(err)
	}
	c := resp.Choices[0]
	if c.Message.Content.String() != "AB" || c.FinishReason != "tool_calls" || c.Message.ToolCalls[0].Function.Arguments != `{"a":1}` {
		t.Errorf("choice = %+v", c)
	}
	u := resp.Usage
	if u.PromptTokens != 30 || u.CachedTokens() != 15 || u.CacheWriteTokens != 5 || u.CompletionTokens != 5 || u.TotalTokens != 35 {
		t.Errorf("usage = %+v", u)
	}
	if _, err := fromConverse([]byte(`{"output":`), "", "", 0); asError(t, err).Kind != providers.KindUpstream {
		t.Error("malformed answer not KindUpstream")
	}
	for stop, want := range map[string]string{"end_turn": "stop", "stop_sequence": "stop", "max_tokens": "length",
		"guardrail_intervened": "content_filter", "content_filtered": "content_filter", "model_context_window_exceeded": "length", "new_reason": "stop"} {
		if got := finishReason(stop); got != want {
			t.Errorf("finishReason(%s) = %s, want %s", stop, got, want)
		}
	}
}

func TestUsageSaturates(t *testing.T) {
	const huge = int(^uint(0) >> 1)
	u := (&wireUsage{InputTokens: huge, CacheReadInputTokens: huge, OutputTokens: huge, CacheWriteInputTokens: -5}).unified()
	if u.PromptTokens != huge || u.TotalTokens != huge || u.CacheWriteTokens != 0 {
		t.Errorf("usage = %+v", u)
	}
}
