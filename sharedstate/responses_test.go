package sharedstate

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/sira-ai/caddy-ai-backends/dialects/responses"
	"github.com/sira-ai/caddy-ai-backends/providers"
)

func storedResponse() *responses.Stored {
	return &responses.Stored{
		Response: json.RawMessage(`{"id":"resp_1","object":"response"}`),
		Input:    []json.RawMessage{json.RawMessage(`{"id":"msg_1","type":"message"}`)},
		Messages: []providers.Message{
			{Role: "user", Content: providers.TextContent("hi")},
			{Role: "assistant", ToolCalls: []providers.ToolCall{{ID: "c", Type: "function", Function: providers.FunctionCall{Name: "f", Arguments: "{}"}}}},
		},
		Created: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
	}
}

// A response stored by one instance is found by another, for the same
// owner only, and is gone for both once deleted.
func TestResponseStoreAcrossInstances(t *testing.T) {
	needRedis(t)
	sa, sb := twoInstances(t, nil)
	a, b := sa.Responses(0), sb.Responses(0)
	want := storedResponse()
	if err := a.Put(bg(), "key:1", "resp_1", want); err != nil {
		t.Fatal(err)
	}
	got, err := b.Get(bg(), "key:1", "resp_1")
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("Get = %+v, %v", got, err)
	}
	// "key:1"+"resp_1" must not be reachable as owner "key" and another id.
	for _, k := range [][2]string{{"key", "1:resp_1"}, {"other", "resp_1"}, {"key:1", "resp_2"}} {
		if _, err := b.Get(bg(), k[0], k[1]); !errors.Is(err, responses.ErrNotFound) {
			t.Errorf("Get(%q, %q) = %v, want not found", k[0], k[1], err)
		}
	}
	if err := b.Delete(bg(), "other", "resp_1"); !errors.Is(err, responses.ErrNotFound) {
		t.Errorf("another owner's delete: %v", err)
	}
	if err := b.Delete(bg(), "key:1", "resp_1"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Get(bg(), "key:1", "resp_1"); !errors.Is(err, responses.ErrNotFound) {
		t.Errorf("after delete: %v", err)
	}
}

// Entries carry the configured TTL as a Redis expiry.
func TestResponseStoreTTL(t *testing.T) {
	needRedis(t)
	s := newTestStore(t, shared, nil)
	if err := s.Responses(0).Put(bg(), "o", "r", storedResponse()); err != nil {
		t.Fatal(err)
	}
	if err := s.Responses(time.Minute).Put(bg(), "o", "short", storedResponse()); err != nil {
		t.Fatal(err)
	}
	raw := rawClient(t, shared)
	if d := raw.PTTL(bg(), s.Responses(0).key("o", "r")).Val(); d <= responses.DefaultTTL-time.Minute || d > responses.DefaultTTL {
		t.Errorf("default TTL = %v", d)
	}
	if d := raw.PTTL(bg(), s.Responses(0).key("o", "short")).Val(); d <= 0 || d > time.Minute {
		t.Errorf("configured TTL = %v", d)
	}
}

// While Redis is down the store says so (ErrUnavailable), never "not found".
func TestResponseStoreUnavailable(t *testing.T) {
	needRedis(t)
	srv, err := launchRedis(0, nil)
	if err != nil {
		t.Fatal(err)
	}
	s := newTestStore(t, srv, nil).Responses(0)
	srv.kill()
	_, err = s.Get(bg(), "o", "r")
	for i := 0; i < 3 && err != nil && !errors.Is(err, ErrUnavailable); i++ {
		_, err = s.Get(bg(), "o", "r")
	}
	if !errors.Is(err, ErrUnavailable) || errors.Is(err, responses.ErrNotFound) {
		t.Fatalf("Get with redis down = %v", err)
	}
	if err := s.Put(bg(), "o", "r", storedResponse()); !errors.Is(err, ErrUnavailable) {
		t.Errorf("Put with redis down = %v", err)
	}
}
