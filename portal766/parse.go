// Package portal766 reads the answers of Vietnam's National Public Service
// Portal (Cổng Dịch vụ công quốc gia) for the service index of Decision
// 766/QĐ-TTg, as captured in shared/data/qd766-phutho: one JSON file per
// evaluation group (transparency, progress, online services, digitisation,
// satisfaction, online payment). It turns them into units, measured inputs
// and the portal's own published points, and it carries the 766 index as a
// criteria set in the project's own format (criteria-766.yaml).
//
// The package is pure: it parses and checks, and never touches a database.
package portal766

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/parindex/parindex/domain/problem"
	"github.com/parindex/parindex/scoring"
)

// Kind is one evaluation group of the portal; its value is the code of the
// criteria set's top-level item it feeds.
type Kind string

// The six evaluation groups of Decision 766, in the order of the criteria set.
const (
	Transparency Kind = "transparency" // /reporting/evaluation/transparency
	Progress     Kind = "progress"     // dvc-progress-tree
	Online       Kind = "online"       // provide-online-tree
	Digitization Kind = "digitization" // dossier-digitized
	Satisfaction Kind = "satisfaction" // handling-satisfaction
	Payment      Kind = "payment"      // formality-online-payment-tree
	noKind       Kind = ""             // not an evaluation answer
)

// Kinds lists the evaluation groups in the criteria set's order.
var Kinds = []Kind{Transparency, Progress, Online, Digitization, Satisfaction, Payment}

// The unit levels, which are the groups units are created in.
const (
	LevelProvince = "PROVINCE"
	LevelCommune  = "COMMUNE"
)

// Record is one unit's line in an answer.
type Record struct {
	// Where locates the record in its file for messages, e.g.
	// "evaluation[12] (Sở Tư pháp)".
	Where string
	ID    string
	Code  string // departmentCode; empty when the answer carries only the id
	Name  string
	// Level is PROVINCE or COMMUNE; empty for a tree's root, which has none.
	Level string
	// Root marks the province itself (the answer's overview or parent), as
	// opposed to its departments and communes.
	Root bool
	// Inputs are the counts of the record under the criteria set's input
	// names.
	Inputs map[string]scoring.Decimal
	// Official holds the points the portal published, by metric code for
	// the groups that publish metrics, or by the group's code (progress,
	// online, payment) for the groups that publish one score. A nil value
	// is a null score: the portal shows no points.
	Official map[string]*scoring.Decimal
	// Total is the group's totalScore (or score) the portal published.
	Total *scoring.Decimal
}

// Answer is one parsed file.
type Answer struct {
	File    string
	Kind    Kind
	Records []Record // the root first, then the children in file order
}

// problems collects problems for one file.
type problems struct {
	file string
	list []problem.Problem
}

// add records a problem of the file; where names the record (or "").
func (ps *problems) add(where, format string, args ...any) {
	ps.list = append(ps.list, problem.Problem{File: ps.file, Item: where, Msg: fmt.Sprintf(format, args...)})
}

// Parse reads one answer of the portal. file names it in messages. It
// refuses anything that is not a complete, successful evaluation answer of
// one of the six groups: another endpoint's answer, an error envelope, one
// page of several, a record without a unit, a negative or missing count, a
// metric the criteria set does not know.
func Parse(file string, data []byte) (*Answer, error) {
	ps := &problems{file: file}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var env map[string]any
	if err := dec.Decode(&env); err != nil {
		if errors.Is(err, io.EOF) {
			ps.add("", "the file is empty")
		} else {
			ps.add("", "is not JSON: %v", err)
		}
		return nil, &problem.List{Problems: ps.list}
	}
	if dec.More() {
		ps.add("", "holds more than one JSON value")
		return nil, &problem.List{Problems: ps.list}
	}
	if code, _ := env["code"].(string); code != "OK" {
		msg, _ := env["message"].(string)
		ps.add("", "the portal did not answer OK (code %v, message %q)", env["code"], msg)
		return nil, &problem.List{Problems: ps.list}
	}
	d, ok := env["data"].(map[string]any)
	if !ok {
		ps.add("", `has no "data" object; it is not an answer of the portal's evaluation API`)
		return nil, &problem.List{Problems: ps.list}
	}
	a := &Answer{File: file}
	var root map[string]any
	var children []any
	switch {
	case d["overview"] != nil || d["evaluation"] != nil:
		root, _ = d["overview"].(map[string]any)
		children, ok = d["evaluation"].([]any)
		if root == nil || !ok {
			ps.add("", `needs both "overview" (an object) and "evaluation" (a list)`)
			return nil, &problem.List{Problems: ps.list}
		}
		a.Kind = metricKind(root)
		checkPages(ps, d, len(children))
	case d["parent"] != nil || d["children"] != nil:
		root, _ = d["parent"].(map[string]any)
		children, ok = d["children"].([]any)
		if root == nil || !ok {
			ps.add("", `needs both "parent" (an object) and "children" (a list)`)
			return nil, &problem.List{Problems: ps.list}
		}
		a.Kind = treeKind(root)
	default:
		ps.add("", "is not an evaluation answer of Decision 766 (no overview/evaluation nor parent/children; a procedure catalogue page?)")
		return nil, &problem.List{Problems: ps.list}
	}
	if a.Kind == noKind {
		ps.add("", "is an evaluation answer of an unknown group (none of transparency, progress, online, digitisation, satisfaction, payment)")
		return nil, &problem.List{Problems: ps.list}
	}
	rootName := "overview"
	if _, tree := d["parent"]; tree {
		rootName = "parent"
	}
	a.Records = append(a.Records, parseRecord(ps, a.Kind, rootName, root, true))
	listName := "evaluation"
	if rootName == "parent" {
		listName = "children"
	}
	for i, c := range children {
		where := fmt.Sprintf("%s[%d]", listName, i)
		obj, ok := c.(map[string]any)
		if !ok {
			ps.add(where, "is not an object")
			continue
		}
		a.Records = append(a.Records, parseRecord(ps, a.Kind, where, obj, false))
	}
	if len(children) == 0 {
		ps.add("", "lists no department or commune")
	}
	if len(ps.list) > 0 {
		return nil, &problem.List{Problems: ps.list}
	}
	return a, nil
}

// metricKind recognises the metric groups by the metric codes of the root.
func metricKind(root map[string]any) Kind {
	ms, _ := root["metrics"].([]any)
	for _, m := range ms {
		obj, _ := m.(map[string]any)
		code, _ := obj["code"].(string)
		for k, codes := range metricInputs {
			if _, ok := codes[code]; ok {
				return k
			}
		}
	}
	return noKind
}

// treeKind recognises the tree groups by the counts of the root.
func treeKind(root map[string]any) Kind {
	switch {
	case root["totalReceived"] != nil:
		return Progress
	case root["totalDossierFinancialObligation"] != nil:
		return Payment
	case root["authorityCount"] != nil || root["onlineServiceTotal"] != nil:
		return Online
	}
	return noKind
}

// checkPages refuses one page of an answer that has several.
func checkPages(ps *problems, d map[string]any, n int) {
	p, ok := d["pagination"].(map[string]any)
	if !ok {
		return
	}
	pages, _ := intOf(p["totalPages"])
	total, hasTotal := intOf(p["total"])
	if pages > 1 {
		ps.add("pagination", "the answer is one page of %d; ask the portal for every unit in one page (a larger pageSize)", pages)
	} else if hasTotal && total != n {
		ps.add("pagination", "says %d units but the evaluation lists %d", total, n)
	}
}

func intOf(v any) (int, bool) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, false
	}
	i, err := n.Int64()
	return int(i), err == nil
}
