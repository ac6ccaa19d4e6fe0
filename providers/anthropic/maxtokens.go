package anthropic

import "strings"

// FallbackMaxTokens is max_tokens for a model the table below does not
// know. Every Claude model accepts it.
const FallbackMaxTokens = 4096

// DefaultMaxTokens returns the max_tokens sent when the client set no output
// limit. Anthropic requires the field; OpenAI clients usually omit it and
// expect the model's whole answer, so the default is the model's standard
// output limit: 4096 for Claude 3, 8192 for Claude 3.5 and 3.7 (3.7 allows
// more; the smaller value is the conservative choice), 32000 for Opus 4 and
// 4.1, 64000 for the other Claude 4 models, 32000 for a later generation.
// Names it cannot place get FallbackMaxTokens.
//
// Names are matched by family and version, so dated snapshots, "-latest"
// aliases and Bedrock/Vertex style names resolve alike:
// claude-3-5-sonnet-20241022, claude-sonnet-4-5, anthropic.claude-3-haiku-20240307-v1:0.
func DefaultMaxTokens(model string) int {
	family, major, minor, ok := parseModelName(model)
	if !ok {
		return FallbackMaxTokens
	}
	switch {
	case major == 3 && minor == 0: // claude-3-opus, -sonnet, -haiku
		return 4096
	case major == 3: // claude-3-5-*, claude-3-7-sonnet
		return 8192
	case major == 4 && family == "opus" && minor < 5: // claude-opus-4, -4-1
		return 32000
	case major == 4: // claude-sonnet-4, -4-5, claude-haiku-4-5, claude-opus-4-5 and later
		return 64000
	case major > 4: // a newer generation: every Claude 4 model allows at least this
		return 32000
	}
	return FallbackMaxTokens
}

// parseModelName finds the family (opus, sonnet, haiku) and the version in a
// Claude model name. Version numbers are the one- or two-digit parts; dates
// (20250514) and suffixes (v1:0) are skipped.
func parseModelName(model string) (family string, major, minor int, ok bool) {
	name := strings.ToLower(model)
	if !strings.Contains(name, "claude") {
		return "", 0, 0, false
	}
	var nums []int
	for part := range strings.FieldsFuncSeq(name, func(r rune) bool {
		return r == '-' || r == '.' || r == '@' || r == ':' || r == '_' || r == '/'
	}) {
		switch part {
		case "opus", "sonnet", "haiku":
			if family == "" {
				family = part
			}
			continue
		}
		if n, isNum := smallNumber(part); isNum && len(nums) < 2 {
			nums = append(nums, n)
		}
	}
	if family == "" || len(nums) == 0 {
		return "", 0, 0, false
	}
	if len(nums) > 1 {
		minor = nums[1]
	}
	return family, nums[0], minor, true
}

// smallNumber parses a part of one or two digits.
func smallNumber(s string) (int, bool) {
	if len(s) == 0 || len(s) > 2 {
		return 0, false
	}
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}
