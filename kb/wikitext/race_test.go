//go:build race

package wikitext

// raceSlowdown widens time limits under the race detector.
const raceSlowdown = 10
