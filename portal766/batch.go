package portal766

import (
	"cmp"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/domain/problem"
	"github.com/parindex/parindex/scoring"
)

// Unit is a unit the answers name, with its counts merged across them.
type Unit struct {
	Code, ID, Name string
	// Level is PROVINCE or COMMUNE, the group the unit goes in; the root
	// (the province itself) is PROVINCE.
	Level string
	Root  bool
	// Inputs are the unit's counts from every answer of the call.
	Inputs map[string]scoring.Decimal
	// Official holds the portal's points by key (see Record.Official) and
	// Totals the group totals by Kind, from every answer of the call.
	Official map[string]*scoring.Decimal
	Totals   map[Kind]*scoring.Decimal
	// Where says where the unit was seen first, for messages.
	Where string
}

// Batch is what the files of one call hold: at most one answer per group,
// the province and its units matched across the files.
type Batch struct {
	Answers []*Answer
	// Root is the province itself (the answers' overview or parent).
	Root *Unit
	// Units are the departments and communes, ordered by level (PROVINCE
	// first) then code.
	Units []*Unit
}

// Combine matches the answers of one call: it resolves every record to a
// unit code (a record carrying only departmentId takes the code another
// answer gives that id), merges each unit's counts and checks them against
// the rules of the 766 criteria set. Every problem is reported at once,
// naming the file and the record; the batch is returned only when there is
// none.
func Combine(answers []*Answer) (*Batch, error) {
	var problems []problem.Problem
	addf := func(format string, args ...any) {
		problems = append(problems, problem.Problem{Msg: fmt.Sprintf(format, args...)})
	}
	byKind := map[Kind]*Answer{}
	for _, a := range answers {
		if prev := byKind[a.Kind]; prev != nil {
			addf("%s: is a second %s answer (%s is the first); import one answer per group per call, and the answers of one period and filter together", a.File, a.Kind, prev.File)
			continue
		}
		byKind[a.Kind] = a
	}
	if len(problems) > 0 {
		return nil, &problem.List{Problems: problems}
	}

	// Codes by id, from every record that carries both.
	codeOf := map[string]string{}
	idOf := map[string]string{}
	firstSeen := map[string]string{}
	for _, a := range answers {
		for _, r := range a.Records {
			if r.Code == "" || r.ID == "" {
				continue
			}
			where := a.File + ": " + r.Where
			if c, ok := codeOf[r.ID]; ok && c != r.Code {
				addf("%s: departmentId %s has the code %s, but %s gives it %s", where, r.ID, r.Code, firstSeen[r.ID], c)
				continue
			}
			if id, ok := idOf[r.Code]; ok && id != r.ID {
				addf("%s: departmentCode %s belongs to departmentId %s, but %s gives it to %s", where, r.Code, r.ID, firstSeen[id], id)
				continue
			}
			if _, ok := codeOf[r.ID]; !ok {
				codeOf[r.ID], idOf[r.Code], firstSeen[r.ID] = r.Code, r.ID, where
			}
		}
	}

	b := &Batch{Answers: answers}
	units := map[string]*Unit{}
	for _, a := range answers {
		seenID := map[string]string{}
		for _, r := range a.Records {
			where := a.File + ": " + r.Where
			if first, dup := seenID[r.ID]; dup {
				addf("%s: departmentId %s appears twice in the answer (first at %s)", where, r.ID, first)
				continue
			}
			seenID[r.ID] = r.Where
			code := r.Code
			if code == "" {
				code = codeOf[r.ID]
			}
			if code == "" {
				addf("%s: departmentId %s has no departmentCode in this answer and no other file of this call gives one; import it together with an answer that carries codes (dossier-digitized or a tree answer: progress, online, payment)", where, r.ID)
				continue
			}
			level := r.Level
			if r.Root {
				level = LevelProvince
			}
			u := units[code]
			if u == nil {
				u = &Unit{Code: code, ID: r.ID, Name: r.Name, Level: level, Root: r.Root, Where: where,
					Inputs: map[string]scoring.Decimal{}, Official: map[string]*scoring.Decimal{}, Totals: map[Kind]*scoring.Decimal{}}
				units[code] = u
			}
			switch {
			case u.Root != r.Root:
				addf("%s: unit %s is the province in one answer and one of its units in another (%s)", where, code, u.Where)
				continue
			case u.Level != level:
				addf("%s: unit %s is at level %s here but %s in %s", where, code, level, u.Level, u.Where)
				continue
			}
			for k, v := range r.Inputs {
				u.Inputs[k] = v
			}
			for k, v := range r.Official {
				u.Official[k] = v
			}
			u.Totals[a.Kind] = r.Total
		}
	}
	for _, u := range units {
		if u.Root {
			if b.Root != nil {
				addf("the files are answers for more than one province: %s (%s) and %s (%s)", b.Root.Code, b.Root.Where, u.Code, u.Where)
				continue
			}
			b.Root = u
			continue
		}
		b.Units = append(b.Units, u)
	}
	slices.SortFunc(b.Units, func(x, y *Unit) int {
		return cmp.Or(cmp.Compare(levelOrder(x.Level), levelOrder(y.Level)), compareCodes(x.Code, y.Code))
	})
	if len(problems) == 0 {
		for _, msg := range b.checkRules() {
			problems = append(problems, problem.Problem{Msg: msg})
		}
	}
	if len(problems) > 0 {
		return nil, &problem.List{Problems: problems}
	}
	return b, nil
}

// checkRules evaluates the 766 criteria set's checks on every unit.
func (b *Batch) checkRules() []string {
	_, fw, err := CriteriaSet("2026", LevelProvince)
	if err != nil {
		return []string{err.Error()}
	}
	var out []string
	for _, u := range b.all() {
		for _, f := range fw.FailedChecks(u.Inputs) {
			msg := fmt.Sprintf("%s: unit %s: the counts break the rule %s: %s", u.Where, u.Code, f.Check.Describe(), values(u.Inputs, f.Check.Inputs()))
			if f.Err != nil {
				msg += " (" + f.Err.Error() + ")"
			}
			out = append(out, msg)
		}
	}
	return out
}

// values writes the named inputs as "a = 1, b = 2".
func values(in map[string]scoring.Decimal, names []string) string {
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = n + " = " + in[n].String()
	}
	return strings.Join(parts, ", ")
}

// all returns the root (when there is one) and the units.
func (b *Batch) all() []*Unit {
	if b.Root == nil {
		return b.Units
	}
	return append([]*Unit{b.Root}, b.Units...)
}

func levelOrder(level string) int {
	if level == LevelProvince {
		return 0
	}
	return 1
}

// compareCodes orders hierarchical codes by their numeric parts, so that
// H44.2 comes before H44.10.
func compareCodes(a, b string) int {
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(pa) && i < len(pb); i++ {
		if c := cmp.Compare(len(pa[i]), len(pb[i])); c != 0 && isDigits(pa[i]) && isDigits(pb[i]) {
			return c
		}
		if c := cmp.Compare(pa[i], pb[i]); c != 0 {
			return c
		}
	}
	return cmp.Compare(len(pa), len(pb))
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// DomainUnits returns the units to create: the province (group PROVINCE,
// the parent of the others) and its departments and communes, each in the
// group of its level.
func (b *Batch) DomainUnits() []domain.Unit {
	var out []domain.Unit
	parent := ""
	if b.Root != nil {
		out = append(out, domain.Unit{Code: b.Root.Code, Name: b.Root.Name, Group: LevelProvince})
		parent = b.Root.Code
	}
	for _, u := range b.Units {
		out = append(out, domain.Unit{Code: u.Code, Name: u.Name, Group: u.Level, Parent: parent})
	}
	return out
}

// DomainInputs returns the departments' and communes' counts as inputs of
// the period. The province's own counts are left out on purpose: the portal
// ranks the departments and communes without the province (its overview
// stands apart), and the province's dossier counts are the sums of its
// units', which group statistics add up again.
func (b *Batch) DomainInputs(period string) []domain.Input {
	var out []domain.Input
	for _, u := range b.Units {
		names := make([]string, 0, len(u.Inputs))
		for n := range u.Inputs {
			names = append(names, n)
		}
		slices.Sort(names)
		for _, n := range names {
			out = append(out, domain.Input{Period: period, Unit: u.Code, Name: n, Value: u.Inputs[n]})
		}
	}
	return out
}

// UnitData returns what the engine needs to score a unit from its counts.
func (u *Unit) UnitData() scoring.UnitData {
	return scoring.UnitData{Code: u.Code, Name: u.Name, Inputs: u.Inputs}
}

// Load reads, parses and combines the files of one call, the way `parindex
// import portal766` does. Every problem of every file is reported at once.
func Load(paths []string) (*Batch, error) {
	var problems []problem.Problem
	var answers []*Answer
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			problems = append(problems, problem.Problem{File: p, Msg: fmt.Sprint(errors.Unwrap(err))})
			continue
		}
		a, err := Parse(p, data)
		var pe *problem.List
		switch {
		case errors.As(err, &pe):
			problems = append(problems, pe.Problems...)
		case err != nil:
			return nil, err
		default:
			answers = append(answers, a)
		}
	}
	if len(problems) > 0 {
		return nil, &problem.List{Problems: problems}
	}
	if len(answers) == 0 {
		return nil, &problem.List{Problems: []problem.Problem{{Msg: "no file to import"}}}
	}
	return Combine(answers)
}
