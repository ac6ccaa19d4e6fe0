package routing

import (
	"fmt"
	"math"
	"strings"

	"github.com/sira-ai/caddy-ai-backends/internal/named"
)

// builtins lists the built-in strategies in the order Names reports them.
var builtins = named.Table[func(o Options) Strategy]{
	{Name: StrategyDefault, Make: func(Options) Strategy { return defaultStrategy }},
	{Name: StrategyCost, Make: func(o Options) Strategy { return costStrategy{typicalOutput: o.ExpectedOutputTokens} }},
	{Name: StrategyPerformance, Make: func(Options) Strategy { return performanceStrategy{} }},
	{Name: StrategyCapability, Make: func(Options) Strategy { return capabilityStrategy }},
	{Name: StrategyReliability, Make: func(Options) Strategy { return reliabilityStrategy{} }},
	{Name: StrategyGeographic, Make: func(o Options) Strategy {
		return geographicStrategy{regions: cleanRegions(o.Regions)}
	}},
	{Name: StrategyLoadBalance, Make: func(Options) Strategy { return loadBalanceStrategy }},
	{Name: StrategyIntelligent, Make: func(o Options) Strategy {
		return intelligentStrategy{w: normalizeWeights(o.Weights), typicalOutput: o.ExpectedOutputTokens}
	}},
}

// New returns the named built-in strategy configured by opts. "" means
// default. Strategies are stateless and safe for concurrent use.
func New(name string, opts Options) (Strategy, error) {
	if err := opts.validate(); err != nil {
		return nil, err
	}
	if opts.ExpectedOutputTokens == 0 {
		opts.ExpectedOutputTokens = DefaultExpectedOutputTokens
	}
	if name == "" {
		name = StrategyDefault
	}
	newStrategy, err := builtins.Find("routing", "strategy", name)
	if err != nil {
		return nil, err
	}
	return newStrategy(opts), nil
}

// Names returns the built-in strategy names New accepts.
func Names() []string { return builtins.Names() }

func (o *Options) validate() error {
	w := o.Weights
	for _, v := range [...]float64{w.Cost, w.Latency, w.Reliability} {
		if v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("routing: weights must be finite and >= 0, got cost %v, latency %v, reliability %v",
				w.Cost, w.Latency, w.Reliability)
		}
	}
	if o.ExpectedOutputTokens < 0 {
		return fmt.Errorf("routing: expected_output_tokens must be >= 0, got %d", o.ExpectedOutputTokens)
	}
	return nil
}

// normalizeWeights scales the weights to sum 1; all zero means the
// defaults.
func normalizeWeights(w Weights) Weights {
	top := max(w.Cost, w.Latency, w.Reliability)
	if top <= 0 {
		return DefaultWeights
	}
	// Divide by the largest first, so that huge weights cannot overflow.
	w = Weights{Cost: w.Cost / top, Latency: w.Latency / top, Reliability: w.Reliability / top}
	sum := w.Cost + w.Latency + w.Reliability
	return Weights{Cost: w.Cost / sum, Latency: w.Latency / sum, Reliability: w.Reliability / sum}
}

// cleanRegions copies the configured regions without blanks, so that the
// caller may reuse its slice.
func cleanRegions(in []string) []string {
	var out []string
	for _, r := range in {
		if r = strings.TrimSpace(r); r != "" {
			out = append(out, r)
		}
	}
	return out
}
