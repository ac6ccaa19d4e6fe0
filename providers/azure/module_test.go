package azure

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/sira-ai/caddy-ai-backends/internal/fakeupstream"
	"github.com/sira-ai/caddy-ai-backends/internal/providertest"
	"github.com/sira-ai/caddy-ai-backends/providers"
)

const hello = `{"model":"gpt-4o","messages":[{"role":"user","content":"hello"}]}`

// TestURLs checks every operation's URL in both API styles, with the
// deployment mapped from the model and the api-key header.
func TestURLs(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		version                      string
		chat, embed, images, respond string
		bodyModel                    string
	}{
		{version: "2024-10-21",
			chat:      "/openai/deployments/prod-4o/chat/completions?api-version=2024-10-21",
			embed:     "/openai/deployments/prod-4o/embeddings?api-version=2024-10-21",
			images:    "/openai/deployments/prod-4o/images/generations?api-version=2024-10-21",
			respond:   "/openai/responses?api-version=2024-10-21",
			bodyModel: "prod-4o"},
		{version: "v1",
			chat: "/openai/v1/chat/completions", embed: "/openai/v1/embeddings",
			images: "/openai/v1/images/generations", respond: "/openai/v1/responses",
			bodyModel: "prod-4o"},
	} {
		srv, rec := fakeResource(t, fakeupstream.AzureConfig{Deployments: []string{"prod-4o"}})
		a := newAzure(t, srv, func(a *Azure) {
			a.BaseURL = srv.URL + "/openai/" // pasted with the API path: tolerated
			a.APIVersion = tc.version
			a.Deployments = map[string]string{"gpt-4o": "prod-4o"}
			a.ResponsesAPI = true
		})
		check := func(op, want string) {
			t.Helper()
			got := rec.Last()
			if got.Path != want || got.Header.Get("Api-Key") != testKey || got.Header.Get("Authorization") != "" {
				t.Errorf("%s %s: %s, headers %v", tc.version, op, got.Path, got.Header)
			}
			if m := bodyModel(got.Body); m != tc.bodyModel {
				t.Errorf("%s %s: body model %q", tc.version, op, m)
			}
		}
		if _, err := a.Chat(ctx, target("gpt-4o"), chatRequest(t, hello)); err != nil {
			t.Fatal(err)
		}
		check("chat", tc.chat)
		s, err := a.ChatStream(ctx, target("gpt-4o"), chatRequest(t, hello))
		if err != nil {
			t.Fatal(err)
		}
		providertest.Text(t, s)
		_ = s.Close()
		check("stream", tc.chat)
		if _, err := a.Embeddings(ctx, target("gpt-4o"), &providers.EmbeddingRequest{Raw: []byte(`{"model":"gpt-4o","input":"hi"}`)}); err != nil {
			t.Fatal(err)
		}
		check("embeddings", tc.embed)
		if _, err := a.Images(ctx, target("gpt-4o"), &providers.ImageRequest{Raw: []byte(`{"model":"gpt-4o","prompt":"a cat"}`)}); err != nil {
			t.Fatal(err)
		}
		check("images", tc.images)
		if !a.ServesResponses() {
			t.Error("responses_api set, ServesResponses false")
		}
		resp, err := a.Responses(ctx, target("gpt-4o"), []byte(`{"model":"gpt-4o","input":"hi"}`), false)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		check("responses", tc.respond)
	}
}

// A model without a deployment entry is its own deployment name; one the
// resource lacks is Azure's 404, a not-found error.
func TestDeploymentDefaultsToModelName(t *testing.T) {
	srv, rec := fakeResource(t, fakeupstream.AzureConfig{Deployments: []string{"gpt-4o-mini"}})
	a := newAzure(t, srv, func(a *Azure) { a.APIVersion = "2024-10-21" })
	if _, err := a.Chat(context.Background(), target("gpt-4o-mini"), chatRequest(t, hello)); err != nil {
		t.Fatal(err)
	}
	if p := rec.Last().Path; p != "/openai/deployments/gpt-4o-mini/chat/completions?api-version=2024-10-21" {
		t.Errorf("path %s", p)
	}
	_, err := a.Chat(context.Background(), target("gpt-4o"), chatRequest(t, hello))
	if e := asError(t, err); e.Kind != providers.KindNotFound || e.Code != "DeploymentNotFound" || e.Fallback() != true {
		t.Errorf("missing deployment: %+v", e)
	}
	// A model that cannot be a path segment never reaches the URL.
	_, err = a.Chat(context.Background(), target("../x"), chatRequest(t, hello))
	if e := asError(t, err); e.Kind != providers.KindInvalidRequest || rec.Count() != 2 {
		t.Errorf("bad path model: %+v after %d requests", e, rec.Count())
	}
}

// The fake answers like Azure to a missing or unknown api-version; a
// provider with a dated version never sends one it does not have.
func TestFakeRequiresAPIVersion(t *testing.T) {
	srv, _ := fakeResource(t, fakeupstream.AzureConfig{})
	for path, want := range map[string]int{
		"/openai/deployments/d/chat/completions":                        http.StatusNotFound,
		"/openai/deployments/d/chat/completions?api-version=1999-01-01": http.StatusBadRequest,
		"/openai/deployments/d/chat/completions?api-version=2024-10-21": http.StatusOK,
	} {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+path, strings.NewReader(hello))
		req.Header.Set("api-key", testKey)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("%s: %d, want %d", path, resp.StatusCode, want)
		}
	}
	a := newAzure(t, srv, func(a *Azure) { a.APIVersion = "1999-01-01" })
	_, err := a.Chat(context.Background(), target("d"), chatRequest(t, hello))
	if e := asError(t, err); e.Kind != providers.KindInvalidRequest || e.Upstream != 400 || !strings.Contains(e.Message, "API version not supported") {
		t.Errorf("unknown version: %+v", e)
	}
}

func TestWrongKeyIsAuthError(t *testing.T) {
	srv, _ := fakeResource(t, fakeupstream.AzureConfig{})
	a := newAzure(t, srv, nil)
	_, err := a.Chat(context.Background(), providers.Target{Model: "d", APIKey: "another-key-0123456789"}, chatRequest(t, hello))
	if e := asError(t, err); e.Kind != providers.KindAuth || strings.Contains(e.Error(), "another-key") {
		t.Errorf("wrong key: %+v", e)
	}
}

func TestContentFilterRefusal(t *testing.T) {
	srv, rec := fakeResource(t, fakeupstream.AzureConfig{FilterWord: "forbidden"})
	a := newAzure(t, srv, nil)
	_, err := a.Chat(context.Background(), target("gpt-4o"),
		chatRequest(t, `{"model":"gpt-4o","messages":[{"role":"user","content":"something forbidden"}]}`))
	e := asError(t, err)
	if e.Kind != providers.KindPolicy || e.Code != "content_filter" || e.Retryable() || !e.Fallback() ||
		e.HTTPStatus() != http.StatusBadRequest || !strings.Contains(e.Message, "content management policy") {
		t.Errorf("content filter: %+v", e)
	}
	if rec.Count() != 1 {
		t.Errorf("%d requests", rec.Count())
	}
}

func TestRetryAfterMs(t *testing.T) {
	srv, _ := fakeResource(t, fakeupstream.AzureConfig{OpenAI: fakeupstream.OpenAIConfig{Fail: &fakeupstream.OpenAIError{
		Status: 429, Code: "429", Message: "Requests to the ChatCompletions_Create Operation have exceeded call rate limit.",
		Header: http.Header{"X-Ms-Retry-After-Ms": {"1500"}, "Retry-After": {"2"}},
	}}})
	a := newAzure(t, srv, nil)
	_, err := a.Chat(context.Background(), target("gpt-4o"), chatRequest(t, hello))
	if e := asError(t, err); e.Kind != providers.KindRateLimited || e.RetryAfter.Milliseconds() != 1500 {
		t.Errorf("429: %+v", e)
	}
}

func TestProvisionErrors(t *testing.T) {
	srv, _ := fakeResource(t, fakeupstream.AzureConfig{})
	for name, edit := range map[string]func(*Azure){
		"no base":        func(a *Azure) { a.BaseURL = "" },
		"bad version":    func(a *Azure) { a.APIVersion = "latest" },
		"bad deployment": func(a *Azure) { a.Deployments = map[string]string{"gpt-4o": "a/b"} },
		"bad resource":   func(a *Azure) { a.BaseURL, a.Resource = "", "evil.com/x" },
		"no key":         func(a *Azure) { a.APIKeys = nil },
		"query":          func(a *Azure) { a.Query = map[string]string{"api-version": "2024-10-21"} },
		"key and entra":  func(a *Azure) { a.Entra = &Entra{Credential: DefaultChain} },
		"entra no secret": func(a *Azure) {
			a.APIKeys, a.Entra = nil, &Entra{Credential: ClientSecret, TenantID: "t", ClientID: "c"}
		},
		"entra unknown": func(a *Azure) { a.APIKeys, a.Entra = nil, &Entra{Credential: "password"} },
	} {
		if err := providertest.Provision(t, azureConfig(srv, edit)); err == nil {
			t.Errorf("%s: provisioned", name)
		}
	}
	a := newAzure(t, srv, func(a *Azure) { a.BaseURL, a.Resource = "", "my-res" })
	if a.BaseURL != "https://my-res.openai.azure.com" || a.APIVersion != V1 {
		t.Errorf("resource: base %q version %q", a.BaseURL, a.APIVersion)
	}
}

func TestCaddyfile(t *testing.T) {
	a := providertest.UnmarshalCaddyfile[Azure](t, `provider az azure {
		resource my-res
		api_version 2025-04-01-preview
		deployment gpt-4o prod-gpt4o
		deployment text-embedding-3-small embed
		responses_api
		entra client_secret {
			tenant_id {env.AZURE_TENANT_ID}
			client_id cid
			client_secret {env.AZURE_CLIENT_SECRET}
			authority_host https://login.example.com/
		}
	}`)
	e := a.Entra
	if a.Resource != "my-res" || a.APIVersion != "2025-04-01-preview" || a.Deployments["gpt-4o"] != "prod-gpt4o" ||
		a.Deployments["text-embedding-3-small"] != "embed" || !a.ResponsesAPI || e == nil || e.Credential != ClientSecret ||
		e.TenantID != "{env.AZURE_TENANT_ID}" || e.ClientID != "cid" || e.AuthorityHost != "https://login.example.com/" {
		t.Errorf("parsed %+v entra %+v", a, e)
	}
	providertest.AssertCaddyfileRejects[Azure](t,
		"provider a azure {\n api_version latest\n}",
		"provider a azure {\n deployment gpt-4o\n}",
		"provider a azure {\n entra password\n}",
		"provider a azure {\n entra client_secret {\n scope x\n }\n}",
		"provider a azure {\n resource\n}",
	)
}

func bodyModel(body []byte) string {
	i := strings.Index(string(body), `"model":"`)
	if i < 0 {
		return ""
	}
	rest := string(body[i+len(`"model":"`):])
	return rest[:strings.IndexByte(rest, '"')]
}

// A deployment with a name of its own still gets the rules of the model it
// serves: o3 takes max_completion_tokens, not max_tokens.
func TestDeploymentOfReasoningModel(t *testing.T) {
	srv, rec := fakeResource(t, fakeupstream.AzureConfig{})
	a := newAzure(t, srv, func(a *Azure) { a.Deployments = map[string]string{"o3": "team-reasoner"} })
	_, err := a.Chat(context.Background(), target("o3"),
		chatRequest(t, `{"model":"o3","max_tokens":100,"messages":[{"role":"user","content":"hi"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if body := string(rec.Last().Body); !strings.Contains(body, `"max_completion_tokens":100`) || strings.Contains(body, `"max_tokens"`) ||
		!strings.Contains(body, `"model":"team-reasoner"`) {
		t.Errorf("body %s", body)
	}
}
