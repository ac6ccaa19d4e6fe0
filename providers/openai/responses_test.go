package openai

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"

	"github.com/sira-ai/caddy-ai-backends/internal/fakeupstream"
	"github.com/sira-ai/caddy-ai-backends/providers"
)

// TestResponsesPassthrough: the client's body reaches /v1/responses with
// only the model changed, fields the gateway does not know included, and
// the answer comes back as the upstream sent it.
func TestResponsesPassthrough(t *testing.T) {
	p, rec := fakeOpenAI(t, fakeupstream.OpenAIConfig{})
	body := `{"model":"public","input":"hi","tools":[{"type":"web_search_preview"}],"store":false}`
	resp, err := p.Responses(context.Background(), target, []byte(body), false)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var got struct {
		Object string `json:"object"`
		Model  string `json:"model"`
	}
	if err := json.Unmarshal(raw, &got); err != nil || got.Object != "response" || got.Model != "gpt-4o" {
		t.Fatalf("answer %s (%v)", raw, err)
	}
	reqs := rec.Requests()
	if len(reqs) != 1 || reqs[0].Path != "/v1/responses" || reqs[0].Header.Get("Authorization") != "Bearer "+testKey {
		t.Fatalf("requests = %+v", reqs)
	}
	if want := strings.Replace(body, `"public"`, `"gpt-4o"`, 1); string(reqs[0].Body) != want {
		t.Errorf("sent %s, want %s", reqs[0].Body, want)
	}
}

func TestResponsesPassthroughStream(t *testing.T) {
	p, rec := fakeOpenAI(t, fakeupstream.OpenAIConfig{Reply: "a b"})
	resp, err := p.Responses(context.Background(), target, []byte(`{"model":"m","input":"x","stream":true}`), true)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") || !strings.Contains(string(raw), "event: response.completed") {
		t.Fatalf("stream answer %s", raw)
	}
	if got := rec.Requests()[0].Header.Get("Accept"); got != "text/event-stream" {
		t.Errorf("Accept = %q", got)
	}
}

// TestResponsesPassthroughErrors: upstream errors are classified as for
// chat, with OpenAI's param and code kept; a body with a duplicate model is
// refused before it is sent.
func TestResponsesPassthroughErrors(t *testing.T) {
	p, rec := fakeOpenAI(t, fakeupstream.OpenAIConfig{})
	_, err := p.Responses(context.Background(), target, []byte(`{"model":"m","input":"x","previous_response_id":"resp_x"}`), false)
	e := asError(t, err)
	if e.Kind != providers.KindNotFound || e.HTTPStatus() != http.StatusNotFound || e.Param != "previous_response_id" ||
		e.Code != "previous_response_not_found" || e.Provider != p.Name {
		t.Errorf("unknown previous response: %+v", e)
	}
	_, err = p.Responses(context.Background(), providers.Target{Model: "gpt-4o", APIKey: "sk-wrong-0000000000"}, []byte(`{"model":"m","input":"x"}`), false)
	if e := asError(t, err); e.Kind != providers.KindAuth || strings.Contains(e.Message, "sk-wrong-0000000000") {
		t.Errorf("bad key: %+v", e)
	}
	n := len(rec.Requests())
	_, err = p.Responses(context.Background(), target, []byte(`{"model":"a","input":"x","model":"b"}`), false)
	if e := asError(t, err); e.Kind != providers.KindInvalidRequest {
		t.Errorf("duplicate model: %+v", e)
	}
	_, err = p.Responses(context.Background(), target, []byte(`[1]`), false)
	if e := asError(t, err); e.Kind != providers.KindInvalidRequest {
		t.Errorf("not an object: %+v", e)
	}
	if len(rec.Requests()) != n {
		t.Error("a refused body must not reach the upstream")
	}
}

func TestServesResponses(t *testing.T) {
	srv, _ := fake(t, fakeupstream.OpenAIConfig{})
	if !newOpenAI(t, srv).ServesResponses() {
		t.Error("OpenAI serves the Responses API")
	}
	if newCompatible(t, srv).ServesResponses() {
		t.Error("a compatible server serves it only when configured")
	}
	if !newCompatible(t, srv, func(p *Provider) { p.ResponsesAPI = true }).ServesResponses() {
		t.Error("responses_api must turn it on")
	}
	var m Compatible
	if err := m.UnmarshalCaddyfile(caddyfile.NewTestDispenser("provider v openai_compatible {\n base_url http://x\n responses_api\n}")); err != nil || !m.ResponsesAPI {
		t.Errorf("caddyfile responses_api: %v %v", err, m.ResponsesAPI)
	}
	if err := m.UnmarshalCaddyfile(caddyfile.NewTestDispenser("provider v openai_compatible {\n responses_api yes\n}")); err == nil {
		t.Error("responses_api takes no argument")
	}
}
