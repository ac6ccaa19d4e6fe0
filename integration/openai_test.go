package integration

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/sira-ai/caddy-ai-backends/internal/fakeupstream"
)

const upstreamKey = "sk-test-UPSTREAM-0123456789abcdef"

func openAISite(baseURL string, extra string) string {
	return fmt.Sprintf(`	ai_backends {
		provider oai openai {
			base_url %s/v1
			api_key {env.TEST_OPENAI_KEY}
			models gpt-4o-mini text-embedding-3-small dall-e-3 public-name
			model_map public-name gpt-4o
			max_retries 0
		}
		provider demo sim {
			models sim-small sim-embed sim-image
		}
%s
	}`, baseURL, extra)
}

func TestChatPassThroughToOpenAI(t *testing.T) {
	t.Setenv("TEST_OPENAI_KEY", upstreamKey)
	fake, rec := fakeupstream.NewOpenAI(t, fakeupstream.OpenAIConfig{APIKey: upstreamKey})
	g := startGateway(t, openAISite(fake.URL, ""))

	resp, body := g.post("/v1/chat/completions",
		`{"model":"public-name","messages":[{"role":"user","content":"hi there"}],"vendor_extension":{"keep":[1,2]}}`)
	if resp.StatusCode != 200 {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	var out struct {
		Object  string `json:"object"`
		Choices []struct {
			Message struct{ Content string } `json:"message"`
		} `json:"choices"`
		Usage struct {
			PromptTokens int `json:"prompt_tokens"`
		} `json:"usage"`
	}
	mustJSON(t, body, &out)
	if out.Object != "chat.completion" || len(out.Choices) != 1 || !strings.Contains(out.Choices[0].Message.Content, "hi there") {
		t.Fatalf("unexpected body: %s", body)
	}
	if got := resp.Header.Get("X-AI-Provider"); got != "oai" {
		t.Errorf("X-AI-Provider = %q", got)
	}
	if resp.Header.Get("X-AI-Cost-USD") == "" {
		t.Error("no cost header")
	}
	sent := rec.Last()
	if sent.Path != "/v1/chat/completions" || sent.Header.Get("Authorization") != "Bearer "+upstreamKey {
		t.Fatalf("upstream got %s with auth %q", sent.Path, sent.Header.Get("Authorization"))
	}
	var upstreamBody map[string]json.RawMessage
	mustJSON(t, sent.Body, &upstreamBody)
	if string(upstreamBody["model"]) != `"gpt-4o"` {
		t.Errorf("model sent upstream = %s, want the mapped gpt-4o", upstreamBody["model"])
	}
	if string(upstreamBody["vendor_extension"]) != `{"keep":[1,2]}` {
		t.Errorf("unknown field not passed through untouched: %s", sent.Body)
	}
	if strings.Contains(string(body), upstreamKey) || strings.Contains(g.logText(), upstreamKey) {
		t.Fatal("the upstream key leaked into a response or a log line")
	}
}

func TestChatStreamHidesUsageTheClientDidNotAskFor(t *testing.T) {
	t.Setenv("TEST_OPENAI_KEY", upstreamKey)
	fake, rec := fakeupstream.NewOpenAI(t, fakeupstream.OpenAIConfig{})
	g := startGateway(t, openAISite(fake.URL, ""))

	for _, includeUsage := range []bool{false, true} {
		opts := ""
		if includeUsage {
			opts = `,"stream_options":{"include_usage":true}`
		}
		resp, body := g.post("/v1/chat/completions",
			`{"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"stream me"}]`+opts+`}`)
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
			t.Fatalf("status %d, type %q: %s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
		}
		events := sseData(t, body)
		if len(events) < 3 || events[len(events)-1] != "[DONE]" {
			t.Fatalf("stream does not end with [DONE]: %q", events)
		}
		sawUsage := false
		for _, e := range events[:len(events)-1] {
			var c struct {
				Choices []json.RawMessage `json:"choices"`
				Usage   *struct {
					TotalTokens int `json:"total_tokens"`
				}
			}
			mustJSON(t, []byte(e), &c)
			if c.Usage != nil && len(c.Choices) == 0 {
				sawUsage = true
			}
		}
		if sawUsage != includeUsage {
			t.Errorf("include_usage=%v: usage chunk present=%v", includeUsage, sawUsage)
		}
		var sent struct {
			StreamOptions struct {
				IncludeUsage bool `json:"include_usage"`
			} `json:"stream_options"`
		}
		mustJSON(t, rec.Last().Body, &sent)
		if !sent.StreamOptions.IncludeUsage {
			t.Error("the gateway must always ask the upstream for usage")
		}
	}
}

func TestEmbeddingsImagesAndModels(t *testing.T) {
	t.Setenv("TEST_OPENAI_KEY", upstreamKey)
	fake, _ := fakeupstream.NewOpenAI(t, fakeupstream.OpenAIConfig{})
	g := startGateway(t, openAISite(fake.URL, ""))

	for _, model := range []string{"text-embedding-3-small", "sim-embed"} {
		resp, body := g.post("/v1/embeddings", `{"model":"`+model+`","input":["a","b"]}`)
		var out struct {
			Object string `json:"object"`
			Data   []struct {
				Index     int       `json:"index"`
				Embedding []float64 `json:"embedding"`
			} `json:"data"`
		}
		mustJSON(t, body, &out)
		if resp.StatusCode != 200 || out.Object != "list" || len(out.Data) != 2 || out.Data[1].Index != 1 || len(out.Data[0].Embedding) == 0 {
			t.Fatalf("%s: status %d: %s", model, resp.StatusCode, body)
		}
	}
	for _, model := range []string{"dall-e-3", "sim-image"} {
		resp, body := g.post("/v1/images/generations", `{"model":"`+model+`","prompt":"a red fox","response_format":"b64_json"}`)
		var out struct {
			Data []struct {
				B64 string `json:"b64_json"`
			} `json:"data"`
		}
		mustJSON(t, body, &out)
		if resp.StatusCode != 200 || len(out.Data) != 1 || out.Data[0].B64 == "" {
			t.Fatalf("%s: status %d: %s", model, resp.StatusCode, body)
		}
	}
	resp, body := g.get("/v1/models")
	var list struct {
		Object string `json:"object"`
		Data   []struct {
			ID     string `json:"id"`
			Object string `json:"object"`
		} `json:"data"`
	}
	mustJSON(t, body, &list)
	if resp.StatusCode != 200 || list.Object != "list" || len(list.Data) != 7 || list.Data[0].Object != "model" {
		t.Fatalf("models: %d %s", resp.StatusCode, body)
	}
	resp, _ = g.get("/v1/models/sim-small")
	if resp.StatusCode != 200 {
		t.Fatalf("retrieve model: %d", resp.StatusCode)
	}
}

func TestBadInputNeverReachesUpstream(t *testing.T) {
	t.Setenv("TEST_OPENAI_KEY", upstreamKey)
	fake, rec := fakeupstream.NewOpenAI(t, fakeupstream.OpenAIConfig{})
	g := startGateway(t, openAISite(fake.URL, "		max_body_size 2KiB"))

	cases := []struct {
		name, path, body string
		headers          []string
		status           int
		param            string
	}{
		{"malformed JSON", "/v1/chat/completions", `{"model":`, nil, 400, ""},
		{"not an object", "/v1/chat/completions", `[1,2]`, nil, 400, ""},
		{"missing model", "/v1/chat/completions", `{"messages":[{"role":"user","content":"x"}]}`, nil, 400, "model"},
		{"missing messages", "/v1/chat/completions", `{"model":"gpt-4o-mini"}`, nil, 400, "messages"},
		{"missing input", "/v1/embeddings", `{"model":"text-embedding-3-small"}`, nil, 400, "input"},
		{"missing prompt", "/v1/images/generations", `{"model":"dall-e-3"}`, nil, 400, "prompt"},
		{"unknown model", "/v1/chat/completions", `{"model":"nope","messages":[{"role":"user","content":"x"}]}`, nil, 404, "model"},
		{"too large", "/v1/chat/completions", `{"model":"gpt-4o-mini","messages":[{"role":"user","content":"` + strings.Repeat("x", 4096) + `"}]}`, nil, 413, ""},
		{"wrong content type", "/v1/chat/completions", `model=x`, []string{"Content-Type", "text/plain"}, 415, ""},
		{"invalid UTF-8", "/v1/chat/completions", "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"\xff\"}]}", nil, 400, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp, body := g.post(c.path, c.body, c.headers...)
			if resp.StatusCode != c.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, c.status, body)
			}
			msg, _, _ := openAIError(t, body)
			if resp.Header.Get("X-Request-Id") == "" {
				t.Error("an error answer without X-Request-Id")
			}
			if c.param != "" && !strings.Contains(msg, c.param) {
				t.Errorf("message %q does not name %q", msg, c.param)
			}
		})
	}
	resp, body := g.get("/v1/chat/completions")
	if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != "POST" {
		t.Fatalf("GET chat: %d %s", resp.StatusCode, body)
	}
	openAIError(t, body)
	if n := rec.Count(); n != 0 {
		t.Fatalf("%d invalid requests reached the upstream", n)
	}
}

func TestUnderPathPrefix(t *testing.T) {
	g := startGateway(t, `	handle_path /ai/* {
		ai_backends {
			provider demo sim {
				models sim-small
			}
		}
	}`)
	resp, body := g.post("/ai/v1/chat/completions", `{"model":"sim-small","messages":[{"role":"user","content":"hello"}]}`)
	if resp.StatusCode != 200 {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	resp, body = g.get("/ai/v1/models")
	if resp.StatusCode != 200 || !strings.Contains(string(body), "sim-small") {
		t.Fatalf("models under prefix: %d %s", resp.StatusCode, body)
	}
}

func TestUpstreamErrorsAreClassified(t *testing.T) {
	t.Setenv("TEST_OPENAI_KEY", upstreamKey)
	for _, c := range []struct {
		status, want int
		typ          string
	}{
		{400, 400, "invalid_request_error"},
		{404, 404, "invalid_request_error"},
		{429, 429, "rate_limit_error"},
		{500, 502, "server_error"},
		{503, 503, "server_error"},
	} {
		t.Run(fmt.Sprint(c.status), func(t *testing.T) {
			fake, _ := fakeupstream.NewOpenAI(t, fakeupstream.OpenAIConfig{Fail: fakeupstream.OpenAIErrorFor(c.status)})
			g := startGateway(t, openAISite(fake.URL, ""))
			resp, body := g.post("/v1/chat/completions", `{"model":"gpt-4o-mini","messages":[{"role":"user","content":"x"}]}`)
			if resp.StatusCode != c.want {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, c.want, body)
			}
			if _, typ, _ := openAIError(t, body); typ != c.typ {
				t.Errorf("type %q, want %q", typ, c.typ)
			}
		})
	}
}
