package aibackends

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/sira-ai/caddy-ai-backends/internal/testclock"
	"github.com/sira-ai/caddy-ai-backends/providers"
)

// twoProviders serves model "m" from providers "fa" and "fb", one key
// each, no retries.
func twoProviders(t *testing.T, a, b *scriptedUpstream) *Handler {
	cfg := fmt.Sprintf(`{"providers":[
		{"type":"openai_compatible","name":"fa","base_url":%q,"api_keys":[{"value":"fa-key"}],"models":["m"],"max_retries":0},
		{"type":"openai_compatible","name":"fb","base_url":%q,"api_keys":[{"value":"fb-key"}],"models":["m"],"max_retries":0}
	]}`, a.URL+"/v1", b.URL+"/v1")
	return provisionTestHandler(t, cfg, testclock.New())
}

const messagesM = `{"model":"m","max_tokens":16,"messages":[{"role":"user","content":"hello"}]}`

func TestAllDeploymentsFailingAlikeAnswerWithThatStatus(t *testing.T) {
	for _, tc := range []struct {
		upstream   int
		want       int
		openAIType string
		antType    string
	}{
		{http.StatusUnauthorized, http.StatusUnauthorized, "authentication_error", "authentication_error"},
		{http.StatusForbidden, http.StatusForbidden, "permission_error", "permission_error"},
	} {
		t.Run(fmt.Sprint(tc.upstream), func(t *testing.T) {
			a, b := newScriptedUpstream(t, always(tc.upstream)), newScriptedUpstream(t, always(tc.upstream))
			h := twoProviders(t, a, b)

			r := h.testChat(t, "m")
			var oai struct {
				Error struct{ Message, Type, Code string }
			}
			if err := json.Unmarshal([]byte(r.body), &oai); err != nil {
				t.Fatalf("%s: %v", r.body, err)
			}
			if r.status != tc.want || oai.Error.Type != tc.openAIType || oai.Error.Code != "all_providers_failed" ||
				!strings.Contains(oai.Error.Message, "fa/m: ") || !strings.Contains(oai.Error.Message, "fb/m: ") {
				t.Fatalf("chat/completions: %d %s, want %d %s listing both deployments", r.status, r.body, tc.want, tc.openAIType)
			}

			r = h.testPost(t, "/v1/messages", messagesM)
			var ant struct {
				Type  string
				Error struct{ Type, Message string }
			}
			if err := json.Unmarshal([]byte(r.body), &ant); err != nil {
				t.Fatalf("%s: %v", r.body, err)
			}
			if r.status != tc.want || ant.Type != "error" || ant.Error.Type != tc.antType ||
				!strings.Contains(ant.Error.Message, "fa/m: ") || !strings.Contains(ant.Error.Message, "fb/m: ") {
				t.Fatalf("messages: %d %s, want %d %s listing both deployments", r.status, r.body, tc.want, tc.antType)
			}
		})
	}
}

func TestAnyTransientFailureKeeps503(t *testing.T) {
	a := newScriptedUpstream(t, always(http.StatusUnauthorized))
	b := newScriptedUpstream(t, always(http.StatusServiceUnavailable))
	h := twoProviders(t, a, b)
	r := h.testChat(t, "m")
	if r.status != http.StatusServiceUnavailable || !strings.Contains(r.body, "all_providers_failed") ||
		!strings.Contains(r.body, "fa/m: ") || !strings.Contains(r.body, "fb/m: ") {
		t.Fatalf("401 + 503: %d %s, want 503 all_providers_failed", r.status, r.body)
	}
	r = h.testPost(t, "/v1/messages", messagesM)
	if r.status != http.StatusServiceUnavailable || !strings.Contains(r.body, `"overloaded_error"`) {
		t.Fatalf("401 + 503 on /v1/messages: %d %s", r.status, r.body)
	}
}

func TestFailureSummary(t *testing.T) {
	// Unit view of the rule, including kinds the HTTP tests cannot reach.
	for _, tc := range []struct {
		name  string
		kinds []providers.Kind
		want  int
	}{
		{"all auth", []providers.Kind{providers.KindAuth, providers.KindAuth}, http.StatusUnauthorized},
		{"all not found", []providers.Kind{providers.KindNotFound, providers.KindNotFound}, http.StatusNotFound},
		{"all invalid", []providers.Kind{providers.KindInvalidRequest, providers.KindInvalidRequest}, http.StatusBadRequest},
		{"auth then permission", []providers.Kind{providers.KindAuth, providers.KindPermission}, http.StatusServiceUnavailable},
		{"auth then open circuit", []providers.Kind{providers.KindAuth, providers.KindUnavailable}, http.StatusServiceUnavailable},
		{"all timeouts", []providers.Kind{providers.KindTimeout, providers.KindTimeout}, http.StatusServiceUnavailable},
	} {
		var f failures
		for i, k := range tc.kinds {
			f.add(fmt.Sprintf("p%d/m", i), &providers.Error{Kind: k, Message: "failed"})
		}
		if got := f.err(nil).HTTPStatus(); got != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, got, tc.want)
		}
	}
}
