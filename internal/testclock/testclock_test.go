package testclock

import (
	"testing"
	"time"
)

func TestClockStartsWhereToldAndMovesOnlyWhenAdvanced(t *testing.T) {
	c := New()
	if got := c.Now(); !got.Equal(Epoch) {
		t.Fatalf("New starts at %v, want %v", got, Epoch)
	}
	c.Advance(90 * time.Second)
	if got, want := c.Now(), Epoch.Add(90*time.Second); !got.Equal(want) {
		t.Fatalf("after Advance: %v, want %v", got, want)
	}
	start := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	if got := At(start).Now(); !got.Equal(start) {
		t.Fatalf("At starts at %v, want %v", got, start)
	}
}
