package main

import (
	"bytes"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sira-ai/caddy-ai-backends/routing"
)

// testRequests is the size of the simulation the tests run: large enough
// for the targets to mean something, small enough to run in a second under
// the race detector.
const (
	testRequests = 3000
	testSeed     = 1
)

// TestTargets keeps the claim of README.md true: with one provider failing
// every request, the intelligent strategy with the recommended weights
// costs within 5% of the oracle and answers at least 99.9% of requests.
func TestTargets(t *testing.T) {
	b := newBench(testRequests, testSeed)
	rows, oracle, err := b.all()
	if err != nil {
		t.Fatal(err)
	}
	if oracle.BrokenAttempts != 0 {
		t.Errorf("oracle called the broken deployment %d times", oracle.BrokenAttempts)
	}
	if oracle.SuccessRate() < targetSuccess {
		t.Errorf("oracle success %.4f < %.4f", oracle.SuccessRate(), targetSuccess)
	}
	tuned, err := b.strategy("tuned", routing.StrategyIntelligent, recommendedWeights)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("intelligent with %s: cost %s vs oracle, success %.3f%%", weightsLabel(recommendedWeights),
		relative(tuned.CostPer1K(), oracle.CostPer1K()), 100*tuned.SuccessRate())
	if !meetsTargets(tuned, oracle) {
		t.Errorf("intelligent with %s: cost %.4f vs oracle %.4f (%s), success %.4f; want within %.0f%% and >= %.4f",
			weightsLabel(recommendedWeights), tuned.CostPer1K(), oracle.CostPer1K(),
			relative(tuned.CostPer1K(), oracle.CostPer1K()), tuned.SuccessRate(),
			100*targetCostOverOracle, targetSuccess)
	}
	for _, r := range rows {
		if r.Name == routing.StrategyIntelligent {
			// The default weights must meet both targets out of the box.
			t.Logf("intelligent with default weights: cost %s vs oracle, success %.3f%%",
				relative(r.CostPer1K(), oracle.CostPer1K()), 100*r.SuccessRate())
			if !meetsTargets(r, oracle) {
				t.Errorf("intelligent (default weights): cost %s vs oracle, success %.4f",
					relative(r.CostPer1K(), oracle.CostPer1K()), r.SuccessRate())
			}
		}
	}
}

// TestDeterministic runs the same benchmark twice: same seed, same report,
// byte for byte; another seed, another workload.
func TestDeterministic(t *testing.T) {
	o := options{n: 500, seed: 7, weights: []routing.Weights{recommendedWeights}, successAlpha: statsAlpha}
	var first, second bytes.Buffer
	if err := report(&first, o); err != nil {
		t.Fatal(err)
	}
	if err := report(&second, o); err != nil {
		t.Fatal(err)
	}
	if first.String() != second.String() {
		t.Fatalf("two runs with one seed differ:\n%s\n---\n%s", first.String(), second.String())
	}
	for _, name := range append(routing.Names(), oracleName, "intelligent (cost 1, latency 0.05, reliability 0.05)") {
		if !strings.Contains(first.String(), "| "+name+" |") {
			t.Errorf("report has no row for %s:\n%s", name, first.String())
		}
	}
	if reflect.DeepEqual(workload(100, 7), workload(100, 8)) {
		t.Error("seeds 7 and 8 drew the same workload")
	}
}

// TestGridIsDeterministic checks that the parallel weight search gives
// what a sequential run gives.
func TestGridIsDeterministic(t *testing.T) {
	b := newBench(300, 3)
	grid := []routing.Weights{{Cost: 1}, {Cost: 1, Latency: 0.3, Reliability: 0.2}, {Reliability: 1}}
	rows, err := b.searchWeights(grid)
	if err != nil {
		t.Fatal(err)
	}
	for i, w := range grid {
		want, err := b.strategy(weightsLabel(w), routing.StrategyIntelligent, w)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(rows[i].Result, want) {
			t.Errorf("weights %v: parallel %+v, sequential %+v", w, rows[i].Result, want)
		}
	}
}

// twoDeploymentFleet is a broken primary and a healthy, never failing
// fallback, for tests of the attempt loop.
func twoDeploymentFleet() []deployment {
	f := defaultFleet()
	primary, fallback := f[0], f[2] // vertex (broken), openai/gpt-4.1-mini
	fallback.Behave.FailRate = 0
	return []deployment{primary, fallback}
}

func plainRequest(gap time.Duration) simRequest {
	return simRequest{Shape: routing.Request{Model: "chat", PromptTokens: 500, Region: "us-east-1"},
		OutputTokens: 100, Gap: gap}
}

// TestAttemptLoop follows the handler's mechanics request by request:
// retries on the broken primary, the breaker opening after five
// consecutive failures, the primary tried last while open, one probe when
// the recovery timeout has passed, and no fallback after a 400.
func TestAttemptLoop(t *testing.T) {
	fleet := twoDeploymentFleet()
	def, err := routing.New(routing.StrategyDefault, routing.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := newSimulation(fleet, gatewayDefaults(), 1)
	route := strategyRouter(def)
	steps := []struct {
		name           string
		req            simRequest
		ok             bool
		attempts       int
		brokenAttempts int
	}{
		{"three tries on the primary, then the fallback", plainRequest(time.Second), true, 4, 3},
		{"two more failures open the breaker", plainRequest(time.Second), true, 3, 2},
		{"open: primary sorted last, fallback answers", plainRequest(61 * time.Second), true, 1, 0},
		{"half-open: one probe, then the fallback", plainRequest(time.Second), true, 2, 1},
		{"reopened", plainRequest(time.Second), true, 1, 0},
	}
	for i, st := range steps {
		out := s.serve(i, &st.req, route)
		if out.ok != st.ok || out.attempts != st.attempts || out.brokenAttempts != st.brokenAttempts {
			t.Errorf("%d (%s): ok %v, attempts %d, broken %d; want %v, %d, %d", i, st.name,
				out.ok, out.attempts, out.brokenAttempts, st.ok, st.attempts, st.brokenAttempts)
		}
		if st.ok && out.cost <= 0 {
			t.Errorf("%d (%s): a success must be billed", i, st.name)
		}
	}

	// The default strategy does not filter by capability: a prompt no
	// window holds goes upstream, and the 400 ends the request at once.
	big := plainRequest(0)
	big.Shape.PromptTokens = 2_000_000
	out := s.serve(len(steps), &big, route)
	if out.ok || out.failure != "invalid_request" || out.attempts != 1 {
		t.Errorf("oversized prompt: ok %v, failure %q, attempts %d; want a single 400 without fallback",
			out.ok, out.failure, out.attempts)
	}
}

// TestOracleOrder checks the oracle's choices: capable, not broken,
// cheapest by the real answer length first.
func TestOracleOrder(t *testing.T) {
	fleet := defaultFleet()
	route := oracleRouter(fleet)
	r := plainRequest(0)
	d := route(&r, make([]routing.Candidate, len(fleet)))
	if len(d.Order) == 0 || fleet[d.Order[0]].Model != "llama-3.1-8b" {
		t.Fatalf("plain chat: order %v, want the self-hosted model first", d.Order)
	}
	r.Shape.NeedsTools = true
	d = route(&r, make([]routing.Candidate, len(fleet)))
	for _, i := range d.Order {
		if fleet[i].Behave.Broken || !fleet[i].Spec.Tools {
			t.Errorf("tools request: oracle kept %s", fleet[i].ID())
		}
	}
	if fleet[d.Order[0]].Model != "gpt-4o-mini" {
		t.Errorf("tools request: first %s, want gpt-4o-mini", fleet[d.Order[0]].ID())
	}
}

// TestFleetUsesCatalogPrices guards the fleet table: one broken
// deployment, and real catalog prices for every API model.
func TestFleetUsesCatalogPrices(t *testing.T) {
	broken := 0
	for _, d := range defaultFleet() {
		if d.Behave.Broken {
			broken++
		}
		if d.Spec.Prices.Input <= 0 || d.Spec.Prices.Output <= 0 {
			t.Errorf("%s has no prices (not in the catalog?)", d.ID())
		}
		if d.Behave.TokensPerSecond <= 0 || d.Behave.TTFT.Median <= 0 || d.Behave.TTFT.P99 < d.Behave.TTFT.Median {
			t.Errorf("%s: bad latency model %+v", d.ID(), d.Behave)
		}
	}
	if broken != 1 {
		t.Errorf("%d broken deployments, want 1", broken)
	}
}

// TestLognormal checks that the latency distribution has the median and
// p99 it was given.
func TestLognormal(t *testing.T) {
	l := lognormal{Median: ms(400), P99: ms(2000)}
	rng := rand.New(rand.NewPCG(1, 2))
	draws := make([]time.Duration, 100_000)
	for i := range draws {
		draws[i] = l.sample(rng)
	}
	slices.Sort(draws)
	for _, c := range []struct {
		p    float64
		want time.Duration
	}{{0.5, l.Median}, {0.99, l.P99}} {
		got := percentile(draws, c.p)
		if diff := float64(got-c.want) / float64(c.want); diff < -0.05 || diff > 0.05 {
			t.Errorf("p%.0f = %v, want %v ± 5%%", 100*c.p, got, c.want)
		}
	}
}

func TestPercentile(t *testing.T) {
	d := []time.Duration{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	for _, c := range []struct {
		p    float64
		want time.Duration
	}{{0.5, 5}, {0.99, 10}, {0.1, 1}, {0, 1}, {1, 10}} {
		if got := percentile(d, c.p); got != c.want {
			t.Errorf("percentile(%v) = %v, want %v", c.p, got, c.want)
		}
	}
	if percentile(nil, 0.5) != 0 {
		t.Error("percentile of nothing should be 0")
	}
}

func TestParseWeights(t *testing.T) {
	w, err := parseWeights("1, 0.1,0.05")
	if err != nil || len(w) != 1 || w[0] != (routing.Weights{Cost: 1, Latency: 0.1, Reliability: 0.05}) {
		t.Errorf("parseWeights: %v, %v", w, err)
	}
	for _, bad := range []string{"1,2", "a,b,c", "1,2,3,4"} {
		if _, err := parseWeights(bad); err == nil {
			t.Errorf("parseWeights(%q) accepted", bad)
		}
	}
	if w, err := parseWeights(""); err != nil || w != nil {
		t.Errorf(`parseWeights("") = %v, %v`, w, err)
	}
}
