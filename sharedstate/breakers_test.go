package sharedstate

import (
	"maps"
	"testing"
	"time"
)

// Open breakers published by each instance are visible to every instance.
func TestBreakersVisibleEverywhere(t *testing.T) {
	a, b := twoInstances(t, nil)

	if err := a.PublishBreaker(bg(), "gw-a", "openai/gpt-4o:0", "open", 10*time.Second); err != nil {
		t.Fatal(err)
	}
	if err := a.PublishBreaker(bg(), "gw-a", "gemini:1", "half_open", 0); err != nil {
		t.Fatal(err)
	}
	if err := b.PublishBreaker(bg(), "gw:b:2", "openai/gpt-4o:0", "open", 10*time.Second); err != nil {
		t.Fatal(err)
	}
	want := map[string]map[string]string{
		"gw-a":   {"openai/gpt-4o:0": "open", "gemini:1": "half_open"},
		"gw:b:2": {"openai/gpt-4o:0": "open"},
	}
	for _, s := range []*Store{a, b} {
		got, err := s.Breakers(bg())
		if err != nil {
			t.Fatal(err)
		}
		if !maps.EqualFunc(got, want, maps.Equal) {
			t.Fatalf("Breakers = %v, want %v", got, want)
		}
	}
	// Closing removes the entry.
	if err := a.PublishBreaker(bg(), "gw-a", "gemini:1", "closed", time.Second); err != nil {
		t.Fatal(err)
	}
	got, _ := b.Breakers(bg())
	if _, ok := got["gw-a"]["gemini:1"]; ok || len(got["gw-a"]) != 1 {
		t.Fatalf("after closing: %v", got)
	}
	raw := rawClient(t, shared)
	if pttl := raw.PTTL(bg(), a.key(kindBreaker, breakerName("gw-a", "openai/gpt-4o:0"))).Val(); pttl <= 9*time.Second {
		t.Fatalf("published state PTTL = %v, want about 10s", pttl)
	}
}
