package reports

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/results"
	"github.com/parindex/parindex/scoring"
)

// Computer computes a period's results; *results.Service implements it.
type Computer interface {
	Compute(ctx context.Context, period, group string, stage scoring.Stage) (*results.Output, error)
}

// gradePalette colours grades by their place in the set's bands, best first.
var gradePalette = []string{"#1a7f37", "#2f81f7", "#bf8700", "#d4631a", "#cf222e", "#6e7781", "#8250df"}

// GradeColor is the colour of the i-th grade band of a set (0: the best).
func GradeColor(i int) string {
	if i < 0 {
		return "#8c959f"
	}
	return gradePalette[min(i, len(gradePalette)-1)]
}

// Overview is a period's province overview: every group's ranking, grade
// distribution, sub-indices and weak fields.
type Overview struct {
	Period string
	Groups []GroupOverview
}

// Field is a top-level item of a criteria set.
type Field struct {
	Code, Name string
	// Short is the name for a chart's axis (ShortLabel).
	Short string
	Max   scoring.Decimal
	// Extra marks bonus and penalty items, outside the 100 points.
	Extra bool
}

// GradeCount is one grade band with its number of units.
type GradeCount struct {
	Code, Name string
	Min        scoring.Decimal
	Count      int
	Color      string
}

// UnitLine is one unit's line in a group's overview, with published values.
type UnitLine struct {
	Unit, Name         string
	Rank               int
	Points, Max, Index scoring.Decimal
	Grade, GradeName   string
	Color              string
	RankChange         *int
	IndexChange        *scoring.Decimal
	// NoRank is set for a unit compared through the lineage with several
	// units (a merger) or a split one: it has no change of rank.
	NoRank bool
	// Items are the points of every field (Fields order); SubIndex the
	// published sub-index of the regular fields, nil where the field does
	// not apply (Regular order).
	Items    []scoring.Decimal
	SubIndex []*scoring.Decimal
}

// FieldMean is a field's mean sub-index over the units it applies to.
type FieldMean struct {
	Field
	Mean  scoring.Decimal
	Units int
}

// GroupOverview is one group's part of the overview.
type GroupOverview struct {
	Code, Name, SetName string
	// Previous is the period changes compare with ("" when none).
	Previous string
	Fields   []Field
	// Regular lists the fields inside the 100 points (heatmap columns).
	Regular []Field
	Units   []UnitLine
	Grades  []GradeCount
	Count   int
	Mean    scoring.Decimal
	// PrevMean and MeanChange compare with the previous period's mean index.
	PrevMean, MeanChange *scoring.Decimal
	// Weakest lists the regular fields from the lowest mean sub-index up.
	Weakest []FieldMean
}

// BuildOverview computes a period's overview from its final results and,
// for each group, its previous period's results (for the change of mean).
// names maps group codes to names.
func BuildOverview(ctx context.Context, comp Computer, period string, names map[string]string) (*Overview, error) {
	out, err := comp.Compute(ctx, period, "", scoring.StageFinal)
	if err != nil {
		return nil, err
	}
	ov := &Overview{Period: period}
	for _, g := range out.Groups {
		var prevMean *scoring.Decimal
		if g.Previous != "" {
			prev, err := comp.Compute(ctx, g.Previous, g.Code, scoring.StageFinal)
			if err != nil && !errors.Is(err, domain.ErrNotFound) {
				return nil, fmt.Errorf("reports: previous results of %s: %w", g.Code, err)
			}
			if err == nil && len(prev.Groups) == 1 {
				m := prev.Groups[0].Summary.MeanIndex
				prevMean = &m
			}
		}
		ov.Groups = append(ov.Groups, NewGroupOverview(g, nameOr(names[g.Code], g.Code), prevMean))
	}
	return ov, nil
}

// NewGroupOverview assembles one group's overview from its results.
func NewGroupOverview(g results.Group, name string, prevMean *scoring.Decimal) GroupOverview {
	f := g.Framework
	gov := GroupOverview{Code: g.Code, Name: name, SetName: f.Name, Previous: g.Previous,
		Count: g.Summary.Count, Mean: g.Summary.MeanIndex, PrevMean: prevMean}
	if prevMean != nil {
		ch := scoring.Publish(g.Summary.MeanIndex).Sub(scoring.Publish(*prevMean))
		gov.MeanChange = &ch
	}
	gov.Fields, gov.Regular = fieldsOf(f)
	colors := map[string]string{}
	for i, gr := range f.Grades {
		colors[gr.Code] = GradeColor(i)
		gov.Grades = append(gov.Grades, GradeCount{Code: gr.Code, Name: gr.Name, Min: gr.Min,
			Count: g.Summary.Grades[gr.Code], Color: GradeColor(i)})
	}
	sums := make([]scoring.Decimal, len(gov.Regular))
	counts := make([]int, len(gov.Regular))
	for _, r := range g.Results {
		line := UnitLine{Unit: r.Unit, Name: nameOr(r.UnitName, r.Unit), Rank: r.Rank,
			Points: scoring.Publish(r.Points), Max: scoring.Publish(r.Max), Index: r.Published(),
			Grade: r.Grade.Code, GradeName: r.Grade.Name, Color: colorOr(colors[r.Grade.Code]),
			RankChange: r.RankChange}
		if r.IndexChange != nil {
			ic := scoring.Publish(*r.IndexChange)
			line.IndexChange = &ic
		}
		if c := r.Compared; c != nil && (c.Kind == scoring.Merged || c.Kind == scoring.Split) {
			line.NoRank = true
		}
		for _, fd := range gov.Fields {
			line.Items = append(line.Items, scoring.Publish(r.Nodes[fd.Code].Points))
		}
		for i, fd := range gov.Regular {
			n := r.Nodes[fd.Code]
			if !n.Max.IsPositive() {
				line.SubIndex = append(line.SubIndex, nil)
				continue
			}
			si := n.SubIndex()
			sums[i] = sums[i].Add(si)
			counts[i]++
			p := scoring.Publish(si)
			line.SubIndex = append(line.SubIndex, &p)
		}
		gov.Units = append(gov.Units, line)
	}
	for i, fd := range gov.Regular {
		if counts[i] == 0 {
			continue
		}
		gov.Weakest = append(gov.Weakest, FieldMean{Field: fd, Units: counts[i],
			Mean: scoring.Publish(sums[i].DivRound(scoring.NewInt(int64(counts[i])), 20))})
	}
	sort.SliceStable(gov.Weakest, func(i, j int) bool { return gov.Weakest[i].Mean.LessThan(gov.Weakest[j].Mean) })
	return gov
}

// fieldsOf lists a set's top-level items, and those inside the 100 points.
func fieldsOf(f *scoring.Framework) (all, regular []Field) {
	for _, it := range f.Items {
		fd := Field{Code: it.Code, Name: it.Name, Short: ShortLabel(it, axisBudget), Max: it.Max, Extra: it.Extra()}
		all = append(all, fd)
		if !fd.Extra {
			regular = append(regular, fd)
		}
	}
	return all, regular
}

func nameOr(name, code string) string {
	if name == "" {
		return code
	}
	return name
}

func colorOr(c string) string {
	if c == "" {
		return GradeColor(-1)
	}
	return c
}
