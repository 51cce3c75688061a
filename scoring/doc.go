// Package scoring is the PAR Index engine: criteria sets (frameworks) of any
// depth, the leaf scoring methods, aggregation into points and indices,
// ranking with shared ranks, grade bands, group summaries and comparison with
// the previous period.
//
// The package is pure: it uses the standard library, an exact decimal type
// and parsers only. It never touches a database, HTTP or a logger. All
// arithmetic is exact decimal arithmetic; only published values are rounded,
// half up, to two decimals (see Publish).
package scoring
