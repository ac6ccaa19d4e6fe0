package sharedstate

import (
	"testing"
	"time"
)

// A cooldown learned by one instance is honoured by the other, with the
// time remaining; a shorter one never cuts it short.
func TestCooldownAcrossInstances(t *testing.T) {
	a, b := twoInstances(t, nil)

	if err := a.SetCooldown(bg(), "openai/gpt-4o:0", 30*time.Second); err != nil {
		t.Fatal(err)
	}
	left, err := b.Cooldown(bg(), "openai/gpt-4o:0")
	if err != nil || left <= 29*time.Second || left > 30*time.Second {
		t.Fatalf("b.Cooldown = %v, %v; want about 30s", left, err)
	}
	if err := b.SetCooldown(bg(), "openai/gpt-4o:0", 5*time.Second); err != nil {
		t.Fatal(err)
	}
	if left, _ := a.Cooldown(bg(), "openai/gpt-4o:0"); left <= 29*time.Second {
		t.Fatalf("a shorter cooldown shortened a longer one: %v left", left)
	}
	if err := b.SetCooldown(bg(), "openai/gpt-4o:0", time.Minute); err != nil {
		t.Fatal(err)
	}
	if left, _ := a.Cooldown(bg(), "openai/gpt-4o:0"); left <= 59*time.Second {
		t.Fatalf("a longer cooldown did not extend: %v left", left)
	}
	if err := b.SetCooldown(bg(), "anthropic/claude", 1500*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if err := b.SetCooldown(bg(), "ignored", 0); err != nil {
		t.Fatal(err)
	}
	if left, err := a.Cooldown(bg(), "none"); err != nil || left != 0 {
		t.Fatalf("no cooldown = %v, %v; want 0", left, err)
	}

	all, err := a.Cooldowns(bg())
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 || all["openai/gpt-4o:0"] <= 59*time.Second ||
		all["anthropic/claude"] <= time.Second || all["anthropic/claude"] > 1500*time.Millisecond {
		t.Fatalf("Cooldowns = %v", all)
	}
}

// Listing scans only this store's prefix, even when the prefix contains
// SCAN pattern characters.
func TestCooldownsScanOnlyTheirPrefix(t *testing.T) {
	base := testPrefix(t)
	glob := newTestStore(t, shared, nil, func(c *Config) { c.KeyPrefix = base + "[ab]*?\\:" })
	other := newTestStore(t, shared, nil, func(c *Config) { c.KeyPrefix = base + "a12:" })
	if err := glob.SetCooldown(bg(), "mine", time.Minute); err != nil {
		t.Fatal(err)
	}
	if err := other.SetCooldown(bg(), "theirs", time.Minute); err != nil {
		t.Fatal(err)
	}
	all, err := glob.Cooldowns(bg())
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 1 || all["mine"] == 0 {
		t.Fatalf("Cooldowns = %v, want only \"mine\"", all)
	}
}
