package openai

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/sira-ai/caddy-ai-backends/internal/fakeupstream"
	"github.com/sira-ai/caddy-ai-backends/providers"
)

const plainReq = `{"model":"gpt-4o","messages":[{"role":"user","content":"x"}]}`

func TestErrorClassification(t *testing.T) {
	retryAfterOnly := fakeupstream.OpenAIErrorFor(429)
	retryAfterOnly.Header = http.Header{"Retry-After": {"2"}}
	notFoundAs400 := fakeupstream.OpenAIErrorFor(404)
	notFoundAs400.Status = 400

	cases := []struct {
		name       string
		fail       *fakeupstream.OpenAIError
		kind       providers.Kind
		status     int // for the client
		retryAfter time.Duration
	}{
		{"400 context length", fakeupstream.OpenAIErrorFor(400), providers.KindInvalidRequest, 400, 0},
		{"400 model_not_found", notFoundAs400, providers.KindNotFound, 400, 0},
		{"401", fakeupstream.OpenAIErrorFor(401), providers.KindAuth, 401, 0},
		{"403", fakeupstream.OpenAIErrorFor(403), providers.KindPermission, 403, 0},
		{"404 model_not_found", fakeupstream.OpenAIErrorFor(404), providers.KindNotFound, 404, 0},
		{"429 rate limit, retry-after-ms", fakeupstream.OpenAIErrorFor(429), providers.KindRateLimited, 429, time.Second},
		{"429 rate limit, retry-after", retryAfterOnly, providers.KindRateLimited, 429, 2 * time.Second},
		{"429 quota", fakeupstream.OpenAIQuotaError(), providers.KindQuota, 429, 0},
		{"500", fakeupstream.OpenAIErrorFor(500), providers.KindUpstream, 502, 0},
		{"502", fakeupstream.OpenAIErrorFor(502), providers.KindUpstream, 502, 0},
		{"503", fakeupstream.OpenAIErrorFor(503), providers.KindOverloaded, 503, 0},
		{"504", fakeupstream.OpenAIErrorFor(504), providers.KindTimeout, 504, 0},
	}
	for _, c := range cases {
		srv, _ := fake(t, fakeupstream.OpenAIConfig{Fail: c.fail})
		p := newOpenAI(t, srv)
		_, err := p.Chat(context.Background(), target, chatRequest(t, plainReq))
		e := asError(t, err)
		if e.Kind != c.kind || e.HTTPStatus() != c.status || e.Upstream != c.fail.Status || e.RetryAfter != c.retryAfter {
			t.Errorf("%s: kind %v status %d upstream %d retry-after %v", c.name, e.Kind, e.HTTPStatus(), e.Upstream, e.RetryAfter)
		}
		if e.Message != c.fail.Message || e.Code != c.fail.Code || e.Param != c.fail.Param || e.Provider != "openai" {
			t.Errorf("%s: message %q code %q param %q provider %q", c.name, e.Message, e.Code, e.Param, e.Provider)
		}
		// The stream path classifies the same way, before any chunk.
		if _, err := p.ChatStream(context.Background(), target, chatRequest(t, plainReq)); asError(t, err).Kind != c.kind {
			t.Errorf("%s: stream kind %v", c.name, asError(t, err).Kind)
		}
	}
}

// TestKeyNeverInErrors: whatever the upstream echoes, the key does not
// reach an error message, code or rendered body.
func TestKeyNeverInErrors(t *testing.T) {
	echo := &fakeupstream.OpenAIError{Status: 401, Type: "invalid_request_error", Code: "invalid_api_key",
		Message: "Incorrect API key provided: " + testKey + ". Try again."}
	srv, _ := fake(t, fakeupstream.OpenAIConfig{Fail: echo})
	mid, _ := fake(t, fakeupstream.OpenAIConfig{StreamError: echo})
	wrongKey, _ := fake(t, fakeupstream.OpenAIConfig{APIKey: "sk-the-right-one-000000"})
	down := httptest.NewServer(http.NotFoundHandler())
	down.Close()

	var errs []*providers.Error
	for _, s := range []*httptest.Server{srv, wrongKey, down} {
		_, err := newOpenAI(t, s).Chat(context.Background(), target, chatRequest(t, plainReq))
		errs = append(errs, asError(t, err))
	}
	stream, err := newOpenAI(t, mid).ChatStream(context.Background(), target, chatRequest(t, streamReq))
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = drain(t, stream)
	stream.Close()
	errs = append(errs, asError(t, err))

	for i, e := range errs {
		for _, text := range []string{e.Error(), e.Code, e.Param, string(e.OpenAIBody()), string(e.AnthropicBody())} {
			if strings.Contains(text, testKey) {
				t.Errorf("error %d leaks the key: %s", i, text)
			}
		}
	}
	if !strings.Contains(errs[0].Message, providers.KeyFingerprint(testKey)) {
		t.Errorf("message = %q", errs[0].Message)
	}
	if errs[2].Kind != providers.KindNetwork {
		t.Errorf("refused connection: %+v", errs[2])
	}
}

func TestParseErrorBody(t *testing.T) {
	cases := map[string]errorInfo{
		`{"error":{"message":"m","type":"t","param":"p","code":"c"}}`:                         {Message: "m", Type: "t", Param: "p", Code: "c"},
		`{"error":{"message":"m","type":"t","param":null,"code":null}}`:                       {Message: "m", Type: "t"},
		`{"error":{"message":"m","code":429}}`:                                                {Message: "m", Code: "429"},
		`{"error":"model 'x' not found"}`:                                                     {Message: "model 'x' not found"},
		`{"object":"error","message":"bad","type":"BadRequestError","param":null,"code":400}`: {Message: "bad", Type: "BadRequestError", Code: "400"},
		`{"detail":"Not Found"}`:                                                              {Message: "Not Found"},
	}
	for body, want := range cases {
		got, ok := parseErrorBody([]byte(body))
		if !ok || got != want {
			t.Errorf("%s: %+v %v", body, got, ok)
		}
	}
	for _, body := range []string{``, `<html>502</html>`, `{}`, `{"error":null}`, `{"detail":[{"loc":["body"]}]}`, `[1]`} {
		if got, ok := parseErrorBody([]byte(body)); ok {
			t.Errorf("%s: parsed as %+v", body, got)
		}
	}
}

// TestErrorWithoutBody: an HTML or empty error body gives the status text,
// never the body.
func TestErrorWithoutBody(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusBadGateway)
		_, _ = w.Write([]byte("<html><body>nginx</body></html>"))
	}))
	t.Cleanup(srv.Close)
	_, err := newCompatible(t, srv).Chat(context.Background(), target, chatRequest(t, plainReq))
	e := asError(t, err)
	if e.Kind != providers.KindUpstream || e.Message != "upstream answered 502 Bad Gateway" || e.Provider != "openai_compatible" {
		t.Errorf("err = %+v", e)
	}
}

func TestEventKind(t *testing.T) {
	for _, c := range []struct {
		info errorInfo
		want providers.Kind
	}{
		{errorInfo{Type: "server_error"}, providers.KindUpstream},
		{errorInfo{}, providers.KindUpstream},
		{errorInfo{Code: "rate_limit_exceeded", Type: "tokens"}, providers.KindRateLimited},
		{errorInfo{Type: "insufficient_quota"}, providers.KindQuota},
		{errorInfo{Code: "context_length_exceeded"}, providers.KindInvalidRequest},
		{errorInfo{Code: "model_not_found", Type: "invalid_request_error"}, providers.KindNotFound},
		{errorInfo{Code: "invalid_api_key"}, providers.KindAuth},
		{errorInfo{Code: "503"}, providers.KindOverloaded},
		{errorInfo{Code: "400", Type: "BadRequestError"}, providers.KindInvalidRequest},
	} {
		if got := eventKind(c.info); got != c.want {
			t.Errorf("%+v: %v, want %v", c.info, got, c.want)
		}
	}
}
