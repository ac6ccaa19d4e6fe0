package google

import (
	"encoding/json"
	"reflect"
	"testing"
)

// answerHeadJSON is what encoding/json makes of an answer without its
// candidates: the reference for the head-only parse.
type answerHeadJSON struct {
	PromptFeedback *promptFeedback `json:"promptFeedback"`
	UsageMetadata  *usageMetadata  `json:"usageMetadata"`
	ModelVersion   string          `json:"modelVersion"`
	ResponseID     string          `json:"responseId"`
	Error          *rpcStatus      `json:"error"`
}

// FuzzAnswerHead holds the head-only parse to encoding/json: what it
// accepts is valid JSON whose head decodes to the same values; and a
// relayed answer's head and deferred choices are what fromGemini makes of
// the whole answer.
func FuzzAnswerHead(f *testing.F) {
	for _, s := range eventSeeds {
		f.Add([]byte(s))
	}
	f.Add([]byte(`{"candidates":[{"content":{"parts":[{"text":"x"}]}}],"candidates":[]}`))
	f.Add([]byte(`{"candidates":[1,"x",{"content":5}],"responseId":"r"}`))
	f.Add([]byte(`{"candidates":[{"content":{"parts":[{"text":"x"}]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p := eventParser{headOnly: true}
		if got, ok := p.parse(data); ok {
			if !json.Valid(data) {
				t.Fatalf("head parse accepted invalid JSON: %s", data)
			}
			var want answerHeadJSON
			if err := json.Unmarshal(data, &want); err != nil {
				t.Fatalf("head parse accepted what encoding/json rejects (%v): %s", err, data)
			}
			head := answerHeadJSON{got.PromptFeedback, got.UsageMetadata, got.ModelVersion, got.ResponseID, got.Error}
			if got.Candidates != nil || !reflect.DeepEqual(head, want) {
				t.Fatalf("fast %+v\njson %+v\nfrom %s", got, want, data)
			}
		}
		full, fullErr := fromGemini(data, "m", 1)
		relayed, err := fromGeminiRelayed(data, "m", 1)
		if fullErr == nil && err != nil {
			t.Fatalf("relayed answer refused (%v) where the whole one decodes: %s", err, data)
		}
		if err != nil {
			return
		}
		if string(relayed.Original.Body) != string(data) || relayed.Choices != nil {
			t.Fatalf("relayed answer not kept as it came, or choices decoded early: %+v", relayed)
		}
		if fullErr != nil {
			// Only a candidate the gateway cannot decode: the relay sends it
			// on, and reading the choices reports the error.
			if relayed.LoadChoices() == nil {
				t.Fatalf("choices loaded from an answer fromGemini refuses (%v): %s", fullErr, data)
			}
			return
		}
		if err := relayed.LoadChoices(); err != nil {
			t.Fatalf("choices: %v", err)
		}
		relayed.Original = full.Original
		if !reflect.DeepEqual(relayed, full) {
			t.Fatalf("relayed %+v\nwhole %+v\nfrom %s", relayed, full, data)
		}
	})
}

// TestRelayedAnswerHead: a typical answer takes the head-only fast path,
// candidates of any part kind included, and keeps its choices for later.
func TestRelayedAnswerHead(t *testing.T) {
	body := []byte(`{"candidates":[{"content":{"parts":[{"text":"Hi"},{"inlineData":{"mimeType":"image/png","data":"AA=="}}],"role":"model"},"finishReason":"STOP","index":0,"groundingMetadata":{}}],` +
		`"usageMetadata":{"promptTokenCount":9,"candidatesTokenCount":2,"totalTokenCount":11},"modelVersion":"gemini-2.5-flash","responseId":"abc"}`)
	p := eventParser{headOnly: true}
	if _, ok := p.parse(body); !ok {
		t.Fatal("typical answer left to encoding/json")
	}
	resp, err := fromGeminiRelayed(body, "m", 7)
	if err != nil {
		t.Fatal(err)
	}
	if resp.ID != "abc" || resp.Model != "gemini-2.5-flash" || resp.Created != 7 || resp.Usage == nil || resp.Usage.TotalTokens != 11 {
		t.Fatalf("head %+v", resp)
	}
	if resp.Choices != nil {
		t.Fatal("choices decoded before anything read them")
	}
	if err := resp.LoadChoices(); err != nil || len(resp.Choices) != 1 || resp.Choices[0].Message.Content.String() != "Hi" ||
		resp.Choices[0].FinishReason != "stop" {
		t.Fatalf("choices %+v (%v)", resp.Choices, err)
	}
	for _, bad := range []string{
		`{"candidates":[{"content":}],"responseId":"r"}`, // syntax inside the skipped candidates
		`{"responseId":"r"} x`,
	} {
		if _, err := fromGeminiRelayed([]byte(bad), "m", 0); err == nil {
			t.Errorf("accepted %s", bad)
		}
	}
	if _, err := fromGeminiRelayed([]byte(`{"error":{"code":429,"status":"RESOURCE_EXHAUSTED"}}`), "m", 0); err == nil {
		t.Error("error answer accepted")
	}
}
