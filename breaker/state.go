package breaker

import (
	"fmt"
	"strconv"
)

// State is the position of a breaker in its state machine.
type State int32

// The breaker states. Closed is the zero value so that a zero State reads
// as "traffic flows".
const (
	Closed State = iota
	Open
	HalfOpen
)

// stateNames are the wire names of the states; status APIs and logs use
// them, so they are part of the API and must not change.
var stateNames = [...]string{
	Closed:   "closed",
	Open:     "open",
	HalfOpen: "half_open",
}

// String returns "closed", "open" or "half_open".
func (s State) String() string {
	if s >= 0 && int(s) < len(stateNames) {
		return stateNames[s]
	}
	return "State(" + strconv.Itoa(int(s)) + ")"
}

// MarshalText makes a State marshal as its name in JSON and other text
// encodings, which is what a human reading a status page expects.
func (s State) MarshalText() ([]byte, error) {
	if s < 0 || int(s) >= len(stateNames) {
		return nil, fmt.Errorf("breaker: invalid state %d", int32(s))
	}
	return []byte(stateNames[s]), nil
}

// UnmarshalText is the inverse of MarshalText, so that clients of a status
// API written in Go can decode what it serves.
func (s *State) UnmarshalText(text []byte) error {
	for i, name := range stateNames {
		if string(text) == name {
			*s = State(i)
			return nil
		}
	}
	return fmt.Errorf("breaker: unknown state %q", text)
}
