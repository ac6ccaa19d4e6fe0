package routing

import (
	"time"

	"github.com/sira-ai/caddy-ai-backends/catalog"
)

// Candidate is one deployment that could serve a request, with what the
// handler knows about it right now.
type Candidate struct {
	ID          string        // deployment id, "provider/model"
	Provider    string        // provider name
	Model       string        // upstream model
	Region      string        // e.g. "us-east", "eu-west-1"; "" or "global" when not pinned
	Weight      int           // balancing weight
	Spec        catalog.Spec  // capabilities and prices (after overrides)
	Healthy     bool          // breaker not open and health checks passing
	Latency     time.Duration // EWMA of full response latency; 0 = unknown
	TTFT        time.Duration // EWMA of time to first token for streams; 0 = unknown
	SuccessRate float64       // recent success ratio 0..1
	Samples     int           // how many outcomes SuccessRate is based on
	InFlight    int64         // requests in progress
}

// Request is what routing needs to know about one request: its shape, not
// its content.
type Request struct {
	Model        string // public model name asked for
	PromptTokens int    // estimate
	MaxTokens    int    // requested output limit (0 = unknown)
	NeedsVision  bool   // some message carries an image
	NeedsTools   bool   // tools were offered
	NeedsJSON    bool   // response_format json_object or json_schema
	Stream       bool
	Region       string // preferred region (from a header or the config); may be ""
}

// Decision is a strategy's answer: the candidates in the order to try them,
// and why.
type Decision struct {
	// Order holds indexes into the candidates, best first. Candidates that
	// cannot serve the request are left out; unhealthy ones come last.
	Order []int
	// Provider of the first choice; "" when Order is empty.
	Provider string
	// Strategy that decided. "load_balance" tells the handler to let its
	// balancer choose among Order instead of taking Order[0].
	Strategy string
	// Confidence in the first choice, 0..1: high when it is clearly better
	// than the runner-up, 0.5 for a coin flip, 0 when nothing can serve.
	Confidence float64
	// Reasoning is a few short human-readable lines with the numbers behind
	// the choice.
	Reasoning []string
	// Alternatives are the IDs of Order[1:], in order.
	Alternatives []string
}

// Strategy orders candidates for a request. Implementations must be safe
// for concurrent use, must not keep or modify req or cands, and should not
// allocate more than the Decision itself: Route runs on every request.
type Strategy interface {
	Name() string
	Route(req *Request, cands []Candidate) Decision
}

// Options tune the built-in strategies; zero values take the defaults.
type Options struct {
	// Weights of the intelligent strategy's score. Default 0.5/0.3/0.2.
	Weights Weights `json:"weights,omitempty"`
	// Regions in order of preference, for geographic routing when the
	// request names no region.
	Regions []string `json:"regions,omitempty"`
	// ExpectedOutputTokens is the typical completion length used in cost
	// estimates. Default 256.
	ExpectedOutputTokens int `json:"expected_output_tokens,omitempty"`
}

// Weights weigh the intelligent strategy's score. Only their ratios matter.
type Weights struct {
	Cost        float64 `json:"cost,omitempty"`
	Latency     float64 `json:"latency,omitempty"`
	Reliability float64 `json:"reliability,omitempty"`
}

// DefaultWeights are used when all weights are zero. Cost dominates: the
// routing simulation (bench/routingsim) shows larger latency weights trade
// far more money than they save time; users who want speed raise it.
var DefaultWeights = Weights{Cost: 0.9, Latency: 0.05, Reliability: 0.05}

// DefaultExpectedOutputTokens is the typical completion length assumed by
// cost estimates when Options leave it unset.
const DefaultExpectedOutputTokens = 256

// The built-in strategy names.
const (
	StrategyCost        = "cost"
	StrategyPerformance = "performance"
	StrategyCapability  = "capability"
	StrategyReliability = "reliability"
	StrategyGeographic  = "geographic"
	StrategyLoadBalance = "load_balance"
	StrategyDefault     = "default"
	StrategyIntelligent = "intelligent"
)
