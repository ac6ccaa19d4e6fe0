package aibackends

import (
	"net/http"
	"strings"

	"github.com/sira-ai/caddy-ai-backends/dialects"
	anthropicd "github.com/sira-ai/caddy-ai-backends/dialects/anthropic"
	geminid "github.com/sira-ai/caddy-ai-backends/dialects/gemini"
	openaid "github.com/sira-ai/caddy-ai-backends/dialects/openai"
	responsesd "github.com/sira-ai/caddy-ai-backends/dialects/responses"
)

// endpointSpec describes one API the gateway serves, as data: how it is
// matched, which dialect the client speaks and what serves it. Adding an
// endpoint is adding a row to endpointTable.
type endpointSpec struct {
	// name labels the endpoint in metrics and the audit log.
	name   string
	method string
	// pattern is matched against the end of the request path, so the
	// handler works under any prefix (handle_path /ai/*, a base URL of
	// http://host/v1). "{name}" is a path parameter: a non-empty run of
	// characters, '/' included (model ids hold one).
	pattern string
	dialect dialects.Dialect
	serve   func(h *Handler, w http.ResponseWriter, r *http.Request, rec *record)

	pat pathPattern
}

// endpointTable lists every endpoint. When several patterns match a path,
// the one with the most literal characters wins, so the order of the rows
// does not matter.
var endpointTable = compileEndpoints([]*endpointSpec{
	{name: "chat/completions", method: http.MethodPost, pattern: "/chat/completions",
		dialect: openaid.Dialect, serve: chatEndpoint(openaid.DecodeChat)},
	{name: "messages", method: http.MethodPost, pattern: "/messages",
		dialect: anthropicd.Dialect, serve: chatEndpoint(anthropicd.DecodeChat)},
	{name: "messages/count_tokens", method: http.MethodPost, pattern: "/messages/count_tokens",
		dialect: anthropicd.Dialect, serve: (*Handler).serveCountTokens},
	{name: "responses/input_tokens", method: http.MethodPost, pattern: "/responses/input_tokens",
		dialect: openaid.Dialect, serve: (*Handler).serveInputTokens},
	{name: "embeddings", method: http.MethodPost, pattern: "/embeddings",
		dialect: openaid.Dialect, serve: (*Handler).serveEmbeddings},
	{name: "images/generations", method: http.MethodPost, pattern: "/images/generations",
		dialect: openaid.Dialect, serve: (*Handler).serveImages},
	{name: "models", method: http.MethodGet, pattern: "/models",
		dialect: openaid.Dialect, serve: (*Handler).serveModels},
	{name: "models/{id}", method: http.MethodGet, pattern: "/models/{id}",
		dialect: openaid.Dialect, serve: (*Handler).serveModel},
	{name: "responses", method: http.MethodPost, pattern: "/responses",
		dialect: responsesd.Dialect, serve: (*Handler).serveResponses},
	{name: "responses/{id}", method: http.MethodGet, pattern: "/responses/{id}",
		dialect: responsesd.Dialect, serve: (*Handler).serveResponseGet},
	{name: "responses/{id}", method: http.MethodDelete, pattern: "/responses/{id}",
		dialect: responsesd.Dialect, serve: (*Handler).serveResponseDelete},
	{name: "responses/{id}/input_items", method: http.MethodGet, pattern: "/responses/{id}/input_items",
		dialect: responsesd.Dialect, serve: (*Handler).serveResponseInputItems},
	// Gemini: /models/{model}:… serves /v1beta and /v1 alike; the model
	// list only under /v1beta, since GET /v1/models is OpenAI's.
	{name: "gemini/generateContent", method: http.MethodPost, pattern: "/models/{model}:generateContent",
		dialect: geminid.Dialect, serve: (*Handler).serveGenerateContent},
	{name: "gemini/streamGenerateContent", method: http.MethodPost, pattern: "/models/{model}:streamGenerateContent",
		dialect: geminid.Dialect, serve: (*Handler).serveStreamGenerateContent},
	{name: "gemini/countTokens", method: http.MethodPost, pattern: "/models/{model}:countTokens",
		dialect: geminid.Dialect, serve: (*Handler).serveGeminiCountTokens},
	{name: "gemini/embedContent", method: http.MethodPost, pattern: "/models/{model}:embedContent",
		dialect: geminid.Dialect, serve: (*Handler).serveEmbedContent},
	{name: "gemini/batchEmbedContents", method: http.MethodPost, pattern: "/models/{model}:batchEmbedContents",
		dialect: geminid.Dialect, serve: (*Handler).serveBatchEmbedContents},
	{name: "gemini/models", method: http.MethodGet, pattern: "/v1beta/models",
		dialect: geminid.Dialect, serve: (*Handler).serveGeminiModels},
	{name: "gemini/models/{model}", method: http.MethodGet, pattern: "/v1beta/models/{model}",
		dialect: geminid.Dialect, serve: (*Handler).serveGeminiModel},
})

func compileEndpoints(specs []*endpointSpec) []*endpointSpec {
	for _, s := range specs {
		s.pat = compilePattern(s.pattern)
	}
	return specs
}

// routeRequest finds the endpoint for a request: the most specific
// pattern that matches the path (the most literal characters), then the
// row for the method. When the path is known but not the method, spec is
// nil, allow lists the methods that are and d is the path's dialect.
func routeRequest(method, path string) (spec *endpointSpec, params []string, allow []string, d dialects.Dialect) {
	path = strings.TrimRight(path, "/")
	best := -1
	for _, s := range endpointTable {
		if s.pat.literal > best && s.pat.matches(path) {
			best = s.pat.literal
		}
	}
	if best < 0 {
		return nil, nil, nil, nil
	}
	for _, s := range endpointTable {
		if s.pat.literal != best || !s.pat.matches(path) {
			continue
		}
		if s.method == method {
			return s, s.pat.params(path), nil, s.dialect
		}
		allow, d = append(allow, s.method), s.dialect
	}
	return nil, nil, allow, d
}

// pathPattern is a compiled endpoint pattern: literal pieces with at most
// one parameter between two of them.
type pathPattern struct {
	head, tail string // literals before and after the parameter
	param      bool
	literal    int // len(head)+len(tail): how specific the pattern is
}

func compilePattern(p string) pathPattern {
	open := strings.IndexByte(p, '{')
	if open < 0 {
		return pathPattern{tail: p, literal: len(p)}
	}
	end := strings.IndexByte(p, '}')
	if end < open || strings.IndexByte(p[end+1:], '{') >= 0 {
		panic("endpoint pattern " + p + ": one {parameter} at most")
	}
	return pathPattern{head: p[:open], tail: p[end+1:], param: true, literal: len(p) - (end + 1 - open)}
}

// matches reports whether path ends with the pattern. A parameter runs
// from the first occurrence of the head literal to the tail.
func (p *pathPattern) matches(path string) bool {
	_, ok := p.split(path)
	return ok
}

// params returns the path parameter's value (nil when the pattern has none).
func (p *pathPattern) params(path string) []string {
	if v, ok := p.split(path); ok && p.param {
		return []string{v}
	}
	return nil
}

func (p *pathPattern) split(path string) (string, bool) {
	if !strings.HasSuffix(path, p.tail) {
		return "", false
	}
	if !p.param {
		return "", true
	}
	rest := path[:len(path)-len(p.tail)]
	i := strings.Index(rest, p.head)
	if i < 0 || i+len(p.head) == len(rest) {
		return "", false
	}
	return rest[i+len(p.head):], true
}
