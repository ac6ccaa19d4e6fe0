package security

import "time"

// budgetWindow accumulates spending over fixed periods. Periods are aligned
// to multiples of the period length since the zero time (time.Truncate), so
// every gateway instance and restart agrees on when a period resets: 24h at
// UTC midnight, 1h on the hour. Spending is kept in memory only; a restart
// forgets it. Not safe for concurrent use; ClientKey guards it.
type budgetWindow struct {
	period time.Duration // 0 = a single period that never ends
	start  time.Time     // start of the current period (zero if period == 0)
	spent  float64       // USD spent in the current period
}

func newBudgetWindow(period time.Duration, now time.Time) budgetWindow {
	w := budgetWindow{period: period}
	if period > 0 {
		w.start = now.Truncate(period)
	}
	return w
}

// roll starts a new period, with nothing spent, once now has passed the end
// of the current one. A clock stepping backwards never reopens an old period.
func (w *budgetWindow) roll(now time.Time) {
	if w.period <= 0 {
		return
	}
	if start := now.Truncate(w.period); start.After(w.start) {
		w.start, w.spent = start, 0
	}
}

// resetsAt is when the current period ends; the zero time if it never does.
func (w *budgetWindow) resetsAt() time.Time {
	if w.period <= 0 {
		return time.Time{}
	}
	return w.start.Add(w.period)
}
