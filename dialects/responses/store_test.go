package responses

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sira-ai/caddy-ai-backends/internal/testclock"
	"github.com/sira-ai/caddy-ai-backends/providers"
)

var (
	ctx       = context.Background()
	testEpoch = testclock.Epoch
)

func stored(n int) *Stored {
	return &Stored{Response: json.RawMessage(`{"id":"r` + strconv.Itoa(n) + `"}`), Created: testclock.Epoch}
}

func TestMemoryStoreOwnerScope(t *testing.T) {
	m := NewMemoryStore(MemoryConfig{})
	if err := m.Put(ctx, "alice", "resp_1", stored(1)); err != nil {
		t.Fatal(err)
	}
	if s, err := m.Get(ctx, "alice", "resp_1"); err != nil || string(s.Response) != `{"id":"r1"}` {
		t.Fatalf("own get: %v %v", s, err)
	}
	if _, err := m.Get(ctx, "bob", "resp_1"); !errors.Is(err, ErrNotFound) {
		t.Errorf("another owner's get: %v", err)
	}
	if err := m.Delete(ctx, "bob", "resp_1"); !errors.Is(err, ErrNotFound) {
		t.Errorf("another owner's delete: %v", err)
	}
	if err := m.Delete(ctx, "alice", "resp_1"); err != nil {
		t.Errorf("delete: %v", err)
	}
	if _, err := m.Get(ctx, "alice", "resp_1"); !errors.Is(err, ErrNotFound) {
		t.Errorf("get after delete: %v", err)
	}
	if err := m.Delete(ctx, "alice", "resp_1"); !errors.Is(err, ErrNotFound) {
		t.Errorf("second delete: %v", err)
	}
}

func TestMemoryStoreTTL(t *testing.T) {
	clock := testclock.New()
	m := NewMemoryStore(MemoryConfig{Now: clock.Now})
	_ = m.Put(ctx, "o", "a", stored(1))
	clock.Advance(DefaultTTL - time.Second)
	if _, err := m.Get(ctx, "o", "a"); err != nil {
		t.Fatalf("before expiry: %v", err)
	}
	_ = m.Put(ctx, "o", "b", stored(2))
	clock.Advance(time.Second)
	if _, err := m.Get(ctx, "o", "a"); !errors.Is(err, ErrNotFound) {
		t.Errorf("at expiry: %v", err)
	}
	if _, err := m.Get(ctx, "o", "b"); err != nil {
		t.Errorf("younger entry: %v", err)
	}
	// Put sweeps what expired: b expires, c stays.
	clock.Advance(DefaultTTL)
	_ = m.Put(ctx, "o", "c", stored(3))
	if n, _ := m.Len(); n != 1 {
		t.Errorf("entries after sweep = %d, want 1", n)
	}
	if err := m.Delete(ctx, "o", "b"); !errors.Is(err, ErrNotFound) {
		t.Errorf("delete of expired: %v", err)
	}

	short := NewMemoryStore(MemoryConfig{Now: clock.Now, TTL: time.Minute})
	_ = short.Put(ctx, "o", "a", stored(1))
	clock.Advance(time.Minute)
	if err := short.Delete(ctx, "o", "a"); !errors.Is(err, ErrNotFound) {
		t.Errorf("configured TTL: %v", err)
	}
}

func TestMemoryStoreEvictsOldestByCount(t *testing.T) {
	m := NewMemoryStore(MemoryConfig{MaxEntries: 3})
	for i := range 5 {
		_ = m.Put(ctx, "o", strconv.Itoa(i), stored(i))
	}
	for i := range 5 {
		_, err := m.Get(ctx, "o", strconv.Itoa(i))
		if (i < 2) != errors.Is(err, ErrNotFound) {
			t.Errorf("entry %d: %v", i, err)
		}
	}
	// Replacing an entry makes it the youngest.
	_ = m.Put(ctx, "o", "2", stored(2))
	_ = m.Put(ctx, "o", "5", stored(5))
	if _, err := m.Get(ctx, "o", "2"); err != nil {
		t.Errorf("replaced entry evicted: %v", err)
	}
	if _, err := m.Get(ctx, "o", "3"); !errors.Is(err, ErrNotFound) {
		t.Errorf("oldest not evicted: %v", err)
	}
}

func TestMemoryStoreEvictsByBytes(t *testing.T) {
	one := stored(1).Size()
	m := NewMemoryStore(MemoryConfig{MaxBytes: 2*one + one/2})
	for i := range 3 {
		_ = m.Put(ctx, "o", strconv.Itoa(i), stored(i))
	}
	n, bytes := m.Len()
	if n != 2 || bytes != 2*one {
		t.Errorf("entries %d bytes %d, want 2 and %d", n, bytes, 2*one)
	}
	if _, err := m.Get(ctx, "o", "0"); !errors.Is(err, ErrNotFound) {
		t.Error("the oldest must go first")
	}
	huge := &Stored{Response: json.RawMessage(`"` + strings.Repeat("x", 4*one) + `"`)}
	_ = m.Put(ctx, "o", "huge", huge)
	if _, err := m.Get(ctx, "o", "huge"); !errors.Is(err, ErrNotFound) {
		t.Error("an entry over the byte bound must not be kept")
	}
	if n, _ := m.Len(); n != 2 {
		t.Errorf("a refused entry must not evict others: %d entries", n)
	}
}

func TestMemoryStoreConcurrent(t *testing.T) {
	m := NewMemoryStore(MemoryConfig{MaxEntries: 50})
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			owner := strconv.Itoa(g % 2)
			for i := range 200 {
				id := strconv.Itoa(i % 60)
				_ = m.Put(ctx, owner, id, stored(i))
				_, _ = m.Get(ctx, owner, id)
				if i%7 == 0 {
					_ = m.Delete(ctx, owner, id)
				}
			}
		}()
	}
	wg.Wait()
	n, bytes := m.Len()
	if n > 50 || bytes < 0 {
		t.Errorf("bounds broken: %d entries, %d bytes", n, bytes)
	}
}

// TestConversationAcrossTurns: the stored conversation of turn 1 is the
// prior of turn 2, whose ChatRequest puts turn 2's instructions first and
// leaves turn 1's out, as OpenAI does.
func TestConversationAcrossTurns(t *testing.T) {
	store := NewMemoryStore(MemoryConfig{})
	req1 := mustDecode(t, `{"model":"m","instructions":"one","input":"weather in Paris?","tools":[{"type":"function","name":"w"}]}`)
	resp1, _ := EncodeResponse(req1, chatResponse(t, `{"choices":[{"index":0,"message":{"role":"assistant","tool_calls":[
		{"id":"call_1","type":"function","function":{"name":"w","arguments":"{}"}}]},"finish_reason":"tool_calls"}]}`), Meta{})
	_ = store.Put(ctx, "o", resp1.ID, NewStored(req1, resp1, nil, testclock.Epoch))

	req2 := mustDecode(t, `{"model":"m","instructions":"two","previous_response_id":"`+resp1.ID+`",
		"input":[{"type":"function_call_output","call_id":"call_1","output":"sunny"}]}`)
	prev, err := store.Get(ctx, "o", req2.PreviousResponseID)
	if err != nil {
		t.Fatal(err)
	}
	got := req2.ChatRequest(prev.Messages).Messages
	want := []providers.Message{
		{Role: "system", Content: providers.TextContent("two")},
		{Role: "user", Content: providers.TextContent("weather in Paris?")},
		{Role: "assistant", ToolCalls: []providers.ToolCall{{ID: "call_1", Type: "function", Function: providers.FunctionCall{Name: "w", Arguments: "{}"}}}},
		{Role: "tool", ToolCallID: "call_1", Content: providers.TextContent("sunny")},
	}
	if !reflect.DeepEqual(got, want) {
		b, _ := json.Marshal(got)
		t.Fatalf("messages = %s", b)
	}
	if _, err := store.Get(ctx, "other-key", req2.PreviousResponseID); !errors.Is(err, ErrNotFound) {
		t.Error("previous_response_id of another key must not be found")
	}
}

// TestStoredJSONRoundTrip: a Stored survives its JSON form (what a shared
// store keeps), unified messages included.
func TestStoredJSONRoundTrip(t *testing.T) {
	req := mustDecode(t, `{"model":"m","input":[{"role":"user","content":[{"type":"input_text","text":"see"},{"type":"input_image","image_url":"data:image/png;base64,AAAA"}]},
		{"type":"function_call","call_id":"c","name":"f","arguments":"{}"},{"type":"function_call_output","call_id":"c","output":"r"}]}`)
	resp, _ := EncodeResponse(req, chatResponse(t, `{"choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}]}`), Meta{})
	s := NewStored(req, resp, []providers.Message{{Role: "user", Content: providers.TextContent("before")}}, testclock.Epoch)
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var back Stored
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back.Messages, s.Messages) || !back.Created.Equal(s.Created) || string(back.Response) != string(s.Response) || len(back.Input) != 3 {
		t.Fatalf("round trip:\n%+v\n%+v", back, s)
	}
}

func TestInputItemsBody(t *testing.T) {
	req := mustDecode(t, `{"model":"m","input":[{"role":"user","content":"a"},{"type":"message","id":"msg_own","role":"assistant","content":"b"},
		{"type":"function_call","call_id":"c","name":"f","arguments":"{}"},{"type":"function_call_output","call_id":"c","output":"r"},
		{"type":"reasoning","id":"rs_1","summary":[]}]}`)
	n := 0
	s := &Stored{Input: listedInput(req.Input, func(p string) string { n++; return p + "_" + strconv.Itoa(n) })}
	body, err := InputItemsBody(s, url.Values{})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"object":"list","data":[{"type":"reasoning","id":"rs_1","summary":[]},` +
		`{"id":"fco_3","type":"function_call_output","call_id":"c","output":"r","status":"completed"},` +
		`{"id":"fc_2","type":"function_call","status":"completed","arguments":"{}","call_id":"c","name":"f"},` +
		`{"id":"msg_own","type":"message","role":"assistant","content":[{"type":"output_text","annotations":[],"logprobs":[],"text":"b"}],"status":"completed"},` +
		`{"id":"msg_1","type":"message","role":"user","content":[{"type":"input_text","text":"a"}],"status":"completed"}],` +
		`"first_id":"rs_1","last_id":"msg_1","has_more":false}`
	if string(body) != want {
		t.Fatalf("got\n%s\nwant\n%s", body, want)
	}
	page := func(q string) string {
		v, _ := url.ParseQuery(q)
		b, err := InputItemsBody(s, v)
		if err != nil {
			return "error " + err.(*providers.Error).Param
		}
		var p struct {
			FirstID *string           `json:"first_id"`
			LastID  *string           `json:"last_id"`
			HasMore bool              `json:"has_more"`
			Data    []json.RawMessage `json:"data"`
		}
		_ = json.Unmarshal(b, &p)
		f, l := "-", "-"
		if p.FirstID != nil {
			f, l = *p.FirstID, *p.LastID
		}
		return f + " " + l + " " + strconv.Itoa(len(p.Data)) + " " + strconv.FormatBool(p.HasMore)
	}
	for q, want := range map[string]string{
		"order=asc&limit=2":               "msg_1 msg_own 2 true",
		"order=asc&limit=2&after=msg_own": "fc_2 fco_3 2 true",
		"order=asc&after=rs_1":            "- - 0 false",
		"limit=1":                         "rs_1 rs_1 1 true",
		"limit=0":                         "error limit",
		"limit=101":                       "error limit",
		"order=up":                        "error order",
		"after=nope":                      "error after",
	} {
		if got := page(q); got != want {
			t.Errorf("%s: %s, want %s", q, got, want)
		}
	}
}

func TestRetrieveAndDeleteBodies(t *testing.T) {
	if got := string(DeletedBody("resp_1")); got != `{"id":"resp_1","object":"response.deleted","deleted":true}` {
		t.Errorf("deleted = %s", got)
	}
	s := stored(1)
	if string(RetrieveBody(s)) != `{"id":"r1"}` {
		t.Error("retrieve must answer the stored object")
	}
	e := PreviousNotFound("resp_x")
	if string(EncodeError(e)) != `{"error":{"message":"Previous response with id 'resp_x' not found.","type":"invalid_request_error","param":"previous_response_id","code":"previous_response_not_found"}}` || e.HTTPStatus() != 404 {
		t.Errorf("previous not found = %s", EncodeError(e))
	}
	if NotFound("resp_x").HTTPStatus() != 404 {
		t.Error("not found status")
	}
}
