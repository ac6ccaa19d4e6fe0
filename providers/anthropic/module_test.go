package anthropic

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/caddyserver/caddy/v2"

	"github.com/sira-ai/caddy-ai-backends/internal/fakeupstream"
	"github.com/sira-ai/caddy-ai-backends/internal/providertest"
	"github.com/sira-ai/caddy-ai-backends/providers"
)

func TestCaddyfile(t *testing.T) {
	p := providertest.UnmarshalCaddyfile[Provider](t, `provider claude anthropic {
		api_key sk-ant-1
		version 2024-10-22
		beta prompt-caching-2024-07-31 token-efficient-tools-2025-02-19
		beta output-128k-2025-02-19
		default_max_tokens 2048
		models claude-sonnet-4-5
		timeout 30s
	}`)
	if p.Version != "2024-10-22" || p.DefaultMaxTokens != 2048 || len(p.Models) != 1 ||
		strings.Join(p.Beta, ",") != "prompt-caching-2024-07-31,token-efficient-tools-2025-02-19,output-128k-2025-02-19" {
		t.Errorf("parsed %+v", p)
	}
	providertest.AssertCaddyfileRejects[Provider](t,
		"provider c anthropic {\nversion\n}",
		"provider c anthropic {\nversion a b\n}",
		"provider c anthropic {\nbeta\n}",
		"provider c anthropic {\ndefault_max_tokens 0\n}",
		"provider c anthropic {\ndefault_max_tokens lots\n}",
		"provider c anthropic {\nthinking on\n}",
	)
}

func TestJSONConfigAndProvision(t *testing.T) {
	dec := json.NewDecoder(bytes.NewReader([]byte(`{"name":"claude","api_keys":[{"value":"k"}],"version":"2023-06-01",
		"beta":["b1"],"default_max_tokens":1000,"model_map":{"smart":"claude-sonnet-4-5"}}`)))
	dec.DisallowUnknownFields()
	var p Provider
	if err := dec.Decode(&p); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := caddy.NewContext(caddy.Context{Context: context.Background()})
	defer cancel()
	if err := p.Provision(ctx); err != nil {
		t.Fatal(err)
	}
	if p.BaseURL != DefaultBaseURL || p.messagesURL() != "https://api.anthropic.com/v1/messages" || p.Base().Type() != "anthropic" ||
		p.Client() == nil || p.UpstreamModel("smart") != "claude-sonnet-4-5" {
		t.Errorf("provisioned %+v", p)
	}
	var noKey Provider
	if err := noKey.Provision(ctx); err == nil {
		t.Error("a provider without api key was accepted")
	}
	defaults := Provider{Config: providers.Config{APIKeys: []providers.APIKey{{Value: "k"}}}}
	if err := defaults.Provision(ctx); err != nil || defaults.Version != DefaultVersion || defaults.Name != "anthropic" {
		t.Errorf("defaults: %v %+v", err, defaults)
	}
}

// TestNativeBodyPassThrough: a /v1/messages request bound for Anthropic is
// sent as the client wrote it, with only model (and stream) changed.
func TestNativeBodyPassThrough(t *testing.T) {
	srv, rec := fakeupstream.NewAnthropic(fakeupstream.AnthropicOptions{Thinking: "t"})
	defer srv.Close()
	p := newProvider(t, srv.URL, func(p *Provider) { p.Beta = []string{"own-beta"} })
	body := `{"model":"public-name","max_tokens":3000,"system":[{"type":"text","text":"S","cache_control":{"type":"ephemeral"}}],` +
		`"messages":[{"role":"user","content":"hi"}],"thinking":{"type":"enabled","budget_tokens":2000},"future_field":[1],"stream":true}`
	// The unified view the handler decoded; the provider sends Original.
	hundred := 3000
	req := &providers.ChatRequest{Model: "public-name", MaxTokens: &hundred,
		Messages: []providers.Message{{Role: "user", Content: providers.TextContent("hi")}}}
	req.Original = providers.Original{Format: providers.FormatAnthropicMessages, Body: []byte(body),
		Beta: []string{"interleaved-thinking-2025-05-14"}}

	resp, err := p.Chat(context.Background(), target, req)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"model":"claude-3-5-sonnet-20241022","max_tokens":3000,"system":[{"type":"text","text":"S","cache_control":{"type":"ephemeral"}}],` +
		`"messages":[{"role":"user","content":"hi"}],"thinking":{"type":"enabled","budget_tokens":2000},"future_field":[1]}`
	if got := string(rec.Last().Body); got != want {
		t.Errorf("non-stream body\n%s\nwant\n%s", got, want)
	}
	if h := rec.Last().Header.Get("Anthropic-Beta"); h != "own-beta,interleaved-thinking-2025-05-14" {
		t.Errorf("anthropic-beta %q", h)
	}
	if resp.Choices[0].Message.Content.String() != fakeupstream.DefaultAnthropicText {
		t.Errorf("answer %q", resp.Choices[0].Message.Content.String())
	}

	streamed := *req
	streamed.Original.Body = []byte(strings.Replace(body, `"stream":true`, `"stream":false`, 1))
	st, err := p.ChatStream(context.Background(), target, &streamed)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if got := string(rec.Last().Body); !strings.HasSuffix(got, `"future_field":[1],"stream":true}`) || !strings.HasPrefix(got, `{"model":"claude-3-5-sonnet-20241022"`) {
		t.Errorf("stream body %s", got)
	}
	if c, err := st.Next(); err != nil || c.Choices[0].Delta.Role != "assistant" {
		t.Errorf("stream still parsed into chunks: %v %v", c, err)
	}
	// A max_tokens the handler lowered in the unified request is applied.
	capped := *req
	limit := 2500 // still above the body's thinking budget, as Anthropic requires
	capped.MaxTokens = &limit
	if _, err := p.Chat(context.Background(), target, &capped); err != nil {
		t.Fatal(err)
	}
	if got := string(rec.Last().Body); !strings.Contains(got, `"max_tokens":2500,`) || strings.Contains(got, `"max_tokens":3000`) {
		t.Errorf("capped body %s", got)
	}
	bad := *req
	bad.Original.Body = []byte(`[1]`)
	if _, err := p.Chat(context.Background(), target, &bad); asKind(t, err) != providers.KindInvalidRequest {
		t.Errorf("non-object native body: %v", err)
	}
}
