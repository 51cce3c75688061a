package scoring

import (
	"strconv"
)

// PeriodKind is the kind of an assessment period, read from its code.
type PeriodKind string

// The kinds of period code: a year "2025", a quarter "2025-Q3", a month
// "2025-08"; any other code is KindOther.
const (
	KindYear    PeriodKind = "year"
	KindQuarter PeriodKind = "quarter"
	KindMonth   PeriodKind = "month"
	KindOther   PeriodKind = "other"
)

// KindOf returns the kind of a period code.
func KindOf(code string) PeriodKind {
	k, _ := parsePeriod(code)
	return k
}

// SameKind reports whether two period codes are of the same kind. Codes of
// no known kind are all of one kind, so a province that names its periods
// freely keeps comparing them by their order.
func SameKind(a, b string) bool { return KindOf(a) == KindOf(b) }

// PeriodStart returns the month a period begins, counted from January of
// year 0 (year × 12 + month − 1), and false for a code of no known kind.
// Periods of different kinds are ordered by it: 2025, 2025-Q1 and 2025-01
// all begin in the same month.
func PeriodStart(code string) (int, bool) {
	k, m := parsePeriod(code)
	return m, k != KindOther
}

func parsePeriod(code string) (PeriodKind, int) {
	if len(code) < 4 || !digits(code[:4]) {
		return KindOther, 0
	}
	year, _ := strconv.Atoi(code[:4])
	switch {
	case len(code) == 4:
		return KindYear, year * 12
	case len(code) == 7 && code[4] == '-' && code[5] == 'Q' && code[6] >= '1' && code[6] <= '4':
		return KindQuarter, year*12 + int(code[6]-'1')*3
	case len(code) == 7 && code[4] == '-' && digits(code[5:]):
		month, _ := strconv.Atoi(code[5:])
		if month >= 1 && month <= 12 {
			return KindMonth, year*12 + month - 1
		}
	}
	return KindOther, 0
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
