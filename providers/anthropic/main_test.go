package anthropic

import (
	"testing"

	"github.com/sira-ai/caddy-ai-backends/internal/leakcheck"
)

// TestMain fails the package if a test leaves goroutines behind (an unclosed
// stream, a stuck reader).
func TestMain(m *testing.M) { leakcheck.VerifyTestMain(m) }
