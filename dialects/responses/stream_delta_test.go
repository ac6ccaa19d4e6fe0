package responses

import (
	"bytes"
	"testing"
)

// The direct text-delta writer gives exactly what the generic event
// encoder (encoding/json) gives.
func FuzzWriteTextDelta(f *testing.F) {
	for _, s := range []string{"", " word", "<b>&</b>", "line\nbreak\t\"q\" \\", "\u2028\u2029é😀", "\xff\xfe bad", "\x00\x1f"} {
		f.Add("msg_0123", 0, 0, s)
	}
	f.Add("id\"<>", 3, 7, "x")
	f.Fuzz(func(t *testing.T, id string, out, content int, delta string) {
		var fast, slow StreamEncoder
		fast.seq, slow.seq = 5, 5
		fast.writeTextDelta(id, out, content, delta)
		d := delta
		slow.write(textEvent{Type: "response.output_text.delta", ItemID: id, OutputIndex: out, ContentIndex: content, Delta: &d, Logprobs: noLogprobs})
		if !bytes.Equal(fast.buf.Bytes(), slow.buf.Bytes()) || fast.seq != slow.seq {
			t.Fatalf("direct\n%s\nencoding/json\n%s", fast.buf.Bytes(), slow.buf.Bytes())
		}
	})
}
