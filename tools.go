//go:build tools

// Dependencies the packages are growing into; keeps them in go.mod meanwhile.
package aibackends

import (
	_ "github.com/anthropics/anthropic-sdk-go"
	_ "github.com/dgraph-io/ristretto/v2"
	_ "github.com/openai/openai-go/v3"
	_ "github.com/prometheus/client_golang/prometheus"
	_ "go.uber.org/goleak"
	_ "go.uber.org/zap"
)
