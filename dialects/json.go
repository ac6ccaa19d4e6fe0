package dialects

import (
	"net/http"
	"strconv"
)

// WriteJSON sends a 200 answer whose JSON body is ready.
func WriteJSON(w http.ResponseWriter, body []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}
