package providers

import "unicode/utf8"

// EmbeddingUsageOf is an embedding answer's usage: the input tokens the
// upstream reported or, when it reported none (Google's and Vertex's
// answers may carry no count), an estimate from the texts of about one
// token per four characters, at least one per non-empty text.
func EmbeddingUsageOf(reported int, texts []string) EmbeddingUsage {
	tokens := reported
	if tokens == 0 {
		for _, t := range texts {
			if c := utf8.RuneCountInString(t); c > 0 {
				tokens += (c + 3) / 4
			}
		}
	}
	return EmbeddingUsage{PromptTokens: tokens, TotalTokens: tokens}
}
