package anthropic

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/anthropics/anthropic-sdk-go"

	"github.com/sira-ai/caddy-ai-backends/internal/fakeupstream"
	"github.com/sira-ai/caddy-ai-backends/internal/sdktest"
	"github.com/sira-ai/caddy-ai-backends/providers"
)

// sdkGateway stands in for the gateway's /v1/messages: it parses what the
// official SDK sends with ParseMessagesRequest and answers with
// EncodeMessagesResponse or the StreamEncoder, from canned unified answers.
type sdkGateway struct {
	t        *testing.T
	mu       sync.Mutex
	requests []*providers.ChatRequest
	fail     *providers.Error // answer with this error (before any byte)
	failMid  *providers.Error // end the stream with this error event
}

func (g *sdkGateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	req, err := ParseMessagesRequest(body)
	if err != nil {
		e := providers.Classify(err)
		w.WriteHeader(e.HTTPStatus())
		_, _ = w.Write(EncodeError(e))
		return
	}
	g.mu.Lock()
	g.requests = append(g.requests, req)
	g.mu.Unlock()
	if g.fail != nil {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(g.fail.HTTPStatus())
		_, _ = w.Write(EncodeError(g.fail))
		return
	}
	if !req.Stream {
		var resp providers.ChatResponse
		if err := json.Unmarshal(readTestdata(g.t, "response/tools_gemini_stop.json"), &resp); err != nil {
			g.t.Error(err)
		}
		resp.Usage.CacheWriteTokens = 5
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(EncodeMessagesResponse(&resp, req.Model))
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	enc := NewStreamEncoder(req.Model)
	for i, c := range openAIChunks(g.t) {
		if g.failMid != nil && i == 3 {
			_ = enc.Finish(w, g.failMid)
			return
		}
		_ = enc.Encode(c, w)
		w.(http.Flusher).Flush()
	}
	_ = enc.Finish(w, nil)
}

func sdkClient(t *testing.T, g *sdkGateway) anthropic.Client {
	srv := httptest.NewServer(g)
	t.Cleanup(srv.Close)
	return sdktest.AnthropicClient(srv.URL, "client-key")
}

func sdkParams() anthropic.MessageNewParams {
	return anthropic.MessageNewParams{
		Model:     "smart",
		MaxTokens: 512,
		System:    []anthropic.TextBlockParam{{Text: "Be brief."}},
		Messages: []anthropic.MessageParam{
			anthropic.NewUserMessage(anthropic.NewTextBlock("Weather in Paris?"), anthropic.NewImageBlockBase64("image/png", "iVBORw0KGgo=")),
			anthropic.NewAssistantMessage(anthropic.NewToolUseBlock("toolu_1", map[string]any{"q": "Paris"}, "lookup")),
			anthropic.NewUserMessage(anthropic.NewToolResultBlock("toolu_1", "48.85N", false), anthropic.NewTextBlock("Go on.")),
		},
		Tools: []anthropic.ToolUnionParam{{OfTool: &anthropic.ToolParam{Name: "weather", Description: anthropic.String("Weather"),
			InputSchema: anthropic.ToolInputSchemaParam{Properties: map[string]any{"city": map[string]any{"type": "string"}}}}}},
		ToolChoice: anthropic.ToolChoiceUnionParam{OfAuto: &anthropic.ToolChoiceAutoParam{DisableParallelToolUse: anthropic.Bool(true)}},
	}
}

// TestSDKRequestParses: what the official SDK sends is understood.
func TestSDKRequestParses(t *testing.T) {
	g := &sdkGateway{t: t}
	client := sdkClient(t, g)
	if _, err := client.Messages.New(context.Background(), sdkParams()); err != nil {
		t.Fatal(err)
	}
	req := g.requests[0]
	roles := ""
	for _, m := range req.Messages {
		roles += m.Role + " "
	}
	if roles != "system user assistant tool user " || req.Messages[1].Content.Parts[1].ImageURL.URL != "data:image/png;base64,iVBORw0KGgo=" ||
		req.Messages[2].ToolCalls[0].Function.Arguments != `{"q":"Paris"}` || req.Messages[3].ToolCallID != "toolu_1" ||
		*req.MaxTokens != 512 || req.ToolChoice.Mode != "auto" || *req.ParallelToolCalls || len(req.Tools) != 1 {
		t.Errorf("parsed %s %+v", roles, req)
	}
}

// TestSDKDecodesMessagesResponse: the SDK decodes EncodeMessagesResponse.
func TestSDKDecodesMessagesResponse(t *testing.T) {
	client := sdkClient(t, &sdkGateway{t: t})
	msg, err := client.Messages.New(context.Background(), sdkParams())
	if err != nil {
		t.Fatal(err)
	}
	if msg.ID != "msg_chatcmpl-abc123" || msg.Model != "smart" || msg.Role != "assistant" || msg.StopReason != anthropic.StopReasonToolUse {
		t.Errorf("message %s %s %s %s", msg.ID, msg.Model, msg.Role, msg.StopReason)
	}
	if len(msg.Content) != 3 || msg.Content[0].Text != "Checking." || msg.Content[1].Type != "tool_use" ||
		msg.Content[1].ID != "call_1" || msg.Content[1].Name != "weather" || string(msg.Content[1].Input) != `{"city":"Paris"}` ||
		string(msg.Content[2].Input) != `{}` {
		t.Errorf("content %s", msg.RawJSON())
	}
	use := msg.Content[1].AsToolUse()
	if use.Name != "weather" {
		t.Errorf("AsToolUse %+v", use)
	}
	u := msg.Usage
	if u.InputTokens != 15 || u.CacheReadInputTokens != 100 || u.CacheCreationInputTokens != 5 || u.OutputTokens != 30 {
		t.Errorf("usage %s", u.RawJSON())
	}
}

// TestSDKStreamAccumulates: the SDK's streaming decoder and
// Message.Accumulate rebuild the message from the StreamEncoder's events.
func TestSDKStreamAccumulates(t *testing.T) {
	client := sdkClient(t, &sdkGateway{t: t})
	stream := client.Messages.NewStreaming(context.Background(), sdkParams())
	defer stream.Close()
	var msg anthropic.Message
	var types []string
	for stream.Next() {
		ev := stream.Current()
		types = append(types, ev.Type)
		if err := msg.Accumulate(ev); err != nil {
			t.Fatal(err)
		}
	}
	if err := stream.Err(); err != nil {
		t.Fatal(err)
	}
	if types[0] != "message_start" || types[len(types)-1] != "message_stop" {
		t.Errorf("event types %v", types)
	}
	if len(msg.Content) != 3 || msg.Content[0].Text != "Let me check." || msg.Content[1].ID != "call_A" ||
		string(msg.Content[1].Input) != `{"city":"Paris"}` || msg.Content[2].Name != "clock" || string(msg.Content[2].Input) != `{}` {
		t.Errorf("accumulated %s", msg.RawJSON())
	}
	if msg.StopReason != anthropic.StopReasonToolUse || msg.Model != "smart" || msg.ID != "msg_chatcmpl-1" {
		t.Errorf("stop %s model %s id %s", msg.StopReason, msg.Model, msg.ID)
	}
	if u := msg.Usage; u.InputTokens != 20 || u.CacheReadInputTokens != 30 || u.OutputTokens != 20 {
		t.Errorf("usage %+v", u)
	}
	var whole map[string]any
	if err := json.Unmarshal([]byte(msg.RawJSON()), &whole); err != nil {
		t.Errorf("accumulated JSON: %v", err)
	}
}

// TestSDKErrors: errors before the stream and error events mid-stream reach
// the SDK as API errors with Anthropic's types.
func TestSDKErrors(t *testing.T) {
	g := &sdkGateway{t: t, fail: &providers.Error{Kind: providers.KindRateLimited, Message: "slow down"}}
	client := sdkClient(t, g)
	_, err := client.Messages.New(context.Background(), sdkParams())
	var apiErr *anthropic.Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 429 || apiErr.Type() != "rate_limit_error" {
		t.Errorf("error %v", err)
	}

	g = &sdkGateway{t: t, failMid: &providers.Error{Kind: providers.KindOverloaded, Message: "Overloaded"}}
	client = sdkClient(t, g)
	stream := client.Messages.NewStreaming(context.Background(), sdkParams())
	defer stream.Close()
	var msg anthropic.Message
	for stream.Next() {
		_ = msg.Accumulate(stream.Current())
	}
	if err := stream.Err(); err == nil || !strings.Contains(err.Error(), "overloaded_error") {
		t.Errorf("stream error %v", err)
	}

	// A request the gateway cannot parse gets Anthropic's envelope too.
	client = sdkClient(t, &sdkGateway{t: t})
	_, err = client.Messages.New(context.Background(), anthropic.MessageNewParams{Model: "m", MaxTokens: 1})
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 400 || apiErr.Type() != "invalid_request_error" {
		t.Errorf("invalid request error %v", err)
	}
}

// TestSDKAgainstFakeUpstream checks the Anthropic fake against the official
// SDK: the JSON answer, the event stream (Accumulate) and error bodies.
func TestSDKAgainstFakeUpstream(t *testing.T) {
	srv, rec := fakeupstream.NewAnthropic(fakeupstream.AnthropicOptions{
		APIKey: "k", Thinking: "think", Text: "Hi there", CacheReadInputTokens: 4, CacheCreationInputTokens: 3,
		ToolUses: []fakeupstream.AnthropicToolUse{{ID: "toolu_X", Name: "f", Input: `{"a":[1,"é"]}`}},
	})
	defer srv.Close()
	client := sdktest.AnthropicClient(srv.URL, "k")
	params := anthropic.MessageNewParams{Model: "claude-sonnet-4-5", MaxTokens: 100,
		Messages: []anthropic.MessageParam{anthropic.NewUserMessage(anthropic.NewTextBlock("hi"))}}

	msg, err := client.Messages.New(context.Background(), params)
	if err != nil {
		t.Fatal(err)
	}
	if len(msg.Content) != 3 || msg.Content[0].Type != "thinking" || msg.Content[1].Text != "Hi there" ||
		string(msg.Content[2].Input) != `{"a":[1,"é"]}` || msg.StopReason != "tool_use" || msg.Usage.CacheReadInputTokens != 4 {
		t.Errorf("message %s", msg.RawJSON())
	}
	if v := rec.Last().Header.Get("Anthropic-Version"); v == "" {
		t.Error("the SDK sent no anthropic-version")
	}

	acc, _ := sdktest.AccumulateMessage(t, client.Messages.NewStreaming(context.Background(), params))
	if len(acc.Content) != 3 || acc.Content[0].Thinking != "think" || acc.Content[1].Text != "Hi there" ||
		string(acc.Content[2].Input) != `{"a":[1,"é"]}` || acc.Usage.OutputTokens != 9 || acc.Usage.InputTokens != 12 {
		t.Errorf("accumulated %s", acc.RawJSON())
	}

	bad, _ := fakeupstream.NewAnthropic(fakeupstream.AnthropicOptions{Status: 529})
	defer bad.Close()
	client = sdktest.AnthropicClient(bad.URL, "k")
	_, err = client.Messages.New(context.Background(), params)
	var apiErr *anthropic.Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 529 || apiErr.Type() != "overloaded_error" {
		t.Errorf("overloaded: %v", err)
	}
}
