package fastfake

import (
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// geminiModel is the model of a Gemini path, ".../models/{model}:method".
func geminiModel(path string) string {
	i := strings.LastIndex(path, "/models/")
	j := strings.LastIndexByte(path, ':')
	if i < 0 || j < i {
		return "bench"
	}
	return path[i+len("/models/") : j]
}

// writeGemini answers generateContent with one GenerateContentResponse
// (https://ai.google.dev/api/generate-content#generatecontentresponse).
func writeGemini(w http.ResponseWriter, k Knobs, model string) {
	b := make([]byte, 0, 512+8*k.Words)
	b = appendGeminiResponse(b, appendJSONString(nil, model), answerText(k.Words), true, k.Words)
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=UTF-8")
	h.Set("Content-Length", strconv.Itoa(len(b)))
	_, _ = w.Write(b)
}

// appendGeminiResponse appends a response with one candidate saying text
// (JSON-escaped already, as is model); the last one of a stream carries
// finishReason and the full usage, as Google sends it.
func appendGeminiResponse(b, model []byte, text string, last bool, words int) []byte {
	b = append(b, `{"candidates":[{"content":{"parts":[{"text":"`...)
	b = append(b, text...)
	b = append(b, `"}],"role":"model"}`...)
	if last {
		b = append(b, `,"finishReason":"STOP"`...)
	}
	b = append(b, `,"index":0}],"usageMetadata":{"promptTokenCount":`+strconv.Itoa(promptTokens)...)
	if last {
		b = append(b, `,"candidatesTokenCount":`...)
		b = strconv.AppendInt(b, int64(words), 10)
		b = append(b, `,"totalTokenCount":`...)
		b = strconv.AppendInt(b, int64(promptTokens+words), 10)
	} else {
		b = append(b, `,"totalTokenCount":`+strconv.Itoa(promptTokens)...)
	}
	b = append(b, `,"promptTokensDetails":[{"modality":"TEXT","tokenCount":`+strconv.Itoa(promptTokens)+`}]},"modelVersion":`...)
	b = append(b, model...)
	return append(b, `,"responseId":"bench-gemini"}`...)
}

// streamGemini answers streamGenerateContent: with alt=sse one "data:"
// event per piece, otherwise the JSON array Google streams.
func streamGemini(w http.ResponseWriter, r *http.Request, k Knobs, model string) {
	sse := r.URL.Query().Get("alt") == "sse"
	h := w.Header()
	if sse {
		h.Set("Content-Type", "text/event-stream")
	} else {
		h.Set("Content-Type", "application/json; charset=UTF-8")
	}
	w.WriteHeader(http.StatusOK)
	flush := flusher(w)
	buf := make([]byte, 0, 512)
	name := appendJSONString(nil, model)
	ps := pieces(k.Chunks)
	for i, p := range ps {
		if i > 0 && !pause(r, k.Interval) {
			return
		}
		switch {
		case sse:
			buf = append(buf[:0], sseDataLine...)
		case i == 0:
			buf = append(buf[:0], '[')
		default:
			buf = append(buf[:0], ",\r\n"...)
		}
		buf = appendGeminiResponse(buf, name, p, i == len(ps)-1, k.Chunks)
		if sse {
			buf = append(buf, "\r\n\r\n"...)
		} else if i == len(ps)-1 {
			buf = append(buf, ']')
		}
		if _, err := w.Write(buf); err != nil {
			return
		}
		flush()
	}
}

var joinedCache sync.Map // int → string: the pieces of a stream, joined

// joined is the whole text of a stream of n pieces.
func joined(n int) string {
	return memo(&joinedCache, n, func(n int) string { return strings.Join(pieces(n), "") })
}
