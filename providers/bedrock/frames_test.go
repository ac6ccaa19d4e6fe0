package bedrock

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws/protocol/eventstream"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// encodeEvents writes event frames with the SDK's encoder.
func encodeEvents(t testing.TB, events ...[2]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := eventstream.NewEncoder()
	for _, ev := range events {
		msg := eventstream.Message{Headers: eventstream.Headers{
			{Name: ":message-type", Value: eventstream.StringValue("event")},
			{Name: ":event-type", Value: eventstream.StringValue(ev[0])},
		}, Payload: []byte(ev[1])}
		if strings.HasSuffix(ev[0], "Exception") {
			msg.Headers = eventstream.Headers{
				{Name: ":message-type", Value: eventstream.StringValue("exception")},
				{Name: ":exception-type", Value: eventstream.StringValue(ev[0])},
			}
		}
		if err := enc.Encode(&buf, msg); err != nil {
			t.Fatal(err)
		}
	}
	return buf.Bytes()
}

var recordedStream = [][2]string{
	{"messageStart", `{"p":"abcd","role":"assistant"}`},
	{"contentBlockDelta", `{"contentBlockIndex":0,"delta":{"text":"Hel"},"p":"ab"}`},
	{"contentBlockDelta", `{"contentBlockIndex":0,"delta":{"text":"lo"}}`},
	{"contentBlockStop", `{"contentBlockIndex":0}`},
	{"contentBlockStart", `{"contentBlockIndex":1,"start":{"toolUse":{"toolUseId":"t1","name":"f"}}}`},
	{"contentBlockDelta", `{"contentBlockIndex":1,"delta":{"toolUse":{"input":"{\"a\":"}}}`},
	{"contentBlockDelta", `{"contentBlockIndex":1,"delta":{"toolUse":{"input":"1}"}}}`},
	{"contentBlockStop", `{"contentBlockIndex":1}`},
	{"messageStop", `{"stopReason":"tool_use"}`},
	{"metadata", `{"usage":{"inputTokens":3,"outputTokens":4,"totalTokens":7},"metrics":{"latencyMs":1}}`},
}

func TestFramesAndTranslator(t *testing.T) {
	fr := newFrameReader(bytes.NewReader(encodeEvents(t, recordedStream...)))
	tr := newStreamTranslator("rid", "m", 1)
	var text, args, finish string
	var usage *providers.Usage
	for {
		f, err := fr.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		chunks, err := tr.translate(f.eventType, f.payload)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range chunks {
			for _, ch := range c.Choices {
				if ch.Delta.Content != nil {
					text += *ch.Delta.Content
				}
				for _, tc := range ch.Delta.ToolCalls {
					args += tc.Function.Arguments
				}
				if ch.FinishReason != nil {
					finish = *ch.FinishReason
				}
			}
			if c.Usage != nil {
				usage = c.Usage
			}
		}
	}
	if text != "Hello" || args != `{"a":1}` || finish != "tool_calls" || usage.TotalTokens != 7 || !tr.done {
		t.Errorf("text %q args %q finish %q usage %+v done %v", text, args, finish, usage, tr.done)
	}
}

func TestFramesRejectCorruption(t *testing.T) {
	good := encodeEvents(t, recordedStream[:2]...)
	flipped := bytes.Clone(good)
	flipped[len(flipped)-10] ^= 0x01 // inside the second frame's payload
	fr := newFrameReader(bytes.NewReader(flipped))
	if _, err := fr.next(); err != nil {
		t.Fatal(err)
	}
	if _, err := fr.next(); !isChecksum(err) {
		t.Errorf("flipped bit: %v", err)
	}
	cut := newFrameReader(bytes.NewReader(good[:len(good)-3]))
	_, _ = cut.next()
	if _, err := cut.next(); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("cut frame: %v", err)
	}
	huge := make([]byte, 16)
	binary.BigEndian.PutUint32(huge, 1<<31)
	if _, err := newFrameReader(bytes.NewReader(huge)).next(); !errors.Is(err, errFrameTooLarge) {
		t.Errorf("huge frame: %v", err)
	}
	liar := make([]byte, 16) // headers longer than the frame
	binary.BigEndian.PutUint32(liar, 16)
	binary.BigEndian.PutUint32(liar[4:], 100)
	if _, err := newFrameReader(bytes.NewReader(liar)).next(); !errors.Is(err, errFrameTooLarge) {
		t.Errorf("contradicting lengths: %v", err)
	}
}

func TestFrameException(t *testing.T) {
	fr := newFrameReader(bytes.NewReader(encodeEvents(t, [2]string{"throttlingException", `{"message":"slow down"}`})))
	f, err := fr.next()
	if err != nil {
		t.Fatal(err)
	}
	var e *providers.Error
	if !errors.As(f.failure(), &e) || e.Kind != providers.KindRateLimited {
		t.Errorf("failure = %v", f.failure())
	}
}

// FuzzFrames feeds arbitrary bytes to the frame reader and the translator:
// nothing may panic, hang or allocate past maxFrameSize.
func FuzzFrames(f *testing.F) {
	f.Add(encodeEvents(f, recordedStream...))
	f.Add(encodeEvents(f, reasoningStream...))
	f.Add(encodeEvents(f, [2]string{"throttlingException", `{"message":"x"}`}))
	f.Add([]byte{0, 0, 0, 16, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		fr := newFrameReader(bytes.NewReader(data))
		tr := newStreamTranslator("id", "m", 0)
		for range 1000 {
			fm, err := fr.next()
			if err != nil {
				return
			}
			_ = fm.failure()
			_, _ = tr.translate(fm.eventType, fm.payload)
		}
	})
}

// FuzzTranslator feeds arbitrary payloads for each event type.
func FuzzTranslator(f *testing.F) {
	for _, ev := range append(recordedStream, reasoningStream...) {
		f.Add(ev[0], []byte(ev[1]))
	}
	f.Fuzz(func(t *testing.T, typ string, payload []byte) {
		tr := newStreamTranslator("id", "m", 0)
		for _, ev := range recordedStream[:4] {
			_, _ = tr.translate(ev[0], []byte(ev[1]))
		}
		_, _ = tr.translate(reasoningStream[1][0], []byte(reasoningStream[1][1])) // a reasoning block open at index 0
		chunks, _ := tr.translate(typ, payload)
		for _, c := range chunks {
			if c == nil {
				t.Fatal("nil chunk")
			}
		}
	})
}
