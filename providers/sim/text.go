package sim

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// vocabulary is what the simulator talks with: lower-case ASCII words, so
// they need no escaping and can be capitalised in place.
var vocabulary = [...]string{
	"the", "a", "quick", "model", "answers", "with", "simulated", "words",
	"every", "token", "flows", "through", "gateway", "router", "and", "balancer",
	"keeps", "latency", "low", "while", "caddy", "serves", "requests", "from",
	"many", "providers", "in", "order", "to", "test", "streams", "calmly",
	"bright", "river", "under", "quiet", "stars", "shapes", "small", "ideas",
	"into", "clear", "replies", "for", "each", "curious", "user", "today",
	"gentle", "signal", "travels", "across", "fast", "networks", "where", "cached",
	"results", "wait", "patiently", "near", "edge", "servers", "glow", "softly",
}

const (
	maxEchoWords = 6  // words of the prompt the answer quotes
	maxEchoBytes = 24 // longest quoted word, so a huge "word" stays small
)

// answerBuilder writes an answer token by token into one buffer and
// remembers where each token ends, so a stream hands out slices of the same
// text, one token per chunk, without copying.
type answerBuilder struct {
	sb       strings.Builder
	cuts     []int // end offset of each token; kept only for streams
	keepCuts bool
	tokens   int
	escape   bool // words go inside a JSON string
}

// reserve sizes the buffers for about n tokens, so building an answer
// allocates once per buffer instead of growing step by step.
func (b *answerBuilder) reserve(n int) {
	b.sb.Grow(16 + 8*n)
	if b.keepCuts {
		b.cuts = make([]int, 0, n)
	}
}

// endToken marks the end of one token.
func (b *answerBuilder) endToken() {
	b.tokens++
	if b.keepCuts {
		b.cuts = append(b.cuts, b.sb.Len())
	}
}

// text returns the answer. Whatever was written after the last token (a
// closing quote or brace) joins the last token, and an answer always has
// at least one token.
func (b *answerBuilder) text() string {
	s := b.sb.String()
	if b.tokens == 0 {
		b.endToken()
	}
	if b.keepCuts {
		b.cuts[len(b.cuts)-1] = len(s)
	}
	return s
}

// raw writes s unescaped (JSON structure, or plain text).
func (b *answerBuilder) raw(s string) { b.sb.WriteString(s) }

// str writes s, escaped when inside a JSON string.
func (b *answerBuilder) str(s string) {
	if !b.escape {
		b.sb.WriteString(s)
		return
	}
	writeJSONStringBody(&b.sb, s)
}

// word writes one token: a space before all but the first, then
// prefix+w+suffix, w optionally capitalised.
func (b *answerBuilder) word(prefix, w, suffix string, capital bool) {
	if b.tokens > 0 {
		b.sb.WriteByte(' ')
	}
	b.str(prefix)
	if capital && w != "" && 'a' <= w[0] && w[0] <= 'z' {
		b.sb.WriteByte(w[0] - 'a' + 'A')
		w = w[1:]
	}
	b.str(w)
	b.str(suffix)
	b.endToken()
}

// prose writes n words: when echo holds words of the prompt, a quote of
// them first ("You said ...", with an ellipsis when cut), so a demo visibly answers what was asked,
// then sentences of vocabulary words chosen by seq. complete ends the last
// sentence with a period; otherwise the text is cut where n ran out.
func (b *answerBuilder) prose(seq *sequence, lead [2]string, echo []string, cut bool, n int, complete bool) {
	start := b.tokens
	left := func() int { return n - (b.tokens - start) }
	if len(echo) > 0 {
		for i := 0; i < len(lead) && left() > 0; i++ {
			b.word("", lead[i], "", i == 0)
		}
		for i, w := range echo {
			if left() <= 0 {
				return
			}
			prefix, suffix := "", ""
			if i == 0 {
				prefix = "\u201c"
			}
			if i == len(echo)-1 {
				suffix = "\u201d."
				if cut {
					suffix = "\u2026\u201d."
				}
			}
			b.word(prefix, w, suffix, false)
		}
	}
	sentence := 0 // words left in the current sentence
	for left() > 0 {
		first := sentence == 0
		if first {
			sentence = 4 + seq.below(9)
		}
		sentence--
		suffix := ""
		if sentence == 0 || (left() == 1 && complete) {
			suffix = "."
		}
		b.word("", vocabulary[seq.below(len(vocabulary))], suffix, first)
	}
}

// echoWords fills dst with the first words of c's text, each cut to a few
// bytes at a character boundary, and returns how many it found and whether
// more followed. It does not allocate: the words are slices of the message.
func echoWords(c *providers.Content, dst *[maxEchoWords]string) (n int, more bool) {
	add := func(s string) {
		for {
			w, rest := nextWord(s)
			if w == "" {
				return
			}
			if n == len(dst) {
				more = true
				return
			}
			dst[n] = clip(w, maxEchoBytes)
			n++
			s = rest
		}
	}
	if c.Parts == nil {
		add(c.Text)
	}
	for i := 0; i < len(c.Parts) && !more; i++ {
		if c.Parts[i].Type == "text" {
			add(c.Parts[i].Text)
		}
	}
	return n, more
}

// nextWord splits the first whitespace-separated word off s.
func nextWord(s string) (word, rest string) {
	start := -1
	for i, r := range s {
		space := unicode.IsSpace(r)
		if start < 0 && !space {
			start = i
		} else if start >= 0 && space {
			return s[start:i], s[i:]
		}
	}
	if start < 0 {
		return "", ""
	}
	return s[start:], ""
}

// clip shortens s to at most n bytes without splitting a character (or,
// in bytes that are not UTF-8, anywhere), so a clipped word is never empty.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for i := n; i > 0; i-- {
		if utf8.RuneStart(s[i]) {
			return s[:i]
		}
	}
	return s[:n]
}

// writeJSONStringBody writes s as the inside of a JSON string: quotes,
// backslashes and control characters escaped, invalid UTF-8 replaced.
func writeJSONStringBody(sb *strings.Builder, s string) {
	const hex = "0123456789abcdef"
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				sb.WriteByte('\\')
				sb.WriteByte(c)
			case c == '\n':
				sb.WriteString(`\n`)
			case c == '\r':
				sb.WriteString(`\r`)
			case c == '\t':
				sb.WriteString(`\t`)
			case c < 0x20:
				sb.WriteString(`\u00`)
				sb.WriteByte(hex[c>>4])
				sb.WriteByte(hex[c&0xf])
			default:
				sb.WriteByte(c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			sb.WriteString(`\ufffd`)
		} else {
			sb.WriteString(s[i : i+size])
		}
		i += size
	}
}

// writeJSONString writes s as a quoted JSON string.
func writeJSONString(sb *strings.Builder, s string) {
	sb.WriteByte('"')
	writeJSONStringBody(sb, s)
	sb.WriteByte('"')
}
