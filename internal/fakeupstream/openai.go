package fakeupstream

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// OpenAIConfig sets up a fake OpenAI API. The zero value is a healthy
// upstream that accepts any key.
type OpenAIConfig struct {
	// APIKey, when set, must come as "Authorization: Bearer <key>" (or in
	// AuthHeader); otherwise the fake answers 401 like OpenAI does.
	APIKey string
	// AuthHeader names the header carrying the bare key (Azure: "api-key").
	AuthHeader string

	// Reply replaces the default answer text, "Echo: <last user message>".
	Reply string
	// ToolCalls makes the model call the first offered tool (or the one
	// tool_choice names) instead of answering with text.
	ToolCalls bool
	// ToolTurns, when > 0, limits ToolCalls to the first N turns: once the
	// request holds N tool results (chat "tool" messages, Responses
	// function_call_output items) the model answers with text.
	ToolTurns int
	// Model, when set, is reported instead of the requested model.
	Model string
	// CachedTokens and ReasoningTokens fill the usage details.
	CachedTokens, ReasoningTokens int

	// Fail, when set, answers requests with this error instead.
	Fail *OpenAIError
	// FailFirst limits Fail to the first N requests; 0 means every request.
	FailFirst int

	// TruncateAfter ends streams after N chunks without [DONE] (0: never).
	TruncateAfter int
	// StreamError, when set, is sent as an error event after
	// StreamErrorAfter chunks, ending the stream without [DONE].
	StreamError      *OpenAIError
	StreamErrorAfter int

	// Delay waits this long before answering, failures included (cut short
	// if the client leaves).
	Delay time.Duration
	// Hold, when set, blocks each request until it is closed or the client
	// leaves: before the response for JSON answers, after HoldAfter chunks
	// for streams (0: before the response headers).
	Hold      <-chan struct{}
	HoldAfter int
	// OnRequest, when set, is called with each request once recorded,
	// before any knob applies: tests use it to know a request arrived.
	OnRequest func(*http.Request)
	// ClientGone is called when the client went away while the fake held
	// or delayed its request: tests use it to see a cancellation arrive.
	ClientGone func(*http.Request)

	// Models are listed by GET /v1/models (default: a few OpenAI models).
	Models []string
}

// OpenAIError is an error answer in OpenAI's format:
// {"error":{"message","type","param","code"}}, with optional headers such as
// retry-after, retry-after-ms or x-ratelimit-*.
type OpenAIError struct {
	Status  int
	Message string
	Type    string
	Param   string // "" renders as null
	Code    string // "" renders as null
	Header  http.Header
}

// fakeOpenAI serves one fake OpenAI API.
type fakeOpenAI struct {
	cfg      OpenAIConfig
	rec      *Recorder
	requests atomic.Int64 // counts requests, for FailFirst
	ids      atomic.Int64 // makes completion and call ids unique and deterministic
	stored   oaiResponsesState
	shutdown chan struct{}
}

// oaiCreated is the fixed "created" time of every answer, so bodies are
// deterministic.
const oaiCreated = 1735689600

// NewOpenAI starts a fake OpenAI API on loopback; point clients at URL+"/v1".
// Paths are matched by their ending (/chat/completions, /embeddings,
// /images/generations, /models), so Azure-style deployment paths work too.
// The server is closed when the test ends.
func NewOpenAI(t testing.TB, cfg OpenAIConfig) (*httptest.Server, *Recorder) {
	f := &fakeOpenAI{cfg: cfg, rec: new(Recorder), shutdown: make(chan struct{})}
	srv := httptest.NewServer(http.HandlerFunc(f.serveHTTP))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(f.shutdown) }) // runs first: releases held requests
	return srv, f.rec
}

func (f *fakeOpenAI) serveHTTP(w http.ResponseWriter, r *http.Request) {
	body := f.rec.Record(r)
	if f.cfg.OnRequest != nil {
		f.cfg.OnRequest(r)
	}
	f.setCommonHeaders(w.Header())
	if e := f.checkAuth(r); e != nil {
		oaiWriteError(w, e)
		return
	}
	if !f.wait(r, f.cfg.Delay) {
		return
	}
	if n := f.requests.Add(1); f.cfg.Fail != nil && (f.cfg.FailFirst == 0 || n <= int64(f.cfg.FailFirst)) {
		oaiWriteError(w, f.cfg.Fail)
		return
	}
	path := r.URL.Path
	switch {
	case r.Method == http.MethodGet && strings.HasSuffix(path, "/models"):
		f.serveModels(w)
	case r.Method != http.MethodPost:
		oaiWriteError(w, &OpenAIError{Status: http.StatusMethodNotAllowed, Type: "invalid_request_error",
			Message: "Invalid method for URL (" + r.Method + " " + path + ")"})
	case strings.HasSuffix(path, "/chat/completions"):
		f.serveChat(w, r, body)
	case strings.HasSuffix(path, "/embeddings"):
		f.serveEmbeddings(w, body)
	case strings.HasSuffix(path, "/images/generations"):
		f.serveImages(w, body)
	case strings.HasSuffix(path, "/responses/input_tokens"):
		f.serveInputTokens(w, body)
	case strings.HasSuffix(path, "/responses"):
		f.serveResponses(w, r, body)
	default:
		oaiWriteError(w, &OpenAIError{Status: http.StatusNotFound, Type: "invalid_request_error",
			Message: "Invalid URL (" + r.Method + " " + path + ")"})
	}
}

// setCommonHeaders writes the headers OpenAI puts on every answer.
func (f *fakeOpenAI) setCommonHeaders(h http.Header) {
	h.Set("X-Request-Id", "req_fake"+strconv.FormatInt(f.ids.Load(), 10))
	h.Set("Openai-Version", "2020-10-01")
	h.Set("Openai-Processing-Ms", "42")
	h.Set("X-Ratelimit-Limit-Requests", "10000")
	h.Set("X-Ratelimit-Limit-Tokens", "30000000")
	h.Set("X-Ratelimit-Remaining-Requests", "9999")
	h.Set("X-Ratelimit-Remaining-Tokens", "29999990")
	h.Set("X-Ratelimit-Reset-Requests", "6ms")
	h.Set("X-Ratelimit-Reset-Tokens", "0s")
}

// checkAuth answers like OpenAI when a key is configured and the request
// lacks it or carries another.
func (f *fakeOpenAI) checkAuth(r *http.Request) *OpenAIError {
	if f.cfg.APIKey == "" {
		return nil
	}
	var got string
	if f.cfg.AuthHeader != "" {
		got = r.Header.Get(f.cfg.AuthHeader)
	} else if v := r.Header.Get("Authorization"); v != "" {
		got = strings.TrimPrefix(v, "Bearer ")
	}
	switch got {
	case f.cfg.APIKey:
		return nil
	case "":
		return &OpenAIError{Status: http.StatusUnauthorized, Type: "invalid_request_error",
			Message: "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API from your browser and are prompted for a username and password. You can obtain an API key from https://platform.openai.com/account/api-keys."}
	}
	return &OpenAIError{Status: http.StatusUnauthorized, Type: "invalid_request_error", Code: "invalid_api_key",
		Message: "Incorrect API key provided: " + oaiMaskKey(got) + ". You can find your API key at https://platform.openai.com/account/api-keys."}
}

// oaiMaskKey shows a key the way OpenAI's 401 message does: its start and end.
func oaiMaskKey(k string) string {
	if len(k) <= 8 {
		return strings.Repeat("*", len(k))
	}
	return k[:3] + strings.Repeat("*", min(len(k)-7, 20)) + k[len(k)-4:]
}

// wait honours Delay; it reports false when the client left meanwhile.
func (f *fakeOpenAI) wait(r *http.Request, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return true
	case <-f.shutdown:
		return false
	case <-r.Context().Done():
		f.clientGone(r)
		return false
	}
}

// hold blocks on Hold; it reports false when the client left meanwhile.
func (f *fakeOpenAI) hold(r *http.Request) bool {
	if f.cfg.Hold == nil {
		return true
	}
	select {
	case <-f.cfg.Hold:
		return true
	case <-f.shutdown:
		return false
	case <-r.Context().Done():
		f.clientGone(r)
		return false
	}
}

func (f *fakeOpenAI) clientGone(r *http.Request) {
	if f.cfg.ClientGone != nil {
		f.cfg.ClientGone(r)
	}
}

// oaiWriteError writes e in OpenAI's format (pretty-printed, as OpenAI does).
func oaiWriteError(w http.ResponseWriter, e *OpenAIError) {
	for name, values := range e.Header {
		w.Header()[http.CanonicalHeaderKey(name)] = values
	}
	status := e.Status
	if status == 0 {
		status = http.StatusInternalServerError
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(e.body())
}

// body renders the error object; empty param and code are null.
func (e *OpenAIError) body() []byte {
	type object struct {
		Message string  `json:"message"`
		Type    string  `json:"type"`
		Param   *string `json:"param"`
		Code    *string `json:"code"`
	}
	obj := object{Message: e.Message, Type: e.Type}
	if e.Param != "" {
		obj.Param = &e.Param
	}
	if e.Code != "" {
		obj.Code = &e.Code
	}
	out, _ := json.MarshalIndent(map[string]object{"error": obj}, "", "    ")
	return append(out, '\n')
}

// oaiWriteJSON writes a successful JSON answer, pretty-printed as OpenAI does.
func oaiWriteJSON(w http.ResponseWriter, v any) {
	out, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		oaiWriteError(w, &OpenAIError{Status: 500, Type: "server_error", Message: err.Error()})
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(out)
}

// oaiInvalidRequest is a 400 invalid_request_error.
func oaiInvalidRequest(param, code, msg string) *OpenAIError {
	return &OpenAIError{Status: http.StatusBadRequest, Type: "invalid_request_error", Param: param, Code: code, Message: msg}
}

// OpenAIErrorFor returns the error OpenAI typically answers with the given
// status, for failure tables. 429 carries retry-after headers; use
// OpenAIQuotaError for the 429 that means the account ran out of credit.
func OpenAIErrorFor(status int) *OpenAIError {
	e := &OpenAIError{Status: status, Type: "server_error"}
	switch status {
	case http.StatusBadRequest:
		e.Type, e.Param, e.Code = "invalid_request_error", "messages", "context_length_exceeded"
		e.Message = "This model's maximum context length is 128000 tokens. However, your messages resulted in 130532 tokens. Please reduce the length of the messages."
	case http.StatusUnauthorized:
		e.Type, e.Code = "invalid_request_error", "invalid_api_key"
		e.Message = "Incorrect API key provided: sk-te******1234. You can find your API key at https://platform.openai.com/account/api-keys."
	case http.StatusForbidden:
		e.Type, e.Code = "request_forbidden", "unsupported_country_region_territory"
		e.Message = "Country, region, or territory not supported"
	case http.StatusNotFound:
		e.Type, e.Code = "invalid_request_error", "model_not_found"
		e.Message = "The model `gpt-9` does not exist or you do not have access to it."
	case http.StatusTooManyRequests:
		e.Type, e.Code = "tokens", "rate_limit_exceeded"
		e.Message = "Rate limit reached for gpt-4o in organization org-fake on tokens per min (TPM): Limit 30000, Used 29000, Requested 1500. Please try again in 1s. Visit https://platform.openai.com/account/rate-limits to learn more."
		e.Header = http.Header{"Retry-After": {"1"}, "Retry-After-Ms": {"1000"},
			"X-Ratelimit-Remaining-Tokens": {"0"}, "X-Ratelimit-Reset-Tokens": {"1s"}}
	case http.StatusServiceUnavailable:
		e.Message = "The engine is currently overloaded, please try again later."
	default:
		e.Message = "The server had an error while processing your request. Sorry about that!"
	}
	return e
}

// OpenAIQuotaError is OpenAI's 429 for an account without credit; retrying
// does not help.
func OpenAIQuotaError() *OpenAIError {
	return &OpenAIError{Status: http.StatusTooManyRequests, Type: "insufficient_quota", Code: "insufficient_quota",
		Message: "You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors."}
}
