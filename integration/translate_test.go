package integration

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"

	anthropicsdk "github.com/anthropics/anthropic-sdk-go"
	"github.com/openai/openai-go/v3"

	"github.com/sira-ai/caddy-ai-backends/internal/fakeupstream"
	"github.com/sira-ai/caddy-ai-backends/internal/sdktest"
)

func translatedSite(anthropicURL, geminiURL, openaiURL string) string {
	return fmt.Sprintf(`	ai_backends {
		provider claude anthropic {
			base_url %s
			api_key claude-key
			models claude-sonnet-4-5
		}
		provider gem google {
			base_url %s/v1beta
			api_key gemini-key
			models gemini-2.5-flash text-embedding-004
		}
		provider oai openai_compatible {
			base_url %s/v1
			models gpt-4o-mini
		}
	}`, anthropicURL, geminiURL, openaiURL)
}

// translatedFakes are the upstreams behind translatedSite, with what each
// received.
type translatedFakes struct {
	claude, gem, oai          *httptest.Server
	claudeRec, gemRec, oaiRec *fakeupstream.Recorder
}

// startTranslated starts the three fakes from their options and a gateway
// in front of them. The fakes close when the test ends.
func startTranslated(t *testing.T, a fakeupstream.AnthropicOptions, gm fakeupstream.GeminiOptions, o fakeupstream.OpenAIConfig) (*gateway, *translatedFakes) {
	t.Helper()
	f := new(translatedFakes)
	f.claude, f.claudeRec = fakeupstream.NewAnthropic(a)
	t.Cleanup(f.claude.Close)
	f.gem, f.gemRec = fakeupstream.NewGemini(gm)
	t.Cleanup(f.gem.Close)
	f.oai, f.oaiRec = fakeupstream.NewOpenAI(t, o)
	return startGateway(t, translatedSite(f.claude.URL, f.gem.URL, f.oai.URL)), f
}

var weatherTool = openai.ChatCompletionFunctionTool(openai.FunctionDefinitionParam{
	Name:        "get_weather",
	Description: openai.String("Weather for a city"),
	Parameters: openai.FunctionParameters{
		"type":       "object",
		"properties": map[string]any{"city": map[string]any{"type": "string"}},
		"required":   []string{"city"},
	},
})

func TestOpenAISDKAgainstClaude(t *testing.T) {
	toolClaude, _ := fakeupstream.NewAnthropic(fakeupstream.AnthropicOptions{
		ToolUses: []fakeupstream.AnthropicToolUse{{ID: "toolu_1", Name: "get_weather", Input: `{"city":"Paris"}`}},
	})
	defer toolClaude.Close()
	g, f := startTranslated(t, fakeupstream.AnthropicOptions{APIKey: "claude-key", CacheReadInputTokens: 3},
		fakeupstream.GeminiOptions{}, fakeupstream.OpenAIConfig{})
	client := g.openAIClient("x")
	ctx := context.Background()

	resp, err := client.Chat.Completions.New(ctx, openai.ChatCompletionNewParams{
		Model: "claude-sonnet-4-5",
		Messages: []openai.ChatCompletionMessageParamUnion{
			openai.SystemMessage("Be brief."),
			openai.UserMessage([]openai.ChatCompletionContentPartUnionParam{
				openai.TextContentPart("What is in this image?"),
				openai.ImageContentPart(openai.ChatCompletionContentPartImageImageURLParam{URL: "data:image/png;base64,iVBORw0KGgo="}),
			}),
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Choices[0].Message.Content != fakeupstream.DefaultAnthropicText || resp.Choices[0].FinishReason != "stop" {
		t.Fatalf("claude answer: %+v", resp.Choices[0])
	}
	if resp.Usage.PromptTokensDetails.CachedTokens != 3 || resp.Usage.PromptTokens != 12+3 {
		t.Fatalf("usage: %+v", resp.Usage)
	}
	var sent struct {
		System    any `json:"system"`
		MaxTokens int `json:"max_tokens"`
		Messages  []struct {
			Role    string `json:"role"`
			Content []struct {
				Type   string `json:"type"`
				Source *struct {
					Type      string `json:"type"`
					MediaType string `json:"media_type"`
				} `json:"source"`
			} `json:"content"`
		} `json:"messages"`
	}
	mustJSON(t, f.claudeRec.Last().Body, &sent)
	if sent.MaxTokens == 0 || !strings.Contains(fmt.Sprint(sent.System), "Be brief.") || len(sent.Messages) != 1 ||
		sent.Messages[0].Content[1].Type != "image" || sent.Messages[0].Content[1].Source.MediaType != "image/png" {
		t.Fatalf("request sent to Anthropic: %s", f.claudeRec.Last().Body)
	}
	if f.claudeRec.Last().Header.Get("x-api-key") != "claude-key" || f.claudeRec.Last().Header.Get("anthropic-version") == "" {
		t.Fatal("anthropic headers missing")
	}

	stream := client.Chat.Completions.NewStreaming(ctx, openai.ChatCompletionNewParams{
		Model:         "claude-sonnet-4-5",
		Messages:      []openai.ChatCompletionMessageParamUnion{openai.UserMessage("stream")},
		StreamOptions: openai.ChatCompletionStreamOptionsParam{IncludeUsage: openai.Bool(true)},
	})
	acc, _ := sdktest.AccumulateChat(t, stream)
	if acc.Choices[0].Message.Content != fakeupstream.DefaultAnthropicText || acc.Usage.CompletionTokens != 9 {
		t.Fatalf("claude stream: %q usage %+v", acc.Choices[0].Message.Content, acc.Usage)
	}

	// Tools round trip: the model calls get_weather, the client answers.
	g.reload(translatedSite(toolClaude.URL, f.gem.URL, f.oai.URL))
	client = g.openAIClient("x")
	for _, streaming := range []bool{false, true} {
		params := openai.ChatCompletionNewParams{
			Model:    "claude-sonnet-4-5",
			Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("Weather in Paris?")},
			Tools:    []openai.ChatCompletionToolUnionParam{weatherTool},
		}
		var msg openai.ChatCompletionMessage
		var finish string
		if streaming {
			s := client.Chat.Completions.NewStreaming(ctx, params)
			a, _ := sdktest.AccumulateChat(t, s)
			msg, finish = a.Choices[0].Message, a.Choices[0].FinishReason
		} else {
			r, err := client.Chat.Completions.New(ctx, params)
			if err != nil {
				t.Fatal(err)
			}
			msg, finish = r.Choices[0].Message, r.Choices[0].FinishReason
		}
		if finish != "tool_calls" || len(msg.ToolCalls) != 1 || msg.ToolCalls[0].Function.Name != "get_weather" ||
			msg.ToolCalls[0].ID != "toolu_1" {
			t.Fatalf("stream=%v tool call: %s %+v", streaming, finish, msg.ToolCalls)
		}
		var args map[string]string
		if err := json.Unmarshal([]byte(msg.ToolCalls[0].Function.Arguments), &args); err != nil || args["city"] != "Paris" {
			t.Fatalf("stream=%v arguments %q", streaming, msg.ToolCalls[0].Function.Arguments)
		}
		params.Messages = append(params.Messages, msg.ToParam(), openai.ToolMessage(`{"temp":21}`, msg.ToolCalls[0].ID))
		if _, err := client.Chat.Completions.New(ctx, params); err != nil {
			t.Fatalf("tool result turn: %v", err)
		}
	}
}

func TestOpenAISDKAgainstGemini(t *testing.T) {
	g, f := startTranslated(t, fakeupstream.AnthropicOptions{}, fakeupstream.GeminiOptions{
		APIKey: "gemini-key", Text: "Gemini says hi", Chunks: []string{"Gemini ", "says ", "hi"},
		Usage: fakeupstream.GeminiUsage{Prompt: 10, Candidates: 5, Cached: 4, Thoughts: 2},
	}, fakeupstream.OpenAIConfig{})
	client := g.openAIClient("x")
	ctx := context.Background()

	resp, err := client.Chat.Completions.New(ctx, openai.ChatCompletionNewParams{
		Model:    "gemini-2.5-flash",
		Messages: []openai.ChatCompletionMessageParamUnion{openai.SystemMessage("sys"), openai.UserMessage("hello")},
	})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(resp.Choices[0].Message.Content, "Gemini says hi") || resp.Usage.PromptTokensDetails.CachedTokens != 4 ||
		resp.Usage.CompletionTokensDetails.ReasoningTokens != 2 {
		t.Fatalf("gemini answer: %+v", resp)
	}
	last := f.gemRec.Last()
	if !strings.HasSuffix(last.Path, "/models/gemini-2.5-flash:generateContent") || last.Header.Get("x-goog-api-key") != "gemini-key" ||
		!strings.Contains(string(last.Body), `"systemInstruction"`) {
		t.Fatalf("gemini request: %s %s", last.Path, last.Body)
	}

	stream := client.Chat.Completions.NewStreaming(ctx, openai.ChatCompletionNewParams{
		Model:    "gemini-2.5-flash",
		Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("stream")},
	})
	acc, _ := sdktest.AccumulateChat(t, stream)
	if acc.Choices[0].Message.Content != "Gemini says hi" {
		t.Fatalf("gemini stream: %q", acc.Choices[0].Message.Content)
	}
	if !strings.Contains(f.gemRec.Last().Path, ":streamGenerateContent?alt=sse") {
		t.Fatalf("stream path %s", f.gemRec.Last().Path)
	}

	emb, err := client.Embeddings.New(ctx, openai.EmbeddingNewParams{
		Model: "text-embedding-004",
		Input: openai.EmbeddingNewParamsInputUnion{OfArrayOfStrings: []string{"a", "b", "c"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(emb.Data) != 3 || emb.Data[2].Index != 2 || len(emb.Data[0].Embedding) == 0 {
		t.Fatalf("gemini embeddings: %+v", emb.Data)
	}

	// An operation Anthropic lacks is a clear 400.
	_, err = client.Embeddings.New(ctx, openai.EmbeddingNewParams{
		Model: "claude/claude-sonnet-4-5",
		Input: openai.EmbeddingNewParamsInputUnion{OfString: openai.String("x")},
	})
	var apiErr *openai.Error
	if err == nil || !asOpenAIError(err, &apiErr) || apiErr.StatusCode != 400 || !strings.Contains(apiErr.Message, "anthropic") {
		t.Fatalf("embeddings on anthropic: %v", err)
	}
}

func TestAnthropicSDKAgainstOpenAIDeployment(t *testing.T) {
	g, f := startTranslated(t, fakeupstream.AnthropicOptions{}, fakeupstream.GeminiOptions{},
		fakeupstream.OpenAIConfig{Reply: "Hello from OpenAI"})
	client := g.anthropicClient("x")
	ctx := context.Background()
	params := anthropicsdk.MessageNewParams{
		Model:     "gpt-4o-mini",
		MaxTokens: 100,
		System:    []anthropicsdk.TextBlockParam{{Text: "Be kind."}},
		Messages:  []anthropicsdk.MessageParam{anthropicsdk.NewUserMessage(anthropicsdk.NewTextBlock("Hi"))},
	}
	msg, err := client.Messages.New(ctx, params)
	if err != nil {
		t.Fatal(err)
	}
	if len(msg.Content) != 1 || msg.Content[0].Text != "Hello from OpenAI" || msg.StopReason != "end_turn" || msg.Usage.InputTokens == 0 {
		t.Fatalf("message: %+v", msg)
	}
	var sent struct {
		Messages []struct{ Role string } `json:"messages"`
	}
	mustJSON(t, f.oaiRec.Last().Body, &sent)
	if len(sent.Messages) != 2 || sent.Messages[0].Role != "system" {
		t.Fatalf("OpenAI upstream got %s", f.oaiRec.Last().Body)
	}

	stream := client.Messages.NewStreaming(ctx, params)
	acc, events := sdktest.AccumulateMessage(t, stream)
	if len(acc.Content) != 1 || acc.Content[0].Text != "Hello from OpenAI" || acc.StopReason != "end_turn" || events < 5 {
		t.Fatalf("stream: %d events, %+v", events, acc)
	}

	// Errors come in Anthropic's envelope.
	_, err = client.Messages.New(ctx, anthropicsdk.MessageNewParams{
		Model: "nope", MaxTokens: 10,
		Messages: []anthropicsdk.MessageParam{anthropicsdk.NewUserMessage(anthropicsdk.NewTextBlock("x"))},
	})
	var aerr *anthropicsdk.Error
	if err == nil || !asOpenAIError(err, &aerr) || aerr.StatusCode != 404 {
		t.Fatalf("unknown model through the Anthropic SDK: %v", err)
	}
}

func TestAnthropicSDKPassesThroughToClaude(t *testing.T) {
	g, f := startTranslated(t, fakeupstream.AnthropicOptions{APIKey: "claude-key"}, fakeupstream.GeminiOptions{},
		fakeupstream.OpenAIConfig{})
	body := `{"model":"claude-sonnet-4-5","max_tokens":64,"metadata":{"user_id":"u1"},"system":[{"type":"text","text":"S","cache_control":{"type":"ephemeral"}}],"messages":[{"role":"user","content":"Hi"}]}`
	resp, out := g.post("/v1/messages", body, "anthropic-beta", "prompt-caching-2024-07-31")
	if resp.StatusCode != 200 || !strings.Contains(string(out), fakeupstream.DefaultAnthropicText) {
		t.Fatalf("%d %s", resp.StatusCode, out)
	}
	sent := f.claudeRec.Last()
	var got, want map[string]any
	mustJSON(t, sent.Body, &got)
	mustJSON(t, []byte(body), &want)
	if fmt.Sprint(got["system"]) != fmt.Sprint(want["system"]) || fmt.Sprint(got["metadata"]) != fmt.Sprint(want["metadata"]) {
		t.Fatalf("the native body was not passed through: %s", sent.Body)
	}
	if !strings.Contains(sent.Header.Get("anthropic-beta"), "prompt-caching-2024-07-31") {
		t.Fatalf("anthropic-beta not forwarded: %v", sent.Header)
	}
}
