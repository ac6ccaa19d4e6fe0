package fakeupstream

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// AzureConfig sets up a fake Azure OpenAI resource: OpenAI's fake behind
// Azure's URLs, api-version, deployments, authentication and content filter.
type AzureConfig struct {
	// OpenAI configures the answers (its APIKey and AuthHeader are unused:
	// Azure's own authentication applies).
	OpenAI OpenAIConfig
	// Deployments are the deployment names the resource has; any other
	// answers 404 DeploymentNotFound. Empty: every name exists.
	Deployments []string
	// APIKey must come in the api-key header, or Token as
	// "Authorization: Bearer <token>"; with neither set any caller is let in.
	APIKey, Token string
	// FilterWord, when a request's body contains it, makes the content
	// filter refuse the prompt with Azure's 400 content_filter error.
	FilterWord string
}

// AzureAPIVersions are the dated api-versions the fake accepts.
var AzureAPIVersions = []string{"2024-06-01", "2024-10-21", "2025-04-01-preview", "preview"}

// Azure's error bodies, as the service returns them.
const (
	azureResourceNotFound  = `{"error":{"code":"404","message": "Resource not found"}}`
	azureVersionNotAllowed = `{"error":{"code":"BadRequest","message":"API version not supported"}}`
	azureDeploymentMissing = `{"error":{"code":"DeploymentNotFound","message":"The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again."}}`
	azureBadKey            = `{"error":{"code":"401","message":"Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource."}}`
	azureBadToken          = `{"error":{"code":"401","message":"Unauthorized. Access token is missing, invalid, audience is incorrect (https://cognitiveservices.azure.com), or have expired."}}`
	// AzureContentFilterBody is the 400 the content filter answers a
	// refused prompt with.
	AzureContentFilterBody = `{"error":{"message":"The response was filtered due to the prompt triggering Azure OpenAI's content management policy. Please modify your prompt and retry. To learn more about our content filtering policies please read our documentation: https://go.microsoft.com/fwlink/?linkid=2198766","type":null,"param":"prompt","code":"content_filter","status":400,"innererror":{"code":"ResponsibleAIPolicyViolation","content_filter_result":{"hate":{"filtered":false,"severity":"safe"},"jailbreak":{"filtered":true,"detected":true},"self_harm":{"filtered":false,"severity":"safe"},"sexual":{"filtered":false,"severity":"safe"},"violence":{"filtered":false,"severity":"safe"}}}}}`
)

type fakeAzure struct {
	cfg   AzureConfig
	rec   *Recorder
	inner *fakeOpenAI
}

// NewAzure starts a fake Azure OpenAI resource on loopback; its URL is the
// resource endpoint (base_url). It serves
//
//	/openai/deployments/{deployment}/{chat/completions,embeddings,images/generations}?api-version=...
//	/openai/responses?api-version=...   (the deployment in the body)
//	/openai/v1/{chat/completions,embeddings,images/generations,responses}   (the deployment in the body)
//
// The server is closed when the test ends.
func NewAzure(t testing.TB, cfg AzureConfig) (*httptest.Server, *Recorder) {
	inner := &fakeOpenAI{cfg: cfg.OpenAI, rec: new(Recorder), shutdown: make(chan struct{})}
	inner.cfg.APIKey, inner.cfg.AuthHeader = "", ""
	f := &fakeAzure{cfg: cfg, rec: new(Recorder), inner: inner}
	srv := httptest.NewServer(http.HandlerFunc(f.serveHTTP))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(inner.shutdown) })
	return srv, f.rec
}

func (f *fakeAzure) serveHTTP(w http.ResponseWriter, r *http.Request) {
	body := f.rec.Record(r)
	r.Body = io.NopCloser(bytes.NewReader(body))
	w.Header().Set("Apim-Request-Id", "00000000-0000-0000-0000-000000000000")
	if status, msg := f.checkAuth(r); status != 0 {
		azureWrite(w, status, msg)
		return
	}
	version := r.URL.Query().Get("api-version")
	path := r.URL.Path
	var deployment string
	switch {
	case strings.HasPrefix(path, "/openai/v1/"):
		if version != "" && version != "preview" {
			azureWrite(w, http.StatusBadRequest, azureVersionNotAllowed)
			return
		}
		deployment = bodyModel(body)
	case strings.HasPrefix(path, "/openai/deployments/"):
		rest := strings.TrimPrefix(path, "/openai/deployments/")
		deployment, _, _ = strings.Cut(rest, "/")
		if !f.checkVersion(w, version) {
			return
		}
	case path == "/openai/responses":
		if !f.checkVersion(w, version) {
			return
		}
		deployment = bodyModel(body)
	default:
		azureWrite(w, http.StatusNotFound, azureResourceNotFound)
		return
	}
	if !f.hasDeployment(deployment) {
		azureWrite(w, http.StatusNotFound, azureDeploymentMissing)
		return
	}
	if f.cfg.FilterWord != "" && bytes.Contains(body, []byte(f.cfg.FilterWord)) {
		azureWrite(w, http.StatusBadRequest, AzureContentFilterBody)
		return
	}
	f.inner.serveHTTP(w, r)
}

// checkVersion answers like Azure when api-version is missing (404) or not
// one it knows (400), and reports whether the request may go on.
func (f *fakeAzure) checkVersion(w http.ResponseWriter, version string) bool {
	switch {
	case version == "":
		azureWrite(w, http.StatusNotFound, azureResourceNotFound)
	case !contains(AzureAPIVersions, version):
		azureWrite(w, http.StatusBadRequest, azureVersionNotAllowed)
	default:
		return true
	}
	return false
}

// checkAuth answers like Azure: a wrong api-key, or a missing or wrong
// bearer token, is a 401 with Azure's message.
func (f *fakeAzure) checkAuth(r *http.Request) (int, string) {
	if f.cfg.APIKey == "" && f.cfg.Token == "" {
		return 0, ""
	}
	if key := r.Header.Get("Api-Key"); key != "" {
		if f.cfg.APIKey != "" && key == f.cfg.APIKey {
			return 0, ""
		}
		return http.StatusUnauthorized, azureBadKey
	}
	if f.cfg.Token == "" || r.Header.Get("Authorization") != "Bearer "+f.cfg.Token {
		return http.StatusUnauthorized, azureBadToken
	}
	return 0, ""
}

func (f *fakeAzure) hasDeployment(name string) bool {
	return name != "" && (len(f.cfg.Deployments) == 0 || contains(f.cfg.Deployments, name))
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// bodyModel is the body's "model", the deployment name in the v1 API.
func bodyModel(body []byte) string {
	var b struct {
		Model string `json:"model"`
	}
	_ = json.Unmarshal(body, &b)
	return b.Model
}

func azureWrite(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}
