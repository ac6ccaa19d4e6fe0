package bedrock

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/sira-ai/caddy-ai-backends/internal/fakeupstream"
	"github.com/sira-ai/caddy-ai-backends/internal/providertest"
	"github.com/sira-ai/caddy-ai-backends/providers"
)

func TestChatConverse(t *testing.T) {
	srv, rec := fakeBedrock(t, func(c *fakeupstream.BedrockConfig) { c.InputTokens, c.OutputTokens = 20, 5 })
	b := newBedrock(t, srv, nil)
	req := chatRequest(t, `{"model":"nova","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hi"}],"max_tokens":50,"temperature":0.2,"stop":"END"}`)
	resp, err := b.Chat(context.Background(), target(testNova), req)
	if err != nil {
		t.Fatal(err)
	}
	if got := resp.Choices[0].Message.Content.String(); got != fakeupstream.DefaultBedrockText {
		t.Errorf("content = %q", got)
	}
	if resp.Choices[0].FinishReason != "stop" || resp.Usage.PromptTokens != 20 || resp.Usage.CompletionTokens != 5 || resp.Usage.TotalTokens != 25 {
		t.Errorf("finish %q usage %+v", resp.Choices[0].FinishReason, resp.Usage)
	}
	if !strings.HasPrefix(resp.ID, "chatcmpl-fake-") {
		t.Errorf("id = %q", resp.ID)
	}
	last := rec.Last()
	if last.Path != "/model/amazon.nova-pro-v1:0/converse" {
		t.Errorf("path = %q", last.Path)
	}
	var body map[string]any
	_ = json.Unmarshal(last.Body, &body)
	want := `{"maxTokens":50,"stopSequences":["END"],"temperature":0.2}`
	if got, _ := json.Marshal(body["inferenceConfig"]); string(got) != want {
		t.Errorf("inferenceConfig = %s, want %s", got, want)
	}
	if got, _ := json.Marshal(body["system"]); string(got) != `[{"text":"Be brief."}]` {
		t.Errorf("system = %s", got)
	}
	if last.Header.Get("X-Amz-Security-Token") != testToken || !strings.HasPrefix(last.Header.Get("Authorization"), "AWS4-HMAC-SHA256 Credential="+testKeyID+"/") {
		t.Errorf("not signed with the session credentials: %v", last.Header)
	}
}

func TestChatStreamConverse(t *testing.T) {
	srv, rec := fakeBedrock(t, nil)
	b := newBedrock(t, srv, nil)
	s, err := b.ChatStream(context.Background(), target(testNova), chatRequest(t, `{"model":"x","messages":[{"role":"user","content":"Hi"}],"stream":true}`))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	text, finish, usage := drain(t, s)
	if text != fakeupstream.DefaultBedrockText || finish != "stop" || usage == nil || usage.TotalTokens != 18 {
		t.Errorf("text %q finish %q usage %+v", text, finish, usage)
	}
	if p := rec.Last().Path; p != "/model/amazon.nova-pro-v1:0/converse-stream" {
		t.Errorf("path = %q", p)
	}
}

// drain reads a stream to its end: the text, the finish reason, the usage.
func drain(t *testing.T, s providers.ChatStream) (text, finish string, usage *providers.Usage) {
	t.Helper()
	for c := range providertest.Chunks(t, s) {
		for _, ch := range c.Choices {
			if ch.Delta.Content != nil {
				text += *ch.Delta.Content
			}
			if ch.FinishReason != nil {
				finish = *ch.FinishReason
			}
		}
		if c.Usage != nil {
			usage = c.Usage
		}
	}
	return text, finish, usage
}

func TestToolsRoundTrip(t *testing.T) {
	srv, rec := fakeBedrock(t, func(c *fakeupstream.BedrockConfig) { c.ToolInput = `{"city":"Paris"}` })
	b := newBedrock(t, srv, nil)
	tools := `"tools":[{"type":"function","function":{"name":"weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}]`
	first := chatRequest(t, `{"model":"x","messages":[{"role":"user","content":"Weather?"}],`+tools+`,"tool_choice":"required"}`)
	resp, err := b.Chat(context.Background(), target(testClaude), first)
	if err != nil {
		t.Fatal(err)
	}
	calls := resp.Choices[0].Message.ToolCalls
	if resp.Choices[0].FinishReason != "tool_calls" || len(calls) != 1 || calls[0].Function.Name != "weather" || calls[0].Function.Arguments != `{"city":"Paris"}` {
		t.Fatalf("answer = %+v", resp.Choices[0])
	}
	if !strings.Contains(string(rec.Last().Body), `"toolChoice":{"any":{}}`) {
		t.Errorf("tool_choice required not sent as any: %s", rec.Last().Body)
	}
	callJSON, _ := json.Marshal(calls)
	second := chatRequest(t, `{"model":"x","messages":[{"role":"user","content":"Weather?"},{"role":"assistant","content":null,"tool_calls":`+string(callJSON)+`},{"role":"tool","tool_call_id":"`+calls[0].ID+`","content":"sunny"}],`+tools+`}`)
	s, err := b.ChatStream(context.Background(), target(testClaude), second)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	text, finish, _ := drain(t, s)
	if text != "The tool said: sunny" || finish != "stop" {
		t.Errorf("text %q finish %q", text, finish)
	}
	body := string(rec.Last().Body)
	for _, want := range []string{`"toolUse":{"toolUseId":"tooluse_fake01","name":"weather","input":{"city":"Paris"}}`, `"toolResult":{"toolUseId":"tooluse_fake01","content":[{"text":"sunny"}]}`} {
		if !strings.Contains(body, want) {
			t.Errorf("body lacks %s:\n%s", want, body)
		}
	}
}

func TestStreamToolCall(t *testing.T) {
	srv, _ := fakeBedrock(t, func(c *fakeupstream.BedrockConfig) { c.ToolInput = `{"city":"Oslo"}` })
	b := newBedrock(t, srv, nil)
	req := chatRequest(t, `{"model":"x","messages":[{"role":"user","content":"Weather?"}],"tools":[{"type":"function","function":{"name":"weather"}}]}`)
	s, err := b.ChatStream(context.Background(), target(testNova), req)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var name, args, finish string
	for c := range providertest.Chunks(t, s) {
		for _, ch := range c.Choices {
			for _, tc := range ch.Delta.ToolCalls {
				name += tc.Function.Name
				args += tc.Function.Arguments
				if *tc.Index != 0 {
					t.Errorf("index = %d", *tc.Index)
				}
			}
			if ch.FinishReason != nil {
				finish = *ch.FinishReason
			}
		}
	}
	if name != "weather" || args != `{"city":"Oslo"}` || finish != "tool_calls" {
		t.Errorf("name %q args %q finish %q", name, args, finish)
	}
}

func TestSignatureRejected(t *testing.T) {
	srv, _ := fakeBedrock(t, nil)
	b := newBedrock(t, srv, func(b *Bedrock) { b.SecretAccessKey = "wrong-secret-key-0123456789abcdefghij" })
	_, err := b.Chat(context.Background(), target(testNova), chatRequest(t, `{"model":"x","messages":[{"role":"user","content":"Hi"}]}`))
	e := asError(t, err)
	if e.Kind != providers.KindAuth || e.Code != "InvalidSignatureException" || !strings.Contains(e.Message, "signature we calculated does not match") {
		t.Errorf("error = %+v", e)
	}
	if strings.Contains(e.Error(), "wrong-secret") {
		t.Error("the secret reached the error")
	}
}

func TestClockSkewRejected(t *testing.T) {
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	srv, _ := fakeBedrock(t, func(c *fakeupstream.BedrockConfig) { c.Now = fixedClock(now) })
	b := newBedrock(t, srv, nil)
	b.now = fixedClock(now.Add(-10 * time.Minute))
	_, err := b.Chat(context.Background(), target(testNova), chatRequest(t, `{"model":"x","messages":[{"role":"user","content":"Hi"}]}`))
	e := asError(t, err)
	if e.Kind != providers.KindAuth || !strings.Contains(e.Message, "Signature expired") {
		t.Errorf("error = %+v", e)
	}
	b.now = fixedClock(now.Add(4 * time.Minute)) // within the allowed skew
	if _, err := b.Chat(context.Background(), target(testNova), chatRequest(t, `{"model":"x","messages":[{"role":"user","content":"Hi"}]}`)); err != nil {
		t.Errorf("within skew: %v", err)
	}
}

func TestThrottled(t *testing.T) {
	srv, _ := fakeBedrock(t, func(c *fakeupstream.BedrockConfig) { c.Throttle = true })
	b := newBedrock(t, srv, nil)
	_, err := b.ChatStream(context.Background(), target(testNova), chatRequest(t, `{"model":"x","messages":[{"role":"user","content":"Hi"}]}`))
	e := asError(t, err)
	if e.Kind != providers.KindRateLimited || !e.Retryable() || e.HTTPStatus() != 429 || e.Provider != "bedrock" {
		t.Errorf("error = %+v", e)
	}
}

func TestStreamException(t *testing.T) {
	for _, model := range []string{testNova, testClaude} {
		srv, _ := fakeBedrock(t, func(c *fakeupstream.BedrockConfig) { c.StreamException = "throttlingException" })
		b := newBedrock(t, srv, nil)
		req := chatRequest(t, `{"model":"x","messages":[{"role":"user","content":"Hi"}]}`)
		if model == testClaude {
			req = anthropicRequest(t, `{"model":"claude","max_tokens":100,"messages":[{"role":"user","content":"Hi"}],"stream":true}`)
		}
		s, err := b.ChatStream(context.Background(), target(model), req)
		if err != nil {
			t.Fatal(err)
		}
		var last error
		for n := 0; n < 20; n++ {
			if _, last = s.Next(); last != nil {
				break
			}
		}
		s.Close()
		e := asError(t, last)
		if e.Kind != providers.KindRateLimited || !strings.Contains(e.Message, fakeupstream.BedrockExceptionMessage) {
			t.Errorf("%s: error = %+v", model, e)
		}
		if _, again := s.Next(); again != last {
			t.Errorf("%s: error not sticky: %v", model, again)
		}
	}
}

func TestInvokeRelay(t *testing.T) {
	srv, rec := fakeBedrock(t, nil)
	b := newBedrock(t, srv, nil)
	raw := `{"model":"claude-sonnet","max_tokens":4000,"system":[{"type":"text","text":"S","cache_control":{"type":"ephemeral"}}],"messages":[{"role":"user","content":"Hi"}],"stream":false,"x_future":1}`
	req := anthropicRequest(t, raw, "context-1m-2025-08-07")
	low := 1000 // the handler lowered max_tokens
	req.MaxTokens = &low
	resp, err := b.Chat(context.Background(), target(testClaude), req)
	if err != nil {
		t.Fatal(err)
	}
	if !resp.Original.Is(providers.FormatAnthropicMessages) || resp.Choices[0].Message.Content.String() != fakeupstream.DefaultBedrockText {
		t.Errorf("response = %+v", resp)
	}
	last := rec.Last()
	if last.Path != "/model/us.anthropic.claude-sonnet-4-5-20250929-v1:0/invoke" {
		t.Errorf("path = %q", last.Path)
	}
	want := `{"max_tokens":1000,"system":[{"type":"text","text":"S","cache_control":{"type":"ephemeral"}}],"messages":[{"role":"user","content":"Hi"}],"x_future":1,"anthropic_version":"bedrock-2023-05-31","anthropic_beta":["context-1m-2025-08-07"]}`
	var got, exp any
	_ = json.Unmarshal(last.Body, &got)
	_ = json.Unmarshal([]byte(want), &exp)
	g, _ := json.Marshal(got)
	x, _ := json.Marshal(exp)
	if string(g) != string(x) {
		t.Errorf("body = %s\nwant %s", last.Body, want)
	}
}

func TestInvokeStreamRelay(t *testing.T) {
	srv, rec := fakeBedrock(t, func(c *fakeupstream.BedrockConfig) { c.InputTokens, c.OutputTokens = 30, 4 })
	b := newBedrock(t, srv, nil)
	req := anthropicRequest(t, `{"model":"claude","max_tokens":100,"messages":[{"role":"user","content":"Hi"}],"stream":true}`)
	s, err := b.ChatStream(context.Background(), target(testClaude), req)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var names []string
	var text string
	var usage *providers.Usage
	for c := range providertest.Chunks(t, s) {
		if c.Event == nil || !c.Event.Relay {
			t.Fatalf("chunk without a relayed event: %+v", c)
		}
		if c.Event.Name != "" {
			names = append(names, c.Event.Name)
			if !json.Valid(c.Event.Data) {
				t.Errorf("event data not JSON: %q", c.Event.Data)
			}
		}
		for _, ch := range c.Choices {
			if ch.Delta.Content != nil {
				text += *ch.Delta.Content
			}
		}
		if c.Usage != nil {
			usage = c.Usage
		}
	}
	if got := strings.Join(names, ","); got != "message_start,content_block_start,content_block_delta,content_block_delta,content_block_stop,message_delta,message_stop" {
		t.Errorf("events = %s", got)
	}
	if text != fakeupstream.DefaultBedrockText || usage == nil || usage.PromptTokens != 30 || usage.CompletionTokens != 4 {
		t.Errorf("text %q usage %+v", text, usage)
	}
	if p := rec.Last().Path; !strings.HasSuffix(p, "/invoke-with-response-stream") {
		t.Errorf("path = %q", p)
	}
}

func TestAnthropicClientToNovaIsTranslated(t *testing.T) {
	srv, rec := fakeBedrock(t, nil)
	b := newBedrock(t, srv, nil)
	req := anthropicRequest(t, `{"model":"nova","max_tokens":100,"messages":[{"role":"user","content":"hi"}]}`)
	if _, err := b.Chat(context.Background(), target(testNova), req); err != nil {
		t.Fatal(err)
	}
	if p := rec.Last().Path; !strings.HasSuffix(p, "/converse") {
		t.Errorf("a non-Claude model must get Converse, path = %q", p)
	}
}

func TestEmbeddings(t *testing.T) {
	srv, rec := fakeBedrock(t, nil)
	b := newBedrock(t, srv, nil)
	req := &providers.EmbeddingRequest{Input: providers.EmbeddingInput{Texts: []string{"one two", "three"}}, Dimensions: ptr(256)}
	resp, err := b.Embeddings(context.Background(), target(testTitan), req)
	if err != nil {
		t.Fatal(err)
	}
	var v []float32
	_ = json.Unmarshal(resp.Data[1].Embedding, &v)
	if len(resp.Data) != 2 || resp.Data[1].Index != 1 || len(v) != 256 || resp.Usage.PromptTokens != 3 || resp.Usage.TotalTokens != 3 {
		t.Errorf("titan: %d vectors, dims %d, usage %+v", len(resp.Data), len(v), resp.Usage)
	}
	if rec.Count() != 2 || !strings.Contains(string(rec.Last().Body), `"dimensions":256`) {
		t.Errorf("titan calls %d, last body %s", rec.Count(), rec.Last().Body)
	}

	texts := make([]string, 100)
	for i := range texts {
		texts[i] = "word"
	}
	req = &providers.EmbeddingRequest{Input: providers.EmbeddingInput{Texts: texts}, Raw: []byte(`{"input_type":"search_query"}`)}
	resp, err = b.Embeddings(context.Background(), target(testCohere), req)
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Data) != 100 || resp.Data[99].Index != 99 || resp.Usage.PromptTokens != 100 {
		t.Errorf("cohere: %d vectors, usage %+v", len(resp.Data), resp.Usage)
	}
	if rec.Count() != 4 || !strings.Contains(string(rec.Last().Body), `"input_type":"search_query"`) {
		t.Errorf("cohere calls %d (want 2 batches), last body %s", rec.Count()-2, rec.Last().Body)
	}

	_, err = b.Embeddings(context.Background(), target(testNova), req)
	if e := asError(t, err); e.Kind != providers.KindUnsupported {
		t.Errorf("a chat model: %+v", e)
	}
}

func ptr[T any](v T) *T { return &v }

func TestModelPathChecked(t *testing.T) {
	srv, rec := fakeBedrock(t, nil)
	b := newBedrock(t, srv, nil)
	for _, model := range []string{"..", "a/../b", "x%2f", "a b", ""} {
		_, err := b.Chat(context.Background(), target(model), chatRequest(t, `{"model":"x","messages":[{"role":"user","content":"Hi"}]}`))
		if e := asError(t, err); e.Kind != providers.KindInvalidRequest || e.Param != "model" {
			t.Errorf("%q: %+v", model, e)
		}
	}
	if rec.Count() != 0 {
		t.Errorf("%d requests reached the upstream", rec.Count())
	}
}

// TestHealthCheck also shows each provider signs with its own key: a
// signer shared by the two would reuse the first one's derived key.
func TestHealthCheck(t *testing.T) {
	srv, _ := fakeBedrock(t, nil)
	if err := newBedrock(t, srv, nil).HealthCheck(context.Background(), target(testNova)); err != nil {
		t.Errorf("healthy: %v", err)
	}
	bad := newBedrock(t, srv, func(b *Bedrock) { b.SecretAccessKey = "another-wrong-secret-0123456789" })
	if e := asError(t, bad.HealthCheck(context.Background(), target(testNova))); e.Kind != providers.KindAuth {
		t.Errorf("bad secret: %+v", e)
	}
}

// TestUntranslatableRefused: an Anthropic body with fields no translation
// keeps reaches Claude as is, but is refused for a Converse-only model
// rather than sent without them.
func TestUntranslatableRefused(t *testing.T) {
	srv, rec := fakeBedrock(t, nil)
	b := newBedrock(t, srv, nil)
	req := anthropicRequest(t, `{"model":"m","max_tokens":100,"mcp_servers":[{"type":"url","url":"https://x","name":"x"}],"messages":[{"role":"user","content":"Hi"}]}`)
	req.Untranslatable = []string{"mcp_servers"}
	_, err := b.Chat(context.Background(), target(testNova), req)
	if e := asError(t, err); e.Kind != providers.KindUnsupported || e.Param != "mcp_servers" || e.HTTPStatus() != 400 || rec.Count() != 0 {
		t.Errorf("nova: %+v after %d requests", e, rec.Count())
	}
	if _, err := b.Chat(context.Background(), target(testClaude), req); err != nil || !strings.Contains(string(rec.Last().Body), "mcp_servers") {
		t.Errorf("claude: %v, body %s", err, rec.Last().Body)
	}
}
