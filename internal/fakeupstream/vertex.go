package fakeupstream

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// VertexConfig sets up a fake Vertex AI project: Google's OAuth2 token
// endpoint for a service account, and the publisher endpoints of Gemini
// models (served by the Gemini fake) and Claude models (served by the
// Anthropic fake), with Vertex's authentication and error bodies.
type VertexConfig struct {
	// Project and Location the URLs must name. Defaults: test-project,
	// us-central1.
	Project, Location string
	// Gemini and Anthropic configure the publishers' answers (their API
	// keys are unused: Vertex's bearer tokens apply).
	Gemini    GeminiOptions
	Anthropic AnthropicOptions
	// TokenLifetime of the access tokens the token endpoint issues.
	// Default one hour, as at Google.
	TokenLifetime time.Duration
	// Now is the clock tokens expire by. Default time.Now.
	Now func() time.Time
	// Fail answers every model call with this Google-shaped error (e.g.
	// a 429 RESOURCE_EXHAUSTED quota error), whichever the publisher.
	// "{token}" in its message is replaced with the bearer token the
	// request carried, as a misbehaving proxy might echo it.
	Fail *GeminiError
}

// Vertex's error bodies, as the service returns them.
const (
	vertexUnauthenticated = "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project."
	vertexMissingAuth     = "Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project."
	// VertexBadJWT is the token endpoint's answer to an assertion signed
	// with the wrong key.
	VertexBadJWT = `{"error":"invalid_grant","error_description":"Invalid JWT Signature."}`
)

// FakeVertex is a running fake; URL is the service host (base_url).
type FakeVertex struct {
	URL string
	cfg VertexConfig
	rec *Recorder

	gemini    *gemini
	anthropic *anthropicFake
	key       *rsa.PrivateKey

	mu     sync.Mutex
	tokens map[string]time.Time // issued token → expiry
	issued int
}

// NewVertex starts the fake on loopback; it is closed when the test ends.
func NewVertex(t testing.TB, cfg VertexConfig) (*FakeVertex, *Recorder) {
	if cfg.Project == "" {
		cfg.Project = "test-project"
	}
	if cfg.Location == "" {
		cfg.Location = "us-central1"
	}
	if cfg.TokenLifetime == 0 {
		cfg.TokenLifetime = time.Hour
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	cfg.Gemini.APIKey, cfg.Anthropic.APIKey = "", ""
	f := &FakeVertex{cfg: cfg, rec: new(Recorder), gemini: &gemini{opts: cfg.Gemini},
		anthropic: &anthropicFake{opts: cfg.Anthropic, rec: new(Recorder)}, key: vertexKey(), tokens: map[string]time.Time{}}
	srv := httptest.NewServer(http.HandlerFunc(f.serveHTTP))
	t.Cleanup(srv.Close)
	f.URL = srv.URL
	return f, f.rec
}

var (
	vertexKeyOnce sync.Once
	vertexRSAKey  *rsa.PrivateKey
)

// vertexKey is the service account's key, made once per test binary.
func vertexKey() *rsa.PrivateKey {
	vertexKeyOnce.Do(func() {
		var err error
		if vertexRSAKey, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
	})
	return vertexRSAKey
}

// ServiceAccountEmail is the client_email of ServiceAccountJSON.
const ServiceAccountEmail = "gateway@test-project.iam.gserviceaccount.com"

// ServiceAccountJSON is a service-account key file whose token_uri is the
// fake's token endpoint. With wrongKey its private key is another one, so
// the token endpoint refuses its assertions as Google does.
func (f *FakeVertex) ServiceAccountJSON(wrongKey bool) string {
	key := f.key
	if wrongKey {
		var err error
		if key, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
	}
	der, _ := x509.MarshalPKCS8PrivateKey(key)
	b, _ := json.Marshal(map[string]string{
		"type": "service_account", "project_id": f.cfg.Project, "private_key_id": "fake-key-1",
		"private_key":  string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})),
		"client_email": ServiceAccountEmail, "client_id": "100000000000000000001",
		"token_uri": f.URL + "/token",
	})
	return string(b)
}

// Issued returns how many access tokens the token endpoint issued.
func (f *FakeVertex) Issued() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.issued
}

func (f *FakeVertex) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/token" {
		f.serveToken(w, r)
		return
	}
	body := f.rec.Record(r)
	if st, reason, msg := f.checkToken(r.Header.Get("Authorization")); st != 0 {
		geminiFail(w, &GeminiError{Code: st, Status: "UNAUTHENTICATED", Message: msg, Details: []any{map[string]any{
			"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": reason, "domain": "googleapis.com",
			"metadata": map[string]string{"service": "aiplatform.googleapis.com"}}}})
		return
	}
	prefix := "/v1/projects/" + f.cfg.Project + "/locations/" + f.cfg.Location + "/publishers/"
	rest, ok := strings.CutPrefix(r.URL.Path, prefix)
	pub, rest, _ := strings.Cut(rest, "/models/")
	colon := strings.LastIndexByte(rest, ':')
	if !ok || colon < 0 || r.Method != http.MethodPost {
		geminiFail(w, &GeminiError{Code: 403, Status: "PERMISSION_DENIED",
			Message: "Permission 'aiplatform.endpoints.predict' denied on resource '//aiplatform.googleapis.com" + r.URL.Path + "' (or it may not exist)."})
		return
	}
	if f.cfg.Fail != nil {
		fail := *f.cfg.Fail
		fail.Message = strings.ReplaceAll(fail.Message, "{token}", strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "))
		geminiFail(w, &fail)
		return
	}
	model, method := rest[:colon], rest[colon+1:]
	switch pub {
	case "google":
		f.serveGoogle(w, r, body, model, method)
	case "anthropic":
		f.serveAnthropic(w, r, body, model, method)
	default:
		geminiFail(w, &GeminiError{Code: 404, Status: "NOT_FOUND",
			Message: "Publisher Model `" + strings.TrimPrefix(r.URL.Path, "/v1/") + "` not found."})
	}
}

// checkToken answers like Vertex: no bearer token, or one the token
// endpoint did not issue or that expired, is a 401 UNAUTHENTICATED.
func (f *FakeVertex) checkToken(h string) (status int, reason, msg string) {
	tok, ok := strings.CutPrefix(h, "Bearer ")
	if !ok || tok == "" {
		return http.StatusUnauthorized, "CREDENTIALS_MISSING", vertexMissingAuth
	}
	f.mu.Lock()
	expiry, known := f.tokens[tok]
	f.mu.Unlock()
	switch {
	case !known:
		return http.StatusUnauthorized, "ACCESS_TOKEN_TYPE_UNSUPPORTED", vertexUnauthenticated
	case !f.cfg.Now().Before(expiry):
		return http.StatusUnauthorized, "ACCESS_TOKEN_EXPIRED", vertexUnauthenticated
	}
	return 0, "", ""
}

// serveToken is Google's token endpoint for the JWT bearer grant: the
// assertion must be signed with the service account's key and name the
// endpoint and the scope.
func (f *FakeVertex) serveToken(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	bad := func(body string) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = io.WriteString(w, body)
	}
	if r.PostForm.Get("grant_type") != "urn:ietf:params:oauth:grant-type:jwt-bearer" {
		bad(`{"error":"unsupported_grant_type","error_description":"Invalid grant_type: ` + r.PostForm.Get("grant_type") + `"}`)
		return
	}
	claims, ok := verifyRS256(r.PostForm.Get("assertion"), &f.key.PublicKey)
	if !ok {
		bad(VertexBadJWT)
		return
	}
	if claims.Iss != ServiceAccountEmail || claims.Aud != f.URL+"/token" || claims.Scope == "" ||
		time.Unix(claims.Exp, 0).Before(time.Now()) {
		bad(`{"error":"invalid_grant","error_description":"Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim."}`)
		return
	}
	if !strings.Contains(" "+claims.Scope+" ", " https://www.googleapis.com/auth/cloud-platform ") {
		bad(`{"error":"invalid_scope","error_description":"Invalid OAuth scope or ID token audience provided."}`)
		return
	}
	f.mu.Lock()
	f.issued++
	tok := fmt.Sprintf("ya29.fake-vertex-token-%d-%x", f.issued, sha256.Sum256([]byte(claims.Scope+fmt.Sprint(f.issued))))
	f.tokens[tok] = f.cfg.Now().Add(f.cfg.TokenLifetime)
	f.mu.Unlock()
	writeJSON(w, map[string]any{"access_token": tok, "expires_in": int(f.cfg.TokenLifetime.Seconds()), "token_type": "Bearer"})
}

type jwtClaims struct {
	Iss   string `json:"iss"`
	Aud   string `json:"aud"`
	Scope string `json:"scope"`
	Exp   int64  `json:"exp"`
}

// verifyRS256 checks a compact JWS signed with RS256 and returns its claims.
func verifyRS256(token string, pub *rsa.PublicKey) (jwtClaims, bool) {
	var c jwtClaims
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return c, false
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return c, false
	}
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], sig) != nil {
		return c, false
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	return c, err == nil && json.Unmarshal(payload, &c) == nil
}

// serveGoogle answers the Gemini methods Vertex serves: generateContent and
// streamGenerateContent as the Gemini fake does, countTokens with Vertex's
// flat body, predict for embedding models.
func (f *FakeVertex) serveGoogle(w http.ResponseWriter, r *http.Request, body []byte, model, method string) {
	switch method {
	case "generateContent", "streamGenerateContent":
		r2 := r.Clone(r.Context())
		r2.URL.Path = "/v1beta/models/" + model + ":" + method
		r2.Header.Set("x-goog-api-key", "vertex")
		f.gemini.serve(w, r2, body)
	case "countTokens":
		var req map[string]json.RawMessage
		if err := json.Unmarshal(body, &req); err != nil {
			geminiInvalid(w, "Invalid JSON payload received. "+err.Error())
			return
		}
		for k := range req {
			switch k {
			case "contents", "systemInstruction", "tools", "generationConfig", "instances", "model":
			default:
				geminiInvalid(w, fmt.Sprintf("Invalid JSON payload received. Unknown name %q: Cannot find field.", k))
				return
			}
		}
		if len(req["contents"]) == 0 {
			geminiInvalid(w, "contents is not specified")
			return
		}
		n := FakeTokenCount(req["contents"]) + FakeTokenCount(req["systemInstruction"]) + FakeTokenCount(req["tools"])
		writeJSON(w, map[string]any{"totalTokens": n, "totalBillableCharacters": 4 * n})
	case "predict":
		f.servePredict(w, body)
	default:
		geminiFail(w, &GeminiError{Code: 404, Status: "NOT_FOUND", Message: "Requested entity was not found."})
	}
}

func (f *FakeVertex) servePredict(w http.ResponseWriter, body []byte) {
	var req struct {
		Instances []struct {
			Content *string `json:"content"`
		} `json:"instances"`
		Parameters struct {
			OutputDimensionality int `json:"outputDimensionality"`
		} `json:"parameters"`
	}
	if err := json.Unmarshal(body, &req); err != nil || len(req.Instances) == 0 {
		geminiInvalid(w, "Invalid JSON payload received. instances is required.")
		return
	}
	dims := orDefault(req.Parameters.OutputDimensionality, orDefault(f.cfg.Gemini.EmbeddingDims, 8))
	preds := make([]any, len(req.Instances))
	for i, in := range req.Instances {
		if in.Content == nil {
			geminiInvalid(w, fmt.Sprintf("instances[%d].content is required.", i))
			return
		}
		preds[i] = map[string]any{"embeddings": map[string]any{"values": GeminiVector(*in.Content, dims),
			"statistics": map[string]any{"token_count": len(strings.Fields(*in.Content)), "truncated": false}}}
	}
	writeJSON(w, map[string]any{"predictions": preds, "metadata": map[string]any{"billableCharacterCount": len(body)}})
}

// serveAnthropic answers rawPredict and streamRawPredict with the
// Anthropic fake: anthropic_version vertex-2023-10-16 in the body, the
// model in the URL and not in the body; count-tokens:rawPredict with the
// model in the body.
func (f *FakeVertex) serveAnthropic(w http.ResponseWriter, r *http.Request, body []byte, model, method string) {
	var req map[string]json.RawMessage
	if err := json.Unmarshal(body, &req); err != nil {
		anthropicError(w, http.StatusBadRequest, "invalid_request_error", "invalid JSON body", nil)
		return
	}
	if string(req["anthropic_version"]) != `"vertex-2023-10-16"` {
		anthropicError(w, http.StatusBadRequest, "invalid_request_error", "anthropic_version: Input should be 'vertex-2023-10-16'", nil)
		return
	}
	delete(req, "anthropic_version")
	path := "/v1/messages"
	switch {
	case model == "count-tokens" && method == "rawPredict":
		path = "/v1/messages/count_tokens"
	case method != "rawPredict" && method != "streamRawPredict":
		geminiFail(w, &GeminiError{Code: 404, Status: "NOT_FOUND", Message: "Requested entity was not found."})
		return
	case req["model"] != nil:
		anthropicError(w, http.StatusBadRequest, "invalid_request_error", "model: Extra inputs are not permitted", nil)
		return
	case (method == "streamRawPredict") != (string(req["stream"]) == "true"):
		anthropicError(w, http.StatusBadRequest, "invalid_request_error", "stream: must be true with streamRawPredict and absent with rawPredict", nil)
		return
	default:
		req["model"], _ = json.Marshal(model)
	}
	inner, _ := json.Marshal(req)
	r2 := r.Clone(r.Context())
	r2.URL.Path = path
	r2.Body = io.NopCloser(bytes.NewReader(inner))
	r2.Header.Set("X-Api-Key", "vertex")
	r2.Header.Set("Anthropic-Version", "2023-06-01")
	f.anthropic.ServeHTTP(w, r2)
}
