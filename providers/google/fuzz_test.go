package google

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"testing"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// FuzzToGemini: any decodable request translates without panicking, into a
// body that is valid JSON, or into a classified error.
func FuzzToGemini(f *testing.F) {
	f.Add(`{"messages":[{"role":"user","content":"hi"}]}`)
	f.Add(`{"messages":[{"role":"system","content":"s"},{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/png;base64,AA=="}}]}],"n":2,"seed":-1}`)
	f.Add(`{"messages":[{"role":"assistant","tool_calls":[{"id":"call_x__ts__AAEC","type":"function","function":{"name":"f","arguments":"{\"a\":1}"}}]},{"role":"tool","tool_call_id":"call_x__ts__AAEC","content":"{}"}]}`)
	f.Add(`{"messages":[{"role":"user","content":"x"}],"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":{"a":{"anyOf":[{"type":"string"},{"$ref":"#/x"}]}}}}}],"tool_choice":"required"}`)
	f.Add(`{"messages":[{"role":"user","content":"x"}],"response_format":{"type":"json_schema","json_schema":{"schema":{"type":"object","properties":{"a":{"type":"string"}}}}}}`)
	f.Fuzz(func(t *testing.T, body string) {
		var req providers.ChatRequest
		if json.Unmarshal([]byte(body), &req) != nil {
			return
		}
		out, err := toGemini(&req, nil)
		if err != nil {
			var e *providers.Error
			if !errors.As(err, &e) {
				t.Fatalf("unclassified error %v", err)
			}
			return
		}
		b, err := json.Marshal(out)
		if err != nil || !json.Valid(b) {
			t.Fatalf("body does not encode: %v", err)
		}
		for _, c := range out.Contents {
			if len(c.Parts) == 0 || (c.Role != "user" && c.Role != "model") {
				t.Fatalf("bad turn %+v", c)
			}
		}
	})
}

// FuzzFromGemini: any answer translates without panicking; a successful
// translation encodes to JSON and has at least one choice.
func FuzzFromGemini(f *testing.F) {
	f.Add([]byte(`{"candidates":[{"content":{"parts":[{"text":"hi"}]},"finishReason":"STOP"}]}`))
	f.Add([]byte(`{"candidates":[{"content":{"parts":[{"functionCall":{"name":"f","args":{"a":[1]}},"thoughtSignature":"c2ln"}]},"index":3}],"usageMetadata":{"promptTokenCount":1}}`))
	f.Add([]byte(`{"promptFeedback":{"blockReason":"SAFETY"}}`))
	f.Add([]byte(`{"error":{"code":429,"status":"RESOURCE_EXHAUSTED","details":[{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"1s"}]}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		resp, err := fromGemini(body, "m", 0)
		if err != nil {
			return
		}
		if len(resp.Choices) == 0 {
			t.Fatal("no choices")
		}
		if _, err := json.Marshal(resp); err != nil {
			t.Fatal(err)
		}
		for _, c := range resp.Choices {
			for _, tc := range c.Message.ToolCalls {
				if !json.Valid([]byte(tc.Function.Arguments)) {
					t.Fatalf("arguments %q are not JSON", tc.Function.Arguments)
				}
			}
		}
	})
}

// FuzzStreamParse: any body read as a stream ends (io.EOF after a usage
// chunk, or a classified error) without panicking, and every chunk encodes.
func FuzzStreamParse(f *testing.F) {
	f.Add([]byte("data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"a\"}]},\"finishReason\":\"STOP\"}]}\r\n\r\n"))
	f.Add([]byte("data: {\"candidates\":[{\"content\":{\"parts\":[{\"functionCall\":{\"name\":\"f\"}}]},\"index\":2}]}\n\ndata: {\"candidates\":[{\"finishReason\":\"STOP\",\"index\":2}]}\n\n"))
	f.Add([]byte("data: {\"error\":{\"code\":500,\"status\":\"INTERNAL\"}}\n\n"))
	f.Add([]byte("data: {\"promptFeedback\":{\"blockReason\":\"OTHER\"}}\n\n: keep-alive\n\ndata: [1]\n\n"))
	f.Add([]byte("data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"a\"}]}}]}"))
	f.Fuzz(func(t *testing.T, body []byte) {
		s := &chatStream{body: io.NopCloser(bytes.NewReader(body)), events: providers.NewSSEReader(bytes.NewReader(body)),
			conv: newStreamConverter("m", 0), provider: "google"}
		defer s.Close()
		sawUsage := false
		for i := 0; ; i++ {
			c, err := s.Next()
			if errors.Is(err, io.EOF) {
				if !sawUsage {
					t.Fatal("io.EOF without the usage chunk")
				}
				return
			}
			if err != nil {
				var e *providers.Error
				if !errors.As(err, &e) {
					t.Fatalf("unclassified error %v", err)
				}
				return
			}
			if _, err := json.Marshal(c); err != nil {
				t.Fatal(err)
			}
			sawUsage = sawUsage || (c.Usage != nil && len(c.Choices) == 0)
			if i > len(body)+10 {
				t.Fatal("more chunks than the body can hold")
			}
		}
	})
}

// FuzzRelayedEmbedding: a Gemini client's embedding body is sent on as
// valid JSON whose model fields all name the upstream model, or refused as
// an invalid request.
func FuzzRelayedEmbedding(f *testing.F) {
	f.Add([]byte(`{"content":{"parts":[{"inlineData":{"mimeType":"image/png","data":"AA=="}}]}}`))
	f.Add([]byte(`{"requests":[{"model":"models/a","content":{"parts":[{"text":"x"}]}},{}]}`))
	f.Add([]byte(`{"requests":[1]}`))
	f.Add([]byte(`{"requests":null,"model":7}`))
	f.Add([]byte(`{"model":"a","content":{},"model":"b"}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var obj map[string]json.RawMessage
		if json.Unmarshal(body, &obj) != nil || obj == nil {
			return // the handler only hands over bodies that decoded as an object
		}
		out, method, err := relayedEmbedding("emb", body)
		if err != nil {
			var e *providers.Error
			if !errors.As(err, &e) || e.Kind != providers.KindInvalidRequest {
				t.Fatalf("error %v", err)
			}
			return
		}
		raw := out.(json.RawMessage)
		var got struct {
			Model    string `json:"model"`
			Requests []struct {
				Model string `json:"model"`
			} `json:"requests"`
		}
		if err := json.Unmarshal(raw, &got); err != nil {
			t.Fatalf("not JSON (%v): %s", err, raw)
		}
		switch method {
		case "embedContent":
			if got.Model != "models/emb" {
				t.Fatalf("model %q in %s", got.Model, raw)
			}
		case "batchEmbedContents":
			for _, r := range got.Requests {
				if r.Model != "models/emb" {
					t.Fatalf("model %q in %s", r.Model, raw)
				}
			}
		default:
			t.Fatalf("method %q", method)
		}
	})
}
