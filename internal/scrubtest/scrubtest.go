// Package scrubtest holds the assertions the providers' scrubbing tests
// share: no credential shows in anything of a classified error that a
// client or a log line sees.
package scrubtest

import (
	"errors"
	"strings"
	"testing"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// AssertScrubbed fails when any secret shows in err, or when the message
// lacks the fingerprint of the first secret (the API key).
func AssertScrubbed(t testing.TB, err error, secrets ...string) {
	t.Helper()
	e := AssertNoSecrets(t, err, secrets...)
	if !strings.Contains(e.Message, providers.KeyFingerprint(secrets[0])) {
		t.Errorf("message %q lacks the key's fingerprint", e.Message)
	}
}

// AssertNoSecrets fails when err is not classified, or when any secret
// shows in its message, code, param, either error envelope or its cause.
func AssertNoSecrets(t testing.TB, err error, secrets ...string) *providers.Error {
	t.Helper()
	var e *providers.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not classified", err, err)
	}
	shown := []string{e.Error(), e.Code, e.Param, string(e.OpenAIBody()), string(e.AnthropicBody())}
	if e.Err != nil {
		shown = append(shown, e.Err.Error())
	}
	for _, text := range shown {
		for _, s := range secrets {
			if strings.Contains(text, s) {
				t.Errorf("secret %q leaks in %q", s, text)
			}
		}
	}
	return e
}

// AssertHTMLForStream fails unless err reports, with no secret in it, that
// the upstream answered a stream request with an HTML page (a proxy's error
// page with status 200) rather than as a stream that ended early, quoting
// the page from its start.
func AssertHTMLForStream(t testing.TB, err error, pageStart string, secrets ...string) *providers.Error {
	t.Helper()
	e := AssertNoSecrets(t, err, secrets...)
	want := "upstream answered the stream request with text/html instead of an event stream: " + pageStart
	if e.Kind != providers.KindUpstream || !strings.HasPrefix(e.Message, want) {
		t.Errorf("got %+v, want an upstream error starting %q", e, want)
	}
	return e
}

// AssertStreamScrubbed takes what ChatStream returned: the stream must
// open, and the failure its first Next reports (the upstream's error
// event) must pass AssertScrubbed. It closes the stream.
func AssertStreamScrubbed(t testing.TB, s providers.ChatStream, err error, secrets ...string) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	_, err = s.Next()
	AssertScrubbed(t, err, secrets...)
}
