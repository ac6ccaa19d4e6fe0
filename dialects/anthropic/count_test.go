package anthropic

import (
	"errors"
	"testing"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// count_tokens bodies carry no max_tokens; Messages bodies must.
func TestParseCountTokensRequest(t *testing.T) {
	body := []byte(`{"model":"claude-x","system":"Be brief.","messages":[{"role":"user","content":"hi"}],
		"tools":[{"name":"f","description":"d","input_schema":{"type":"object"}}]}`)
	req, err := ParseCountTokensRequest(body)
	if err != nil {
		t.Fatal(err)
	}
	if req.Model != "claude-x" || len(req.Messages) != 2 || len(req.Tools) != 1 || req.MaxTokens != nil {
		t.Fatalf("decoded %+v", req)
	}
	if _, err := ParseMessagesRequest(body); err == nil {
		t.Fatal("a Messages body without max_tokens was accepted")
	}
	_, err = ParseCountTokensRequest([]byte(`{"model":"m"}`))
	var e *providers.Error
	if !errors.As(err, &e) || e.Param != "messages" {
		t.Fatalf("missing messages: %v", err)
	}
	if _, err := ParseCountTokensRequest([]byte(`{"model":"m","max_tokens":-1,"messages":[{"role":"user","content":"x"}]}`)); err == nil {
		t.Fatal("a negative max_tokens was accepted")
	}
}
