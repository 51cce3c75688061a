// Package demo holds the demo province: Cà Mau after the July 2025 merger with
// Bạc Liêu, with its provincial departments and its 64 communes and wards.
//
// The files under data/ are what `parindex demo` loads (see Files): the unit
// groups, the units, one criteria set per group and year, and the points and
// measured inputs of every unit. The criteria sets, groups and units are
// written by hand; the scores and inputs files are produced by the generator
// in gen/, deterministically, from the criteria sets and the units:
//
//	go generate ./demo
package demo

//go:generate go run ./gen
