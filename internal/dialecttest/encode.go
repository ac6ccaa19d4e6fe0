// Package dialecttest holds helpers for the dialects' tests.
package dialecttest

import (
	"bytes"
	"io"
	"testing"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// StreamEncoder is a dialect's stream encoder: the events of each chunk,
// then the stream's end (after a failure, err says what went wrong).
type StreamEncoder interface {
	Encode(c *providers.ChatChunk, w io.Writer) error
	Finish(w io.Writer, err error) error
}

// Encode writes every chunk through enc, then its end with err, and returns
// what enc wrote; an encoding error fails the test.
func Encode(tb testing.TB, enc StreamEncoder, chunks []*providers.ChatChunk, err error) []byte {
	tb.Helper()
	var buf bytes.Buffer
	for _, c := range chunks {
		if e := enc.Encode(c, &buf); e != nil {
			tb.Fatal(e)
		}
	}
	if e := enc.Finish(&buf, err); e != nil {
		tb.Fatal(e)
	}
	return buf.Bytes()
}
