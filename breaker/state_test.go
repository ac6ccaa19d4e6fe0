package breaker

import (
	"encoding/json"
	"testing"
)

func TestStateNames(t *testing.T) {
	for s, want := range map[State]string{Closed: "closed", Open: "open", HalfOpen: "half_open", 7: "State(7)"} {
		if got := s.String(); got != want {
			t.Errorf("State(%d).String() = %q, want %q", int32(s), got, want)
		}
	}
}

func TestStateTextRoundTrip(t *testing.T) {
	for _, s := range []State{Closed, Open, HalfOpen} {
		data, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if want := `"` + s.String() + `"`; string(data) != want {
			t.Errorf("json of %v = %s, want %s", s, data, want)
		}
		var back State
		if err := json.Unmarshal(data, &back); err != nil || back != s {
			t.Errorf("round trip of %v = %v, %v", s, back, err)
		}
	}
	if _, err := json.Marshal(State(-1)); err == nil {
		t.Error("marshalling an invalid state succeeded")
	}
	var s State
	if err := s.UnmarshalText([]byte("ajar")); err == nil {
		t.Error("unmarshalling an unknown name succeeded")
	}
}
