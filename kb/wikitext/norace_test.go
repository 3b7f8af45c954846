//go:build !race

package wikitext

const raceSlowdown = 1
