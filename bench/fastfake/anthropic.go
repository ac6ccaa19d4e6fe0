package fastfake

import (
	"net/http"
	"strconv"
)

// writeAnthropic answers a Messages request with one Message object
// (https://docs.anthropic.com/en/api/messages).
func writeAnthropic(w http.ResponseWriter, k Knobs, model string) {
	b := make([]byte, 0, 512+8*k.Words)
	b = append(b, `{"id":"msg_bench","type":"message","role":"assistant","model":`...)
	b = appendJSONString(b, model)
	b = append(b, `,"content":[{"type":"text","text":"`...)
	b = append(b, answerText(k.Words)...)
	b = append(b, `"}],"stop_reason":"end_turn","stop_sequence":null,"usage":`...)
	b = appendAnthropicUsage(b, k.Words)
	b = append(b, '}')
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(b)))
	h.Set("Request-Id", "req_bench")
	_, _ = w.Write(b)
}

func appendAnthropicUsage(b []byte, output int) []byte {
	b = append(b, `{"input_tokens":`+strconv.Itoa(promptTokens)+`,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":`...)
	b = strconv.AppendInt(b, int64(output), 10)
	return append(b, `,"service_tier":"standard"}`...)
}

// streamAnthropic sends the Messages stream in the documented order
// (https://docs.anthropic.com/en/api/messages-streaming): message_start,
// content_block_start, ping, one content_block_delta per text piece,
// content_block_stop, message_delta with the usage, message_stop.
func streamAnthropic(w http.ResponseWriter, r *http.Request, k Knobs, model string) {
	h := w.Header()
	h.Set("Content-Type", "text/event-stream; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	h.Set("Request-Id", "req_bench")
	w.WriteHeader(http.StatusOK)
	flush := flusher(w)
	buf := make([]byte, 0, 512)
	send := func(name string, data ...[]byte) bool {
		buf = append(append(append(buf[:0], "event: "...), name...), "\ndata: "...)
		for _, d := range data {
			buf = append(buf, d...)
		}
		buf = append(buf, sseEnd...)
		if _, err := w.Write(buf); err != nil {
			return false
		}
		flush()
		return true
	}
	start := appendJSONString([]byte(`{"type":"message_start","message":{"id":"msg_bench","type":"message","role":"assistant","model":`), model)
	start = append(start, `,"content":[],"stop_reason":null,"stop_sequence":null,"usage":`...)
	start = append(appendAnthropicUsage(start, 1), "}}"...)
	if !send("message_start", start) ||
		!send("content_block_start", []byte(`{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}`)) ||
		!send("ping", []byte(`{"type": "ping"}`)) {
		return
	}
	for _, p := range pieces(k.Chunks) {
		if !pause(r, k.Interval) ||
			!send("content_block_delta", []byte(`{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"`+p+`"}}`)) {
			return
		}
	}
	end := []byte(`{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":` + strconv.Itoa(k.Chunks) + `}}`)
	_ = send("content_block_stop", []byte(`{"type":"content_block_stop","index":0}`)) &&
		send("message_delta", end) &&
		send("message_stop", []byte(`{"type":"message_stop"}`))
}
