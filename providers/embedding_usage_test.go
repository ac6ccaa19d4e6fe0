package providers

import "testing"

// TestEmbeddingUsageOf: the upstream's count wins; without one, about a
// token per four characters (runes, not bytes), at least one per
// non-empty text.
func TestEmbeddingUsageOf(t *testing.T) {
	for _, tc := range []struct {
		reported int
		texts    []string
		want     int
	}{
		{7, []string{"a long text that is not counted"}, 7},
		{0, []string{"a"}, 1},
		{0, []string{"abcd", "abcde", ""}, 3},
		{0, []string{"héllo wörld"}, 3},
		{0, nil, 0},
	} {
		u := EmbeddingUsageOf(tc.reported, tc.texts)
		if u.PromptTokens != tc.want || u.TotalTokens != tc.want {
			t.Errorf("%d %q: %+v, want %d", tc.reported, tc.texts, u, tc.want)
		}
	}
}
