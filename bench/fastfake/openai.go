package fastfake

import (
	"net/http"
	"strconv"
)

// created is a fixed timestamp: bodies are the same from run to run.
const created = "1735689600"

const promptTokens = 12

// writeOpenAI answers a chat completion in one JSON object, shaped like
// OpenAI's (https://platform.openai.com/docs/api-reference/chat/object).
func writeOpenAI(w http.ResponseWriter, k Knobs, model string) {
	b := make([]byte, 0, 768+8*k.Words)
	b = append(b, `{"id":"chatcmpl-bench","object":"chat.completion","created":`+created+`,"model":`...)
	b = appendJSONString(b, model)
	b = append(b, `,"choices":[{"index":0,"message":{"role":"assistant","content":"`...)
	b = append(b, answerText(k.Words)...)
	b = append(b, `","refusal":null,"annotations":[]},"logprobs":null,"finish_reason":"stop"}],"usage":`...)
	b = appendOpenAIUsage(b, k.Words)
	b = append(b, `,"service_tier":"default","system_fingerprint":"fp_bench"}`...)
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(b)))
	_, _ = w.Write(b)
}

func appendOpenAIUsage(b []byte, completion int) []byte {
	b = append(b, `{"prompt_tokens":`+strconv.Itoa(promptTokens)+`,"completion_tokens":`...)
	b = strconv.AppendInt(b, int64(completion), 10)
	b = append(b, `,"total_tokens":`...)
	b = strconv.AppendInt(b, int64(promptTokens+completion), 10)
	return append(b, `,"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}`...)
}

// streamOpenAI sends chat.completion.chunk events the way OpenAI does
// (https://platform.openai.com/docs/api-reference/chat-streaming): a role
// chunk, one chunk per text piece, a finish chunk, the usage chunk when
// stream_options.include_usage asked for it, then [DONE].
func streamOpenAI(w http.ResponseWriter, r *http.Request, k Knobs, model string, usage bool) {
	h := w.Header()
	h.Set("Content-Type", "text/event-stream; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	flush := flusher(w)

	head := appendJSONString([]byte(`{"id":"chatcmpl-bench","object":"chat.completion.chunk","created":`+created+`,"model":`), model)
	head = append(head, `,"service_tier":"default","system_fingerprint":"fp_bench","choices":`...)
	tail := []byte(`}`)
	if usage {
		tail = []byte(`,"usage":null}`)
	}
	buf := make([]byte, 0, 512)
	send := func(choices string) bool {
		buf = append(append(append(append(append(buf[:0], sseDataLine...), head...), choices...), tail...), sseEnd...)
		if _, err := w.Write(buf); err != nil {
			return false
		}
		flush()
		return true
	}
	if !send(`[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}]`) {
		return
	}
	for _, p := range pieces(k.Chunks) {
		if !pause(r, k.Interval) ||
			!send(`[{"index":0,"delta":{"content":"`+p+`"},"logprobs":null,"finish_reason":null}]`) {
			return
		}
	}
	if !send(`[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}]`) {
		return
	}
	if usage {
		buf = append(append(append(buf[:0], sseDataLine...), head...), `[],"usage":`...)
		buf = append(appendOpenAIUsage(buf, k.Chunks), '}')
		buf = append(buf, sseEnd...)
		if _, err := w.Write(buf); err != nil {
			return
		}
	}
	_, _ = w.Write([]byte("data: [DONE]\n\n"))
	flush()
}
