package aibackends

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/anthropics/anthropic-sdk-go"
	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"
	"github.com/openai/openai-go/v3"

	"github.com/sira-ai/caddy-ai-backends/internal/fakeupstream"
	"github.com/sira-ai/caddy-ai-backends/internal/sdktest"
)

// vertexGateway serves, over loopback for the official SDKs, a handler
// with one vertex provider at the fake f (its service account's key as
// credentials_json): a Gemini model, a Claude model and an embedding
// model.
func vertexGateway(t *testing.T, f *fakeupstream.FakeVertex) (h *Handler, url string) {
	t.Helper()
	sa, _ := json.Marshal(f.ServiceAccountJSON(false))
	h = pipeHandler(t, fmt.Sprintf(`{%s,"providers":[{"type":"vertex","name":"vx","base_url":%q,"location":"us-central1",
		"credentials_json":%s,"models":["gemini-2.5-flash","claude-sonnet-4-5@20250929","text-embedding-005"]}]}`,
		pipeFast, f.URL, sa))
	return h, pipeServe(t, h)
}

const vertexPath = "/v1/projects/test-project/locations/us-central1/publishers/"

// TestVertexSDKChatStreamEmbeddings: the official OpenAI SDK chats with a
// Gemini and a Claude model on Vertex, plain and streamed, and embeds
// with text-embedding-005; every call carries the service account's
// token.
func TestVertexSDKChatStreamEmbeddings(t *testing.T) {
	f, rec := fakeupstream.NewVertex(t, fakeupstream.VertexConfig{
		Gemini: fakeupstream.GeminiOptions{Chunks: []string{"Gemini ", "on ", "Vertex"}}})
	h, url := vertexGateway(t, f)
	client := sdkClient(url+"/v1", "client-key")
	ctx := context.Background()
	for model, want := range map[string]string{
		"gemini-2.5-flash":           "Gemini on Vertex",
		"claude-sonnet-4-5@20250929": fakeupstream.DefaultAnthropicText,
	} {
		chat, err := client.Chat.Completions.New(ctx, openai.ChatCompletionNewParams{Model: model,
			Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("hello")}})
		if err != nil {
			t.Fatalf("%s: %v", model, err)
		}
		if chat.Choices[0].Message.Content != want || chat.Usage.TotalTokens == 0 {
			t.Errorf("%s: %q usage %+v", model, chat.Choices[0].Message.Content, chat.Usage)
		}
		if !strings.HasPrefix(rec.Last().Header.Get("Authorization"), "Bearer ya29.") {
			t.Errorf("%s: no bearer token", model)
		}
		stream := client.Chat.Completions.NewStreaming(ctx, openai.ChatCompletionNewParams{Model: model,
			Messages:      []openai.ChatCompletionMessageParamUnion{openai.UserMessage("hello")},
			StreamOptions: openai.ChatCompletionStreamOptionsParam{IncludeUsage: openai.Bool(true)}})
		acc, _ := sdktest.AccumulateChat(t, stream)
		if acc.Choices[0].Message.Content != want || acc.Usage.TotalTokens == 0 {
			t.Errorf("%s stream: %q usage %+v", model, acc.Choices[0].Message.Content, acc.Usage)
		}
		if p := rec.Last().Path; !strings.HasSuffix(p, "/models/"+model+":streamRawPredict") && !strings.HasSuffix(p, "/models/"+model+":streamGenerateContent?alt=sse") {
			t.Errorf("%s stream path %s", model, p)
		}
	}
	emb, err := client.Embeddings.New(ctx, openai.EmbeddingNewParams{Model: "text-embedding-005",
		Input: openai.EmbeddingNewParamsInputUnion{OfArrayOfStrings: []string{"one two", "three"}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(emb.Data) != 2 || len(emb.Data[1].Embedding) != 8 || emb.Usage.PromptTokens != 3 ||
		rec.Last().Path != vertexPath+"google/models/text-embedding-005:predict" {
		t.Errorf("embeddings: %+v via %s", emb, rec.Last().Path)
	}
	if f.Issued() != 1 {
		t.Errorf("%d tokens issued", f.Issued())
	}
	// The catalog knows Vertex's model ids.
	for _, id := range []string{"vx/gemini-2.5-flash", "vx/claude-sonnet-4-5@20250929", "vx/text-embedding-005"} {
		if d := h.catalog.byID[id]; d == nil || !d.entry.Known() {
			t.Errorf("%s: not in the catalog", id)
		}
	}
}

// TestVertexSDKToolsRoundTrip: a tool call from either publisher's model
// reaches the OpenAI SDK, and the tool's result goes back in the
// publisher's own shape.
func TestVertexSDKToolsRoundTrip(t *testing.T) {
	f, rec := fakeupstream.NewVertex(t, fakeupstream.VertexConfig{
		Gemini:    fakeupstream.GeminiOptions{FunctionCalls: []fakeupstream.GeminiFunctionCall{{Name: "get_weather", Args: `{"city":"Paris"}`}}},
		Anthropic: fakeupstream.AnthropicOptions{ToolUses: []fakeupstream.AnthropicToolUse{{ID: "toolu_1", Name: "get_weather", Input: `{"city":"Paris"}`}}},
	})
	_, url := vertexGateway(t, f)
	client := sdkClient(url+"/v1", "client-key")
	ctx := context.Background()
	tool := openai.ChatCompletionFunctionTool(openai.FunctionDefinitionParam{Name: "get_weather",
		Parameters: openai.FunctionParameters{"type": "object", "properties": map[string]any{"city": map[string]any{"type": "string"}}}})
	for model, resultShape := range map[string]string{
		"gemini-2.5-flash":           `"functionResponse":{`,
		"claude-sonnet-4-5@20250929": `"type":"tool_result"`,
	} {
		params := openai.ChatCompletionNewParams{Model: model, Tools: []openai.ChatCompletionToolUnionParam{tool},
			Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("Weather in Paris?")}}
		r, err := client.Chat.Completions.New(ctx, params)
		if err != nil {
			t.Fatalf("%s: %v", model, err)
		}
		msg := r.Choices[0].Message
		if r.Choices[0].FinishReason != "tool_calls" || len(msg.ToolCalls) != 1 || msg.ToolCalls[0].Function.Name != "get_weather" ||
			!strings.Contains(msg.ToolCalls[0].Function.Arguments, "Paris") {
			t.Fatalf("%s: %s %+v", model, r.Choices[0].FinishReason, msg.ToolCalls)
		}
		params.Messages = append(params.Messages, msg.ToParam(), openai.ToolMessage(`{"temp":21}`, msg.ToolCalls[0].ID))
		if _, err := client.Chat.Completions.New(ctx, params); err != nil {
			t.Fatalf("%s tool result: %v", model, err)
		}
		if body := string(rec.Last().Body); !strings.Contains(body, resultShape) || !strings.Contains(body, "21") {
			t.Errorf("%s: tool result not sent: %s", model, body)
		}
	}
}

// TestVertexAnthropicSDKMessages: /v1/messages from the official Anthropic
// SDK to Claude on Vertex is relayed to rawPredict / streamRawPredict with
// the model in the URL and anthropic_version in the body.
func TestVertexAnthropicSDKMessages(t *testing.T) {
	f, rec := fakeupstream.NewVertex(t, fakeupstream.VertexConfig{})
	_, url := vertexGateway(t, f)
	client := sdktest.AnthropicClient(url, "client-key")
	ctx := context.Background()
	params := anthropic.MessageNewParams{Model: "claude-sonnet-4-5@20250929", MaxTokens: 100,
		Messages: []anthropic.MessageParam{anthropic.NewUserMessage(anthropic.NewTextBlock("hello"))},
		Metadata: anthropic.MetadataParam{UserID: anthropic.String("user-7")}}
	msg, err := client.Messages.New(ctx, params)
	if err != nil {
		t.Fatal(err)
	}
	if len(msg.Content) != 1 || msg.Content[0].Text != fakeupstream.DefaultAnthropicText {
		t.Errorf("message %+v", msg)
	}
	last := rec.Last()
	if last.Path != vertexPath+"anthropic/models/claude-sonnet-4-5@20250929:rawPredict" || strings.Contains(string(last.Body), `"model"`) ||
		!strings.Contains(string(last.Body), `"anthropic_version":"vertex-2023-10-16"`) || !strings.Contains(string(last.Body), `"user-7"`) {
		t.Errorf("sent %s %s", last.Path, last.Body)
	}
	stream := client.Messages.NewStreaming(ctx, params)
	acc, _ := sdktest.AccumulateMessage(t, stream)
	if len(acc.Content) != 1 || acc.Content[0].Text != fakeupstream.DefaultAnthropicText || acc.Usage.OutputTokens == 0 {
		t.Errorf("streamed %+v", acc)
	}
	if p := rec.Last().Path; p != vertexPath+"anthropic/models/claude-sonnet-4-5@20250929:streamRawPredict" {
		t.Errorf("stream path %s", p)
	}
	// Token counting goes to Claude's count-tokens on Vertex.
	count, err := client.Messages.CountTokens(ctx, anthropic.MessageCountTokensParams{Model: "claude-sonnet-4-5@20250929",
		Messages: []anthropic.MessageParam{anthropic.NewUserMessage(anthropic.NewTextBlock("one two three"))}})
	if err != nil || count.InputTokens <= 0 || rec.Last().Path != vertexPath+"anthropic/models/count-tokens:rawPredict" {
		t.Errorf("count %+v %v via %s", count, err, rec.Last().Path)
	}
}

// TestVertexPipelineQuotaError: Vertex's 429 RESOURCE_EXHAUSTED, for
// either publisher, reaches the client as a 429 in its dialect.
func TestVertexPipelineQuotaError(t *testing.T) {
	f, _ := fakeupstream.NewVertex(t, fakeupstream.VertexConfig{Fail: &fakeupstream.GeminiError{Code: 429, Status: "RESOURCE_EXHAUSTED",
		Message: "Quota exceeded for aiplatform.googleapis.com/online_prediction_requests_per_base_model with base model: anthropic-claude-sonnet-4-5."}})
	h, _ := vertexGateway(t, f)
	w := pipeDo(t, h, "POST", "/v1/messages", `{"model":"claude-sonnet-4-5@20250929","max_tokens":10,"messages":[{"role":"user","content":"hi"}]}`)
	if w.Code != 429 || !strings.Contains(w.Body.String(), `"type":"rate_limit_error"`) {
		t.Errorf("anthropic client: %d %s", w.Code, w.Body)
	}
	w = pipeDo(t, h, "POST", "/v1/chat/completions", pipeChat("gemini-2.5-flash", false))
	if w.Code != 429 || !strings.Contains(w.Body.String(), `"type":"rate_limit_error"`) {
		t.Errorf("openai client: %d %s", w.Code, w.Body)
	}
}

// TestVertexCaddyfile: a vertex block with a key file on disk adapts,
// provisions and serves, the project taken from the key.
func TestVertexCaddyfile(t *testing.T) {
	f, rec := fakeupstream.NewVertex(t, fakeupstream.VertexConfig{})
	keyFile := filepath.Join(t.TempDir(), "sa.json")
	if err := os.WriteFile(keyFile, []byte(f.ServiceAccountJSON(false)), 0o600); err != nil {
		t.Fatal(err)
	}
	var parsed Handler
	if err := parsed.UnmarshalCaddyfile(caddyfile.NewTestDispenser(fmt.Sprintf(`ai_backends {
		provider vx vertex {
			base_url %s
			location us-central1
			credentials_file %s
			models gemini-2.5-flash
		}
	}`, f.URL, keyFile))); err != nil {
		t.Fatal(err)
	}
	config, err := json.Marshal(&parsed)
	if err != nil {
		t.Fatal(err)
	}
	h := pipeHandler(t, string(config))
	w := pipeDo(t, h, "POST", "/v1/chat/completions", pipeChat("gemini-2.5-flash", false))
	if w.Code != 200 || rec.Last().Path != vertexPath+"google/models/gemini-2.5-flash:generateContent" {
		t.Errorf("%d %s via %s", w.Code, w.Body, rec.Last().Path)
	}
}

// TestVertexPipelineFailover: a Vertex deployment out of quota hands the
// request to the next deployment of the model (Anthropic's own API here).
func TestVertexPipelineFailover(t *testing.T) {
	f, vrec := fakeupstream.NewVertex(t, fakeupstream.VertexConfig{Fail: &fakeupstream.GeminiError{Code: 429, Status: "RESOURCE_EXHAUSTED",
		Message: "Quota exceeded for aiplatform.googleapis.com/online_prediction_requests_per_base_model."}})
	ant, arec := fakeupstream.NewAnthropic(fakeupstream.AnthropicOptions{Text: "from anthropic"})
	t.Cleanup(ant.Close)
	sa, _ := json.Marshal(f.ServiceAccountJSON(false))
	h := pipeHandler(t, fmt.Sprintf(`{%s,"providers":[
		{"type":"vertex","name":"vx","base_url":%q,"credentials_json":%s,"models":["claude-sonnet-4-5"],"max_retries":0},
		{"type":"anthropic","name":"ant","base_url":%q,"api_keys":[{"value":"k-0123456789"}],"models":["claude-sonnet-4-5"]}]}`, pipeFast, f.URL, sa, ant.URL))
	w := pipeDo(t, h, "POST", "/v1/chat/completions", pipeChat("claude-sonnet-4-5", false))
	if w.Code != 200 || !strings.Contains(w.Body.String(), "from anthropic") || vrec.Count() == 0 || arec.Count() != 1 {
		t.Errorf("%d %s via %q; vertex saw %d, anthropic %d", w.Code, w.Body, w.Header().Get("X-AI-Provider"), vrec.Count(), arec.Count())
	}
}

// TestVertexGeminiNativeClient: a Gemini API client's generateContent is
// relayed to Vertex's generateContent as its own body, and its
// embedContent reaches :predict.
func TestVertexGeminiNativeClient(t *testing.T) {
	f, rec := fakeupstream.NewVertex(t, fakeupstream.VertexConfig{Gemini: fakeupstream.GeminiOptions{Text: "native"}})
	h, _ := vertexGateway(t, f)
	body := `{"contents":[{"role":"user","parts":[{"text":"hi"}]}],"generationConfig":{"maxOutputTokens":20,"seed":7}}`
	w := pipeDo(t, h, "POST", "/v1beta/models/gemini-2.5-flash:generateContent", body)
	if w.Code != 200 || !strings.Contains(w.Body.String(), `"native"`) || !strings.Contains(w.Body.String(), `"candidates"`) {
		t.Fatalf("generateContent: %d %s", w.Code, w.Body)
	}
	if last := rec.Last(); last.Path != vertexPath+"google/models/gemini-2.5-flash:generateContent" || !strings.Contains(string(last.Body), `"seed":7`) {
		t.Errorf("sent %s %s", last.Path, last.Body)
	}
	w = pipeDo(t, h, "POST", "/v1beta/models/text-embedding-005:embedContent", `{"content":{"parts":[{"text":"the cat sat"}]},"outputDimensionality":3}`)
	if w.Code != 200 || !strings.Contains(w.Body.String(), `"values"`) || rec.Last().Path != vertexPath+"google/models/text-embedding-005:predict" {
		t.Errorf("embedContent: %d %s via %s", w.Code, w.Body, rec.Last().Path)
	}
}

// TestBedrockThrottledFailsOverToVertex: one public model on a Bedrock
// deployment and a Vertex one; Bedrock's ThrottlingException hands the
// request, in either dialect, to Claude on Vertex.
func TestBedrockThrottledFailsOverToVertex(t *testing.T) {
	burl, brec := newBedrockFake(t, func(c *fakeupstream.BedrockConfig) { c.Throttle = true })
	f, vrec := fakeupstream.NewVertex(t, fakeupstream.VertexConfig{Anthropic: fakeupstream.AnthropicOptions{Text: "from vertex"}})
	sa, _ := json.Marshal(f.ServiceAccountJSON(false))
	h := pipeHandler(t, fmt.Sprintf(`{%s,"providers":[%s,
		{"type":"vertex","name":"vx","base_url":%q,"credentials_json":%s,"models":["claude"],
		 "model_map":{"claude":"claude-sonnet-4-5@20250929"}}]}`, pipeFast, bedrockProvider("aws", burl), f.URL, sa))
	w := pipeDo(t, h, "POST", "/v1/chat/completions", pipeChat("claude", false))
	if w.Code != 200 || !strings.Contains(w.Body.String(), "from vertex") || w.Header().Get("X-AI-Provider") != "vx" || brec.Count() == 0 {
		t.Errorf("chat: %d %s via %q; bedrock saw %d", w.Code, w.Body, w.Header().Get("X-AI-Provider"), brec.Count())
	}
	w = pipeDo(t, h, "POST", "/v1/messages", `{"model":"claude","max_tokens":20,"messages":[{"role":"user","content":"hi"}]}`)
	if w.Code != 200 || !strings.Contains(w.Body.String(), "from vertex") ||
		vrec.Last().Path != vertexPath+"anthropic/models/claude-sonnet-4-5@20250929:rawPredict" {
		t.Errorf("messages: %d %s via %s", w.Code, w.Body, vrec.Last().Path)
	}
}
