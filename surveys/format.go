package surveys

import (
	"encoding/json"
	"io"
	"strconv"

	"github.com/shopspring/decimal"

	"github.com/parindex/parindex/internal/csvout"
	"github.com/parindex/parindex/scoring"
)

// Percent writes a ratio 0..1 as a percentage rounded half up to two
// decimals ("82.66").
func Percent(v scoring.Decimal) string { return scoring.FormatPublished(v.Shift(2)) }

// percentFloat writes a float ratio (an interval bound) the same way.
func percentFloat(v float64) string {
	return scoring.FormatPublished(decimal.NewFromFloat(v).Shift(2))
}

// CSVColumns are the columns of WriteCSV.
var CSVColumns = []string{"unit", "responses", "satisfaction", "ci_low", "ci_high"}

// WriteCSV writes one row per unit of the campaign, by code:
// unit,responses,satisfaction,ci_low,ci_high — the main index in percent
// over valid responses with its Wilson 95 % interval; the three are empty
// for a unit without answers. No byte-order mark, the contract's column
// names.
func WriteCSV(w io.Writer, c *Campaign, r *Results) error {
	return WriteCSVWith(w, c, r, csvout.Options{}, nil)
}

// WriteCSVWith is WriteCSV with options; header, when not nil, names each
// column (given its name in CSVColumns) for people.
func WriteCSVWith(w io.Writer, c *Campaign, r *Results, opt csvout.Options, header func(col string) string) error {
	cw := csvout.NewWriter(w, opt)
	cols := append([]string{}, CSVColumns...)
	if header != nil {
		for i, col := range cols {
			cols[i] = header(col)
		}
	}
	_ = cw.Header(cols...)
	for _, u := range r.Units {
		row := []csvout.Cell{csvout.Text(u.Code), csvout.Number(strconv.Itoa(u.Responses)),
			csvout.Number(""), csvout.Number(""), csvout.Number("")}
		if ix := u.Main(); ix != nil && ix.Defined {
			row[2], row[3], row[4] = csvout.Number(Percent(ix.Value)), csvout.Number(percentFloat(ix.Low)), csvout.Number(percentFloat(ix.High))
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	return cw.Flush()
}

type jsonStat struct {
	N            int          `json:"n"`
	Satisfaction *json.Number `json:"satisfaction"`
	Mean         *json.Number `json:"mean"`
	CILow        *json.Number `json:"ci_low"`
	CIHigh       *json.Number `json:"ci_high"`
	Target       int64        `json:"target"`
	Insufficient bool         `json:"insufficient"`
}

func statJSON(s Stat) jsonStat {
	out := jsonStat{N: s.N, Target: s.Target, Insufficient: s.Insufficient}
	if s.Defined {
		num := func(v string) *json.Number { n := json.Number(v); return &n }
		out.Satisfaction = num(Percent(s.Value))
		out.Mean = num(scoring.FormatPublished(s.Mean))
		out.CILow, out.CIHigh = num(percentFloat(s.Low)), num(percentFloat(s.High))
	}
	return out
}

type jsonQuestion struct {
	Code string `json:"code"`
	jsonStat
	Counts []int `json:"counts"`
}

type jsonElement struct {
	Section string `json:"section"`
	jsonStat
	Questions []jsonQuestion `json:"questions"`
}

type jsonIndex struct {
	Measure string `json:"measure"`
	jsonStat
	Elements []jsonElement `json:"elements"`
}

type jsonScope struct {
	Unit         string       `json:"unit,omitempty"`
	Name         string       `json:"name,omitempty"`
	Group        string       `json:"group,omitempty"`
	Responses    int          `json:"responses"`
	Target       int64        `json:"target"`
	Insufficient bool         `json:"insufficient"`
	Satisfaction *json.Number `json:"satisfaction"`
	CILow        *json.Number `json:"ci_low"`
	CIHigh       *json.Number `json:"ci_high"`
	Indices      []jsonIndex  `json:"indices"`
}

func scopeJSON(s Scope, name string) jsonScope {
	out := jsonScope{Unit: s.Code, Name: name, Group: s.Group, Responses: s.Responses, Target: s.Target,
		Insufficient: s.Insufficient, Indices: []jsonIndex{}}
	for _, ix := range s.Indices {
		ji := jsonIndex{Measure: ix.Measure, jsonStat: statJSON(ix.Stat), Elements: []jsonElement{}}
		for _, el := range ix.Elements {
			je := jsonElement{Section: el.Section, jsonStat: statJSON(el.Stat), Questions: []jsonQuestion{}}
			for _, q := range el.Questions {
				je.Questions = append(je.Questions, jsonQuestion{Code: q.Code, jsonStat: statJSON(q.Stat), Counts: q.Counts})
			}
			ji.Elements = append(ji.Elements, je)
		}
		out.Indices = append(out.Indices, ji)
	}
	if m := s.Main(); m != nil {
		main := statJSON(m.Stat)
		out.Satisfaction, out.CILow, out.CIHigh = main.Satisfaction, main.CILow, main.CIHigh
	}
	return out
}

// WriteJSON writes every index of a campaign: per unit (with the columns
// of WriteCSV), per group and for the province, each down to its elements
// and questions. Percentages have two decimals; null where nothing was
// answered.
func WriteJSON(w io.Writer, c *Campaign, r *Results) error {
	names := map[string]string{}
	for _, u := range c.Units {
		names[u.Code] = u.Name
	}
	doc := struct {
		Survey   string      `json:"survey"`
		Name     string      `json:"name"`
		Period   string      `json:"period"`
		State    State       `json:"state"`
		Formula  Formula     `json:"formula"`
		Measures []string    `json:"measures"`
		Units    []jsonScope `json:"units"`
		Groups   []jsonScope `json:"groups"`
		Province jsonScope   `json:"province"`
	}{Survey: c.Code, Name: c.Name, Period: c.Period, State: c.State, Formula: r.Formula,
		Measures: c.Instrument.Measures(), Units: []jsonScope{}, Groups: []jsonScope{}, Province: scopeJSON(r.Province, "")}
	for _, u := range r.Units {
		doc.Units = append(doc.Units, scopeJSON(u, names[u.Code]))
	}
	for _, g := range r.Groups {
		js := scopeJSON(g, "")
		js.Unit, js.Group = "", g.Code
		doc.Groups = append(doc.Groups, js)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}
