package main

import (
	"encoding/json"
	"testing"
)

// TestShapeBodies: each shape is the same conversation in its API's form.
func TestShapeBodies(t *testing.T) {
	for _, c := range []struct {
		shape, want string
		stream      bool
	}{
		{"chat", `{"model":"m","messages":[{"content":"Be brief.","role":"system"},{"content":"Say something about reverse proxies.","role":"user"}]}`, false},
		{"chat", `{"model":"m","messages":[{"content":"Be brief.","role":"system"},{"content":"Say something about reverse proxies.","role":"user"}],"stream":true}`, true},
		{"responses", `{"model":"m","instructions":"Be brief.","input":"Say something about reverse proxies.","store":false,"stream":true}`, true},
		{"gemini", `{"systemInstruction":{"parts":[{"text":"Be brief."}]},"contents":[{"role":"user","parts":[{"text":"Say something about reverse proxies."}]}]}`, false},
	} {
		got, err := shapeBody(c.shape, "m", c.stream)
		if err != nil || string(got) != c.want || !json.Valid(got) {
			t.Errorf("%s: %v\n got %s\nwant %s", c.shape, err, got, c.want)
		}
	}
	if _, err := shapeBody("soap", "m", false); err == nil {
		t.Error("an unknown shape was accepted")
	}
}
