package aibackends

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/sira-ai/caddy-ai-backends/internal/fakeupstream"
)

const azureTestKey = "azure-key-0123456789abcdef"

// azureProvider is the JSON of an azure provider at the fake resource url
// with a dated api-version and gpt-4o served by deployment dep.
func azureProvider(name, url, dep string) string {
	return fmt.Sprintf(`{"type":"azure","name":%q,"base_url":%q,"api_version":"2024-10-21",
		"api_keys":[{"value":%q}],"deployments":{"gpt-4o":%q},"models":["gpt-4o","text-embedding-3-small"]}`,
		name, url, azureTestKey, dep)
}

func newAzureFake(t *testing.T, cfg fakeupstream.AzureConfig) (string, *fakeupstream.Recorder) {
	cfg.APIKey = azureTestKey
	srv, rec := fakeupstream.NewAzure(t, cfg)
	return srv.URL, rec
}

func TestAzurePipelineChatStreamEmbeddings(t *testing.T) {
	url, rec := newAzureFake(t, fakeupstream.AzureConfig{
		Deployments: []string{"prod-4o", "text-embedding-3-small"}, OpenAI: fakeupstream.OpenAIConfig{Reply: "from azure"}})
	h := pipeHandler(t, fmt.Sprintf(`{%s,"providers":[%s]}`, pipeFast, azureProvider("az", url, "prod-4o")))

	w := pipeDo(t, h, "POST", "/v1/chat/completions", pipeChat("gpt-4o", false))
	if w.Code != 200 || !strings.Contains(w.Body.String(), "from azure") || w.Header().Get("X-AI-Provider") != "az" {
		t.Fatalf("chat: %d %s", w.Code, w.Body)
	}
	last := rec.Last()
	if last.Path != "/openai/deployments/prod-4o/chat/completions?api-version=2024-10-21" || last.Header.Get("Api-Key") != azureTestKey {
		t.Errorf("chat went to %s with %v", last.Path, last.Header)
	}

	w = pipeDo(t, h, "POST", "/v1/chat/completions", pipeChat("gpt-4o", true))
	if w.Code != 200 || !strings.Contains(w.Body.String(), "data: [DONE]") || !strings.Contains(w.Body.String(), "from") {
		t.Fatalf("stream: %d %s", w.Code, w.Body)
	}
	if !strings.Contains(string(rec.Last().Body), `"include_usage":true`) {
		t.Errorf("stream did not ask for usage: %s", rec.Last().Body)
	}

	w = pipeDo(t, h, "POST", "/v1/embeddings", `{"model":"text-embedding-3-small","input":["a","b"]}`)
	if w.Code != 200 || rec.Last().Path != "/openai/deployments/text-embedding-3-small/embeddings?api-version=2024-10-21" {
		t.Fatalf("embeddings: %d %s via %s", w.Code, w.Body, rec.Last().Path)
	}

	// The catalog prices the model, not the deployment name.
	d := h.catalog.byID["az/gpt-4o"]
	if d == nil || !d.entry.Known() || d.spec().Prices.Input != 2.50 {
		t.Errorf("az/gpt-4o entry: %+v", d)
	}
}

func TestAzurePipelineToolsRoundTrip(t *testing.T) {
	url, rec := newAzureFake(t, fakeupstream.AzureConfig{OpenAI: fakeupstream.OpenAIConfig{ToolCalls: true}})
	h := pipeHandler(t, fmt.Sprintf(`{%s,"providers":[%s]}`, pipeFast, azureProvider("az", url, "gpt-4o")))
	tools := `"tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}]`
	w := pipeDo(t, h, "POST", "/v1/chat/completions",
		`{"model":"gpt-4o","messages":[{"role":"user","content":"weather in Paris?"}],`+tools+`}`)
	var resp struct {
		Choices []struct {
			FinishReason string `json:"finish_reason"`
			Message      struct {
				ToolCalls []struct {
					ID       string `json:"id"`
					Function struct{ Name, Arguments string }
				} `json:"tool_calls"`
			}
		}
	}
	if err := json.Unmarshal(w.Body.Bytes(), &resp); err != nil || w.Code != 200 || len(resp.Choices) != 1 ||
		resp.Choices[0].FinishReason != "tool_calls" || len(resp.Choices[0].Message.ToolCalls) != 1 {
		t.Fatalf("tool call: %d %s", w.Code, w.Body)
	}
	call := resp.Choices[0].Message.ToolCalls[0]
	second := fmt.Sprintf(`{"model":"gpt-4o","messages":[{"role":"user","content":"weather in Paris?"},
		{"role":"assistant","content":null,"tool_calls":[{"id":%q,"type":"function","function":{"name":"get_weather","arguments":%q}}]},
		{"role":"tool","tool_call_id":%q,"content":"sunny"}],%s}`, call.ID, call.Function.Arguments, call.ID, tools)
	w = pipeDo(t, h, "POST", "/v1/chat/completions", second)
	if w.Code != 200 {
		t.Fatalf("tool result: %d %s", w.Code, w.Body)
	}
	if !strings.Contains(string(rec.Last().Body), `"tool_call_id":"`+call.ID+`"`) {
		t.Errorf("tool result not passed through: %s", rec.Last().Body)
	}
}

// Azure's content filter refusing a prompt is not retried on the same
// deployment, reaches the client as a 400 content_filter in its dialect,
// and another deployment may serve the request.
func TestAzurePipelineContentFilter(t *testing.T) {
	prompt := `{"model":"gpt-4o","messages":[{"role":"user","content":"a forbidden prompt"}]}`
	url, rec := newAzureFake(t, fakeupstream.AzureConfig{FilterWord: "forbidden"})
	h := pipeHandler(t, fmt.Sprintf(`{%s,"providers":[%s]}`, pipeFast, azureProvider("az", url, "gpt-4o")))
	w := pipeDo(t, h, "POST", "/v1/chat/completions", prompt)
	if w.Code != 400 || !strings.Contains(w.Body.String(), `"code":"content_filter"`) ||
		!strings.Contains(w.Body.String(), `"type":"invalid_request_error"`) || rec.Count() != 1 {
		t.Errorf("content filter: %d %s after %d upstream requests", w.Code, w.Body, rec.Count())
	}
	w = pipeDo(t, h, "POST", "/v1/messages",
		`{"model":"gpt-4o","max_tokens":50,"messages":[{"role":"user","content":"a forbidden prompt"}]}`)
	if w.Code != 400 || !strings.Contains(w.Body.String(), `"type":"invalid_request_error"`) ||
		!strings.Contains(w.Body.String(), "content management policy") {
		t.Errorf("anthropic client: %d %s", w.Code, w.Body)
	}

	// A second deployment (another resource, another filter configuration)
	// serves what the first refused.
	url2, rec2 := newAzureFake(t, fakeupstream.AzureConfig{OpenAI: fakeupstream.OpenAIConfig{Reply: "from eu"}})
	rec.Reset()
	h = pipeHandler(t, fmt.Sprintf(`{%s,"providers":[%s,%s]}`, pipeFast,
		azureProvider("us", url, "gpt-4o"), azureProvider("eu", url2, "gpt-4o")))
	w = pipeDo(t, h, "POST", "/v1/chat/completions", prompt)
	if w.Code != 200 || w.Header().Get("X-AI-Provider") != "eu" || rec.Count() != 1 || rec2.Count() != 1 {
		t.Errorf("fallback: %d %s via %q; us saw %d, eu %d", w.Code, w.Body, w.Header().Get("X-AI-Provider"), rec.Count(), rec2.Count())
	}
}
