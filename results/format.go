package results

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

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
	Period      string            `json:"period"`
	Group       string            `json:"group"`
	Unit        string            `json:"unit"`
	UnitName    string            `json:"unit_name"`
	Points      Fixed2            `json:"points"`
	Max         Fixed2            `json:"max"`
	Index       Fixed2            `json:"index"`
	Rank        int               `json:"rank"`
	Grade       string            `json:"grade"`
	GradeName   string            `json:"grade_name"`
	RankChange  *int              `json:"rank_change"`
	IndexChange *Fixed2           `json:"index_change"`
	Items       map[string]Fixed2 `json:"items"`
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
				RankChange: r.RankChange, Items: map[string]Fixed2{},
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

// WriteCSV writes one row per unit with the contract's columns, then one
// item:CODE column per top-level item (empty where the unit's set lacks it).
func (o *Output) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	codes := o.itemCodes()
	header := append([]string{}, CSVHeader...)
	for _, c := range codes {
		header = append(header, "item:"+c)
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	for _, r := range o.Rows() {
		rec := []string{r.Period, r.Group, r.Unit, r.UnitName, r.Points.String(), r.Max.String(),
			r.Index.String(), strconv.Itoa(r.Rank), r.Grade, optInt(r.RankChange), optFixed(r.IndexChange)}
		for _, c := range codes {
			if v, ok := r.Items[c]; ok {
				rec = append(rec, v.String())
			} else {
				rec = append(rec, "")
			}
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
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
		fmt.Fprintln(tw, "rank\tunit\tname\tpoints\tmax\tindex\tgrade\tΔrank\tΔindex")
		for _, r := range rows {
			if r.Group != g.Code {
				continue
			}
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Rank, r.Unit, r.UnitName,
				r.Points.String(), r.Max.String(), r.Index.String(), r.Grade, signedInt(r.RankChange), signedFixed(r.IndexChange))
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
