package routing

import (
	"math"
	"strconv"
	"testing"
	"time"

	"github.com/sira-ai/caddy-ai-backends/catalog"
)

// byteReader hands out fuzz input bytes, then zeros.
type byteReader []byte

func (b *byteReader) next() byte {
	if len(*b) == 0 {
		return 0
	}
	v := (*b)[0]
	*b = (*b)[1:]
	return v
}

func (b *byteReader) bit(v byte, i uint) bool { return v&(1<<i) != 0 }

var fuzzRegions = []string{"", "us-east-1", "us-west-2", "eu-west-1", "westeurope", "ap-southeast-1", "global", "mars"}

// fleetFromBytes builds a request and up to 20 candidates (more than the
// stack scratch holds) from fuzz input.
func fleetFromBytes(data []byte) (Request, []Candidate) {
	b := byteReader(data)
	f := b.next()
	req := Request{
		Model:        "m",
		PromptTokens: int(b.next())*97 - 500,
		MaxTokens:    int(b.next())*61 - 100,
		NeedsVision:  b.bit(f, 0), NeedsTools: b.bit(f, 1), NeedsJSON: b.bit(f, 2), Stream: b.bit(f, 3),
		Region: fuzzRegions[int(b.next())%len(fuzzRegions)],
	}
	n := int(b.next()) % 21
	cands := make([]Candidate, n)
	for i := range cands {
		caps, size, price, perf := b.next(), b.next(), b.next(), b.next()
		rate := float64(b.next()) / 200 // up to 1.27: out of range on purpose
		if perf == 255 {
			rate = math.NaN()
		}
		cands[i] = Candidate{
			ID:       "p" + strconv.Itoa(i) + "/m",
			Provider: "p" + strconv.Itoa(i),
			Region:   fuzzRegions[int(caps>>5)%len(fuzzRegions)],
			Healthy:  b.bit(caps, 0),
			Spec: catalog.Spec{
				Vision: b.bit(caps, 1), Tools: b.bit(caps, 2), JSONMode: b.bit(caps, 3), Streaming: b.bit(caps, 4),
				ContextWindow: int(size&0x0f) * 4096, MaxOutput: int(size>>4) * 1024,
				Reasoning: b.bit(price, 7),
				Prices:    catalog.Prices{Input: float64(price&0x0f) / 4, Output: float64(price>>4&0x07) / 2},
			},
			Latency:     time.Duration(perf&0x0f) * 50 * time.Millisecond,
			TTFT:        time.Duration(perf>>4) * 20 * time.Millisecond,
			SuccessRate: rate,
			Samples:     int(b.next()) - 20,
		}
	}
	return req, cands
}

func FuzzRoute(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{0x0f, 50, 20, 3, 8, 0xff, 0xff, 0x3c, 0x12, 190, 100, 0x1e, 0x04, 0x11, 0xff, 150, 30})
	f.Add([]byte{0x01, 255, 255, 5, 20, 0x03, 0x44, 0x25, 0x31, 200, 250})
	f.Add(make([]byte, 200))
	strategies := make([]Strategy, 0, len(Names()))
	for _, name := range Names() {
		s, err := New(name, Options{Regions: []string{"eu-west", "us-east"}, Weights: Weights{Cost: 1, Latency: 2, Reliability: 3}})
		if err != nil {
			f.Fatal(err)
		}
		strategies = append(strategies, s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		req, cands := fleetFromBytes(data)
		for _, s := range strategies {
			d := s.Route(&req, cands)
			checkDecision(t, cands, d)
			if d.Strategy != s.Name() {
				t.Fatalf("strategy %q from %s", d.Strategy, s.Name())
			}
			inOrder := make([]bool, len(cands))
			for _, idx := range d.Order {
				inOrder[idx] = true
			}
			for i := range cands {
				ok, _ := Capable(&req, cands[i].Spec)
				switch {
				case s.Name() == StrategyDefault && !inOrder[i]:
					t.Fatalf("default dropped %s", cands[i].ID)
				case s.Name() != StrategyDefault && ok != inOrder[i]:
					t.Fatalf("%s: %s capable=%v but in order=%v", s.Name(), cands[i].ID, ok, inOrder[i])
				}
			}
			if math.IsNaN(d.Confidence) {
				t.Fatalf("%s: NaN confidence", s.Name())
			}
		}
		key := ShapeKey(&req, "x")
		if key == "" {
			t.Fatal("empty shape key")
		}
	})
}
