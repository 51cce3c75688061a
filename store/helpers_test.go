package store_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/scoring"
	"github.com/parindex/parindex/store"
)

func dec(t testing.TB, s string) scoring.Decimal {
	t.Helper()
	d, err := decimal.NewFromString(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func pts(t testing.TB, s string) scoring.Value { return scoring.Value{Points: dec(t, s)} }

var notApplicable = scoring.Value{NA: true}

// setYAML is a criteria set with one field of manual leaves 1.1..1.n (max 1
// each), a ratio leaf R and a bonus leaf B.
func setYAML(period, group, name string, leaves int) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "period: %q\ngroup: %s\nname: %s\n", period, group, name)
	b.WriteString("grades:\n  - {code: A, name: Tốt, min: 50}\n  - {code: B, name: Yếu, min: 0}\n")
	b.WriteString("items:\n  - code: \"1\"\n    name: Lĩnh vực 1\n    items:\n")
	for i := 1; i <= leaves; i++ {
		fmt.Fprintf(&b, "      - {code: \"1.%d\", name: Tiêu chí 1.%d, max: 1, method: manual, step: 0.25}\n", i, i)
	}
	b.WriteString("  - {code: R, name: Tỷ lệ, max: 2, method: ratio, numerator: done, denominator: assigned}\n")
	b.WriteString("  - {code: B, name: Thưởng, max: 0.5, method: bonus}\n")
	return []byte(b.String())
}

func parseSet(t testing.TB, src []byte) *scoring.Framework {
	t.Helper()
	fw, err := scoring.ParseFramework(strings.NewReader(string(src)))
	if err != nil {
		t.Fatalf("parse criteria set: %v", err)
	}
	return fw
}

func saveSet(t testing.TB, s *store.Store, src []byte, force bool) (bool, error) {
	t.Helper()
	return s.SaveFramework(t.Context(), parseSet(t, src), src, force)
}

// seed adds groups SO and XA, units S1, S2 (SO; S2's parent is S1) and X1 (XA).
func seed(t testing.TB, s *store.Store) {
	t.Helper()
	if err := s.UpsertGroups(t.Context(), []domain.Group{{Code: "SO", Name: "Sở, ban, ngành"}, {Code: "XA", Name: "Xã, phường"}}); err != nil {
		t.Fatal(err)
	}
	_, _, err := s.ImportUnits(t.Context(), []domain.Unit{
		{Code: "S1", Name: "Sở Nội vụ", Group: "SO"},
		{Code: "S2", Name: "Sở Tư pháp", Group: "SO", Parent: "S1"},
		{Code: "X1", Name: "UBND xã Hạ Hòa", Group: "XA"},
	})
	if err != nil {
		t.Fatal(err)
	}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// wantKind checks an error's kind (nil: no error).
func wantKind(t testing.TB, err, kind error) {
	t.Helper()
	switch {
	case kind == nil && err != nil:
		t.Fatalf("unexpected error: %v", err)
	case kind != nil && !errors.Is(err, kind):
		t.Fatalf("error = %v, want kind %v", err, kind)
	}
}

func count(t testing.TB, s *store.Store, table string) int64 {
	t.Helper()
	var n int64
	must(t, s.Gorm().Raw("SELECT count(*) FROM "+table).Scan(&n).Error)
	return n
}

// periodRows reads the periods table as stored, whatever the schema's
// version: Periods itself reads tables of later versions.
func periodRows(t testing.TB, s *store.Store) []store.PeriodRow {
	t.Helper()
	var rows []store.PeriodRow
	must(t, s.Gorm().Select("code", "name", "phase").Order("code").Find(&rows).Error)
	return rows
}
