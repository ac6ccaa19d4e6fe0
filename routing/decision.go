package routing

// NewDecision assembles a Decision from an order chosen by a custom
// strategy: it fills Provider and Alternatives from the candidates and
// clamps the confidence to 0..1. Indexes out of range or repeated are
// dropped, so a buggy strategy cannot make the handler index out of
// bounds or try one deployment twice.
func NewDecision(strategy string, cands []Candidate, order []int, confidence float64, reasoning ...string) Decision {
	d := Decision{Strategy: strategy, Confidence: clamp01(confidence), Reasoning: reasoning}
	clean := make([]int, 0, len(order))
	for _, idx := range order {
		if idx < 0 || idx >= len(cands) || containsInt(clean, idx) {
			continue
		}
		clean = append(clean, idx)
	}
	if len(clean) == 0 {
		d.Confidence = 0
		return d
	}
	d.Order = clean
	d.Provider = cands[clean[0]].Provider
	if len(clean) > 1 {
		d.Alternatives = make([]string, len(clean)-1)
		for i, idx := range clean[1:] {
			d.Alternatives[i] = cands[idx].ID
		}
	}
	return d
}

func containsInt(s []int, v int) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}
