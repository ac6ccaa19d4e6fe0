package providers

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestSetTopLevel(t *testing.T) {
	for _, c := range []struct{ in, key, val, want string }{
		{`{"model":"a","x":{"model":"inner"}}`, "model", `"b"`, `{"model":"b","x":{"model":"inner"}}`},
		{`{ "x" : [1,{"k":"}"}], "model" : "a" }`, "model", `"b"`, `{ "x" : [1,{"k":"}"}], "model" : "b" }`},
		{`{"x":1}`, "stream_options", `{"include_usage":true}`, `{"x":1,"stream_options":{"include_usage":true}}`},
		{`{}`, "a", `1`, `{"a":1}`},
		{`{"s":"a\"model\":1"}`, "model", `2`, `{"s":"a\"model\":1","model":2}`},
	} {
		got, err := SetTopLevel([]byte(c.in), c.key, []byte(c.val))
		if err != nil || string(got) != c.want {
			t.Errorf("SetTopLevel(%s, %s) = %s, %v; want %s", c.in, c.key, got, err, c.want)
		}
	}
	if _, err := SetTopLevel([]byte(`[1]`), "a", []byte(`1`)); err == nil {
		t.Error("an array is not an object")
	}
}

func TestDeleteAndGetTopLevel(t *testing.T) {
	for _, c := range []struct{ in, key, want string }{
		{`{"a":1,"b":2,"c":3}`, "b", `{"a":1,"c":3}`},
		{`{"a":1,"b":2}`, "b", `{"a":1}`},
		{`{"a":1,"b":2}`, "a", `{"b":2}`},
		{`{"a":1}`, "z", `{"a":1}`},
	} {
		got, err := DeleteTopLevel([]byte(c.in), c.key)
		if err != nil || string(got) != c.want {
			t.Errorf("DeleteTopLevel(%s, %s) = %s, %v; want %s", c.in, c.key, got, err, c.want)
		}
		var v map[string]any
		if json.Unmarshal(got, &v) != nil {
			t.Errorf("DeleteTopLevel produced invalid JSON %s", got)
		}
	}
	if got := GetTopLevel([]byte(`{"a":{"b":[1,2]},"c":"x"}`), "a"); string(got) != `{"b":[1,2]}` {
		t.Errorf("GetTopLevel = %s", got)
	}
	if got := GetTopLevel([]byte(`{"a":1}`), "b"); got != nil {
		t.Errorf("missing key gave %s", got)
	}
}

func FuzzSetTopLevel(f *testing.F) {
	f.Add([]byte(`{"model":"a","messages":[{"role":"user","content":"x"}]}`), "model")
	f.Add([]byte(`{"a":"\"}","b":[{}]}`), "b")
	f.Add([]byte(`{}`), "\x04") // a control character must be escaped in the new name
	f.Fuzz(func(t *testing.T, body []byte, key string) {
		var before map[string]json.RawMessage
		if json.Unmarshal(body, &before) != nil || !utf8.ValidString(key) || !isPlainJSONObject(body) {
			return
		}
		out, err := SetTopLevel(body, key, []byte(`"patched"`))
		if err != nil {
			t.Fatalf("SetTopLevel on valid JSON: %v", err)
		}
		var after map[string]json.RawMessage
		if err := json.Unmarshal(out, &after); err != nil {
			t.Fatalf("invalid JSON after patch: %s", out)
		}
		if _, dup := before[key]; !dup && string(after[key]) != `"patched"` {
			t.Fatalf("key %q not set: %s", key, out)
		}
	})
}

// isPlainJSONObject rejects bodies whose keys use escapes or repeat, which
// the top-level scanner deliberately does not interpret.
func isPlainJSONObject(b []byte) bool {
	dec := json.NewDecoder(strings.NewReader(string(b)))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return false
	}
	return !strings.Contains(string(b), `\`)
}

func TestSSEReader(t *testing.T) {
	body := ": keep-alive\n\nevent: message_start\ndata: {\"a\":1}\n\r\ndata: line1\ndata: line2\n\ndata: [DONE]\n\n"
	r := NewSSEReader(strings.NewReader(body))
	want := []SSEEvent{{Name: "message_start", Data: []byte(`{"a":1}`)}, {Data: []byte("line1\nline2")}, {Data: []byte("[DONE]")}}
	for i, w := range want {
		ev, err := r.Next()
		if err != nil || ev.Name != w.Name || string(ev.Data) != string(w.Data) {
			t.Fatalf("event %d = %q %q, %v; want %q %q", i, ev.Name, ev.Data, err, w.Name, w.Data)
		}
	}
	if _, err := r.Next(); err != io.EOF {
		t.Fatalf("end: %v", err)
	}
	// A body that stops inside an event is truncated, not finished.
	r = NewSSEReader(strings.NewReader("data: {\"partial\":"))
	if _, err := r.Next(); err != io.ErrUnexpectedEOF {
		t.Fatalf("truncated: %v", err)
	}
	// Lines longer than the read buffer are joined.
	long := strings.Repeat("x", 20000)
	r = NewSSEReader(strings.NewReader("data: " + long + "\n\n"))
	if ev, err := r.Next(); err != nil || string(ev.Data) != long {
		t.Fatalf("long line: %d bytes, %v", len(ev.Data), err)
	}
}

func FuzzSSEReader(f *testing.F) {
	f.Add([]byte("event: x\ndata: y\n\ndata: z\n\n"))
	f.Add([]byte("data: a\r\n\r\n: c\n"))
	f.Fuzz(func(t *testing.T, body []byte) {
		r := NewSSEReader(strings.NewReader(string(body)))
		for i := 0; i < len(body)+1; i++ {
			if _, err := r.Next(); err != nil {
				return
			}
		}
		t.Fatal("more events than bytes")
	})
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		h    http.Header
		want time.Duration
	}{
		{http.Header{"Retry-After-Ms": {"1500"}, "Retry-After": {"9"}}, 1500 * time.Millisecond},
		{http.Header{"X-Ms-Retry-After-Ms": {"250"}}, 250 * time.Millisecond},
		{http.Header{"Retry-After": {"3"}}, 3 * time.Second},
		{http.Header{"Retry-After": {"0.5"}}, 500 * time.Millisecond},
		{http.Header{"Retry-After": {now.Add(10 * time.Second).Format(http.TimeFormat)}}, 10 * time.Second},
		{http.Header{"Retry-After": {now.Add(-time.Minute).Format(http.TimeFormat)}}, 0},
		{http.Header{"Retry-After": {"soon"}}, 0},
		{http.Header{}, 0},
	} {
		if got := ParseRetryAfter(c.h, now); got != c.want {
			t.Errorf("%v: %v, want %v", c.h, got, c.want)
		}
	}
}

func TestErrorClassification(t *testing.T) {
	for _, c := range []struct {
		status                      int
		kind                        Kind
		client                      int
		retry, fallback, breakerHit bool
	}{
		{400, KindInvalidRequest, 400, false, false, false},
		{401, KindAuth, 401, false, true, false},
		{403, KindPermission, 403, false, true, false},
		{404, KindNotFound, 404, false, true, false},
		{413, KindInvalidRequest, 413, false, false, false},
		{429, KindRateLimited, 429, true, true, false},
		{500, KindUpstream, 502, true, true, true},
		{503, KindOverloaded, 503, true, true, true},
		{529, KindOverloaded, 503, true, true, true},
		{504, KindTimeout, 504, true, true, true},
	} {
		e := FromUpstream("p", c.status, http.Header{"Retry-After": {"2"}}, "", "")
		if e.Kind != c.kind || e.HTTPStatus() != c.client || e.Retryable() != c.retry || e.Fallback() != c.fallback || e.BreakerFailure() != c.breakerHit {
			t.Errorf("%d: kind %v status %d retry %v fallback %v breaker %v", c.status, e.Kind, e.HTTPStatus(), e.Retryable(), e.Fallback(), e.BreakerFailure())
		}
		var body struct {
			Error struct{ Message, Type string } `json:"error"`
		}
		if json.Unmarshal(e.OpenAIBody(), &body) != nil || body.Error.Message == "" || body.Error.Type != e.OpenAIType() {
			t.Errorf("%d: OpenAI body %s", c.status, e.OpenAIBody())
		}
		var ab struct {
			Type  string                `json:"type"`
			Error struct{ Type string } `json:"error"`
		}
		if json.Unmarshal(e.AnthropicBody(), &ab) != nil || ab.Type != "error" || ab.Error.Type == "" {
			t.Errorf("%d: Anthropic body %s", c.status, e.AnthropicBody())
		}
	}
	if e := Classify(errors.New("boom")); e.Kind != KindNetwork {
		t.Errorf("plain error: %v", e.Kind)
	}
	if e := Classify(&Error{Kind: KindQuota}); e.Kind != KindQuota || e.HTTPStatus() != 429 || e.Retryable() {
		t.Errorf("quota: %+v", e)
	}
}

func TestContentAndInputsRoundTrip(t *testing.T) {
	var m Message
	if err := json.Unmarshal([]byte(`{"role":"user","content":[{"type":"text","text":"a"},{"type":"image_url","image_url":{"url":"data:image/png;base64,AA=="}}]}`), &m); err != nil {
		t.Fatal(err)
	}
	if m.Content.String() != "a" || !m.Content.HasImage() {
		t.Fatalf("parts: %+v", m.Content)
	}
	out, _ := json.Marshal(Message{Role: "assistant", ToolCalls: []ToolCall{{ID: "c", Type: "function", Function: FunctionCall{Name: "f", Arguments: "{}"}}}})
	if !strings.Contains(string(out), `"content":null`) {
		t.Fatalf("empty content must be null: %s", out)
	}
	var tc ToolChoice
	if json.Unmarshal([]byte(`{"type":"function","function":{"name":"f"}}`), &tc) != nil || tc.Function != "f" {
		t.Fatalf("named tool choice: %+v", tc)
	}
	if b, _ := json.Marshal(tc); string(b) != `{"function":{"name":"f"},"type":"function"}` {
		t.Fatalf("tool choice out: %s", b)
	}
	var stop StringList
	if json.Unmarshal([]byte(`"x"`), &stop) != nil || len(stop) != 1 {
		t.Fatalf("stop string: %v", stop)
	}
	for in, n := range map[string]int{`"a"`: 1, `["a","b"]`: 2, `[1,2,3]`: 1, `[[1],[2]]`: 2} {
		var e EmbeddingInput
		if err := json.Unmarshal([]byte(in), &e); err != nil || e.Len() != n {
			t.Errorf("input %s: %d, %v", in, e.Len(), err)
		}
	}
	var e EmbeddingInput
	if json.Unmarshal([]byte(`[]`), &e) == nil {
		t.Error("an empty input array must be refused")
	}
	if v := EncodeVector([]float32{1, 0.5}, "base64"); string(v) != `"AACAPwAAAD8="` {
		t.Errorf("base64 vector %s", v)
	}
}

func TestUsageTokensNeverDoubleCount(t *testing.T) {
	u := &Usage{PromptTokens: 100, CompletionTokens: 40, CacheWriteTokens: 20,
		PromptTokensDetails:     &PromptTokensDetails{CachedTokens: 30},
		CompletionTokensDetails: &CompletionTokensDetails{ReasoningTokens: 10}}
	tk := u.Tokens()
	if tk.Input != 50 || tk.CachedInput != 30 || tk.CacheWrite != 20 || tk.Output != 30 || tk.Reasoning != 10 {
		t.Fatalf("%+v", tk)
	}
	if z := (*Usage)(nil).Tokens(); z.Input+z.CachedInput+z.CacheWrite+z.Output+z.Reasoning != 0 {
		t.Fatal("nil usage")
	}
}
