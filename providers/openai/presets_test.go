package openai

import (
	"context"
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"

	"github.com/sira-ai/caddy-ai-backends/internal/fakeupstream"
	"github.com/sira-ai/caddy-ai-backends/providers"
)

func TestPresetModulesRegistered(t *testing.T) {
	want := []string{"mistral", "groq", "deepseek", "xai", "openrouter", "together", "fireworks",
		"cerebras", "perplexity", "ollama", "vllm", "lmstudio"}
	for _, name := range want {
		id := "http.ai_backends.providers." + name
		info, err := caddy.GetModule(id)
		if err != nil {
			t.Fatal(err)
		}
		m, ok := info.New().(*Preset)
		if !ok || m.preset == nil || m.preset.name != name || caddy.GetModuleID(m) != id {
			t.Fatalf("%s: New returned %#v", id, info.New())
		}
		if _, ok := info.New().(providers.Provider); !ok {
			t.Errorf("%s is not a provider", id)
		}
	}
	if len(presets) != len(want) {
		t.Errorf("%d presets, want %d", len(presets), len(want))
	}
}

// newPreset provisions the named preset module as Caddy would create it.
func newPreset(t *testing.T, name string, edit func(*Preset)) (*Preset, error) {
	t.Helper()
	info, err := caddy.GetModule("http.ai_backends.providers." + name)
	if err != nil {
		t.Fatal(err)
	}
	m := info.New().(*Preset)
	if edit != nil {
		edit(m)
	}
	err = m.Provision(caddy.Context{})
	t.Cleanup(func() { _ = m.Cleanup() })
	return m, err
}

func TestPresetDefaults(t *testing.T) {
	for name, want := range map[string]string{
		"groq":       "https://api.groq.com/openai/v1",
		"mistral":    "https://api.mistral.ai/v1",
		"deepseek":   "https://api.deepseek.com/v1",
		"xai":        "https://api.x.ai/v1",
		"openrouter": "https://openrouter.ai/api/v1",
		"together":   "https://api.together.xyz/v1",
		"fireworks":  "https://api.fireworks.ai/inference/v1",
		"cerebras":   "https://api.cerebras.ai/v1",
		"perplexity": "https://api.perplexity.ai",
	} {
		if _, err := newPreset(t, name, nil); err == nil || !strings.Contains(err.Error(), "api_key is required") {
			t.Errorf("%s without a key: %v", name, err)
		}
		m, err := newPreset(t, name, func(m *Preset) { m.APIKeys = []providers.APIKey{{Value: testKey}} })
		if err != nil {
			t.Fatal(err)
		}
		if m.BaseURL != want || m.Name != name || m.Type() != name {
			t.Errorf("%s: base %q name %q type %q", name, m.BaseURL, m.Name, m.Type())
		}
	}
	// Local servers need no key.
	for name, want := range map[string]string{
		"ollama": "http://localhost:11434/v1", "vllm": "http://localhost:8000/v1", "lmstudio": "http://localhost:1234/v1",
	} {
		m, err := newPreset(t, name, nil)
		if err != nil || m.BaseURL != want {
			t.Errorf("%s: %v, base %q", name, err, m.BaseURL)
		}
	}
}

// TestPresetDropsRejectedFields checks what the vendor receives: the fields
// it answers 400 to are gone, everything else (DeepSeek-style vendor
// fields included) is as the client wrote it, in both request paths.
func TestPresetDropsRejectedFields(t *testing.T) {
	srv, rec := fake(t, fakeupstream.OpenAIConfig{})
	m, err := newPreset(t, "groq", func(m *Preset) {
		m.BaseURL = srv.URL + "/v1"
		m.APIKeys = []providers.APIKey{{Value: testKey}}
	})
	if err != nil {
		t.Fatal(err)
	}
	const client = `{"model":"x","messages":[{"role":"user","content":"hi"}],"logprobs":true,"top_logprobs":2,"logit_bias":{"1":2},"seed":7,"x_vendor":1}`
	if _, err := m.Chat(context.Background(), target, chatRequest(t, client)); err != nil {
		t.Fatal(err)
	}
	const want = `{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}],"seed":7,"x_vendor":1}`
	if got := string(rec.Last().Body); got != want {
		t.Errorf("groq got %s\nwant %s", got, want)
	}

	// A request translated from another format is encoded anew; the
	// dropped fields stay out of it too.
	req := chatRequest(t, client)
	req.Original = providers.Original{}
	s, err := m.ChatStream(context.Background(), target, req)
	if err != nil {
		t.Fatal(err)
	}
	_ = s.Close()
	var sent map[string]json.RawMessage
	if err := json.Unmarshal(rec.Last().Body, &sent); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"logprobs", "top_logprobs", "logit_bias"} {
		if _, ok := sent[f]; ok {
			t.Errorf("translated request kept %s: %s", f, rec.Last().Body)
		}
	}
	if _, ok := sent["stream_options"]; !ok {
		t.Errorf("groq takes stream_options; it was dropped: %s", rec.Last().Body)
	}
}

func TestPresetDropLists(t *testing.T) {
	got := map[string][]string{}
	for _, p := range presets {
		got[p.name] = p.drop
	}
	want := map[string][]string{
		"groq":     {"logprobs", "logit_bias", "top_logprobs"},
		"cerebras": {"frequency_penalty", "logit_bias", "presence_penalty", "parallel_tool_calls", "service_tier"},
	}
	for name, w := range want {
		if !reflect.DeepEqual(got[name], w) {
			t.Errorf("%s drops %v, want %v", name, got[name], w)
		}
	}
	for _, name := range []string{"deepseek", "openrouter", "ollama", "vllm"} {
		if len(got[name]) != 0 {
			t.Errorf("%s drops %v; it accepts every OpenAI field", name, got[name])
		}
	}
}

func TestPresetOpenRouterAttribution(t *testing.T) {
	srv, rec := fake(t, fakeupstream.OpenAIConfig{})
	d := caddyfile.NewTestDispenser(`provider openrouter {
		api_key ` + testKey + `
		app_url https://example.com/app
		app_name "Example App"
	}`)
	info, _ := caddy.GetModule("http.ai_backends.providers.openrouter")
	m := info.New().(*Preset)
	if err := m.UnmarshalCaddyfile(d); err != nil {
		t.Fatal(err)
	}
	m.BaseURL = srv.URL + "/v1"
	if err := m.Provision(caddy.Context{}); err != nil {
		t.Fatal(err)
	}
	defer m.Cleanup()
	if _, err := m.Chat(context.Background(), target, chatRequest(t, `{"model":"x","messages":[{"role":"user","content":"hi"}]}`)); err != nil {
		t.Fatal(err)
	}
	h := rec.Last().Header
	if h.Get("HTTP-Referer") != "https://example.com/app" || h.Get("X-Title") != "Example App" ||
		h.Get("Authorization") != "Bearer "+testKey {
		t.Errorf("headers %v", h)
	}

	// Attribution options belong to OpenRouter only.
	if _, err := newPreset(t, "groq", func(m *Preset) {
		m.APIKeys = []providers.APIKey{{Value: testKey}}
		m.AppName = "x"
	}); err == nil {
		t.Error("groq accepted app_name")
	}
}

func TestPresetCaddyfileKeepsCompatibleOptions(t *testing.T) {
	info, _ := caddy.GetModule("http.ai_backends.providers.vllm")
	m := info.New().(*Preset)
	d := caddyfile.NewTestDispenser(`provider local vllm {
		base_url http://gpu-box:8000/v1
		responses_api
		models meta-llama/Llama-3.1-8B-Instruct
	}`)
	if err := m.UnmarshalCaddyfile(d); err != nil {
		t.Fatal(err)
	}
	if m.BaseURL != "http://gpu-box:8000/v1" || !m.ResponsesAPI || len(m.Models) != 1 {
		t.Errorf("parsed %+v", m)
	}
	d = caddyfile.NewTestDispenser("provider g groq {\n app_url\n}")
	if err := m.UnmarshalCaddyfile(d); err == nil {
		t.Error("app_url without a value accepted")
	}
}

// Azure's content filter refusing a prompt is a policy error: not retried,
// but another deployment may serve the request.
func TestContentFilterIsPolicyError(t *testing.T) {
	e := upstreamError("az", http.StatusBadRequest, nil, []byte(fakeupstream.AzureContentFilterBody))
	if e.Kind != providers.KindPolicy || e.Code != "content_filter" || e.Param != "prompt" {
		t.Fatalf("classified %+v", e)
	}
	if e.Retryable() || !e.Fallback() || e.BreakerFailure() || e.HTTPStatus() != 400 ||
		e.OpenAIType() != "invalid_request_error" || e.AnthropicType() != "invalid_request_error" {
		t.Errorf("policy semantics: retry %v fallback %v breaker %v status %d types %s %s",
			e.Retryable(), e.Fallback(), e.BreakerFailure(), e.HTTPStatus(), e.OpenAIType(), e.AnthropicType())
	}
	if !strings.Contains(string(e.OpenAIBody()), `"code":"content_filter"`) || e.Kind.String() != "policy" {
		t.Errorf("body %s kind %s", e.OpenAIBody(), e.Kind)
	}
}
