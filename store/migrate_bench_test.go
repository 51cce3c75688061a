package store_test

import (
	"testing"

	"github.com/parindex/parindex/store/storetest"
)

// BenchmarkMigrateCurrent is the schema check every command makes on start:
// Migrate on a database whose schema is already current.
func BenchmarkMigrateCurrent(b *testing.B) {
	s := storetest.Open(b)
	for b.Loop() {
		must(b, s.Migrate(b.Context()))
	}
}
