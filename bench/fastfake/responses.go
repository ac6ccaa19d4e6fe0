package fastfake

import (
	"net/http"
	"strconv"
)

// writeResponses answers a Responses request in one Response object, shaped
// like OpenAI's (https://platform.openai.com/docs/api-reference/responses/object).
func writeResponses(w http.ResponseWriter, k Knobs, model string) {
	b := make([]byte, 0, 1024+8*k.Words)
	b = append(b, `{"id":"resp_bench","object":"response","created_at":`+created+`,"status":"completed","error":null,"incomplete_details":null,"instructions":null,"max_output_tokens":null,"model":`...)
	b = appendJSONString(b, model)
	b = append(b, `,"output":[{"type":"message","id":"msg_bench","status":"completed","role":"assistant","content":[{"type":"output_text","annotations":[],"text":"`...)
	b = append(b, answerText(k.Words)...)
	b = append(b, `"}]}],"parallel_tool_calls":true,"previous_response_id":null,"store":false,"temperature":1.0,"text":{"format":{"type":"text"}},"tool_choice":"auto","tools":[],"top_p":1.0,"truncation":"disabled","usage":{"input_tokens":`+strconv.Itoa(promptTokens)+`,"input_tokens_details":{"cached_tokens":0},"output_tokens":`...)
	b = strconv.AppendInt(b, int64(k.Words), 10)
	b = append(b, `,"output_tokens_details":{"reasoning_tokens":0},"total_tokens":`...)
	b = strconv.AppendInt(b, int64(promptTokens+k.Words), 10)
	b = append(b, `},"user":null,"metadata":{}}`...)
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(b)))
	_, _ = w.Write(b)
}
