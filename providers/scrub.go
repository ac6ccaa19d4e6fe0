package providers

import (
	"encoding/base64"
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"
)

// MinSecretLen is the shortest value the Scrubber replaces. Shorter values
// are not credentials anyone issues, and replacing every "1" or "k" in an
// upstream's message would make it unreadable.
const MinSecretLen = 8

// Scrubber replaces every credential-bearing value a provider sends
// upstream (API keys of every state, configured header and query values,
// base_url passwords) with its fingerprint (KeyFingerprint) in text that
// came from the upstream, before that text reaches a client or a log line.
// Each provider's Config owns one; its methods run only on error paths.
//
// Besides the exact value it knows the forms in which an upstream or a proxy
// echoes one back: the credential of "Bearer <token>" (or any "<scheme>
// <token>"), the user:password of Basic auth, and the value URL-encoded or
// JSON-escaped. Every form is replaced with the fingerprint of the value it
// came from. Safe for concurrent use; a nil *Scrubber scrubs nothing.
type Scrubber struct {
	mu    sync.Mutex                  // serializes Add
	forms atomic.Pointer[[]scrubForm] // longest first, so a value inside another is not replaced first
}

// scrubForm is one way a secret may appear in text.
type scrubForm struct {
	text        string
	fingerprint string
}

// NewScrubber returns an empty scrubber.
func NewScrubber() *Scrubber { return &Scrubber{} }

// Add registers a value the provider sends upstream as a credential, or
// may: provider types register what they send beyond the shared options
// (e.g. query parameters). Values shorter than MinSecretLen are ignored.
func (s *Scrubber) Add(value string) {
	if s == nil || len(value) < MinSecretLen {
		return
	}
	fp := KeyFingerprint(value)
	forms := []string{value}
	// "Bearer <token>", "Basic <base64>", "Token <token>": the scheme is not
	// secret, the token is, and it is what a proxy's message usually quotes.
	if scheme, token, ok := strings.Cut(value, " "); ok && isAuthScheme(scheme) {
		token = strings.TrimSpace(token)
		forms[0] = token // replacing the token alone keeps "Bearer" readable
		if strings.EqualFold(scheme, "basic") {
			if raw, err := base64.StdEncoding.DecodeString(token); err == nil && utf8.Valid(raw) {
				forms = append(forms, string(raw))
				if _, password, ok := strings.Cut(string(raw), ":"); ok {
					forms = append(forms, password)
				}
			}
		}
	}
	// Echoed URLs carry the value URL-encoded; JSON bodies carry it escaped.
	for _, f := range forms[:len(forms):len(forms)] {
		forms = append(forms, url.QueryEscape(f), url.PathEscape(f), jsonEscaped(f))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var next []scrubForm
	if cur := s.forms.Load(); cur != nil {
		next = slices.Clone(*cur)
	}
	for _, f := range forms {
		if len(f) < MinSecretLen || slices.ContainsFunc(next, func(x scrubForm) bool { return x.text == f }) {
			continue
		}
		next = append(next, scrubForm{text: f, fingerprint: fp})
	}
	slices.SortStableFunc(next, func(a, b scrubForm) int { return len(b.text) - len(a.text) })
	s.forms.Store(&next)
}

// AddBasicAuth registers the credentials of a URL's userinfo, which
// RoundTrip sends as Basic auth.
func (s *Scrubber) AddBasicAuth(u *url.URL) {
	if u == nil || u.User == nil {
		return
	}
	password, ok := u.User.Password()
	if !ok {
		return
	}
	s.Add(password)
	s.Add("Basic " + base64.StdEncoding.EncodeToString([]byte(u.User.Username()+":"+password)))
}

// isAuthScheme reports whether s looks like an HTTP auth scheme (a token of
// letters, digits and dashes), so "Bearer x" splits and "a b" with a space
// inside a secret does not lose its first part.
func isAuthScheme(s string) bool {
	if s == "" || len(s) > 20 {
		return false
	}
	for _, c := range []byte(s) {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// jsonEscaped is f as it appears between the quotes of a JSON string.
func jsonEscaped(f string) string {
	b, _ := json.Marshal(f)
	return string(b[1 : len(b)-1])
}

// Scrub returns text with every known form of every registered value
// replaced by its fingerprint. It allocates only when it replaces.
func (s *Scrubber) Scrub(text string) string {
	if s == nil || len(text) < MinSecretLen {
		return text
	}
	forms := s.forms.Load()
	if forms == nil {
		return text
	}
	for _, f := range *forms {
		if strings.Contains(text, f.text) {
			text = strings.ReplaceAll(text, f.text, f.fingerprint)
		}
	}
	return text
}

// ScrubError scrubs everything of e that may reach a client or a log line:
// the message, code, param, and the text of the cause (the cause is kept
// for errors.Is and errors.As). It changes e in place and returns it.
func (s *Scrubber) ScrubError(e *Error) *Error {
	if s == nil || e == nil {
		return e
	}
	e.Message = s.Scrub(e.Message)
	e.Code = s.Scrub(e.Code)
	e.Param = s.Scrub(e.Param)
	if e.Err != nil {
		if msg := e.Err.Error(); s.Scrub(msg) != msg {
			e.Err = &scrubbedCause{text: s.Scrub(msg), cause: e.Err}
		}
	}
	return e
}

// scrubbedCause shows a cause's text with the secrets replaced and still
// unwraps to it, so classification by errors.Is keeps working.
type scrubbedCause struct {
	text  string
	cause error
}

func (c *scrubbedCause) Error() string { return c.text }
func (c *scrubbedCause) Unwrap() error { return c.cause }

// Snippet returns at most n bytes of b, scrubbed, as one line of valid
// UTF-8: what an error message may quote of an upstream body that is not
// what was expected. Text cut off at the end of b may hold the start of a
// secret whose rest was never read; a tail that begins a known form is
// therefore dropped too.
func (s *Scrubber) Snippet(b []byte, n int) string {
	text := s.Scrub(strings.ToValidUTF8(string(b), "\uFFFD"))
	text = strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f {
			return ' '
		}
		return r
	}, text)
	cut := len(text) > n
	if cut {
		text = text[:n]
		for !utf8.ValidString(text) {
			text = text[:len(text)-1]
		}
	}
	text = s.trimPartial(text)
	text = strings.TrimSpace(text)
	if cut {
		text += "…"
	}
	return text
}

// trimPartial drops a tail of text that is the beginning of a known form.
func (s *Scrubber) trimPartial(text string) string {
	if s == nil {
		return text
	}
	forms := s.forms.Load()
	if forms == nil {
		return text
	}
	for _, f := range *forms {
		for k := min(len(f.text)-1, len(text)); k > 0; k-- {
			if strings.HasSuffix(text, f.text[:k]) {
				text = text[:len(text)-k]
				break
			}
		}
	}
	return text
}
