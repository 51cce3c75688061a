package results

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/parindex/parindex/internal/csvout"
	"github.com/parindex/parindex/scoring"
)

// Fixed2 is a decimal published with two decimals; in JSON it is a number
// written with exactly two decimals (90.10).
type Fixed2 struct{ scoring.Decimal }

// MarshalJSON writes the value as a JSON number with two decimals.
func (f Fixed2) MarshalJSON() ([]byte, error) {
	return []byte(scoring.FormatPublished(f.Decimal)), nil
}

// String renders the value with two decimals.
func (f Fixed2) String() string { return scoring.FormatPublished(f.Decimal) }

// Format makes fmt print the two-decimal form too; without it fmt would use
// the embedded decimal's own formatter and print every digit.
func (f Fixed2) Format(s fmt.State, _ rune) { io.WriteString(s, f.String()) }

// Row is one unit's result as published: the fields of contract.md's
// "Results" section, plus the grade's name and the criteria set's stage.
type Row struct {
	Period      string  `json:"period"`
	Group       string  `json:"group"`
	Unit        string  `json:"unit"`
	UnitName    string  `json:"unit_name"`
	Points      Fixed2  `json:"points"`
	Max         Fixed2  `json:"max"`
	Index       Fixed2  `json:"index"`
	Rank        int     `json:"rank"`
	Grade       string  `json:"grade"`
	GradeName   string  `json:"grade_name"`
	RankChange  *int    `json:"rank_change"`
	IndexChange *Fixed2 `json:"index_change"`
	// RankLow and RankHigh bound the 90 % interval of the rank, and Tied
	// says the unit is statistically tied with a neighbour, when the rank
	// uncertainty analysis ran (score --uncertainty N).
	RankLow  *int  `json:"rank_low,omitempty"`
	RankHigh *int  `json:"rank_high,omitempty"`
	Tied     *bool `json:"statistically_tied,omitempty"`
	// Comparison says what a renamed, merged or split unit was compared
	// with through the lineage (absent for a unit compared with itself).
	Comparison *RowComparison    `json:"comparison,omitempty"`
	Items      map[string]Fixed2 `json:"items"`
}

// RowComparison is what a unit's changes were computed against through
// the lineage: the kind (renamed, merged, split), the previous period,
// the previous index as published and the predecessors.
type RowComparison struct {
	Kind     scoring.ComparisonKind `json:"kind"`
	Period   string                 `json:"period"`
	Previous *Fixed2                `json:"previous_index"`
	Units    []ComparedRow          `json:"units"`
	Missing  []string               `json:"missing,omitempty"`
}

// ComparedRow is one predecessor of a compared unit.
type ComparedRow struct {
	Unit     string      `json:"unit"`
	UnitName string      `json:"unit_name"`
	Index    Fixed2      `json:"index"`
	Rank     int         `json:"rank"`
	Weight   json.Number `json:"weight"`
}

func rowComparison(c *scoring.Comparison) *RowComparison {
	if c == nil || (c.Kind == scoring.SameUnit && len(c.Missing) == 0) {
		return nil
	}
	rc := &RowComparison{Kind: c.Kind, Period: c.Period, Units: []ComparedRow{}, Missing: c.Missing}
	if len(c.Missing) == 0 {
		rc.Previous = &Fixed2{c.Previous}
	}
	for _, s := range c.Sources {
		rc.Units = append(rc.Units, ComparedRow{Unit: s.Unit, UnitName: s.Name, Index: Fixed2{s.Index}, Rank: s.Rank, Weight: json.Number(s.Weight.Round(4).String())})
	}
	return rc
}

// GroupSummary is a group's summary as published.
type GroupSummary struct {
	Name      string         `json:"framework"`
	Count     int            `json:"count"`
	MeanIndex Fixed2         `json:"mean_index"`
	Grades    map[string]int `json:"grades"`
	Previous  string         `json:"previous_period,omitempty"`
}

// Document is the JSON document of `score --format json` and of the API.
type Document struct {
	Period  string                  `json:"period"`
	Stage   scoring.Stage           `json:"stage"`
	Results []Row                   `json:"results"`
	Groups  map[string]GroupSummary `json:"groups"`
}

// Rows flattens the output into published rows, ordered by group then rank.
func (o *Output) Rows() []Row {
	var rows []Row
	for _, g := range o.Groups {
		for _, r := range g.Results {
			row := Row{
				Period: o.Period, Group: g.Code, Unit: r.Unit, UnitName: r.UnitName,
				Points: Fixed2{r.Points}, Max: Fixed2{r.Max}, Index: Fixed2{r.Index},
				Rank: r.Rank, Grade: r.Grade.Code, GradeName: r.Grade.Name,
				RankChange: r.RankChange, Items: map[string]Fixed2{}, Comparison: rowComparison(r.Compared),
			}
			if g.Uncertainty != nil {
				iv := g.Uncertainty.Units[r.Unit]
				tied := iv.Tied()
				row.RankLow, row.RankHigh, row.Tied = &iv.Low, &iv.High, &tied
			}
			if r.IndexChange != nil {
				row.IndexChange = &Fixed2{*r.IndexChange}
			}
			for _, it := range g.Framework.Items {
				row.Items[it.Code] = Fixed2{r.Nodes[it.Code].Points}
			}
			rows = append(rows, row)
		}
	}
	return rows
}

// Document builds the JSON document.
func (o *Output) Document() Document {
	doc := Document{Period: o.Period, Stage: o.Stage, Results: o.Rows(), Groups: map[string]GroupSummary{}}
	if doc.Results == nil {
		doc.Results = []Row{}
	}
	for _, g := range o.Groups {
		doc.Groups[g.Code] = GroupSummary{
			Name: g.Framework.Name, Count: g.Summary.Count, MeanIndex: Fixed2{g.Summary.MeanIndex},
			Grades: g.Summary.Grades, Previous: g.Previous,
		}
	}
	return doc
}

// WriteJSON writes the JSON document, indented.
func (o *Output) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(o.Document())
}

// itemCodes lists the top-level item codes of every group's set, in order of
// first appearance.
func (o *Output) itemCodes() []string {
	var codes []string
	seen := map[string]bool{}
	for _, g := range o.Groups {
		for _, it := range g.Framework.Items {
			if !seen[it.Code] {
				seen[it.Code] = true
				codes = append(codes, it.Code)
			}
		}
	}
	return codes
}

// CSVHeader is the fixed part of the CSV header of contract.md.
var CSVHeader = []string{"period", "group", "unit", "unit_name", "points", "max", "index", "rank", "grade", "rank_change", "index_change"}

// UncertaintyColumns follow index_change in the CSV when the rank
// uncertainty analysis ran.
var UncertaintyColumns = []string{"rank_low", "rank_high"}

// simulated reports whether the rank uncertainty analysis ran.
func (o *Output) simulated() bool {
	for _, g := range o.Groups {
		if g.Uncertainty != nil {
			return true
		}
	}
	return false
}

// CSVColumns lists the CSV columns of the output: the contract's fixed
// columns (with rank_low,rank_high after index_change when the uncertainty
// analysis ran), then one item:CODE per top-level item.
func (o *Output) CSVColumns() []string {
	cols := append([]string{}, CSVHeader...)
	if o.simulated() {
		cols = append(cols, UncertaintyColumns...)
	}
	for _, c := range o.itemCodes() {
		cols = append(cols, "item:"+c)
	}
	return cols
}

// CSVRows are the rows of CSVColumns, one per unit ordered by group then
// rank, each cell marked as text or number (an item the unit's set lacks is
// an empty number).
func (o *Output) CSVRows() [][]csvout.Cell {
	codes := o.itemCodes()
	sim := o.simulated()
	var out [][]csvout.Cell
	for _, r := range o.Rows() {
		rec := []csvout.Cell{csvout.Text(r.Period), csvout.Text(r.Group), csvout.Text(r.Unit), csvout.Text(r.UnitName),
			csvout.Number(r.Points.String()), csvout.Number(r.Max.String()), csvout.Number(r.Index.String()),
			csvout.Number(strconv.Itoa(r.Rank)), csvout.Text(r.Grade), csvout.Number(optInt(r.RankChange)),
			csvout.Number(optFixed(r.IndexChange))}
		if sim {
			rec = append(rec, csvout.Number(optInt(r.RankLow)), csvout.Number(optInt(r.RankHigh)))
		}
		for _, c := range codes {
			v := ""
			if f, ok := r.Items[c]; ok {
				v = f.String()
			}
			rec = append(rec, csvout.Number(v))
		}
		out = append(out, rec)
	}
	return out
}

// WriteCSV writes one row per unit with the contract's columns, then one
// item:CODE column per top-level item (empty where the unit's set lacks it):
// no byte-order mark, English column names, text escaped against formulas
// (see package csvout).
func (o *Output) WriteCSV(w io.Writer) error {
	return o.WriteCSVWith(w, csvout.Options{}, nil)
}

// WriteCSVWith writes the CSV with options; header, when not nil, names
// each column (given its contract name) for people, e.g. in Vietnamese.
func (o *Output) WriteCSVWith(w io.Writer, opt csvout.Options, header func(col string) string) error {
	cw := csvout.NewWriter(w, opt)
	cols := o.CSVColumns()
	if header != nil {
		for i, c := range cols {
			cols[i] = header(c)
		}
	}
	_ = cw.Header(cols...)
	for _, rec := range o.CSVRows() {
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	return cw.Flush()
}

func optInt(p *int) string {
	if p == nil {
		return ""
	}
	return strconv.Itoa(*p)
}

func optFixed(p *Fixed2) string {
	if p == nil {
		return ""
	}
	return p.String()
}

// WriteTable writes a human-readable table per group with its summary.
func (o *Output) WriteTable(w io.Writer) error {
	rows := o.Rows()
	for gi, g := range o.Groups {
		if gi > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "%s — %s (period %s, stage %s)\n", g.Code, g.Framework.Name, o.Period, o.Stage)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		head := "rank\tunit\tname\tpoints\tmax\tindex\tgrade\tΔrank\tΔindex"
		if g.Uncertainty != nil {
			head += "\trank 90%"
		}
		fmt.Fprintln(tw, head)
		for _, r := range rows {
			if r.Group != g.Code {
				continue
			}
			line := fmt.Sprintf("%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s", r.Rank, r.Unit, r.UnitName,
				r.Points.String(), r.Max.String(), r.Index.String(), r.Grade, signedInt(r.RankChange), signedFixed(r.IndexChange))
			if r.RankLow != nil {
				if *r.RankLow == *r.RankHigh {
					line += fmt.Sprintf("\t%d", *r.RankLow)
				} else {
					line += fmt.Sprintf("\t%d–%d", *r.RankLow, *r.RankHigh)
				}
				if *r.Tied {
					line += " tied"
				}
			}
			fmt.Fprintln(tw, line)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		var grades []string
		for _, gr := range g.Framework.Grades {
			grades = append(grades, fmt.Sprintf("%s %d", gr.Code, g.Summary.Grades[gr.Code]))
		}
		fmt.Fprintf(w, "units %d, mean index %s", g.Summary.Count, scoring.FormatPublished(g.Summary.MeanIndex))
		if len(grades) > 0 {
			fmt.Fprintf(w, "; %s", strings.Join(grades, ", "))
		}
		if g.Previous != "" {
			fmt.Fprintf(w, "; changes against %s", g.Previous)
		}
		if u := g.Uncertainty; u != nil {
			fmt.Fprintf(w, "; rank intervals of %d draws (seed %d", u.Draws, u.Seed)
			if u.Weights > 0 {
				fmt.Fprintf(w, ", weights ±%g", u.Weights)
			}
			fmt.Fprint(w, ")")
		}
		_, err := fmt.Fprintln(w)
		if err != nil {
			return err
		}
	}
	return nil
}

func signedInt(p *int) string {
	if p == nil {
		return "–"
	}
	return fmt.Sprintf("%+d", *p)
}

func signedFixed(p *Fixed2) string {
	if p == nil {
		return "–"
	}
	if p.IsNegative() {
		return p.String()
	}
	return "+" + p.String()
}
