package catalog

import "math"

// perMillion is the unit of the price table: token prices are USD per one
// million tokens.
const perMillion = 1_000_000

// Cost is the price in USD of the usage t at the prices p.
//
// Every counter in Tokens is independent (providers.Usage.Tokens has already
// taken cached and cache-write tokens out of the prompt and reasoning out of
// the completion), so each is priced once, at its own rate: cache reads at
// the cached rate, never as plain input. A table that leaves the cache-write
// or reasoning rate at 0 means "same as input" or "same as output", which is
// how most providers bill them. The token terms are summed before the single
// division by a million so the result is as close to the table as a float64
// allows. Negative counters (a broken upstream report) count as zero, so a
// cost is never negative and can always be added to a counter.
func Cost(t Tokens, p Prices) float64 {
	cacheWriteRate := p.CacheWrite
	if cacheWriteRate == 0 {
		cacheWriteRate = p.Input
	}
	reasoningRate := p.Reasoning
	if reasoningRate == 0 {
		reasoningRate = p.Output
	}
	tokenCost := count(t.Input)*p.Input +
		count(t.CachedInput)*p.CachedInput +
		count(t.CacheWrite)*cacheWriteRate +
		count(t.Output)*p.Output +
		count(t.Reasoning)*reasoningRate
	return nonNegative(tokenCost/perMillion + count(t.Images)*p.PerImage + seconds(t.Seconds)*p.PerSecond)
}

// EmbeddingCost is the price in USD of an embeddings call: embedding models
// bill only the input tokens, at the input rate.
func EmbeddingCost(promptTokens int, p Prices) float64 {
	return nonNegative(count(promptTokens) * p.Input / perMillion)
}

// count converts a usage counter to float64, reading a negative one as 0.
func count(n int) float64 {
	if n < 0 {
		return 0
	}
	return float64(n)
}

// seconds reads a negative or NaN duration as 0, like count.
func seconds(s float64) float64 {
	if s < 0 || math.IsNaN(s) {
		return 0
	}
	return s
}

// nonNegative keeps a mistaken (negative or NaN) price in the table from
// producing a cost that would corrupt a monotonic cost counter.
func nonNegative(usd float64) float64 {
	if usd < 0 || math.IsNaN(usd) {
		return 0
	}
	return usd
}
