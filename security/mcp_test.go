package security

import (
	"testing"
	"time"
)

func TestMCPToolAllowList(t *testing.T) {
	ring, err := NewKeyring([]ClientKeyConfig{
		{Key: "k-open"},
		{Key: "k-search", AllowedMCPTools: []string{"search__*", "files__read"}},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	open, search := ring.Lookup("k-open"), ring.Lookup("k-search")
	for _, c := range []struct {
		k    *ClientKey
		name string
		want bool
	}{
		{open, "anything__x", true},
		{search, "search__query", true},
		{search, "files__read", true},
		{search, "files__write", false},
		{search, "Search__query", false}, // case-sensitive: fails closed
	} {
		if got := c.k.MCPToolAllowed(c.name); got != c.want {
			t.Errorf("%s allowed %q = %v, want %v", c.k.Label(), c.name, got, c.want)
		}
	}
	if _, err := NewKeyring([]ClientKeyConfig{{Key: "k", AllowedMCPTools: []string{"a*b"}}}, nil); err == nil {
		t.Error("a '*' in the middle of an mcp_tools pattern was accepted")
	}
	if _, err := NewKeyring([]ClientKeyConfig{{Key: "k", MCPCallsPerMinute: -1}}, nil); err == nil {
		t.Error("a negative mcp_calls_per_minute was accepted")
	}
}

func TestAdmitToolCallRate(t *testing.T) {
	clock := newFakeClock()
	ring, err := NewKeyring([]ClientKeyConfig{{Key: "k", MCPCallsPerMinute: 2, RequestsPerMinute: 1}}, clock.Now)
	if err != nil {
		t.Fatal(err)
	}
	k := ring.Lookup("k")
	for i := range 2 {
		if d := k.AdmitToolCall(); d != nil {
			t.Fatalf("call %d denied: %s", i+1, d.Message)
		}
	}
	d := k.AdmitToolCall()
	if d == nil || d.Status != 429 || d.RetryAfter != 30*time.Second {
		t.Fatalf("third call: got %+v, want a 429 with retry after 30s", d)
	}
	// Tool calls have their own bucket: the model request budget is untouched.
	if d := k.Admit(0); d != nil {
		t.Fatalf("model request denied after tool calls: %s", d.Message)
	}
	clock.Advance(30 * time.Second)
	if d := k.AdmitToolCall(); d != nil {
		t.Fatalf("call after refill denied: %s", d.Message)
	}
	var nl NameList
	if nl, err = NewNameList(nil); err != nil || !nl.Allows("x") {
		t.Fatal("an empty NameList must allow all")
	}
}
