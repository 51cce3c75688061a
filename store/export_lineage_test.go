package store

// The lineage's row structs, for the tests that read every table back.
type (
	LineageRow       = lineageRow
	LineageChangeRow = lineageChangeRow
)
