package results

import (
	"cmp"
	"context"
	"slices"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/scoring"
)

// Standing is a unit's published result in one publication: what a
// correction may change.
type Standing struct {
	Points Fixed2 `json:"points"`
	Index  Fixed2 `json:"index"`
	Rank   int    `json:"rank"`
	Grade  string `json:"grade"`
}

// UnitChange is what a publication changed for one unit against the
// publication before it. Before is nil for a unit the earlier publication
// did not rank, After for one the later publication no longer ranks.
type UnitChange struct {
	Group    string    `json:"group"`
	Unit     string    `json:"unit"`
	UnitName string    `json:"unit_name"`
	Before   *Standing `json:"before"`
	After    *Standing `json:"after"`
}

// Changes lists the units whose points, index, rank or grade publication
// number of a period changed against publication number-1, by group then
// unit code. Publication 1 changes nothing.
func (s *Service) Changes(ctx context.Context, period string, number int) ([]UnitChange, error) {
	if number <= 1 {
		if _, err := s.ComputePublication(ctx, period, 1, "", scoring.StageFinal); err != nil {
			return nil, err
		}
		return []UnitChange{}, nil
	}
	before, err := s.ComputePublication(ctx, period, number-1, "", scoring.StageFinal)
	if err != nil {
		return nil, err
	}
	after, err := s.ComputePublication(ctx, period, number, "", scoring.StageFinal)
	if err != nil {
		return nil, err
	}
	return Diff(before.Rows(), after.Rows()), nil
}

// Diff compares two sets of published rows by group and unit: the units
// whose points, index, rank or grade differ, or that only one ranks.
func Diff(before, after []Row) []UnitChange {
	type key struct{ group, unit string }
	standing := func(r Row) *Standing {
		return &Standing{Points: r.Points, Index: r.Index, Rank: r.Rank, Grade: r.Grade}
	}
	changes := map[key]*UnitChange{}
	for _, r := range before {
		changes[key{r.Group, r.Unit}] = &UnitChange{Group: r.Group, Unit: r.Unit, UnitName: r.UnitName, Before: standing(r)}
	}
	for _, r := range after {
		k := key{r.Group, r.Unit}
		ch := changes[k]
		if ch == nil {
			ch = &UnitChange{Group: r.Group, Unit: r.Unit}
			changes[k] = ch
		}
		ch.UnitName, ch.After = r.UnitName, standing(r)
	}
	out := []UnitChange{}
	for _, ch := range changes {
		if ch.Before == nil || ch.After == nil || !sameStanding(*ch.Before, *ch.After) {
			out = append(out, *ch)
		}
	}
	slices.SortFunc(out, func(a, b UnitChange) int { return cmp.Or(cmp.Compare(a.Group, b.Group), cmp.Compare(a.Unit, b.Unit)) })
	return out
}

// sameStanding compares published (two-decimal) values, as readers see
// them.
func sameStanding(a, b Standing) bool {
	return a.Points.String() == b.Points.String() && a.Index.String() == b.Index.String() && a.Rank == b.Rank && a.Grade == b.Grade
}

// Publication returns one publication of a period with its frozen data,
// or an error of kind domain.ErrNotFound.
func (s *Service) Publication(ctx context.Context, period string, number int) (domain.Publication, error) {
	if s.Publications == nil {
		return domain.Publication{}, domain.Errorf(domain.ErrNotFound, "pub.not_found", "period %s has no publication number %d", period, number)
	}
	return s.Publications.Publication(ctx, period, number)
}
