package main

import (
	"context"
	"io"
	"os"
	"testing"

	"github.com/parindex/parindex/internal/benchdata"
	"github.com/parindex/parindex/store/storetest"
)

// benchProvince writes and imports a period (2025) of `units` units scored
// on a set of `leaves` leaves (one in four a ratio leaf over inputs, the
// rest manual), with self and final points for every manual leaf.
func benchProvince(b *testing.B, units, leaves int) string {
	return benchProvincePeriods(b, units, leaves, "2025")
}

// benchProvincePeriods is benchProvince over several periods, each with
// the same set and its own random points.
func benchProvincePeriods(b *testing.B, units, leaves int, periods ...string) string {
	b.Helper()
	db := storetest.URL(b)
	imports, _, err := benchdata.Write(b.TempDir(), units, leaves, periods...)
	if err != nil {
		b.Fatal(err)
	}
	for _, args := range imports {
		if code := run(context.Background(), append(args, "--db", db), noEnv, nil, io.Discard, os.Stderr); code != 0 {
			b.Fatalf("%v: exit %d", args, code)
		}
	}
	return db
}

func noEnv(string) string { return "" }

// BenchmarkScoreCommand runs `parindex score --period 2025 --format csv` end
// to end — open the database, check the schema, load the set and every
// point, score, rank and print — for 200 units × 120 leaves.
func BenchmarkScoreCommand(b *testing.B) {
	db := benchProvince(b, 200, 120)
	b.ResetTimer()
	for b.Loop() {
		if code := run(context.Background(), []string{"score", "--db", db, "--period", "2025", "--format", "csv"}, noEnv, nil, io.Discard, os.Stderr); code != 0 {
			b.Fatalf("exit %d", code)
		}
	}
}
