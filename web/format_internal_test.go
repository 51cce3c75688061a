package web

import (
	"testing"

	"github.com/parindex/parindex/scoring"
)

func TestNumberStyles(t *testing.T) {
	langs, err := loadLanguages("vi", nil)
	if err != nil {
		t.Fatal(err)
	}
	vi, en := langs.get("vi"), langs.get("en")
	dec := func(s string) scoring.Decimal {
		d, err := scoring.ParseDecimal(s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	tests := []struct {
		in       string
		vi, en   string
		viS, enS string // signed
	}{
		{"90.1", "90,10", "90.10", "+90,10", "+90.10"},
		{"90.095", "90,10", "90.10", "+90,10", "+90.10"}, // half up
		{"90.0949", "90,09", "90.09", "+90,09", "+90.09"},
		{"0", "0,00", "0.00", "0,00", "0.00"},
		{"-0.001", "0,00", "0.00", "0,00", "0.00"}, // no −0,00
		{"-12", "−12,00", "−12.00", "−12,00", "−12.00"},
		{"1234567.5", "1.234.567,50", "1,234,567.50", "+1.234.567,50", "+1,234,567.50"},
		{"100", "100,00", "100.00", "+100,00", "+100.00"},
	}
	for _, tt := range tests {
		d := dec(tt.in)
		if got := vi.Number(d); got != tt.vi {
			t.Errorf("vi %s = %q, want %q", tt.in, got, tt.vi)
		}
		if got := en.Number(d); got != tt.en {
			t.Errorf("en %s = %q, want %q", tt.in, got, tt.en)
		}
		if got := vi.Signed(d); got != tt.viS {
			t.Errorf("vi signed %s = %q, want %q", tt.in, got, tt.viS)
		}
		if got := en.Signed(d); got != tt.enS {
			t.Errorf("en signed %s = %q, want %q", tt.in, got, tt.enS)
		}
	}
	if got := vi.Int(24000); got != "24.000" {
		t.Errorf("vi 24000 = %q", got)
	}
	if got := en.Int(386797); got != "386,797" {
		t.Errorf("en 386797 = %q", got)
	}
}

func TestGradeColours(t *testing.T) {
	for _, tt := range []struct {
		n    int
		want []string
	}{
		{5, []string{"grade-0", "grade-1", "grade-2", "grade-3", "grade-4"}},
		{3, []string{"grade-0", "grade-2", "grade-4"}},
		{2, []string{"grade-0", "grade-4"}},
		{1, []string{"grade-0"}},
		{7, []string{"grade-0", "grade-1", "grade-1", "grade-2", "grade-3", "grade-3", "grade-4"}},
	} {
		f := &scoring.Framework{}
		for i := 0; i < tt.n; i++ {
			f.Grades = append(f.Grades, scoring.Grade{Code: string(rune('A' + i))})
		}
		for i, g := range f.Grades {
			if got := gradeBadge(f, g).Class; got != tt.want[i] {
				t.Errorf("%d grades, #%d: %s, want %s", tt.n, i, got, tt.want[i])
			}
		}
	}
	if got := gradeBadge(&scoring.Framework{}, scoring.Grade{}).Class; got != "grade-none" {
		t.Errorf("no grade: %s", got)
	}
}
