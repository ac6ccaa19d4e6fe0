package fakeupstream

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"
)

// GeminiOptions shape what the Gemini fake answers. The zero value answers
// "Hello from Gemini." with STOP to any key.
type GeminiOptions struct {
	// APIKey is the only key accepted in x-goog-api-key; "" accepts any
	// key. A request without a key fails either way, as at Google.
	APIKey string
	// ModelVersion and ResponseID fill those answer fields. Defaults: the
	// model named in the URL, and "fake-response-1".
	ModelVersion string
	ResponseID   string
	// Text is the answer. Chunks, when set, are a stream's text events;
	// a plain answer appends them to Text.
	Text   string
	Chunks []string
	// Thought, when set, is sent first as a thought:true part (streamed,
	// in an event of its own), only when the request asked for thoughts
	// (generationConfig.thinkingConfig.includeThoughts), as Gemini does;
	// thoughtsTokenCount is reported either way.
	Thought string
	// FunctionCalls follow the text, all in one part list (one stream event).
	FunctionCalls []GeminiFunctionCall
	// RequireSignatures enforces Gemini 3's rule on the history: every
	// functionCall part of a model turn carries a thoughtSignature this
	// fake issued (one of FunctionCalls'), unchanged, or the documented
	// skip value; otherwise the request is refused with Google's 400.
	RequireSignatures bool
	// FinishReason of every candidate. Default STOP.
	FinishReason string
	// SeparateFinish sends the finishReason in a last stream event of its
	// own, holding only an empty text part, as Gemini often does.
	SeparateFinish bool
	// BlockReason answers with promptFeedback.blockReason and no candidates.
	BlockReason string
	// Usage is reported in usageMetadata; a stream repeats it on every
	// event with cumulative candidate counts.
	Usage GeminiUsage
	// LF ends stream lines with \n alone; by default they end with \r\n,
	// as Google's servers do.
	LF bool
	// TruncateAfter ends a stream after that many events, before any
	// finishReason. 0 never truncates.
	TruncateAfter int
	// StreamError is sent as a {"error":{...}} event after the first event.
	StreamError *GeminiError
	// Fail answers every request with this error.
	Fail *GeminiError
	// Delay holds every answer that long (less if the client goes away).
	Delay time.Duration
	// StallAfter holds a stream after that many events until the client
	// goes away. 0 never stalls.
	StallAfter int
	// OnRequest, when set, is called for each request once it is recorded
	// (e.g. to cancel the caller's context at a known point).
	OnRequest func(*http.Request)
	// EmbeddingDims is the vector size when outputDimensionality is unset.
	// Default 8.
	EmbeddingDims int
	// EmbeddingUsage adds usageMetadata.promptTokenCount to embedding answers.
	EmbeddingUsage int
}

// GeminiFunctionCall is a functionCall part the fake returns.
type GeminiFunctionCall struct {
	ID               string // functionCall.id; "" omits it
	Name             string
	Args             string // a JSON object; "" sends {}
	ThoughtSignature string // sent on the part; "" omits it
}

// GeminiUsage are the usageMetadata counts. Prompt defaults to 10 and
// Candidates to 5.
type GeminiUsage struct {
	Prompt, Candidates, Thoughts, Cached, ToolUse int
}

// GeminiError is an error answer: status, headers and body. Body defaults
// to the google.rpc.Status body GeminiErrorBody builds from Code, Status
// and Message.
type GeminiError struct {
	Code    int
	Status  string // e.g. RESOURCE_EXHAUSTED
	Message string
	Details []any
	Header  http.Header
	Body    string
}

// GeminiErrorBody renders {"error":{"code","message","status","details"}}.
func GeminiErrorBody(code int, status, message string, details ...any) string {
	e := map[string]any{"code": code, "message": message, "status": status}
	if len(details) > 0 {
		e["details"] = details
	}
	b, _ := json.Marshal(map[string]any{"error": e})
	return string(b)
}

// NewGemini starts a fake of the Gemini API at <URL>/v1beta: the methods
// generateContent, streamGenerateContent (alt=sse, else a JSON array),
// embedContent and batchEmbedContents under models/{model}. It checks the
// key and the request body the way Google does (400 INVALID_ARGUMENT with
// Google's wording for the common mistakes) and records every request.
func NewGemini(opts GeminiOptions) (*httptest.Server, *Recorder) {
	rec := &Recorder{}
	g := &gemini{opts: opts}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body := rec.Record(r)
		if opts.OnRequest != nil {
			opts.OnRequest(r)
		}
		g.serve(w, r, body)
	}))
	return srv, rec
}

type gemini struct{ opts GeminiOptions }

func (g *gemini) serve(w http.ResponseWriter, r *http.Request, body []byte) {
	rest, ok := strings.CutPrefix(r.URL.Path, "/v1beta/")
	colon := strings.LastIndexByte(rest, ':')
	if !ok || colon < 0 || r.Method != http.MethodPost {
		geminiFail(w, &GeminiError{Code: 404, Status: "NOT_FOUND", Message: "Requested entity was not found."})
		return
	}
	resource, method := rest[:colon], rest[colon+1:]
	key := r.Header.Get("x-goog-api-key")
	switch {
	case key == "":
		geminiFail(w, &GeminiError{Code: 403, Status: "PERMISSION_DENIED", Message: "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API."})
		return
	case g.opts.APIKey != "" && key != g.opts.APIKey:
		geminiFail(w, &GeminiError{Code: 400, Status: "INVALID_ARGUMENT", Message: "API key not valid. Please pass a valid API key.", Details: []any{
			map[string]any{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "API_KEY_INVALID", "domain": "googleapis.com",
				"metadata": map[string]string{"service": "generativelanguage.googleapis.com"}},
		}})
		return
	}
	if g.opts.Delay > 0 {
		t := time.NewTimer(g.opts.Delay)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}
	if g.opts.Fail != nil {
		geminiFail(w, g.opts.Fail)
		return
	}
	var req map[string]any
	if err := json.Unmarshal(body, &req); err != nil {
		geminiInvalid(w, "Invalid JSON payload received. "+err.Error())
		return
	}
	model := strings.TrimPrefix(resource, "models/")
	switch method {
	case "generateContent", "streamGenerateContent":
		if msg := validateGenerate(req); msg != "" {
			geminiInvalid(w, msg)
			return
		}
		if msg := g.checkSignatures(req); msg != "" {
			geminiInvalid(w, msg)
			return
		}
		events := g.events(model, candidateCount(req), method == "streamGenerateContent", includeThoughts(req))
		if method == "generateContent" {
			writeJSON(w, events[0])
			return
		}
		g.stream(w, r, events)
	case "embedContent", "batchEmbedContents":
		g.embed(w, resource, method, req)
	case "countTokens":
		g.countTokens(w, body)
	default:
		geminiFail(w, &GeminiError{Code: 404, Status: "NOT_FOUND", Message: "Requested entity was not found."})
	}
}

// events builds the answer: one whole response, or the stream's events;
// thoughts says whether the request asked for thought parts.
func (g *gemini) events(model string, n int, stream, thoughts bool) []map[string]any {
	o := g.opts
	if !thoughts {
		o.Thought = ""
	}
	usage := func(share float64) map[string]any {
		prompt, cands := orDefault(o.Usage.Prompt, 10), orDefault(o.Usage.Candidates, 5)
		c := int(math.Round(float64(cands) * share))
		u := map[string]any{"promptTokenCount": prompt, "candidatesTokenCount": c,
			"totalTokenCount":     prompt + c + o.Usage.Thoughts + o.Usage.ToolUse,
			"promptTokensDetails": []any{map[string]any{"modality": "TEXT", "tokenCount": prompt}}}
		if o.Usage.Cached > 0 {
			u["cachedContentTokenCount"] = o.Usage.Cached
		}
		if o.Usage.Thoughts > 0 {
			u["thoughtsTokenCount"] = o.Usage.Thoughts
		}
		if o.Usage.ToolUse > 0 {
			u["toolUsePromptTokenCount"] = o.Usage.ToolUse
		}
		return u
	}
	frame := func(cands []any, share float64) map[string]any {
		ev := map[string]any{"usageMetadata": usage(share), "modelVersion": firstSet(o.ModelVersion, model), "responseId": firstSet(o.ResponseID, "fake-response-1")}
		if cands != nil {
			ev["candidates"] = cands
		}
		return ev
	}
	if o.BlockReason != "" {
		ev := frame(nil, 0)
		ev["promptFeedback"] = map[string]any{"blockReason": o.BlockReason}
		return []map[string]any{ev}
	}
	pieces := [][]any{} // per event, the parts of every candidate
	text := o.Text
	if text == "" && len(o.Chunks) == 0 && len(o.FunctionCalls) == 0 {
		text = "Hello from Gemini."
	}
	if !stream {
		var parts []any
		if o.Thought != "" {
			parts = append(parts, map[string]any{"text": o.Thought, "thought": true})
		}
		if text += strings.Join(o.Chunks, ""); text != "" {
			parts = append(parts, map[string]any{"text": text})
		}
		pieces = append(pieces, append(parts, callParts(o.FunctionCalls)...))
	} else {
		chunks := o.Chunks
		if len(chunks) == 0 && text != "" {
			chunks = []string{text}
		}
		if o.Thought != "" { // thoughts stream before the answer, in events of their own
			pieces = append(pieces, []any{map[string]any{"text": o.Thought, "thought": true}})
		}
		for _, c := range chunks {
			pieces = append(pieces, []any{map[string]any{"text": c}})
		}
		if len(o.FunctionCalls) > 0 {
			pieces = append(pieces, callParts(o.FunctionCalls))
		}
		if o.SeparateFinish {
			pieces = append(pieces, []any{map[string]any{"text": ""}})
		}
	}
	finish := firstSet(o.FinishReason, "STOP")
	events := make([]map[string]any, len(pieces))
	for e, parts := range pieces {
		cands := make([]any, n)
		for i := range cands {
			c := map[string]any{"content": map[string]any{"role": "model", "parts": parts}, "index": i}
			if e == len(pieces)-1 {
				c["finishReason"] = finish
			}
			cands[i] = c
		}
		events[e] = frame(cands, float64(e+1)/float64(len(pieces)))
	}
	return events
}

func callParts(calls []GeminiFunctionCall) []any {
	var parts []any
	for _, fc := range calls {
		call := map[string]any{"name": fc.Name, "args": json.RawMessage(firstSet(fc.Args, "{}"))}
		if fc.ID != "" {
			call["id"] = fc.ID
		}
		p := map[string]any{"functionCall": call}
		if fc.ThoughtSignature != "" {
			p["thoughtSignature"] = fc.ThoughtSignature
		}
		parts = append(parts, p)
	}
	return parts
}

// stream writes events as SSE (data: lines only, no end marker) or, without
// alt=sse, as one JSON array.
func (g *gemini) stream(w http.ResponseWriter, r *http.Request, events []map[string]any) {
	nl := "\r\n"
	if g.opts.LF {
		nl = "\n"
	}
	if r.URL.Query().Get("alt") != "sse" {
		w.Header().Set("Content-Type", "application/json; charset=UTF-8")
		writeJSONStatus(w, http.StatusOK, events)
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.WriteHeader(http.StatusOK)
	flusher, _ := w.(http.Flusher)
	for i, ev := range events {
		if g.opts.TruncateAfter > 0 && i >= g.opts.TruncateAfter {
			return
		}
		if g.opts.StallAfter > 0 && i >= g.opts.StallAfter {
			<-r.Context().Done()
			return
		}
		if g.opts.TruncateAfter > 0 { // a truncated stream never finishes
			cands, _ := ev["candidates"].([]any)
			for _, c := range cands {
				delete(c.(map[string]any), "finishReason")
			}
		}
		b, _ := json.Marshal(ev)
		fmt.Fprintf(w, "data: %s%s%s", b, nl, nl)
		if flusher != nil {
			flusher.Flush()
		}
		if i == 0 && g.opts.StreamError != nil {
			e := g.opts.StreamError
			fmt.Fprintf(w, "data: %s%s%s", firstSet(e.Body, GeminiErrorBody(e.Code, e.Status, e.Message, e.Details...)), nl, nl)
			return
		}
	}
}

// includeThoughts reports whether the request asked for thought parts.
func includeThoughts(req map[string]any) bool {
	gc, _ := req["generationConfig"].(map[string]any)
	tc, _ := gc["thinkingConfig"].(map[string]any)
	on, _ := tc["includeThoughts"].(bool)
	return on
}

func candidateCount(req map[string]any) int {
	if gc, ok := req["generationConfig"].(map[string]any); ok {
		if n, ok := gc["candidateCount"].(float64); ok && n > 1 {
			return int(n)
		}
	}
	return 1
}

func geminiInvalid(w http.ResponseWriter, msg string) {
	geminiFail(w, &GeminiError{Code: 400, Status: "INVALID_ARGUMENT", Message: msg})
}

func geminiFail(w http.ResponseWriter, e *GeminiError) {
	code := e.Code
	if code < 100 || code > 999 {
		code = http.StatusInternalServerError
	}
	for k, v := range e.Header {
		w.Header()[k] = v
	}
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(code)
	fmt.Fprint(w, firstSet(e.Body, GeminiErrorBody(code, e.Status, e.Message, e.Details...)))
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	writeJSONStatus(w, http.StatusOK, v)
}

func writeJSONStatus(w http.ResponseWriter, status int, v any) {
	b, _ := json.Marshal(v)
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func firstSet(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func orDefault(n, def int) int {
	if n != 0 {
		return n
	}
	return def
}
