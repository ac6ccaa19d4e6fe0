package vertex

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/sira-ai/caddy-ai-backends/internal/fakeupstream"
	"github.com/sira-ai/caddy-ai-backends/internal/providertest"
	"github.com/sira-ai/caddy-ai-backends/providers"
)

const projectPath = "/v1/projects/test-project/locations/us-central1/publishers/"

// checkBearer asserts the last request carried an issued access token and
// no api key.
func checkBearer(t *testing.T, rec *fakeupstream.Recorder) {
	t.Helper()
	h := rec.Last().Header
	if !strings.HasPrefix(h.Get("Authorization"), "Bearer ya29.fake-vertex-token-") || h.Get("X-Goog-Api-Key") != "" || h.Get("X-Api-Key") != "" {
		t.Errorf("auth headers %v", h)
	}
}

// TestGeminiOnVertex: chat, stream, countTokens and embeddings of a Gemini
// model go to the google publisher's methods with a bearer token, in the
// Gemini wire format (countTokens in Vertex's flat shape).
func TestGeminiOnVertex(t *testing.T) {
	f, rec := fakeupstream.NewVertex(t, fakeupstream.VertexConfig{Gemini: fakeupstream.GeminiOptions{Text: "Hi from Vertex.", Chunks: []string{"Hi ", "from ", "Vertex."}}})
	v := newVertex(t, f, nil, nil)
	ctx := context.Background()
	tg := providers.Target{Model: "gemini-2.5-flash"}

	resp, err := v.Chat(ctx, tg, chatRequest(t, hello))
	if err != nil {
		t.Fatal(err)
	}
	if got := resp.Choices[0].Message.Content.String(); !strings.Contains(got, "Hi from Vertex.") {
		t.Errorf("answer %q", got)
	}
	if p := rec.Last().Path; p != projectPath+"google/models/gemini-2.5-flash:generateContent" {
		t.Errorf("chat path %s", p)
	}
	checkBearer(t, rec)

	s, err := v.ChatStream(ctx, tg, chatRequest(t, hello))
	if err != nil {
		t.Fatal(err)
	}
	if text := drain(t, s); text != "Hi from Vertex." {
		t.Errorf("streamed %q", text)
	}
	if p := rec.Last().Path; p != projectPath+"google/models/gemini-2.5-flash:streamGenerateContent?alt=sse" {
		t.Errorf("stream path %s", p)
	}

	n, err := v.CountTokens(ctx, tg, chatRequest(t, `{"model":"m","messages":[{"role":"user","content":"one two three"}]}`))
	if err != nil || n != 4 { // "one two three" and the role "user"
		t.Errorf("count %d %v; body %s", n, err, rec.Last().Body)
	}
	if strings.Contains(string(rec.Last().Body), "generateContentRequest") {
		t.Errorf("countTokens body in the Gemini API's shape: %s", rec.Last().Body)
	}

	dims := 4
	emb, err := v.Embeddings(ctx, providers.Target{Model: "text-embedding-005"}, &providers.EmbeddingRequest{
		Input: providers.EmbeddingInput{Texts: []string{"a b", "c"}}, Dimensions: &dims})
	if err != nil {
		t.Fatal(err)
	}
	if p := rec.Last().Path; p != projectPath+"google/models/text-embedding-005:predict" {
		t.Errorf("embeddings path %s", p)
	}
	var first []float32
	_ = json.Unmarshal(emb.Data[0].Embedding, &first)
	if len(emb.Data) != 2 || len(first) != 4 || emb.Data[1].Index != 1 || emb.Usage.PromptTokens != 3 {
		t.Errorf("embeddings %+v", emb)
	}
	if f.Issued() != 1 {
		t.Errorf("%d tokens issued for one provider", f.Issued())
	}
}

// TestClaudeOnVertex: a Claude model goes to rawPredict / streamRawPredict
// with the model in the URL only and anthropic_version in the body; a
// /v1/messages body is relayed with the same changes; count-tokens keeps
// the model in the body.
func TestClaudeOnVertex(t *testing.T) {
	f, rec := fakeupstream.NewVertex(t, fakeupstream.VertexConfig{})
	v := newVertex(t, f, nil, nil)
	ctx := context.Background()
	tg := providers.Target{Model: "claude-sonnet-4-5@20250929"}

	resp, err := v.Chat(ctx, tg, chatRequest(t, hello))
	if err != nil {
		t.Fatal(err)
	}
	if got := resp.Choices[0].Message.Content.String(); got != fakeupstream.DefaultAnthropicText {
		t.Errorf("answer %q", got)
	}
	last := rec.Last()
	if last.Path != projectPath+"anthropic/models/claude-sonnet-4-5@20250929:rawPredict" ||
		strings.Contains(string(last.Body), `"model"`) || !strings.Contains(string(last.Body), `"anthropic_version":"vertex-2023-10-16"`) {
		t.Errorf("chat %s %s", last.Path, last.Body)
	}
	checkBearer(t, rec)

	s, err := v.ChatStream(ctx, tg, chatRequest(t, hello))
	if err != nil {
		t.Fatal(err)
	}
	if text := drain(t, s); text != fakeupstream.DefaultAnthropicText {
		t.Errorf("streamed %q", text)
	}
	if p := rec.Last().Path; p != projectPath+"anthropic/models/claude-sonnet-4-5@20250929:streamRawPredict" {
		t.Errorf("stream path %s", p)
	}

	// A /v1/messages client's own body: relayed, fields kept.
	raw := `{"model":"claude-sonnet-4-5","max_tokens":50,"messages":[{"role":"user","content":"hi"}],"metadata":{"user_id":"u1"}}`
	req := &providers.ChatRequest{Model: "claude-sonnet-4-5", Messages: []providers.Message{{Role: "user", Content: providers.TextContent("hi")}},
		Original: providers.Original{Format: providers.FormatAnthropicMessages, Body: []byte(raw)}}
	out, err := v.Chat(ctx, tg, req)
	if err != nil {
		t.Fatal(err)
	}
	body := string(rec.Last().Body)
	if !out.Original.Is(providers.FormatAnthropicMessages) || strings.Contains(body, `"model"`) || !strings.Contains(body, `"user_id":"u1"`) {
		t.Errorf("relay: body %s, original %v", body, out.Original.Format)
	}

	n, err := v.CountTokens(ctx, tg, chatRequest(t, `{"model":"m","messages":[{"role":"user","content":"one two three"}]}`))
	last = rec.Last()
	if err != nil || n <= 0 || last.Path != projectPath+"anthropic/models/count-tokens:rawPredict" ||
		!strings.Contains(string(last.Body), `"model":"claude-sonnet-4-5@20250929"`) {
		t.Errorf("count %d %v: %s %s", n, err, last.Path, last.Body)
	}

	// Claude models have no embeddings on Vertex.
	_, err = v.Embeddings(ctx, tg, &providers.EmbeddingRequest{Input: providers.EmbeddingInput{Texts: []string{"x"}}})
	if e := asError(t, err); e.Kind != providers.KindUnsupported {
		t.Errorf("claude embeddings: %+v", e)
	}
}

// A model configured with a publisher goes there whatever its name.
func TestPublisherOverride(t *testing.T) {
	f, rec := fakeupstream.NewVertex(t, fakeupstream.VertexConfig{})
	v := newVertex(t, f, nil, func(v *Vertex) { v.Publishers = map[string]string{"my-claude": PublisherAnthropic} })
	if _, err := v.Chat(context.Background(), providers.Target{Model: "my-claude"}, chatRequest(t, hello)); err != nil {
		t.Fatal(err)
	}
	if p := rec.Last().Path; p != projectPath+"anthropic/models/my-claude:rawPredict" {
		t.Errorf("path %s", p)
	}
}

// Vertex's own failures come in Google's shape for either publisher and
// are classified by their status.
func TestVertexErrorsClassified(t *testing.T) {
	for _, tc := range []struct {
		fail  fakeupstream.GeminiError
		kind  providers.Kind
		retry bool
	}{
		{fakeupstream.GeminiError{Code: 429, Status: "RESOURCE_EXHAUSTED", Message: "Quota exceeded for aiplatform.googleapis.com/online_prediction_requests_per_base_model with base model: anthropic-claude-sonnet-4-5.",
			Details: []any{map[string]any{"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "7s"}}}, providers.KindRateLimited, true},
		{fakeupstream.GeminiError{Code: 503, Status: "UNAVAILABLE", Message: "The service is currently unavailable."}, providers.KindOverloaded, true},
		{fakeupstream.GeminiError{Code: 403, Status: "PERMISSION_DENIED", Message: "Permission 'aiplatform.endpoints.predict' denied."}, providers.KindPermission, false},
		{fakeupstream.GeminiError{Code: 400, Status: "FAILED_PRECONDITION", Message: "Project is not allowlisted for this model."}, providers.KindPermission, false},
	} {
		f, _ := fakeupstream.NewVertex(t, fakeupstream.VertexConfig{Fail: &tc.fail})
		v := newVertex(t, f, nil, nil)
		for _, model := range []string{"claude-sonnet-4-5@20250929", "gemini-2.5-pro"} {
			_, err := v.Chat(context.Background(), providers.Target{Model: model}, chatRequest(t, hello))
			e := asError(t, err)
			if e.Kind != tc.kind || e.Retryable() != tc.retry || e.Message != tc.fail.Message {
				t.Errorf("%s %s: %+v", model, tc.fail.Status, e)
			}
			if tc.kind == providers.KindRateLimited && e.RetryAfter.Seconds() != 7 {
				t.Errorf("%s: retry after %v", model, e.RetryAfter)
			}
		}
	}
	// Claude's own errors keep Anthropic's classification.
	f, _ := fakeupstream.NewVertex(t, fakeupstream.VertexConfig{Anthropic: fakeupstream.AnthropicOptions{Status: 529}})
	v := newVertex(t, f, nil, nil)
	_, err := v.Chat(context.Background(), providers.Target{Model: "claude-haiku-4-5@20251001"}, chatRequest(t, hello))
	if e := asError(t, err); e.Kind != providers.KindOverloaded {
		t.Errorf("overloaded_error: %+v", e)
	}
}

// A model that cannot be one path segment never reaches a URL (nor gets a
// token).
func TestModelIsOnePathSegment(t *testing.T) {
	f, rec := fakeupstream.NewVertex(t, fakeupstream.VertexConfig{})
	v := newVertex(t, f, nil, nil)
	for _, model := range []string{"../../locations/x", "a/b", "gemini%2f..", ""} {
		_, err := v.Chat(context.Background(), providers.Target{Model: model}, chatRequest(t, hello))
		if e := asError(t, err); e.Kind != providers.KindInvalidRequest || e.Param != "model" || e.HTTPStatus() != http.StatusBadRequest {
			t.Errorf("%q: %+v", model, e)
		}
	}
	if rec.Count() != 0 || f.Issued() != 0 {
		t.Errorf("%d requests, %d tokens", rec.Count(), f.Issued())
	}
}

// A Gemini-native request with fields only Gemini takes is refused for a
// Claude model instead of losing them.
func TestUntranslatableToOtherPublisher(t *testing.T) {
	f, rec := fakeupstream.NewVertex(t, fakeupstream.VertexConfig{})
	v := newVertex(t, f, nil, nil)
	req := chatRequest(t, hello)
	req.Original = providers.Original{Format: providers.FormatGemini, Body: []byte(`{"contents":[{"role":"user","parts":[{"text":"hi"}]}],"cachedContent":"c/1"}`)}
	req.Untranslatable = []string{"cachedContent"}
	if !v.RelaysOriginal(providers.FormatGemini) {
		t.Fatal("gemini bodies not relayed")
	}
	_, err := v.Chat(context.Background(), providers.Target{Model: "claude-sonnet-4-5"}, req)
	if e := asError(t, err); e.Kind != providers.KindInvalidRequest || e.Code != "untranslatable_field" || e.Param != "cachedContent" {
		t.Errorf("%+v", e)
	}
	if _, err := v.Chat(context.Background(), providers.Target{Model: "gemini-2.5-flash"}, req); err != nil {
		t.Fatal(err)
	}
	if body := string(rec.Last().Body); !strings.Contains(body, `"cachedContent":"c/1"`) {
		t.Errorf("relayed body %s", body)
	}
}

func TestHostsAndProvision(t *testing.T) {
	for loc, want := range map[string]string{
		"us-central1": "https://us-central1-aiplatform.googleapis.com",
		"global":      "https://aiplatform.googleapis.com",
		"eu":          "https://aiplatform.eu.rep.googleapis.com",
	} {
		if got := hostFor(loc); got != want {
			t.Errorf("%s: %s", loc, got)
		}
	}
	f, _ := fakeupstream.NewVertex(t, fakeupstream.VertexConfig{})
	v := newVertex(t, f, nil, func(v *Vertex) { v.BaseURL, v.Location = "", "global" })
	if v.root != "https://aiplatform.googleapis.com/v1/projects/test-project/locations/global" {
		t.Errorf("root %s", v.root)
	}
	if v.Project != "test-project" || v.Type() != "vertex" {
		t.Errorf("project %q type %q", v.Project, v.Type())
	}
	for name, edit := range map[string]func(*Vertex){
		"bad location":   func(v *Vertex) { v.Location = "us-central1/../x" },
		"api key":        func(v *Vertex) { v.APIKeys = []providers.APIKey{{Value: "k-0123456789"}} },
		"both creds":     func(v *Vertex) { v.CredentialsFile = "/nonexistent.json" },
		"not json":       func(v *Vertex) { v.CredentialsJSON = "not json at all" },
		"unchecked type": func(v *Vertex) { v.CredentialsJSON = `{"type":"gdch_service_account"}` },
		"missing file":   func(v *Vertex) { v.CredentialsJSON, v.CredentialsFile = "", "/nonexistent/sa.json" },
		"bad publisher":  func(v *Vertex) { v.Publishers = map[string]string{"m": "meta"} },
		"bad project":    func(v *Vertex) { v.Project = "a/b" },
	} {
		if err := providertest.Provision(t, vertexConfig(f, edit)); err == nil {
			t.Errorf("%s: provisioned", name)
		}
	}
	// credentials_file given a {file.*}-read JSON takes it as the credentials.
	w := newVertex(t, f, nil, func(v *Vertex) { v.CredentialsFile, v.CredentialsJSON = v.CredentialsJSON, "" })
	if _, err := w.Chat(context.Background(), providers.Target{Model: "gemini-2.5-flash"}, chatRequest(t, hello)); err != nil {
		t.Fatal(err)
	}
}

func TestCaddyfile(t *testing.T) {
	v := providertest.UnmarshalCaddyfile[Vertex](t, `provider vx vertex {
		project my-proj
		location global
		credentials_json {env.VERTEX_SA_JSON}
		publisher my-claude anthropic
		safety HARM_CATEGORY_HARASSMENT BLOCK_ONLY_HIGH
		default_max_tokens 2048
		models gemini-2.5-flash claude-sonnet-4-5@20250929
	}`)
	if v.Project != "my-proj" || v.Location != "global" || v.CredentialsJSON != "{env.VERTEX_SA_JSON}" ||
		v.Publishers["my-claude"] != PublisherAnthropic || len(v.SafetySettings) != 1 || v.DefaultMaxTokens != 2048 || len(v.Models) != 2 {
		t.Errorf("parsed %+v", v)
	}
	providertest.AssertCaddyfileRejects[Vertex](t,
		"provider a vertex {\n publisher m meta\n}",
		"provider a vertex {\n publisher m\n}",
		"provider a vertex {\n project\n}",
		"provider a vertex {\n default_max_tokens 0\n}",
		"provider a vertex {\n safety only-one\n}",
	)
}

// An upstream that echoes the access token in an error never gets it to
// the client: the token is replaced with its fingerprint.
func TestEchoedTokenScrubbed(t *testing.T) {
	f, _ := fakeupstream.NewVertex(t, fakeupstream.VertexConfig{Fail: &fakeupstream.GeminiError{
		Code: 400, Status: "INVALID_ARGUMENT", Message: "bad request with credential {token}"}})
	v := newVertex(t, f, nil, nil)
	for _, model := range []string{"gemini-2.5-flash", "claude-sonnet-4-5"} {
		_, err := v.Chat(context.Background(), providers.Target{Model: model}, chatRequest(t, hello))
		e := asError(t, err)
		if strings.Contains(e.Error(), "ya29.") || !strings.Contains(e.Message, "kfp_") || e.Kind != providers.KindInvalidRequest {
			t.Errorf("%s: %+v", model, e)
		}
	}
}
