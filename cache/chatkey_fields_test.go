package cache

import (
	"encoding/json"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// chatKeyIrrelevant are the fields of the unified chat request (Go field
// paths) that may differ between two requests sharing a cached answer,
// each with the reason. A path covers everything under it.
var chatKeyIrrelevant = map[string]string{
	"Stream":                    "how the answer is delivered, not what it is (a cached answer is replayed as SSE)",
	"StreamOptions":             "delivery options of a stream",
	"User":                      "who asked, for the provider's abuse tracking; the cache is scoped per client key anyway",
	"Messages.ToolCalls.Index":  "set only in stream deltas, never in a request",
	"Messages.ReasoningContent": "an answer's reasoning text, never sent upstream (the signed ThinkingBlocks are)",
}

// chatKeyExclusive are fields that only count when another is unset: the
// wire form of a message's content is either a string or a list of parts.
// When a path here is varied, the one it names is cleared in both requests.
var chatKeyExclusive = map[string]string{
	"Messages.Content.Text": "Messages.Content.Parts",
}

// TestChatKeyCoversEveryField varies each field of providers.ChatRequest,
// one at a time and however deep (messages, parts, tools, tool calls...),
// and requires the cache key to change, unless chatKeyIrrelevant says why
// it need not. A field added to the request and forgotten in ChatKey fails
// here: two requests differing only in it would share a cached answer.
func TestChatKeyCoversEveryField(t *testing.T) {
	var paths []string
	leafPaths(reflect.TypeOf(providers.ChatRequest{}), "", &paths)
	if len(paths) < 20 {
		t.Fatalf("only %d fields found: the walk is broken: %v", len(paths), paths)
	}
	for _, path := range paths {
		if irrelevant(path) {
			continue
		}
		base, variant := filledRequest(), filledRequest()
		if other, ok := chatKeyExclusive[path]; ok {
			clearPath(reflect.ValueOf(base).Elem(), other)
			clearPath(reflect.ValueOf(variant).Elem(), other)
		}
		setLeaf(reflect.ValueOf(variant).Elem(), strings.Split(path, "."))
		if reflect.DeepEqual(base, variant) {
			t.Fatalf("%s: the variant equals the base: the test cannot vary this field", path)
		}
		if ChatKey(base) == ChatKey(variant) {
			t.Errorf("%s: two requests that differ only in it get the same cache key; "+
				"encode it in ChatKey or list it in chatKeyIrrelevant with the reason", path)
		}
	}
	for path := range chatKeyIrrelevant {
		if !hasPrefixPath(paths, path) {
			t.Errorf("chatKeyIrrelevant lists %s, which the request no longer has", path)
		}
	}
}

// TestKnownChatFieldsMatchTheRequest keeps knownChatFields (the members of
// Raw that ChatKey takes from the typed request) equal to ChatRequest's
// JSON members: a member the typed request decodes but that is not listed
// would be keyed twice at best; one listed that it does not decode would
// not be keyed at all.
func TestKnownChatFieldsMatchTheRequest(t *testing.T) {
	var tagged []string
	rt := reflect.TypeOf(providers.ChatRequest{})
	for i := 0; i < rt.NumField(); i++ {
		name, _, _ := strings.Cut(rt.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" {
			tagged = append(tagged, name)
		}
	}
	var known []string
	for name := range knownChatFields {
		known = append(known, name)
	}
	sort.Strings(tagged)
	sort.Strings(known)
	if strings.Join(tagged, ",") != strings.Join(known, ",") {
		t.Fatalf("ChatRequest's JSON members %v, knownChatFields %v", tagged, known)
	}
}

func irrelevant(path string) bool {
	for p := range chatKeyIrrelevant {
		if path == p || strings.HasPrefix(path, p+".") {
			return true
		}
	}
	return false
}

func hasPrefixPath(paths []string, prefix string) bool {
	for _, p := range paths {
		if p == prefix || strings.HasPrefix(p, prefix+".") {
			return true
		}
	}
	return false
}

var rawMessageType = reflect.TypeOf(json.RawMessage(nil))

// isLeaf: values the walk sets whole rather than descending into.
func isLeaf(t reflect.Type) bool {
	switch {
	case t == rawMessageType:
		return true
	case t.Kind() == reflect.Pointer:
		return t.Elem().Kind() != reflect.Struct
	case t.Kind() == reflect.Slice:
		return t.Elem().Kind() != reflect.Struct
	}
	return t.Kind() != reflect.Struct
}

// leafPaths lists the exported fields of t down to the leaves, through
// structs, pointers to structs and slices of structs. Fields the JSON
// encoding skips (`json:"-"`, such as Raw) are not part of the request's
// content and are left out.
func leafPaths(t reflect.Type, prefix string, out *[]string) {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
		t = t.Elem()
	}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() || f.Tag.Get("json") == "-" {
			continue
		}
		path := prefix + f.Name
		if isLeaf(f.Type) {
			*out = append(*out, path)
			continue
		}
		leafPaths(f.Type, path+".", out)
	}
}

// filledRequest has every field set (one element in each slice), so that
// each leaf exists and changing it is visible.
func filledRequest() *providers.ChatRequest {
	req := new(providers.ChatRequest)
	fill(reflect.ValueOf(req).Elem(), 1)
	return req
}

// fill sets v and everything under it to values derived from n; two
// different n give different values for every leaf.
func fill(v reflect.Value, n int) {
	t := v.Type()
	switch {
	case t == rawMessageType:
		v.SetBytes([]byte(`{"v":` + string(rune('0'+n)) + `}`))
		return
	}
	switch t.Kind() {
	case reflect.String:
		v.SetString(string(rune('a'+n)) + "-value")
	case reflect.Bool:
		v.SetBool(n%2 == 1)
	case reflect.Int, reflect.Int64, reflect.Int32:
		v.SetInt(int64(n))
	case reflect.Float64, reflect.Float32:
		v.SetFloat(float64(n) / 4)
	case reflect.Pointer:
		p := reflect.New(t.Elem())
		fill(p.Elem(), n)
		v.Set(p)
	case reflect.Slice:
		s := reflect.MakeSlice(t, 1, 1)
		fill(s.Index(0), n)
		v.Set(s)
	case reflect.Struct:
		for i := 0; i < t.NumField(); i++ {
			if t.Field(i).IsExported() && t.Field(i).Tag.Get("json") != "-" {
				fill(v.Field(i), n)
			}
		}
	}
}

// setLeaf gives the leaf at path (in the filled request v) another value.
func setLeaf(v reflect.Value, path []string) {
	f := deref(v).FieldByName(path[0])
	if len(path) == 1 {
		fill(f, 2)
		return
	}
	setLeaf(f, path[1:])
}

func clearPath(v reflect.Value, path string) {
	parts := strings.Split(path, ".")
	for _, p := range parts[:len(parts)-1] {
		v = deref(v).FieldByName(p)
	}
	f := deref(v).FieldByName(parts[len(parts)-1])
	f.Set(reflect.Zero(f.Type()))
}

// deref steps through pointers and into the first element of slices.
func deref(v reflect.Value) reflect.Value {
	for {
		switch v.Kind() {
		case reflect.Pointer:
			v = v.Elem()
		case reflect.Slice:
			v = v.Index(0)
		default:
			return v
		}
	}
}
