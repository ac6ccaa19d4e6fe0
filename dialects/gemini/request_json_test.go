package gemini

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/sira-ai/caddy-ai-backends/dialects"
)

// requestSeeds are requests as Google's SDKs send them, and shapes at the
// edges of what the fast decoder takes.
var requestSeeds = []string{
	`{"systemInstruction":{"parts":[{"text":"Be brief."}]},"contents":[{"role":"user","parts":[{"text":"Say something."}]}]}`,
	`{"contents":[{"role":"user","parts":[{"text":"hi"}]},{"role":"model","parts":[{"text":"plan","thought":true,"thoughtSignature":"c2ln"},{"text":"ok"}]}],"generationConfig":{"temperature":0.5,"maxOutputTokens":100,"stopSequences":["x"]}}`,
	`{"contents":[{"parts":[{"text":"x"}]}],"tools":[{"functionDeclarations":[{"name":"f"}]}],"toolConfig":{"functionCallingConfig":{"mode":"ANY"}},"safetySettings":[{"category":"HARM_CATEGORY_HARASSMENT","threshold":"BLOCK_NONE"}],"cachedContent":"c/1"}`,
	` { "contents" : [ null , { "role" : null , "parts" : [ null , { "text" : null , "thought" : null } ] } ] , "systemInstruction" : null } `,
	`{"contents":[],"unknown":{"a":[1,2,{"b":null}]},"labels":{"k":"v"}}`,
	`{"contents":[{"parts":[{"text":"\u00e9\n\ud83d\ude00 \"q\""}]}]}`,
	`{"contents":[{"role":"\u0075ser","parts":[]}]}`,
	`{}`,
	`{"contents":[{"parts":[{"functionCall":{"name":"f","args":{}}}]}]}`,
	`{"contents":[{"parts":[{"inlineData":{"mimeType":"image/png","data":"AA=="}}]}]}`,
	`{"Contents":[]}`,
	`{"contents":[],"contents":[]}`,
	`{"contents":[{"parts":[{"text":"a","text":"b"}]}]}`,
	`{"contents":[{"parts":[{"text":1}]}]}`,
	`{"contents":[{"parts":[{"thought":"yes"}]}]}`,
	`{"generationConfig":{"temperature":"hot"}}`,
	`{"cachedContent":5}`,
	`{"contents":[]} x`,
	`{"ſystemInstruction":{}}`,
	`[]`, `null`, `{"contents":[`,
}

// FuzzRequestDecoder holds decodeRequest to DecodeJSON: the same request,
// or the same error, for any body.
func FuzzRequestDecoder(f *testing.F) {
	for _, s := range requestSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var got, want inRequest
		gotErr := decodeRequest(body, &got)
		wantErr := dialects.DecodeJSON(body, &want)
		if !reflect.DeepEqual(gotErr, wantErr) {
			t.Fatalf("error %v, encoding/json %v, from %s", gotErr, wantErr, body)
		}
		if wantErr == nil && !reflect.DeepEqual(got, want) {
			g, _ := json.Marshal(got)
			w, _ := json.Marshal(want)
			t.Fatalf("decoded %s\nencoding/json %s\nfrom %s", g, w, body)
		}
	})
}

// TestRequestDecoderFastPath: the usual requests are read without falling
// back; the shapes left to encoding/json are.
func TestRequestDecoderFastPath(t *testing.T) {
	for i, s := range requestSeeds[:8] {
		var in inRequest
		if !fastRequest([]byte(s), &in) {
			t.Errorf("seed %d declined: %s", i, s)
		}
	}
	for _, s := range requestSeeds[8:] {
		var in inRequest
		if fastRequest([]byte(s), &in) {
			t.Errorf("taken: %s", s)
		}
	}
}
