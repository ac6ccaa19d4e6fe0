// Package fastfake is a deliberately cheap fake of the OpenAI Chat
// Completions and Responses, Anthropic Messages and Gemini generateContent
// APIs (JSON and streams), for benchmarks.
// Unlike internal/fakeupstream it records nothing and checks little: its
// job is to cost as close to nothing as possible, so that what a benchmark
// measures is the proxy in front of it.
//
// Behaviour is set per server (Knobs) and can be overridden per request by
// a path prefix, so one upstream serves every scenario of a run:
//
//	/k/delay=50ms,chunks=20,interval=5ms/v1/chat/completions
//
// delay waits before the response headers; chunks is the number of content
// events of a stream; interval waits between two stream events.
package fastfake

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Knobs shape the answers.
type Knobs struct {
	// Delay before the response headers (the model "thinking").
	Delay time.Duration
	// Chunks is the number of content events of a stream: text pieces for
	// OpenAI (plus the role chunk, the finish chunk and, when asked for,
	// the usage chunk), text_delta events for Anthropic. Default 20.
	Chunks int
	// Interval between two stream events.
	Interval time.Duration
	// Words of a non-streamed answer. Default 20.
	Words int
}

func (k Knobs) withDefaults() Knobs {
	if k.Chunks <= 0 {
		k.Chunks = 20
	}
	if k.Words <= 0 {
		k.Words = 20
	}
	return k
}

// Server answers chat requests in both dialects.
type Server struct {
	defaults Knobs
	parsed   sync.Map // knob prefix string → Knobs
}

// New returns a fake whose answers follow k unless a request's path
// overrides it.
func New(k Knobs) *Server { return &Server{defaults: k.withDefaults()} }

// request is the little the fake reads from a request body.
type request struct {
	Model         string `json:"model"`
	Stream        bool   `json:"stream"`
	StreamOptions *struct {
		IncludeUsage bool `json:"include_usage"`
	} `json:"stream_options"`
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	k, path, ok := s.knobs(r.URL.Path)
	if !ok {
		http.Error(w, "bad knobs", http.StatusBadRequest)
		return
	}
	var req request
	if r.Method != http.MethodPost || json.NewDecoder(r.Body).Decode(&req) != nil {
		writeStatus(w, http.StatusBadRequest, `{"error":{"message":"send a JSON POST","type":"invalid_request_error","param":null,"code":null}}`)
		return
	}
	if req.Model == "" {
		req.Model = "bench" // Gemini: the model is in the path
	}
	if !sleep(r, k.Delay) {
		return
	}
	switch {
	case strings.HasSuffix(path, "/chat/completions"):
		if req.Stream {
			streamOpenAI(w, r, k, req.Model, req.StreamOptions != nil && req.StreamOptions.IncludeUsage)
			return
		}
		writeOpenAI(w, k, req.Model)
	case strings.HasSuffix(path, "/responses"):
		if req.Stream {
			streamResponses(w, r, k, req.Model)
			return
		}
		writeResponses(w, k, req.Model)
	case strings.HasSuffix(path, ":generateContent"):
		writeGemini(w, k, geminiModel(path))
	case strings.HasSuffix(path, ":streamGenerateContent"):
		streamGemini(w, r, k, geminiModel(path))
	case strings.HasSuffix(path, "/messages"):
		if req.Stream {
			streamAnthropic(w, r, k, req.Model)
			return
		}
		writeAnthropic(w, k, req.Model)
	default:
		writeStatus(w, http.StatusNotFound, `{"error":{"message":"unknown path","type":"invalid_request_error","param":null,"code":null}}`)
	}
}

// knobs returns the request's knobs and the path without the knob prefix.
func (s *Server) knobs(path string) (Knobs, string, bool) {
	rest, ok := strings.CutPrefix(path, "/k/")
	if !ok {
		return s.defaults, path, true
	}
	spec, tail, _ := strings.Cut(rest, "/")
	if v, ok := s.parsed.Load(spec); ok {
		return v.(Knobs), "/" + tail, true
	}
	k, err := ParseKnobs(spec, s.defaults)
	if err != nil {
		return k, path, false
	}
	s.parsed.Store(spec, k)
	return k, "/" + tail, true
}

// ParseKnobs reads "delay=50ms,chunks=20,interval=5ms,words=20" over base.
func ParseKnobs(spec string, base Knobs) (Knobs, error) {
	k := base
	for _, kv := range strings.Split(spec, ",") {
		if kv == "" {
			continue
		}
		name, val, _ := strings.Cut(kv, "=")
		var err error
		switch name {
		case "delay":
			k.Delay, err = time.ParseDuration(val)
		case "interval":
			k.Interval, err = time.ParseDuration(val)
		case "chunks":
			k.Chunks, err = strconv.Atoi(val)
		case "words":
			k.Words, err = strconv.Atoi(val)
		default:
			err = strconv.ErrSyntax
		}
		if err != nil {
			return k, err
		}
	}
	return k.withDefaults(), nil
}

// sleep waits d; it reports false when the client left first.
func sleep(r *http.Request, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	}
}

func writeStatus(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

// words is the text the fake says, cut into n words.
func words(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = "word" + strconv.Itoa(i+1)
	}
	return out
}

var (
	wordCache   sync.Map // int → string: the non-streamed answer text
	pieceCache  sync.Map // int → []string: the streamed pieces
	sseDataLine = []byte("data: ")
	sseEnd      = []byte("\n\n")
)

func answerText(n int) string {
	return memo(&wordCache, n, func(n int) string { return strings.Join(words(n), " ") })
}

// pieces returns n stream pieces, each a word with its leading space, JSON
// string-escaped already (the words need no escaping).
func pieces(n int) []string {
	return memo(&pieceCache, n, func(n int) []string {
		ws := words(n)
		for i := 1; i < len(ws); i++ {
			ws[i] = " " + ws[i]
		}
		return ws
	})
}

// memo returns build(n), built once per n and kept in cache: the fake
// says the same few texts again and again.
func memo[T any](cache *sync.Map, n int, build func(n int) T) T {
	if v, ok := cache.Load(n); ok {
		return v.(T)
	}
	v := build(n)
	cache.Store(n, v)
	return v
}

// flusher flushes after every event, as real providers do.
func flusher(w http.ResponseWriter) func() {
	if f, ok := w.(http.Flusher); ok {
		return f.Flush
	}
	return func() {}
}

// pause waits between two stream events; false when the client left.
func pause(r *http.Request, d time.Duration) bool { return sleep(r, d) }

// appendJSONString appends s as a JSON string (model names from requests
// may need escaping).
func appendJSONString(b []byte, s string) []byte {
	q, _ := json.Marshal(s)
	return append(b, q...)
}
