package responses

import (
	"strconv"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// writeTextDelta writes a response.output_text.delta event: the bytes
// write(textEvent{...}) gives, appended directly. Text deltas are most of
// a translated stream's events, and encoding/json was most of the
// encoder's CPU and allocations for them.
func (e *StreamEncoder) writeTextDelta(itemID string, outputIndex, contentIndex int, delta string) {
	const typ = "response.output_text.delta"
	b := e.buf.AvailableBuffer()
	b = append(b, "event: "+typ+"\ndata: {\"type\":\""+typ+"\",\"item_id\":"...)
	b = providers.AppendJSONString(b, itemID, true)
	b = append(b, `,"output_index":`...)
	b = strconv.AppendInt(b, int64(outputIndex), 10)
	b = append(b, `,"content_index":`...)
	b = strconv.AppendInt(b, int64(contentIndex), 10)
	b = append(b, `,"delta":`...)
	b = providers.AppendJSONString(b, delta, true)
	b = append(b, `,"logprobs":[],"sequence_number":`...)
	b = strconv.AppendInt(b, int64(e.seq), 10)
	b = append(b, "}\n\n"...)
	e.buf.Write(b)
	e.seq++
}
