package providers

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
)

func TestScrubberForms(t *testing.T) {
	const key = "sk-live-0123456789abcdef"
	const token = "tok/with+odd=chars\"1"
	s := NewScrubber()
	s.Add(key)
	s.Add("Bearer " + token)
	s.Add("Basic " + base64.StdEncoding.EncodeToString([]byte("user:hunter2-password")))
	s.Add("short") // below MinSecretLen: left alone
	fpKey, fpTok := KeyFingerprint(key), KeyFingerprint("Bearer "+token)
	cases := map[string]string{
		"key " + key + " is invalid":                 "key " + fpKey + " is invalid",
		"Authorization: Bearer " + token:             "Authorization: Bearer " + fpTok,
		"url ?token=" + url.QueryEscape(token) + "&": "url ?token=" + fpTok + "&",
		`{"h":"` + `tok/with+odd=chars\"1` + `"}`:    `{"h":"` + fpTok + `"}`,
		"basic user:hunter2-password":                "basic " + KeyFingerprint("Basic "+base64.StdEncoding.EncodeToString([]byte("user:hunter2-password"))),
		"nothing short here":                         "nothing short here",
	}
	for in, want := range cases {
		if got := s.Scrub(in); got != want {
			t.Errorf("Scrub(%q) = %q, want %q", in, got, want)
		}
	}
	var nilScrubber *Scrubber
	if nilScrubber.Scrub(key) != key {
		t.Error("a nil scrubber changed text")
	}
}

// TestScrubberLongestFirst: a value that contains another is replaced as a
// whole, not left with the shorter one's fingerprint in its middle.
func TestScrubberLongestFirst(t *testing.T) {
	s := NewScrubber()
	s.Add("abcdefgh")
	s.Add("xxabcdefghxx")
	if got := s.Scrub("[xxabcdefghxx]"); got != "["+KeyFingerprint("xxabcdefghxx")+"]" {
		t.Errorf("got %q", got)
	}
}

func TestScrubErrorKeepsCause(t *testing.T) {
	const secret = "query-secret-value"
	s := NewScrubber()
	s.Add(secret)
	cause := &url.Error{Op: "Post", URL: "http://up/v1?token=" + secret, Err: context.DeadlineExceeded}
	e := s.ScrubError(&Error{Kind: KindTimeout, Message: "m " + secret, Code: secret, Param: secret, Err: cause})
	for _, text := range []string{e.Message, e.Code, e.Param, e.Err.Error(), fmt.Sprint(e.Err)} {
		if strings.Contains(text, secret) {
			t.Errorf("leak: %q", text)
		}
	}
	if !errors.Is(e, context.DeadlineExceeded) {
		t.Error("the cause is lost")
	}
}

func TestSnippet(t *testing.T) {
	const key = "sk-live-0123456789abcdef"
	s := NewScrubber()
	s.Add(key)
	if got := s.Snippet([]byte("a\r\nb\t"+key), 200); got != "a  b "+KeyFingerprint(key) {
		t.Errorf("got %q", got)
	}
	// A body cut inside a key shows none of the key's start.
	if got := s.Snippet([]byte("key="+key[:12]), 200); strings.Contains(got, key[:3]) {
		t.Errorf("partial key shown: %q", got)
	}
	long := strings.Repeat("é", 300)
	if got := s.Snippet([]byte(long), 201); !strings.HasSuffix(got, "…") || len(got) > 204 || !strings.HasPrefix(got, "éé") {
		t.Errorf("long: %q", got)
	}
	if got := s.Snippet([]byte{0xff, 'x'}, 10); got != "\uFFFDx" {
		t.Errorf("invalid UTF-8: %q", got)
	}
}

// TestConfigScrubsEveryCredential: Provision registers keys (expired ones
// too), header values and the base_url password; DecryptKeys adds the
// decrypted keys; provider types add their own values.
func TestConfigScrubsEveryCredential(t *testing.T) {
	t.Setenv("SCRUB_TEST_TOKEN", "env-token-abcdef12")
	c := &Config{
		BaseURL: "https://proxy-user:proxy-password-1@up.example/v1",
		APIKeys: []APIKey{{Value: "live-key-aaaaaaaa"}, {Value: "old-key-bbbbbbbb", NotAfter: "2001-01-01"}, {Encrypted: "ciphertext"}},
		Headers: map[string]string{"Authorization": "Bearer {env.SCRUB_TEST_TOKEN}", "X-Proxy": "proxy-header-cccccccc"},
	}
	if err := c.Provision(Defaults{Type: "t"}); err != nil {
		t.Fatal(err)
	}
	if err := c.DecryptKeys(func(string) (string, error) { return "decrypted-key-dddddddd", nil }); err != nil {
		t.Fatal(err)
	}
	c.Scrubber().Add("query-value-eeeeeeee")
	secrets := []string{"live-key-aaaaaaaa", "old-key-bbbbbbbb", "env-token-abcdef12", "proxy-header-cccccccc",
		"proxy-password-1", "decrypted-key-dddddddd", "query-value-eeeeeeee"}
	e := c.Scrub(errors.New("upstream said: " + strings.Join(secrets, " | ")))
	for _, s := range secrets {
		if strings.Contains(e.Error(), s) || strings.Contains(e.Err.Error(), s) {
			t.Errorf("%q not scrubbed: %s", s, e.Error())
		}
	}
	if e.Provider != "t" || !strings.Contains(e.Err.Error(), KeyFingerprint("live-key-aaaaaaaa")) {
		t.Errorf("got %+v", e)
	}
}

func BenchmarkScrubNoMatch(b *testing.B) {
	s := NewScrubber()
	for i := range 8 {
		s.Add(fmt.Sprintf("sk-secret-value-%02d-0123456789", i))
	}
	msg := strings.Repeat("The model is overloaded, try again later. ", 5)
	b.ReportAllocs()
	for b.Loop() {
		_ = s.Scrub(msg)
	}
}
