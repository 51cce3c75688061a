package imports

import (
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/scoring"
)

// Lookup is what checking a scores or inputs file needs from storage.
type Lookup interface {
	// Units returns every unit (group "" means all groups).
	Units(ctx context.Context, group string) ([]domain.Unit, error)
	// Framework returns a group's criteria set in a period, or an error of
	// kind domain.ErrNotFound.
	Framework(ctx context.Context, period, group string) (*scoring.Framework, error)
}

var codePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)

func checkCode(ps *problems, line int, field, v string) bool {
	switch {
	case v == "":
		ps.add(line, field, "is empty")
	case len(v) > 64:
		ps.add(line, field, "%q is longer than 64 characters", v)
	case !codePattern.MatchString(v):
		ps.add(line, field, "%q may hold only letters, digits, '.', '_' and '-'", v)
	default:
		return true
	}
	return false
}

func checkText(ps *problems, line int, field, v string, max int) bool {
	switch {
	case v == "":
		ps.add(line, field, "is empty")
	case len([]rune(v)) > max:
		ps.add(line, field, "is longer than %d characters", max)
	default:
		return true
	}
	return false
}

// Groups reads a unit groups file: code,name.
func Groups(file string, r io.Reader) ([]domain.Group, error) {
	recs, err := readCSV(file, r, []string{"code", "name"}, nil)
	if err != nil {
		return nil, err
	}
	ps := &problems{file: file}
	seen := map[string]int{}
	var out []domain.Group
	for _, rec := range recs {
		g := domain.Group{Code: rec.get("code"), Name: rec.get("name")}
		checkCode(ps, rec.line, "code", g.Code)
		checkText(ps, rec.line, "name", g.Name, 200)
		if first, dup := seen[g.Code]; dup {
			ps.add(rec.line, "code", "group %s already appears on line %d", g.Code, first)
		}
		seen[g.Code] = rec.line
		out = append(out, g)
	}
	return out, ps.err()
}

// Units reads a units file: code,name,group[,parent]. A parent must be a unit
// of the same file or one already stored (the store checks the latter).
func Units(file string, r io.Reader) ([]domain.Unit, error) {
	recs, err := readCSV(file, r, []string{"code", "name", "group"}, []string{"parent"})
	if err != nil {
		return nil, err
	}
	ps := &problems{file: file}
	seen := map[string]int{}
	var out []domain.Unit
	for _, rec := range recs {
		u := domain.Unit{Code: rec.get("code"), Name: rec.get("name"), Group: rec.get("group"), Parent: rec.get("parent")}
		checkCode(ps, rec.line, "code", u.Code)
		checkText(ps, rec.line, "name", u.Name, 200)
		checkCode(ps, rec.line, "group", u.Group)
		if u.Parent != "" {
			if u.Parent == u.Code {
				ps.add(rec.line, "parent", "a unit cannot be its own parent")
			} else {
				checkCode(ps, rec.line, "parent", u.Parent)
			}
		}
		if first, dup := seen[u.Code]; dup {
			ps.add(rec.line, "code", "unit %s already appears on line %d", u.Code, first)
		}
		seen[u.Code] = rec.line
		out = append(out, u)
	}
	return out, ps.err()
}

// checker caches units and criteria sets while a file is checked.
type checker struct {
	ctx    context.Context
	lookup Lookup
	units  map[string]domain.Unit
	sets   map[[2]string]*scoring.Framework
}

func newChecker(ctx context.Context, lookup Lookup) (*checker, error) {
	units, err := lookup.Units(ctx, "")
	if err != nil {
		return nil, fmt.Errorf("imports: %w", err)
	}
	c := &checker{ctx: ctx, lookup: lookup, units: map[string]domain.Unit{}, sets: map[[2]string]*scoring.Framework{}}
	for _, u := range units {
		c.units[u.Code] = u
	}
	return c, nil
}

// framework returns the criteria set scoring the unit in the period, or
// records why there is none.
func (c *checker) framework(ps *problems, line int, period string, unit domain.Unit) (*scoring.Framework, error) {
	key := [2]string{period, unit.Group}
	if fw, ok := c.sets[key]; ok {
		if fw == nil {
			ps.add(line, "period", "there is no criteria set for group %s in period %s (import it first)", unit.Group, period)
		}
		return fw, nil
	}
	fw, err := c.lookup.Framework(c.ctx, period, unit.Group)
	if errors.Is(err, domain.ErrNotFound) {
		c.sets[key] = nil
		ps.add(line, "period", "there is no criteria set for group %s in period %s (import it first)", unit.Group, period)
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("imports: %w", err)
	}
	c.sets[key] = fw
	return fw, nil
}

func (c *checker) unit(ps *problems, line int, code string) (domain.Unit, bool) {
	if !checkCode(ps, line, "unit", code) {
		return domain.Unit{}, false
	}
	u, ok := c.units[code]
	if !ok {
		ps.add(line, "unit", "unit %s does not exist (import it with `parindex import units` first)", code)
	}
	return u, ok
}

// Scores reads and checks a scores file: period,unit,item,stage,points[,comment].
// Every row must name an existing unit, a leaf of the criteria set scoring
// that unit in the period, a stage, and points the leaf accepts (or "na").
func Scores(ctx context.Context, lookup Lookup, file string, r io.Reader) ([]domain.Score, error) {
	recs, err := readCSV(file, r, []string{"period", "unit", "item", "stage", "points"}, []string{"comment"})
	if err != nil {
		return nil, err
	}
	c, err := newChecker(ctx, lookup)
	if err != nil {
		return nil, err
	}
	ps := &problems{file: file}
	seen := map[[4]string]int{}
	var out []domain.Score
	for _, rec := range recs {
		s := domain.Score{Period: rec.get("period"), Unit: rec.get("unit"), Item: rec.get("item"), Comment: rec.get("comment")}
		before := len(ps.list)
		checkCode(ps, rec.line, "period", s.Period)
		stage, err := scoring.ParseStage(rec.get("stage"))
		if err != nil {
			ps.add(rec.line, "stage", "%v", err)
		}
		s.Stage = stage
		raw := rec.get("points")
		switch {
		case strings.EqualFold(raw, "na"):
			s.Value.NA = true
		case raw == "":
			ps.add(rec.line, "points", "is empty (write a number, or na when the item does not apply)")
		default:
			d, err := scoring.ParseDecimal(raw)
			if err != nil {
				ps.add(rec.line, "points", "%v (write a number such as 1.25, or na)", err)
			}
			s.Value.Points = d
		}
		if len([]rune(s.Comment)) > 2000 {
			ps.add(rec.line, "comment", "is longer than 2000 characters")
		}
		key := [4]string{s.Period, s.Unit, s.Item, string(s.Stage)}
		if first, dup := seen[key]; dup {
			ps.add(rec.line, "", "unit %s, item %s, stage %s already appears on line %d", s.Unit, s.Item, s.Stage, first)
		}
		seen[key] = rec.line
		if u, ok := c.unit(ps, rec.line, s.Unit); ok && s.Period != "" {
			fw, err := c.framework(ps, rec.line, s.Period, u)
			if err != nil {
				return nil, err
			}
			if fw != nil && len(ps.list) == before {
				checkPoints(ps, rec.line, fw, s)
			}
		}
		out = append(out, s)
	}
	return out, ps.err()
}

func checkPoints(ps *problems, line int, fw *scoring.Framework, s domain.Score) {
	it := fw.Item(s.Item)
	switch {
	case s.Item == "":
		ps.add(line, "item", "is empty")
	case it == nil:
		ps.add(line, "item", "item %s is not in the criteria set %q", s.Item, fw.Name)
	case !it.IsLeaf():
		ps.add(line, "item", "item %s is a group; points go to its leaves", s.Item)
	case s.Value.NA:
		// Any leaf may be marked not applicable.
	default:
		if err := fw.CheckPoints(s.Item, s.Value.Points); err != nil {
			ps.add(line, "points", "%v", err)
		}
	}
}

// Inputs reads and checks an inputs file: period,unit,input,value. Every
// input must be one the criteria set scoring the unit in the period reads
// (declared, read by a computed leaf, or a survey measure), and values are
// non-negative numbers.
func Inputs(ctx context.Context, lookup Lookup, file string, r io.Reader) ([]domain.Input, error) {
	recs, err := readCSV(file, r, []string{"period", "unit", "input", "value"}, nil)
	if err != nil {
		return nil, err
	}
	c, err := newChecker(ctx, lookup)
	if err != nil {
		return nil, err
	}
	ps := &problems{file: file}
	seen := map[[3]string]int{}
	known := map[*scoring.Framework]map[string]bool{}
	var out []domain.Input
	for _, rec := range recs {
		in := domain.Input{Period: rec.get("period"), Unit: rec.get("unit"), Name: rec.get("input")}
		checkCode(ps, rec.line, "period", in.Period)
		v, err := scoring.ParseDecimal(rec.get("value"))
		switch {
		case rec.get("value") == "":
			ps.add(rec.line, "value", "is empty")
		case err != nil:
			ps.add(rec.line, "value", "%v", err)
		case v.IsNegative():
			ps.add(rec.line, "value", "%s is negative; counts and ratios cannot be", v)
		}
		in.Value = v
		key := [3]string{in.Period, in.Unit, in.Name}
		if first, dup := seen[key]; dup {
			ps.add(rec.line, "", "unit %s, input %s already appears on line %d", in.Unit, in.Name, first)
		}
		seen[key] = rec.line
		if u, ok := c.unit(ps, rec.line, in.Unit); ok && in.Period != "" {
			fw, err := c.framework(ps, rec.line, in.Period, u)
			if err != nil {
				return nil, err
			}
			if fw != nil {
				names := known[fw]
				if names == nil {
					names = inputNames(fw)
					known[fw] = names
				}
				if !names[in.Name] {
					ps.add(rec.line, "input", "%q is not an input of the criteria set %q", in.Name, fw.Name)
				}
			}
		}
		out = append(out, in)
	}
	return out, ps.err()
}

func inputNames(fw *scoring.Framework) map[string]bool {
	names := map[string]bool{}
	for _, d := range fw.Inputs {
		names[d.Name] = true
	}
	for _, n := range fw.InputNames() {
		names[n] = true
	}
	for _, l := range fw.Leaves() {
		if l.Method == scoring.Survey {
			names[l.Measure] = true
		}
	}
	return names
}
