package balance

import (
	"math/rand/v2"
	"time"

	"github.com/sira-ai/caddy-ai-backends/internal/named"
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
var policies = named.Table[func() Policy]{
	{Name: RoundRobin, Make: func() Policy { return &roundRobin{} }},
	{Name: WeightedRoundRobin, Make: func() Policy { return &weightedRoundRobin{} }},
	{Name: LeastConnections, Make: func() Policy { return &leastConnections{intN: rand.IntN} }},
	{Name: P2CEWMA, Make: func() Policy { return &p2cEWMA{intN: rand.IntN, now: time.Now} }},
	{Name: Random, Make: func() Policy { return &random{intN: rand.IntN} }},
}

// New returns a new instance of the named policy. Each instance has its own
// state (round-robin position, mutex), so use one instance per group of
// endpoints.
func New(name string) (Policy, error) {
	newPolicy, err := policies.Find("balance", "policy", name)
	if err != nil {
		return nil, err
	}
	return newPolicy(), nil
}

// Names returns the names New accepts, for documentation and error
// messages.
func Names() []string { return policies.Names() }
