package main

import (
	"encoding/json"
	"fmt"
)

// The request shapes of the bench, one per client API, each the same small
// conversation (a system instruction and one user turn) so that the
// endpoints compare like for like. -shape picks one when -body is not
// given; the URL is still the caller's (a Gemini model is in the path).
const (
	userTurn = "Say something about reverse proxies."
	system   = "Be brief."
)

// shapeBody returns the body of shape for model, streamed or not.
func shapeBody(shape, model string, stream bool) ([]byte, error) {
	var v any
	switch shape {
	case "chat":
		v = struct {
			Model    string              `json:"model"`
			Messages []map[string]string `json:"messages"`
			Stream   bool                `json:"stream,omitempty"`
		}{model, []map[string]string{{"role": "system", "content": system}, {"role": "user", "content": userTurn}}, stream}
	case "responses":
		// store off: the bench measures the request path, not the store.
		v = struct {
			Model        string `json:"model"`
			Instructions string `json:"instructions"`
			Input        string `json:"input"`
			Store        bool   `json:"store"`
			Stream       bool   `json:"stream,omitempty"`
		}{model, system, userTurn, false, stream}
	case "gemini":
		// The model and streaming are in the URL
		// (models/{model}:streamGenerateContent?alt=sse).
		type part struct {
			Text string `json:"text"`
		}
		type content struct {
			Role  string `json:"role,omitempty"`
			Parts []part `json:"parts"`
		}
		v = struct {
			SystemInstruction content   `json:"systemInstruction"`
			Contents          []content `json:"contents"`
		}{content{Parts: []part{{system}}}, []content{{Role: "user", Parts: []part{{userTurn}}}}}
	default:
		return nil, fmt.Errorf("unknown -shape %q (chat, responses or gemini)", shape)
	}
	return json.Marshal(v)
}
