package bedrock

import (
	"encoding/json"
	"net/http/httptest"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/sira-ai/caddy-ai-backends/internal/fakeupstream"
	"github.com/sira-ai/caddy-ai-backends/internal/providertest"
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
	return providertest.MustProvision(t, bedrockConfig(srv, edit))
}

// bedrockConfig is the module in the test region with the test
// credentials, pointed at srv when there is one, then edited.
func bedrockConfig(srv *httptest.Server, edit func(*Bedrock)) *Bedrock {
	b := new(Bedrock)
	b.Region = testRegion
	if srv != nil {
		b.BaseURL = srv.URL
	}
	b.AccessKeyID, b.SecretAccessKey, b.SessionToken = testKeyID, testSecret, testToken
	if edit != nil {
		edit(b)
	}
	return b
}

func target(model string) providers.Target { return providers.Target{Model: model} }

// The shared helpers, under the names this package's tests use.
var (
	chatRequest = providertest.ChatRequest
	asError     = providertest.AsError
)

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

// fixedClock is a signing or service clock standing still.
func fixedClock(at time.Time) func() time.Time { return func() time.Time { return at } }
