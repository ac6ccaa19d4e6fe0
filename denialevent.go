package aibackends

import (
	"net/http"

	"github.com/sira-ai/caddy-ai-backends/metrics"
	"github.com/sira-ai/caddy-ai-backends/security"
)

// codeSharedStateUnavailable is the code of sharedUnavailable's denial.
const codeSharedStateUnavailable = "shared_state_unavailable"

// denialEvent names a guard denial for ai_security_events_total, one
// stable value per reason. The code says the reason most precisely (a 413
// "too large" and a 429 share the rate-limit type); the status is the
// fallback for a denial whose code is new.
func denialEvent(d *security.Denial) string {
	switch d.Code {
	case security.CodeInvalidKey:
		return metrics.EventDeniedInvalidKey
	case security.CodeModelNotAllowed:
		return metrics.EventDeniedModel
	case security.CodeRequestTooLarge:
		return metrics.EventDeniedTooLarge
	case security.CodeInsufficientQuota, security.CodeBudgetReserved:
		return metrics.EventDeniedBudget
	case security.CodeAnomalousTraffic:
		return metrics.EventDeniedAnomaly
	case security.CodeRateLimited:
		return metrics.EventDeniedRateLimit
	case codeSharedStateUnavailable:
		return metrics.EventDeniedSharedState
	}
	switch {
	case d.Type == security.DenialBudgetExceeded:
		return metrics.EventDeniedBudget
	case d.Status == http.StatusUnauthorized:
		return metrics.EventDeniedInvalidKey
	case d.Status == http.StatusForbidden:
		return metrics.EventDeniedModel
	case d.Status == http.StatusRequestEntityTooLarge:
		return metrics.EventDeniedTooLarge
	case d.Status == http.StatusTooManyRequests:
		return metrics.EventDeniedRateLimit
	}
	return metrics.Other
}
