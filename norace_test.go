//go:build !race

package aibackends

const raceEnabled = false
