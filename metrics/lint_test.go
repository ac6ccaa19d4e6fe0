package metrics

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil/promlint"
)

// TestPromLint holds the metrics to Prometheus naming conventions (units,
// _total on counters, help text), as an operator's tooling would.
func TestPromLint(t *testing.T) {
	touchAll()
	problems, err := promlint.NewWithMetricFamilies(gather(t)).Lint()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		if p.Metric == nameKeyDaysLeft {
			continue // days, not seconds, on purpose: key expiry is read in days
		}
		t.Errorf("%s: %s", p.Metric, p.Text)
	}
}
