package reports

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"strconv"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/internal/csvout"
	"github.com/parindex/parindex/results"
)

// OpenData is a published period's results as open data: the results
// document of `score --format json`, the publication's decision, and each
// group's criteria set by name and version (the SHA-256 of the set's file
// as frozen in the publication).
type OpenData struct {
	results.Document
	Publication  *PublicationRef        `json:"publication,omitempty"`
	CriteriaSets map[string]CriteriaSet `json:"criteria_sets"`
}

// PublicationRef names the publication the data come from.
type PublicationRef struct {
	Number       int    `json:"number"`
	DecisionNo   string `json:"decision_no"`
	DecisionDate string `json:"decision_date"`
}

// CriteriaSet identifies a group's criteria set.
type CriteriaSet struct {
	Name    string `json:"name"`
	Version string `json:"version,omitempty"`
}

// NewOpenData assembles the open data of a period from its results and
// its latest publication (nil when unpublished).
func NewOpenData(out *results.Output, pub *domain.Publication) (*OpenData, error) {
	od := &OpenData{Document: out.Document(), CriteriaSets: map[string]CriteriaSet{}}
	versions := map[string]string{}
	if pub != nil {
		od.Publication = &PublicationRef{Number: pub.Number, DecisionNo: pub.DecisionNo,
			DecisionDate: pub.DecisionDate.Format("2006-01-02")}
		var snap domain.Snapshot
		if err := json.Unmarshal(pub.Snapshot, &snap); err != nil {
			return nil, fmt.Errorf("reports: publication snapshot: %w", err)
		}
		for _, g := range snap.Groups {
			sum := sha256.Sum256([]byte(g.Source))
			versions[g.Group] = "sha256:" + hex.EncodeToString(sum[:])
		}
	}
	for _, g := range out.Groups {
		od.CriteriaSets[g.Code] = CriteriaSet{Name: g.Framework.Name, Version: versions[g.Code]}
	}
	return od, nil
}

// WriteJSON writes the open data as indented JSON.
func (od *OpenData) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(od)
}

// CSVColumns are the open data's columns: those of `score --format csv`,
// then the criteria set's name and version and the publication.
func (od *OpenData) CSVColumns(out *results.Output) []string {
	return append(out.CSVColumns(), "criteria_set", "criteria_set_version", "publication", "decision_no")
}

// WriteCSV writes the results with the columns of `score --format csv`,
// then the criteria set's name and version and the decision, on every row.
// header, when not nil, names each column (given its contract name) for
// people.
func (od *OpenData) WriteCSV(w io.Writer, out *results.Output, opt csvout.Options, header func(col string) string) error {
	cw := csvout.NewWriter(w, opt)
	cols := od.CSVColumns(out)
	if header != nil {
		for i, c := range cols {
			cols[i] = header(c)
		}
	}
	_ = cw.Header(cols...)
	decision, number := "", ""
	if od.Publication != nil {
		decision, number = od.Publication.DecisionNo, strconv.Itoa(od.Publication.Number)
	}
	for _, rec := range out.CSVRows() {
		cs := od.CriteriaSets[rec[1].Value]
		rec = append(rec, csvout.Text(cs.Name), csvout.Text(cs.Version), csvout.Number(number), csvout.Text(decision))
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	return cw.Flush()
}
