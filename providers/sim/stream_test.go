package sim

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/sira-ai/caddy-ai-backends/internal/providertest"
	"github.com/sira-ai/caddy-ai-backends/providers"
)

// drain reads a stream to its end and returns the chunks as JSON with the
// response id replaced by "ID".
func drain(t *testing.T, s providers.ChatStream) []string {
	t.Helper()
	defer s.Close()
	var out []string
	for c := range providertest.Chunks(t, s) {
		if c.Raw != nil {
			t.Error("Raw must stay nil: the handler encodes")
		}
		b, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, strings.ReplaceAll(string(b), c.ID, "ID"))
	}
	if _, err := s.Next(); err != io.EOF {
		t.Errorf("Next after the end = %v, want io.EOF", err)
	}
	return out
}

func open(t *testing.T, p *Provider, req *providers.ChatRequest) providers.ChatStream {
	t.Helper()
	s, err := p.ChatStream(context.Background(), target, req)
	if err != nil {
		t.Fatalf("ChatStream: %v", err)
	}
	return s
}

const chunkHead = `{"id":"ID","object":"chat.completion.chunk","created":1700000000,"model":"sim-small","choices":`

func TestStreamTextSequence(t *testing.T) {
	p, clock := newSim(t, nil)
	req := chatReq(userMsg("hi there"))
	req.MaxTokens = intPtr(3)
	got := drain(t, open(t, p, req))
	want := []string{
		chunkHead + `[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null,"logprobs":null}]}`,
		chunkHead + `[{"index":0,"delta":{"content":"You"},"finish_reason":null,"logprobs":null}]}`,
		chunkHead + `[{"index":0,"delta":{"content":" said"},"finish_reason":null,"logprobs":null}]}`,
		chunkHead + `[{"index":0,"delta":{"content":" “hi"},"finish_reason":null,"logprobs":null}]}`,
		chunkHead + `[{"index":0,"delta":{},"finish_reason":"length","logprobs":null}]}`,
		chunkHead + `[],"usage":{"prompt_tokens":2,"completion_tokens":3,"total_tokens":5}}`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("chunks:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(clock.slept()) != 0 {
		t.Errorf("no latency and no pacing must not wait: %v", clock.slept())
	}
}

func TestStreamToolCallSequence(t *testing.T) {
	p, _ := newSim(t, nil)
	req := chatReq(userMsg("weather in Paris?"))
	req.Tools = []providers.Tool{weatherTool}
	call := chat(t, p, req).Choices[0].Message.ToolCalls[0]
	got := drain(t, open(t, p, req))
	if len(got) != 5 {
		t.Fatalf("%d chunks, want head, 2 fragments, finish, usage:\n%s", len(got), strings.Join(got, "\n"))
	}
	wantHead := chunkHead + `[{"index":0,"delta":{"role":"assistant","tool_calls":[{"index":0,"id":"` + call.ID +
		`","type":"function","function":{"name":"get_weather","arguments":""}}]},"finish_reason":null,"logprobs":null}]}`
	if got[0] != wantHead {
		t.Errorf("head\n%s\nwant\n%s", got[0], wantHead)
	}
	var args string
	for _, c := range got[1:3] {
		var chunk providers.ChatChunk
		if err := json.Unmarshal([]byte(c), &chunk); err != nil {
			t.Fatal(err)
		}
		tc := chunk.Choices[0].Delta.ToolCalls
		if len(tc) != 1 || tc[0].Index == nil || *tc[0].Index != 0 || tc[0].ID != "" || tc[0].Function.Name != "" ||
			chunk.Choices[0].Delta.Role != "" || chunk.Choices[0].Delta.Content != nil {
			t.Errorf("fragment chunk %s", c)
		}
		args += tc[0].Function.Arguments
	}
	if args != call.Function.Arguments {
		t.Errorf("streamed arguments %q, non-streamed %q", args, call.Function.Arguments)
	}
	if want := chunkHead + `[{"index":0,"delta":{},"finish_reason":"tool_calls","logprobs":null}]}`; got[3] != want {
		t.Errorf("finish %s", got[3])
	}
	if want := chunkHead + `[],"usage":{"prompt_tokens":5,"completion_tokens":2,"total_tokens":7}}`; got[4] != want {
		t.Errorf("usage %s", got[4])
	}
}

// A stream says exactly what Chat says, with the same usage.
func TestStreamMatchesChat(t *testing.T) {
	p, _ := newSim(t, nil)
	for _, req := range []*providers.ChatRequest{
		chatReq(userMsg("Tell me about load balancing in Caddy, in detail")),
		func() *providers.ChatRequest {
			r := chatReq(userMsg(`json "please"`))
			r.ResponseFormat = &providers.ResponseFormat{Type: "json_object"}
			r.MaxTokens = intPtr(9)
			return r
		}(),
	} {
		resp := chat(t, p, req)
		text, usage, finish := collect(t, open(t, p, req))
		if text != resp.Choices[0].Message.Content.Text || usage != *resp.Usage || finish != resp.Choices[0].FinishReason {
			t.Errorf("stream %q %+v %s\nchat   %q %+v %s", text, usage, finish,
				resp.Choices[0].Message.Content.Text, *resp.Usage, resp.Choices[0].FinishReason)
		}
	}
}

// collect concatenates a text stream and checks each delta is one word.
func collect(t *testing.T, s providers.ChatStream) (string, providers.Usage, string) {
	t.Helper()
	defer s.Close()
	var sb strings.Builder
	var usage providers.Usage
	finish := ""
	i := -1
	for c := range providertest.Chunks(t, s) {
		i++
		if c.Usage != nil {
			usage = *c.Usage
			continue
		}
		ch := c.Choices[0]
		if ch.FinishReason != nil {
			finish = *ch.FinishReason
		}
		if ch.Delta.Content != nil {
			if i > 1 && len(strings.Fields(*ch.Delta.Content)) != 1 {
				t.Errorf("delta %q is not one word", *ch.Delta.Content)
			}
			sb.WriteString(*ch.Delta.Content)
		}
	}
	return sb.String(), usage, finish
}

func TestStreamPacing(t *testing.T) {
	p, clock := newSim(t, func(p *Provider) {
		p.Latency = caddyDuration(50 * time.Millisecond)
		p.TokensPerSecond = 100
		p.MaxOutput = 5
	})
	drain(t, open(t, p, chatReq(userMsg("pace me"))))
	want := []time.Duration{50 * time.Millisecond, 10 * time.Millisecond, 10 * time.Millisecond,
		10 * time.Millisecond, 10 * time.Millisecond, 10 * time.Millisecond}
	if got := clock.slept(); len(got) != len(want) || got[0] != want[0] || got[5] != want[5] {
		t.Errorf("waits %v, want the latency then one interval per token %v", got, want)
	}
	// Chat waits the latency only.
	clock.waits = nil
	chat(t, p, chatReq(userMsg("pace me")))
	if got := clock.slept(); len(got) != 1 || got[0] != 50*time.Millisecond {
		t.Errorf("chat waits %v", got)
	}
}

func TestStreamCancelMidStream(t *testing.T) {
	for _, tps := range []float64{0, 1000} { // unpaced: checked between chunks; paced: the wait gives up
		p, clock := newSim(t, func(p *Provider) { p.TokensPerSecond = tps })
		ctx, cancel := context.WithCancel(context.Background())
		s, err := p.ChatStream(ctx, target, chatReq(userMsg("stop me")))
		if err != nil {
			t.Fatal(err)
		}
		for range 3 { // head and two tokens
			if _, err := s.Next(); err != nil {
				t.Fatal(err)
			}
		}
		if tps > 0 {
			clock.onSleep = cancel // cancel while waiting for the next token
		} else {
			cancel()
		}
		_, err = s.Next()
		if e := asError(t, err); e.Kind != providers.KindCanceled || !errors.Is(err, context.Canceled) {
			t.Errorf("tps %g: Next = %v (kind %v)", tps, err, e.Kind)
		}
		if _, err := s.Next(); err == nil || err == io.EOF {
			t.Errorf("tps %g: a canceled stream went on: %v", tps, err)
		}
		s.Close()
		s.Close() // twice is fine
	}
}

func TestStreamDeadline(t *testing.T) {
	p, _ := newSim(t, nil)
	ctx, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel()
	_, err := p.ChatStream(ctx, target, chatReq(userMsg("late")))
	if e := asError(t, err); e.Kind != providers.KindTimeout {
		t.Errorf("expired deadline: %v", e)
	}
}

// With the real timer, cancellation and Close wake a waiting Next at once.
func TestStreamRealTimerInterrupted(t *testing.T) {
	for _, viaClose := range []bool{false, true} {
		p, _ := newSim(t, func(p *Provider) { p.TokensPerSecond = 0.001 }) // 1000 s per token
		p.sleep = sleepContext
		ctx, cancel := context.WithCancel(context.Background())
		s, err := p.ChatStream(ctx, target, chatReq(userMsg("slow")))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Next(); err != nil { // the head does not wait
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() {
			_, err := s.Next()
			done <- err
		}()
		if viaClose {
			s.Close()
		} else {
			cancel()
		}
		select {
		case err := <-done:
			if e := asError(t, err); e.Kind != providers.KindCanceled {
				t.Errorf("close=%v: kind %v", viaClose, e.Kind)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("close=%v: Next did not return", viaClose)
		}
		s.Close()
		cancel()
	}
}

func TestStreamFailsBeforeFirstChunk(t *testing.T) {
	p, clock := newSim(t, func(p *Provider) {
		p.FailureRate = 1
		p.FailureStatus = 529
		p.Latency = caddyDuration(time.Second)
	})
	s, err := p.ChatStream(context.Background(), target, chatReq(userMsg("x")))
	if s != nil || asError(t, err).Kind != providers.KindOverloaded {
		t.Errorf("stream %v err %v", s, err)
	}
	if got := clock.slept(); len(got) != 1 || got[0] != time.Second {
		t.Errorf("the failure comes after the latency; waits %v", got)
	}
	if _, err := p.ChatStream(context.Background(), target, chatReq()); asError(t, err).Kind != providers.KindInvalidRequest {
		t.Errorf("invalid request: %v", err)
	}
}
