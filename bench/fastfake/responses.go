package fastfake

import (
	"net/http"
	"strconv"
)

// writeResponses answers a Responses request in one Response object, shaped
// like OpenAI's (https://platform.openai.com/docs/api-reference/responses/object).
func writeResponses(w http.ResponseWriter, k Knobs, model string) {
	b := make([]byte, 0, 1024+8*k.Words)
	b = appendResponseObject(b, model, "completed", answerText(k.Words), k.Words)
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(b)))
	_, _ = w.Write(b)
}

// appendResponseObject appends a Response object with status and, when
// status is completed, one message item holding text (already
// JSON-escaped) and the usage of words output tokens.
func appendResponseObject(b []byte, model, status, text string, words int) []byte {
	b = append(b, `{"id":"resp_bench","object":"response","created_at":`+created+`,"status":"`...)
	b = append(b, status...)
	b = append(b, `","error":null,"incomplete_details":null,"instructions":null,"max_output_tokens":null,"model":`...)
	b = appendJSONString(b, model)
	if status != "completed" {
		b = append(b, `,"output":[]`...)
	} else {
		b = append(b, `,"output":[{"type":"message","id":"msg_bench","status":"completed","role":"assistant","content":[{"type":"output_text","annotations":[],"text":"`...)
		b = append(b, text...)
		b = append(b, `"}]}]`...)
	}
	b = append(b, `,"parallel_tool_calls":true,"previous_response_id":null,"store":false,"temperature":1.0,"text":{"format":{"type":"text"}},"tool_choice":"auto","tools":[],"top_p":1.0,"truncation":"disabled","usage":`...)
	if status != "completed" {
		b = append(b, "null"...)
	} else {
		b = append(b, `{"input_tokens":`+strconv.Itoa(promptTokens)+`,"input_tokens_details":{"cached_tokens":0},"output_tokens":`...)
		b = strconv.AppendInt(b, int64(words), 10)
		b = append(b, `,"output_tokens_details":{"reasoning_tokens":0},"total_tokens":`...)
		b = strconv.AppendInt(b, int64(promptTokens+words), 10)
		b = append(b, '}')
	}
	return append(b, `,"user":null,"metadata":{}}`...)
}

// streamResponses sends the Responses event stream in OpenAI's order
// (https://platform.openai.com/docs/api-reference/responses-streaming):
// response.created, response.in_progress, the message item and its text
// part opened, one response.output_text.delta per piece, the text, part
// and item done, response.completed with the usage. Every event carries
// its increasing sequence_number.
func streamResponses(w http.ResponseWriter, r *http.Request, k Knobs, model string) {
	h := w.Header()
	h.Set("Content-Type", "text/event-stream; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	flush := flusher(w)
	seq := 0
	buf := make([]byte, 0, 1024)
	send := func(name string, body ...string) bool {
		buf = append(append(append(buf[:0], "event: "...), name...), "\ndata: {\"type\":\""...)
		buf = append(append(buf, name...), `","sequence_number":`...)
		buf = strconv.AppendInt(buf, int64(seq), 10)
		seq++
		for _, s := range body {
			buf = append(buf, s...)
		}
		buf = append(buf, "}\n\n"...)
		if _, err := w.Write(buf); err != nil {
			return false
		}
		flush()
		return true
	}
	const item = `{"id":"msg_bench","type":"message","status":"in_progress","content":[],"role":"assistant"}`
	const at = `,"item_id":"msg_bench","output_index":0,"content_index":0`
	pending := string(appendResponseObject(nil, model, "in_progress", "", 0))
	if !send("response.created", `,"response":`, pending) ||
		!send("response.in_progress", `,"response":`, pending) ||
		!send("response.output_item.added", `,"output_index":0,"item":`, item) ||
		!send("response.content_part.added", at, `,"part":{"type":"output_text","annotations":[],"text":""}`) {
		return
	}
	ps := pieces(k.Chunks)
	for _, p := range ps {
		if !pause(r, k.Interval) || !send("response.output_text.delta", at, `,"delta":"`, p, `","logprobs":[]`) {
			return
		}
	}
	text := joined(k.Chunks)
	_ = send("response.output_text.done", at, `,"text":"`, text, `","logprobs":[]`) &&
		send("response.content_part.done", at, `,"part":{"type":"output_text","annotations":[],"text":"`, text, `"}`) &&
		send("response.output_item.done", `,"output_index":0,"item":{"id":"msg_bench","type":"message","status":"completed","content":[{"type":"output_text","annotations":[],"text":"`, text, `"}],"role":"assistant"}`) &&
		send("response.completed", `,"response":`, string(appendResponseObject(nil, model, "completed", text, k.Chunks)))
}
