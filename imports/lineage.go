package imports

import (
	"cmp"
	"errors"
	"io"
	"slices"

	"github.com/parindex/parindex/domain/problem"
	"github.com/parindex/parindex/scoring"
)

// LineageColumns are the lineage file's columns (contract.md, "Unit
// lineage"); weight is optional.
var LineageColumns = []string{"from_period", "from_unit", "to_period", "to_unit"}

// Lineage reads a lineage file: from_period,from_unit,to_period,to_unit
// [,weight], one row per predecessor → successor link. It checks each row
// (codes, period kinds, a positive weight) and the file's links together
// (a link given twice, a successor with weights on some predecessors only,
// a unit formed and continued at the same period); every problem names the
// line and field. Whether the units exist and how the links fit those
// already stored is the store's to check; Lines maps the links it returns
// back to their lines for those problems.
func Lineage(file string, r io.Reader) (*LineageFile, error) {
	recs, err := readCSV(file, r, LineageColumns, []string{"weight"})
	if err != nil {
		return nil, err
	}
	ps := &problems{file: file}
	lf := &LineageFile{}
	seen := map[scoring.LinkKey]int{}
	for _, rec := range recs {
		l := scoring.Link{FromPeriod: rec.get("from_period"), FromUnit: rec.get("from_unit"),
			ToPeriod: rec.get("to_period"), ToUnit: rec.get("to_unit")}
		ok := checkCode(ps, rec.line, "from_period", l.FromPeriod)
		ok = checkCode(ps, rec.line, "from_unit", l.FromUnit) && ok
		ok = checkCode(ps, rec.line, "to_period", l.ToPeriod) && ok
		ok = checkCode(ps, rec.line, "to_unit", l.ToUnit) && ok
		if w := rec.get("weight"); w != "" {
			d, err := scoring.ParseDecimal(w)
			switch {
			case err != nil:
				ps.add(rec.line, "weight", "%q is not a number", w)
				ok = false
			case !d.IsPositive():
				ps.add(rec.line, "weight", "%s must be greater than 0", w)
				ok = false
			default:
				l.Weight, l.HasWeight = d, true
			}
		}
		if first, dup := seen[l.Key()]; ok && dup {
			ps.add(rec.line, "to_unit", "the link %s already appears on line %d", l.Key(), first)
			ok = false
		}
		if ok {
			seen[l.Key()] = rec.line
			lf.Links = append(lf.Links, l)
			lf.Lines = append(lf.Lines, rec.line)
		}
	}
	if _, err := scoring.NewLineage(lf.Links); err != nil {
		var le *scoring.LineageError
		if !errors.As(err, &le) {
			return nil, err
		}
		for _, p := range le.Problems {
			ps.add(lf.Lines[p.Link], p.Field, "%s", p.Msg)
		}
	}
	if err := ps.err(); err != nil {
		sortProblems(err.(*problem.List))
		return nil, err
	}
	return lf, nil
}

// LineageFile is a checked lineage file: its links and the line of each.
type LineageFile struct {
	Links []scoring.Link
	Lines []int
}

// Problems turns problems found later with the file's links (by the store:
// unknown units, a clash with stored links) into the file's problems,
// naming each link's line; a problem of no link of the file (Link < 0) is
// reported without a line.
func (lf *LineageFile) Problems(file string, found []scoring.LinkProblem) error {
	ps := &problems{file: file}
	for _, p := range found {
		line := 0
		if p.Link >= 0 && p.Link < len(lf.Lines) {
			line = lf.Lines[p.Link]
		}
		ps.add(line, p.Field, "%s", p.Msg)
	}
	if err := ps.err(); err != nil {
		sortProblems(err.(*problem.List))
		return err
	}
	return nil
}

// sortProblems orders problems by line, keeping the order within a line.
func sortProblems(e *problem.List) {
	slices.SortStableFunc(e.Problems, func(a, b problem.Problem) int { return cmp.Compare(a.Line, b.Line) })
}
