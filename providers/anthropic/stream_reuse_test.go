package anthropic

import (
	"context"
	"io"
	"testing"
	"time"

	"github.com/sira-ai/caddy-ai-backends/internal/providertest"
	"github.com/sira-ai/caddy-ai-backends/providers"
)

// streamEvents is a complete short Messages stream.
var streamEvents = []string{
	`event: message_start` + "\n" + `data: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude-3-5-sonnet-20241022","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":5,"output_tokens":1}}}`,
	`event: content_block_start` + "\n" + `data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}`,
	`event: content_block_delta` + "\n" + `data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"hi"}}`,
	`event: content_block_stop` + "\n" + `data: {"type":"content_block_stop","index":0}`,
	`event: message_delta` + "\n" + `data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":2}}`,
	`event: message_stop` + "\n" + `data: {"type":"message_stop"}`,
}

// TestStreamConnectionReused: a stream read to message_stop and closed
// leaves its connection to the next one (closing the body short of its end
// would close the connection: a new TLS handshake per stream in
// production).
func TestStreamConnectionReused(t *testing.T) {
	srv := providertest.NewSSEServer(t, streamEvents...)
	p := newProvider(t, srv.URL, nil)
	for i := range 5 {
		srv.Release <- struct{}{} // this stream's body may end (after message_stop)
		st, err := p.ChatStream(context.Background(), target, unified(t, `{"model":"m","messages":[{"role":"user","content":"x"}]}`))
		if err != nil {
			t.Fatal(err)
		}
		for {
			_, err := st.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("stream %d: %v", i, err)
			}
		}
		_ = st.Close()
	}
	if got := srv.Conns.Load(); got != 1 {
		t.Errorf("5 complete streams used %d connections, want 1", got)
	}
}

// TestStreamDrainIsBounded: an upstream that sends message_stop but never
// ends the body holds the stream's end for at most about DrainWait.
func TestStreamDrainIsBounded(t *testing.T) {
	srv := providertest.NewSSEServer(t, streamEvents...) // never released
	p := newProvider(t, srv.URL, nil)
	st, err := p.ChatStream(context.Background(), target, unified(t, `{"model":"m","messages":[{"role":"user","content":"x"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	providertest.Text(t, st)
	_ = st.Close()
	if d := time.Since(start); d > 10*providers.DrainWait {
		t.Errorf("the stream's end took %v with a stalled body", d)
	}
}
