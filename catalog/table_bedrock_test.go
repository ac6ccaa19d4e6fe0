package catalog

import "testing"

// The Bedrock ids the README names resolve, inference profiles and ARNs
// included, with the vendor's prices.
func TestBedrockModels(t *testing.T) {
	wantInputPrices(t, map[string]float64{
		"anthropic.claude-sonnet-4-5-20250929-v1:0":       3.00,
		"us.anthropic.claude-sonnet-4-5-20250929-v1:0":    3.00,
		"global.anthropic.claude-haiku-4-5-20251001-v1:0": 1.00,
		"eu.anthropic.claude-3-7-sonnet-20250219-v1:0":    3.00,
		"amazon.nova-pro-v1:0":                            0.80,
		"us.amazon.nova-lite-v1:0":                        0.06,
		"meta.llama3-3-70b-instruct-v1:0":                 0.72,
		"amazon.titan-embed-text-v2:0":                    0.02,
		"cohere.embed-english-v3":                         0.10,
		"arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-sonnet-4-5-20250929-v1:0": 3.00,
	})
	if s, _ := Lookup("us.anthropic.claude-sonnet-4-5-20250929-v1:0"); s.Prices.CacheWrite != 3.75 || s.ContextWindow != 200_000 || !s.Vision {
		t.Errorf("claude on bedrock: %+v", s)
	}
	if s, _ := Lookup("amazon.titan-embed-text-v2:0"); !s.Embeddings {
		t.Error("titan is not an embedding model")
	}
}
