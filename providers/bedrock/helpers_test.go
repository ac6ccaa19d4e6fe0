package bedrock

import (
	"encoding/json"
	"errors"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/caddyserver/caddy/v2"
	"go.uber.org/goleak"

	"github.com/sira-ai/caddy-ai-backends/internal/fakeupstream"
	"github.com/sira-ai/caddy-ai-backends/providers"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

const (
	testKeyID  = "AKIDFAKEBEDROCK0001"
	testSecret = "fake-secret-key-0123456789abcdefghij"
	testToken  = "fake-session-token-0123456789abcdef"
	testClaude = "us.anthropic.claude-sonnet-4-5-20250929-v1:0"
	testNova   = "amazon.nova-pro-v1:0"
	testTitan  = "amazon.titan-embed-text-v2:0"
	testCohere = "cohere.embed-english-v3"
	testRegion = "us-east-1"
)

// fakeBedrock starts the fake with the test credentials.
func fakeBedrock(t testing.TB, edit func(*fakeupstream.BedrockConfig)) (*httptest.Server, *fakeupstream.Recorder) {
	cfg := fakeupstream.BedrockConfig{AccessKeyID: testKeyID, SecretAccessKey: testSecret, SessionToken: testToken, Region: testRegion}
	if edit != nil {
		edit(&cfg)
	}
	return fakeupstream.NewBedrock(t, cfg)
}

// newBedrock provisions the module against srv with static credentials.
func newBedrock(t testing.TB, srv *httptest.Server, edit func(*Bedrock)) *Bedrock {
	t.Helper()
	b, err := provisionBedrock(t, srv, edit)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func provisionBedrock(t testing.TB, srv *httptest.Server, edit func(*Bedrock)) (*Bedrock, error) {
	t.Helper()
	b := new(Bedrock)
	b.Region = testRegion
	if srv != nil {
		b.BaseURL = srv.URL
	}
	b.AccessKeyID, b.SecretAccessKey, b.SessionToken = testKeyID, testSecret, testToken
	if edit != nil {
		edit(b)
	}
	err := b.Provision(caddy.Context{})
	t.Cleanup(func() { _ = b.Cleanup() })
	return b, err
}

func target(model string) providers.Target { return providers.Target{Model: model} }

func chatRequest(t testing.TB, raw string) *providers.ChatRequest {
	t.Helper()
	req := new(providers.ChatRequest)
	if err := json.Unmarshal([]byte(raw), req); err != nil {
		t.Fatal(err)
	}
	req.Original = providers.OpenAIOriginal([]byte(raw))
	return req
}

// anthropicRequest is a /v1/messages request as the dialect hands it on.
func anthropicRequest(t testing.TB, raw string, beta ...string) *providers.ChatRequest {
	t.Helper()
	var m struct {
		Model     string `json:"model"`
		MaxTokens int    `json:"max_tokens"`
	}
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		t.Fatal(err)
	}
	req := &providers.ChatRequest{Model: m.Model, MaxTokens: &m.MaxTokens,
		Messages: []providers.Message{{Role: "user", Content: providers.TextContent("hi")}}}
	req.Original = providers.Original{Format: providers.FormatAnthropicMessages, Body: []byte(raw), Beta: beta}
	return req
}

func asError(t testing.TB, err error) *providers.Error {
	t.Helper()
	var e *providers.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not a *providers.Error", err, err)
	}
	return e
}

// fixedClock is a signing or service clock standing still.
func fixedClock(at time.Time) func() time.Time { return func() time.Time { return at } }
