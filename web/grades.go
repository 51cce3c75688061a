package web

import (
	"fmt"

	"github.com/parindex/parindex/scoring"
)

// badge is a grade as shown: code, name and a colour class.
type badge struct {
	Code, Name string
	Class      string
}

// paletteSize is the number of grade colours in the stylesheet
// (.grade-0 best … .grade-4 worst).
const paletteSize = 5

// gradeBadge colours a grade by its position in the set's list of grades,
// so any set of codes (XS/T/K/TB/Y, A/B/C, …) gets colours from best to
// worst spread over the palette.
func gradeBadge(f *scoring.Framework, g scoring.Grade) badge {
	if g.Code == "" {
		return badge{Code: "–", Class: "grade-none"}
	}
	n := len(f.Grades)
	for i, fg := range f.Grades {
		if fg.Code != g.Code {
			continue
		}
		pos := 0
		if n > 1 {
			// Round i·(palette−1)/(n−1) to the nearest colour.
			pos = (2*i*(paletteSize-1) + (n - 1)) / (2 * (n - 1))
		}
		return badge{Code: g.Code, Name: g.Name, Class: fmt.Sprintf("grade-%d", pos)}
	}
	return badge{Code: g.Code, Name: g.Name, Class: "grade-none"}
}

// gradeShare is one grade's part of a group: a legend entry and a segment of
// the distribution bar (an SVG rectangle, so no inline style is needed).
type gradeShare struct {
	badge
	Count   int
	Percent scoring.Decimal
	X, W    string // segment position and width in a 0..100 viewBox
}

func gradeShares(f *scoring.Framework, sum scoring.Summary) []gradeShare {
	shares := make([]gradeShare, 0, len(f.Grades))
	x := scoring.NewInt(0)
	for _, g := range f.Grades {
		sh := gradeShare{badge: gradeBadge(f, g), Count: sum.Grades[g.Code], Percent: scoring.NewInt(0)}
		if sum.Count > 0 {
			sh.Percent = scoring.NewInt(int64(sh.Count)).Mul(scoring.NewInt(100)).DivRound(scoring.NewInt(int64(sum.Count)), 4)
		}
		sh.X, sh.W = svgNumber(x), svgNumber(sh.Percent)
		x = x.Add(sh.Percent)
		shares = append(shares, sh)
	}
	return shares
}

// svgNumber writes a coordinate for an SVG attribute (always a dot).
func svgNumber(d scoring.Decimal) string { return d.StringFixed(2) }
