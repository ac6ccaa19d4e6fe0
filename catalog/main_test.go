package catalog

import (
	"testing"

	"go.uber.org/goleak"
)

// The loader runs a goroutine and an HTTP client: Close must stop both.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
