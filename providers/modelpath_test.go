package providers

import (
	"net/url"
	"path"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestCheckPathModel(t *testing.T) {
	ok := map[string]bool{ // model → slashes allowed
		"gemini-2.5-flash":                        false,
		"models/gemini-2.5-flash":                 true,
		"tunedModels/my-model-01":                 true,
		"anthropic.claude-3-sonnet-20240229-v1:0": false,
		"x?key=1#y":                               false, // escaped by the caller, cannot leave the segment
		"gpt-4o.mini":                             false,
		"...":                                     false, // not a dot segment
		"modèle":                                  false,
	}
	for model, slashes := range ok {
		if e := CheckPathModel(model, slashes); e != nil {
			t.Errorf("%q refused: %v", model, e)
		}
	}
	bad := map[string]bool{
		"":                       true,
		"..":                     false,
		".":                      false,
		"../../../admin":         true,
		"models/../admin":        true,
		"models/./x":             true,
		"models//x":              true,
		"/models/x":              true,
		"models/x/":              true,
		"models/x":               false,
		`..\admin`:               true,
		"%2e%2e":                 true,
		"a b":                    true,
		"a\nb":                   true,
		"a\u200bb":               true, // zero-width space: a format character
		"\xff":                   true,
		strings.Repeat("m", 257): true,
	}
	for model, slashes := range bad {
		e := CheckPathModel(model, slashes)
		if e == nil {
			t.Errorf("%q accepted", model)
			continue
		}
		if e.Kind != KindInvalidRequest || e.HTTPStatus() != 400 || e.Param != "model" || !strings.HasPrefix(e.Message, "model ") {
			t.Errorf("%q: %+v", model, e)
		}
	}
}

// FuzzCheckPathModel: whatever the validator accepts stays where it was put
// once escaped as the providers escape it (each segment with PathEscape):
// the URL's path, resolved as a server or proxy would, is the path built.
func FuzzCheckPathModel(f *testing.F) {
	for _, s := range []string{"gemini-2.5-flash", "models/x", "../a", "a/../b", "./", "%2e%2e", "a\\..", "a:b", "é/.."} {
		f.Add(s, true)
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, model string, slashes bool) {
		if CheckPathModel(model, slashes) != nil {
			return
		}
		if model == "" || len(model) > MaxPathModelLen || !utf8.ValidString(model) {
			t.Fatalf("accepted %q", model)
		}
		if !slashes && strings.Contains(model, "/") {
			t.Fatalf("accepted a slash: %q", model)
		}
		for _, r := range model {
			if !unicode.IsPrint(r) || r == ' ' || r == '\\' || r == '%' {
				t.Fatalf("accepted %q in %q", r, model)
			}
		}
		segs := strings.Split(model, "/")
		for i, s := range segs {
			segs[i] = url.PathEscape(s)
		}
		built := "/v1beta/" + strings.Join(segs, "/") + ":generateContent"
		u, err := url.Parse("https://up.example" + built)
		if err != nil {
			t.Fatalf("%q: %v", built, err)
		}
		if u.RawQuery != "" || u.Fragment != "" || path.Clean(u.EscapedPath()) != u.EscapedPath() || !strings.HasPrefix(path.Clean(u.Path), "/v1beta/") {
			t.Fatalf("model %q moves the request to %q", model, u.String())
		}
	})
}
