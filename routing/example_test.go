package routing_test

import (
	"fmt"
	"time"

	"github.com/sira-ai/caddy-ai-backends/catalog"
	"github.com/sira-ai/caddy-ai-backends/routing"
)

func ExampleNew() {
	strategy, err := routing.New("intelligent", routing.Options{})
	if err != nil {
		panic(err)
	}
	deployment := func(provider, model string, latency time.Duration, ok, total int) routing.Candidate {
		spec, _ := catalog.Lookup(model)
		return routing.Candidate{
			ID: provider + "/" + model, Provider: provider, Model: model, Spec: spec, Healthy: true,
			Latency: latency, SuccessRate: float64(ok) / float64(total), Samples: total,
		}
	}
	cands := []routing.Candidate{
		deployment("openai", "gpt-4o", 900*time.Millisecond, 995, 1000),
		deployment("anthropic", "claude-haiku-4-5", 600*time.Millisecond, 990, 1000),
		deployment("gemini", "gemini-2.5-flash", 700*time.Millisecond, 480, 500),
	}
	d := strategy.Route(&routing.Request{Model: "smart", PromptTokens: 1500, NeedsTools: true}, cands)
	fmt.Println(d.Provider, d.Alternatives)
	for _, line := range d.Reasoning {
		fmt.Println(line)
	}
	// Output:
	// gemini [anthropic/claude-haiku-4-5 openai/gpt-4o]
	// intelligent: weights cost 0.90, latency 0.05, reliability 0.05; lowest score first
	// 1. gemini/gemini-2.5-flash 0.215: cost $0.00109 (0.17), latency 700ms (0.78), success 96.0% (0.40)
	// 2. anthropic/claude-haiku-4-5 0.435: cost $0.00278 (0.44), latency 600ms (0.67), success 98.9% (0.11)
	// 3. openai/gpt-4o 0.953: cost $0.00631 (1.00), latency 900ms (1.00), success 99.4% (0.06)
}
