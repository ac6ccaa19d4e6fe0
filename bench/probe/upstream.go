package main

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
)

// fakeUpstream is an OpenAI-compatible chat endpoint whose streams wait
// for the probe's go-ahead, then send `completion` one-token words in a
// few chunks and a usage chunk reporting them. It ignores max_tokens, as a
// model that talks past the estimate would.
type fakeUpstream struct {
	completion int
	arrived    chan struct{}
	once       sync.Once
	release    chan struct{}
}

func newFakeUpstream(completion int) *fakeUpstream {
	return &fakeUpstream{completion: completion, arrived: make(chan struct{}, 1<<16), release: make(chan struct{})}
}

// go lets every held stream answer.
func (u *fakeUpstream) goAhead() { u.once.Do(func() { close(u.release) }) }

func (u *fakeUpstream) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	select {
	case u.arrived <- struct{}{}:
	default:
	}
	select {
	case <-u.release:
	case <-r.Context().Done():
		return
	}
	prompt := max(len(body)/4, 1)
	w.Header().Set("Content-Type", "text/event-stream")
	const chunks = 10
	word := strings.Repeat("word ", max(u.completion/chunks, 1))
	for range chunks {
		fmt.Fprintf(w, `data: {"id":"p","object":"chat.completion.chunk","created":1,"model":"probe","choices":[{"index":0,"delta":{"content":%q},"finish_reason":null}]}`+"\n\n", word)
	}
	fmt.Fprint(w, `data: {"id":"p","object":"chat.completion.chunk","created":1,"model":"probe","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}`+"\n\n")
	fmt.Fprintf(w, `data: {"id":"p","object":"chat.completion.chunk","created":1,"model":"probe","choices":[],"usage":{"prompt_tokens":%d,"completion_tokens":%d,"total_tokens":%d}}`+"\n\n",
		prompt, u.completion, prompt+u.completion)
	fmt.Fprint(w, "data: [DONE]\n\n")
}
