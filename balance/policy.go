package balance

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// Policy chooses one endpoint among equivalent ones.
type Policy interface {
	// Pick returns the index in eps of the endpoint to use, or -1 when
	// eps is empty. eps holds only the endpoints that are available (the
	// caller filters out those with an open breaker). Pick does not
	// allocate and is safe for concurrent use.
	Pick(eps []*Endpoint) int
}

// The policy names accepted by New.
const (
	RoundRobin         = "round_robin"
	WeightedRoundRobin = "weighted_round_robin"
	LeastConnections   = "least_connections"
	P2CEWMA            = "p2c_ewma"
	Random             = "random"
)

// policies lists every policy in the order Names reports them.
var policies = []struct {
	name string
	make func() Policy
}{
	{RoundRobin, func() Policy { return &roundRobin{} }},
	{WeightedRoundRobin, func() Policy { return &weightedRoundRobin{} }},
	{LeastConnections, func() Policy { return &leastConnections{intN: rand.IntN} }},
	{P2CEWMA, func() Policy { return &p2cEWMA{intN: rand.IntN, now: time.Now} }},
	{Random, func() Policy { return &random{intN: rand.IntN} }},
}

// New returns a new instance of the named policy. Each instance has its own
// state (round-robin position, mutex), so use one instance per group of
// endpoints.
func New(name string) (Policy, error) {
	for _, p := range policies {
		if p.name == name {
			return p.make(), nil
		}
	}
	return nil, fmt.Errorf("balance: unknown policy %q (valid: %s)", name, strings.Join(Names(), ", "))
}

// Names returns the names New accepts, for documentation and error
// messages.
func Names() []string {
	names := make([]string, len(policies))
	for i, p := range policies {
		names[i] = p.name
	}
	return names
}
