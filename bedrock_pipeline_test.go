package aibackends

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/anthropics/anthropic-sdk-go"
	openaisdk "github.com/openai/openai-go/v3"

	"github.com/sira-ai/caddy-ai-backends/internal/fakeupstream"
	"github.com/sira-ai/caddy-ai-backends/internal/sdktest"
)

const (
	bedrockTestKeyID  = "AKIDPIPELINE000001"
	bedrockTestSecret = "pipeline-secret-0123456789abcdefghij"
	bedrockClaude     = "us.anthropic.claude-sonnet-4-5-20250929-v1:0"
	bedrockNova       = "amazon.nova-pro-v1:0"
	bedrockTitan      = "amazon.titan-embed-text-v2:0"
)

// bedrockProvider is the JSON of a bedrock provider at the fake url, with
// static test credentials and the public names claude, nova and titan.
func bedrockProvider(name, url string) string {
	return fmt.Sprintf(`{"type":"bedrock","name":%q,"base_url":%q,"region":"us-east-1",
		"access_key_id":%q,"secret_access_key":%q,"max_retries":0,
		"models":["claude","nova","titan"],"model_map":{"claude":%q,"nova":%q,"titan":%q}}`,
		name, url, bedrockTestKeyID, bedrockTestSecret, bedrockClaude, bedrockNova, bedrockTitan)
}

func newBedrockFake(t *testing.T, edit func(*fakeupstream.BedrockConfig)) (string, *fakeupstream.Recorder) {
	cfg := fakeupstream.BedrockConfig{AccessKeyID: bedrockTestKeyID, SecretAccessKey: bedrockTestSecret}
	if edit != nil {
		edit(&cfg)
	}
	srv, rec := fakeupstream.NewBedrock(t, cfg)
	return srv.URL, rec
}

// TestBedrockPipelineOpenAISDK: the official OpenAI SDK through the
// gateway to Bedrock: chat, stream, a tools round trip and embeddings.
func TestBedrockPipelineOpenAISDK(t *testing.T) {
	url, rec := newBedrockFake(t, func(c *fakeupstream.BedrockConfig) { c.ToolInput = `{"city":"Paris"}` })
	h := pipeHandler(t, fmt.Sprintf(`{%s,"providers":[%s]}`, pipeFast, bedrockProvider("aws", url)))
	client := sdktest.OpenAIClient(pipeServe(t, h)+"/v1", "k")
	ctx := context.Background()

	resp, err := client.Chat.Completions.New(ctx, openaisdk.ChatCompletionNewParams{
		Model: "nova", Messages: []openaisdk.ChatCompletionMessageParamUnion{openaisdk.UserMessage("Hi")}})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Choices[0].Message.Content != fakeupstream.DefaultBedrockText || resp.Usage.TotalTokens != 18 || resp.Model != bedrockNova {
		t.Errorf("chat: %+v", resp)
	}
	if p := rec.Last().Path; p != "/model/"+bedrockNova+"/converse" {
		t.Errorf("chat went to %s", p)
	}
	// The catalog prices the Bedrock id the public name maps to.
	if d := h.catalog.byID["aws/claude"]; d == nil || !d.entry.Known() || d.spec().Prices.Input != 3.00 {
		t.Errorf("aws/claude entry: %+v", d)
	}

	stream := client.Chat.Completions.NewStreaming(ctx, openaisdk.ChatCompletionNewParams{
		Model: "nova", Messages: []openaisdk.ChatCompletionMessageParamUnion{openaisdk.UserMessage("Hi")},
		StreamOptions: openaisdk.ChatCompletionStreamOptionsParam{IncludeUsage: openaisdk.Bool(true)}})
	acc, _ := sdktest.AccumulateChat(t, stream)
	if acc.Choices[0].Message.Content != fakeupstream.DefaultBedrockText || acc.Usage.TotalTokens != 18 {
		t.Errorf("stream: %q usage %+v", acc.Choices[0].Message.Content, acc.Usage)
	}

	params := openaisdk.ChatCompletionNewParams{
		Model:    "claude",
		Messages: []openaisdk.ChatCompletionMessageParamUnion{openaisdk.UserMessage("Weather in Paris?")},
		Tools: []openaisdk.ChatCompletionToolUnionParam{openaisdk.ChatCompletionFunctionTool(openaisdk.FunctionDefinitionParam{
			Name: "weather", Parameters: openaisdk.FunctionParameters{"type": "object", "properties": map[string]any{"city": map[string]any{"type": "string"}}}})},
	}
	resp, err = client.Chat.Completions.New(ctx, params)
	if err != nil {
		t.Fatal(err)
	}
	calls := resp.Choices[0].Message.ToolCalls
	if resp.Choices[0].FinishReason != "tool_calls" || len(calls) != 1 || calls[0].Function.Arguments != `{"city":"Paris"}` {
		t.Fatalf("tool call: %+v", resp.Choices[0])
	}
	params.Messages = append(params.Messages, resp.Choices[0].Message.ToParam(), openaisdk.ToolMessage("sunny", calls[0].ID))
	resp, err = client.Chat.Completions.New(ctx, params)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Choices[0].Message.Content != "The tool said: sunny" {
		t.Errorf("tool result turn: %+v", resp.Choices[0])
	}

	emb, err := client.Embeddings.New(ctx, openaisdk.EmbeddingNewParams{
		Model: "titan", Input: openaisdk.EmbeddingNewParamsInputUnion{OfArrayOfStrings: []string{"a b", "c"}}, Dimensions: openaisdk.Int(256)})
	if err != nil {
		t.Fatal(err)
	}
	if len(emb.Data) != 2 || len(emb.Data[0].Embedding) != 256 || emb.Usage.PromptTokens != 3 {
		t.Errorf("embeddings: %d vectors, usage %+v", len(emb.Data), emb.Usage)
	}
}

// TestBedrockPipelineMessagesSDK: the official Anthropic SDK's
// /v1/messages to Claude on Bedrock goes through InvokeModel with the
// client's body, and comes back as Anthropic's own answer and events.
func TestBedrockPipelineMessagesSDK(t *testing.T) {
	url, rec := newBedrockFake(t, func(c *fakeupstream.BedrockConfig) { c.InputTokens, c.OutputTokens = 25, 6 })
	h := pipeHandler(t, fmt.Sprintf(`{%s,"providers":[%s]}`, pipeFast, bedrockProvider("aws", url)))
	client := sdktest.AnthropicClient(pipeServe(t, h), "k")
	params := anthropic.MessageNewParams{Model: "claude", MaxTokens: 512,
		Messages: []anthropic.MessageParam{anthropic.NewUserMessage(anthropic.NewTextBlock("Hi"))}}

	msg, err := client.Messages.New(context.Background(), params)
	if err != nil {
		t.Fatal(err)
	}
	if msg.Content[0].Text != fakeupstream.DefaultBedrockText || msg.Usage.InputTokens != 25 || msg.Model != "claude" {
		t.Errorf("message: %+v", msg)
	}
	last := rec.Last()
	if last.Path != "/model/"+bedrockClaude+"/invoke" || !strings.Contains(string(last.Body), `"anthropic_version":"bedrock-2023-05-31"`) {
		t.Errorf("went to %s with %s", last.Path, last.Body)
	}

	stream := client.Messages.NewStreaming(context.Background(), params)
	acc, _ := sdktest.AccumulateMessage(t, stream)
	if acc.Content[0].Text != fakeupstream.DefaultBedrockText || acc.Usage.OutputTokens != 6 || acc.Model != "claude" {
		t.Errorf("stream: %+v", acc)
	}
	if p := rec.Last().Path; p != "/model/"+bedrockClaude+"/invoke-with-response-stream" {
		t.Errorf("stream went to %s", p)
	}
}

// TestBedrockPipelineFailover: a throttled Bedrock deployment hands the
// request to the next provider serving the model.
func TestBedrockPipelineFailover(t *testing.T) {
	url, rec := newBedrockFake(t, func(c *fakeupstream.BedrockConfig) { c.Throttle = true })
	ant, antRec := fakeupstream.NewAnthropic(fakeupstream.AnthropicOptions{Text: "from anthropic"})
	t.Cleanup(ant.Close)
	h := pipeHandler(t, fmt.Sprintf(`{%s,"providers":[%s,
		{"type":"anthropic","name":"ant","base_url":%q,"api_keys":[{"value":"k"}],"models":["claude"],"model_map":{"claude":"claude-sonnet-4-5"},"max_retries":0}]}`,
		pipeFast, bedrockProvider("aws", url), ant.URL))
	w := pipeDo(t, h, "POST", "/v1/chat/completions", pipeChat("claude", false))
	if w.Code != 200 || !strings.Contains(w.Body.String(), "from anthropic") || w.Header().Get("X-AI-Provider") != "ant" {
		t.Fatalf("failover: %d %s via %q", w.Code, w.Body, w.Header().Get("X-AI-Provider"))
	}
	if rec.Count() == 0 || antRec.Count() != 1 {
		t.Errorf("bedrock saw %d, anthropic %d", rec.Count(), antRec.Count())
	}
	// With nowhere else to go, the client sees the throttling as a 429.
	url, _ = newBedrockFake(t, func(c *fakeupstream.BedrockConfig) { c.Throttle = true })
	h = pipeHandler(t, fmt.Sprintf(`{%s,"providers":[%s]}`, pipeFast, bedrockProvider("solo", url)))
	w = pipeDo(t, h, "POST", "/v1/messages", `{"model":"claude","max_tokens":50,"messages":[{"role":"user","content":"Hi"}]}`)
	if w.Code != 429 || !strings.Contains(w.Body.String(), `"type":"rate_limit_error"`) || !strings.Contains(w.Body.String(), "Too many requests") {
		t.Errorf("throttled alone: %d %s", w.Code, w.Body)
	}
}

// TestBedrockPipelineStreamException: an exception frame after the first
// delta ends the client's stream with the usual in-stream error, in each
// dialect's shape, and is not retried elsewhere once the stream started.
func TestBedrockPipelineStreamException(t *testing.T) {
	url, rec := newBedrockFake(t, func(c *fakeupstream.BedrockConfig) { c.StreamException = "modelStreamErrorException" })
	h := pipeHandler(t, fmt.Sprintf(`{%s,"providers":[%s]}`, pipeFast, bedrockProvider("aws", url)))
	w := pipeDo(t, h, "POST", "/v1/chat/completions", pipeChat("nova", true))
	body := w.Body.String()
	if w.Code != 200 || !strings.Contains(body, "Hello") || !strings.Contains(body, `"error"`) ||
		!strings.Contains(body, "modelStreamErrorException") || strings.Contains(body, "[DONE]") {
		t.Errorf("openai stream: %d\n%s", w.Code, body)
	}
	w = pipeDo(t, h, "POST", "/v1/messages", `{"model":"claude","max_tokens":50,"stream":true,"messages":[{"role":"user","content":"Hi"}]}`)
	body = w.Body.String()
	if w.Code != 200 || !strings.Contains(body, "event: error") || !strings.Contains(body, `"type":"api_error"`) || strings.Contains(body, "message_stop") {
		t.Errorf("anthropic stream: %d\n%s", w.Code, body)
	}
	if rec.Count() != 2 {
		t.Errorf("%d upstream requests, want 2 (no retry after the first byte)", rec.Count())
	}
}
