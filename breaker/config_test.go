package breaker

import (
	"testing"
	"time"
)

func TestWithDefaults(t *testing.T) {
	want := Config{
		FailureThreshold: 5,
		MinRequests:      10,
		Window:           60 * time.Second,
		RecoveryTimeout:  60 * time.Second,
		SuccessThreshold: 3,
		HalfOpenProbes:   1,
	}
	if got := (Config{}).WithDefaults(); got != want {
		t.Errorf("zero config: got %+v, want %+v", got, want)
	}
	negative := Config{-1, -0.5, -1, -1, -1, -1, -1}
	if got := negative.WithDefaults(); got != want {
		t.Errorf("negative config: got %+v, want %+v", got, want)
	}
	set := Config{2, 0.25, 4, time.Second, 2 * time.Second, 7, 3}
	if got := set.WithDefaults(); got != set {
		t.Errorf("explicit config changed: got %+v, want %+v", got, set)
	}
}

func TestValidate(t *testing.T) {
	valid := []Config{{}, {FailureRatio: 1}, {FailureThreshold: 1, FailureRatio: 0.3, MinRequests: 1, Window: time.Second}}
	for _, c := range valid {
		if err := c.Validate(); err != nil {
			t.Errorf("Validate(%+v) = %v, want nil", c, err)
		}
	}
	invalid := []Config{
		{FailureThreshold: -1}, {FailureRatio: -0.1}, {FailureRatio: 1.5}, {MinRequests: -1},
		{Window: -1}, {RecoveryTimeout: -1}, {SuccessThreshold: -1}, {HalfOpenProbes: -1},
	}
	for _, c := range invalid {
		if err := c.Validate(); err == nil {
			t.Errorf("Validate(%+v) = nil, want an error", c)
		}
	}
}
