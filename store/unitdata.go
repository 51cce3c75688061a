package store

import (
	"cmp"
	"context"
	"database/sql"
	_ "embed"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/parindex/parindex/scoring"
)

//go:embed queries/unit_data.sql
var unitDataFile string

// unitDataSQL is the statement without its comment, so that a slow-query
// warning shows the query rather than its explanation.
var unitDataSQL = withoutComments(unitDataFile)

// withoutComments drops the lines of an SQL text that are comments.
func withoutComments(sql string) string {
	var b strings.Builder
	for line := range strings.Lines(sql) {
		if !strings.HasPrefix(strings.TrimSpace(line), "--") {
			b.WriteString(line)
		}
	}
	return b.String()
}

// UnitData returns, for every unit of the group that has any points,
// inputs or valid survey responses recorded in the period, what the engine
// needs to score it: Points (item → stage → value), Inputs, and Surveys
// (the satisfaction ratios of the period's survey campaigns, see
// surveyRatios). Units are ordered by code. It runs one query for points
// and inputs (one row per unit, see queries/unit_data.sql) and a few for
// the surveys, whatever the number of units. Units that the unit lineage
// says take no part in the period (continued into other units before it,
// or formed after it) are left out, whatever was recorded for them.
func (s *Store) UnitData(ctx context.Context, period, group string) ([]scoring.UnitData, error) {
	what := fmt.Sprintf("load unit data of %s in %s", group, period)
	units, byCode, err := s.unitPoints(ctx, what, period, group, nil)
	if err != nil {
		return nil, err
	}
	ratios, err := s.surveyRatios(ctx, period, group, "")
	if err != nil {
		return nil, wrap(fmt.Sprintf("load survey results of %s in %s", group, period), err)
	}
	for code, us := range ratios {
		i, ok := byCode[code]
		if !ok {
			i = len(units)
			units = append(units, scoring.UnitData{Code: code, Name: us.name,
				Points: map[string]scoring.StageValues{}, Inputs: map[string]scoring.Decimal{}})
		}
		units[i].Surveys = us.ratios
	}
	return s.takingPart(ctx, period, units)
}

// UnitDataOf is UnitData for some units of the group only, whose survey
// results are those of prev, the group's data read before (results.Deltas:
// the units whose points or inputs changed since, surveys unchanged). A
// unit left with nothing recorded is left out.
func (s *Store) UnitDataOf(ctx context.Context, period, group string, codes []string, prev []scoring.UnitData) ([]scoring.UnitData, error) {
	if len(codes) == 0 {
		return nil, nil // "IN ()" is no SQL
	}
	what := fmt.Sprintf("load unit data of %s in %s", group, period)
	units, byCode, err := s.unitPoints(ctx, what, period, group, codes)
	if err != nil {
		return nil, err
	}
	for _, p := range prev {
		if p.Surveys == nil || !slices.Contains(codes, p.Code) {
			continue
		}
		i, ok := byCode[p.Code]
		if !ok {
			i = len(units)
			units = append(units, scoring.UnitData{Code: p.Code, Name: p.Name,
				Points: map[string]scoring.StageValues{}, Inputs: map[string]scoring.Decimal{}})
		}
		units[i].Surveys = p.Surveys
	}
	return s.takingPart(ctx, period, units)
}

// takingPart keeps the units the lineage says take part in the period,
// ordered by code.
func (s *Store) takingPart(ctx context.Context, period string, units []scoring.UnitData) ([]scoring.UnitData, error) {
	lin, err := s.Lineage(ctx)
	if err != nil {
		return nil, err
	}
	kept := units[:0]
	for _, u := range units {
		if lin.Exists(u.Code, period) {
			kept = append(kept, u)
		}
	}
	slices.SortFunc(kept, func(a, b scoring.UnitData) int { return cmp.Compare(a.Code, b.Code) })
	return kept, nil
}

// unitPoints reads the points and inputs of the group's units (of those
// named, when codes is not nil) that have any, and their index by code.
func (s *Store) unitPoints(ctx context.Context, what, period, group string, only []string) ([]scoring.UnitData, map[string]int, error) {
	q := s.db.WithContext(ctx).Raw(unitDataSQL, sql.Named("period", period), sql.Named("group", group))
	if only != nil {
		q = s.db.WithContext(ctx).Raw(unitDataSQL+" AND u.code IN @only", sql.Named("period", period), sql.Named("group", group),
			sql.Named("only", only))
	}
	rows, err := q.Rows()
	if err != nil {
		return nil, nil, wrap(what, err)
	}
	defer rows.Close()
	var (
		units      []scoring.UnitData
		byCode     = map[string]int{} // index in units
		dec        = newDecimals()
		codes      = newInterner()
		scratch    []packedValue
		code, name string
		points     *string
		inputs     *string
	)
	for rows.Next() {
		if err := rows.Scan(&code, &name, &points, &inputs); err != nil {
			return nil, nil, wrap(what, err)
		}
		if points == nil && inputs == nil {
			continue
		}
		u := scoring.UnitData{Code: code, Name: name}
		if scratch, err = unpackPoints(&u, deref(points), scratch[:0], codes, dec); err != nil {
			return nil, nil, wrap(what, fmt.Errorf("unit %s: %w", code, err))
		}
		if err := unpackInputs(&u, deref(inputs), codes, dec); err != nil {
			return nil, nil, wrap(what, fmt.Errorf("unit %s: %w", code, err))
		}
		byCode[code] = len(units)
		units = append(units, u)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, wrap(what, err)
	}
	return units, byCode, nil
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// packedValue is one recorded value of a unit's packed list, its strings
// pointing into the list.
type packedValue struct {
	item   string
	stage  scoring.Stage
	points string // "" when not applicable
}

var errPacked = errors.New("malformed packed values")

// nextField reads LEN ':' TEXT from the start of packed and returns TEXT
// and the rest.
func nextField(packed string) (text, rest string, err error) {
	colon := strings.IndexByte(packed, ':')
	if colon <= 0 {
		return "", "", errPacked
	}
	n, err := strconv.Atoi(packed[:colon])
	if err != nil || n < 0 || colon+1+n > len(packed) {
		return "", "", errPacked
	}
	return packed[colon+1 : colon+1+n], packed[colon+1+n:], nil
}

// unpackPoints fills u.Points from a packed list of values (see
// queries/unit_data.sql), sizing the map for its items. scratch is reused
// from unit to unit and returned.
func unpackPoints(u *scoring.UnitData, packed string, scratch []packedValue, codes *interner, dec *decimals) ([]packedValue, error) {
	codes.unit++
	items := 0
	for packed != "" {
		item, rest, err := nextField(packed)
		if err != nil {
			return scratch, err
		}
		colon := strings.IndexByte(rest, ':')
		semi := strings.IndexByte(rest, ';')
		if colon < 0 || semi < colon {
			return scratch, errPacked
		}
		var st scoring.Stage
		switch rest[:colon] { // the constants, not slices of the list
		case string(scoring.StageSelf):
			st = scoring.StageSelf
		case string(scoring.StageAppraisal):
			st = scoring.StageAppraisal
		case string(scoring.StageExplanation):
			st = scoring.StageExplanation
		case string(scoring.StageFinal):
			st = scoring.StageFinal
		default:
			return scratch, fmt.Errorf("%w: stage %q", errPacked, rest[:colon])
		}
		code, first := codes.get(item)
		if first {
			items++
		}
		scratch = append(scratch, packedValue{item: code, stage: st, points: rest[colon+1 : semi]})
		packed = rest[semi+1:]
	}
	u.Points = make(map[string]scoring.StageValues, items)
	for _, v := range scratch {
		val := scoring.Value{Points: decimal.Zero, NA: v.points == ""}
		if !val.NA {
			d, err := dec.parse(v.points)
			if err != nil {
				return scratch, err
			}
			val.Points = d
		}
		u.SetPoints(v.item, v.stage, val)
	}
	return scratch, nil
}

// interner keeps one copy of every item code and input name: the texts
// read point into a unit's packed list, which must not be kept alive by
// the codes of every unit. It also tells a code's first sight in the
// current unit, so that a unit's map is made at its size.
type interner struct {
	m    map[string]*internedCode
	unit int // the current unit's sequence number
}

type internedCode struct {
	code string
	unit int // the last unit the code was seen in
}

func newInterner() *interner { return &interner{m: map[string]*internedCode{}} }

// get returns the kept copy of s, and whether s is seen for the first time
// in the current unit.
func (in *interner) get(s string) (string, bool) {
	c := in.m[s]
	if c == nil {
		c = &internedCode{code: strings.Clone(s)}
		in.m[c.code] = c
	}
	first := c.unit != in.unit
	c.unit = in.unit
	return c.code, first
}

// unpackInputs fills u.Inputs from a packed list of inputs.
func unpackInputs(u *scoring.UnitData, packed string, names *interner, dec *decimals) error {
	u.Inputs = make(map[string]scoring.Decimal, strings.Count(packed, ";"))
	for packed != "" {
		name, rest, err := nextField(packed)
		if err != nil {
			return err
		}
		semi := strings.IndexByte(rest, ';')
		if semi < 0 {
			return errPacked
		}
		d, err := dec.parse(rest[:semi])
		if err != nil {
			return err
		}
		code, _ := names.get(name)
		u.Inputs[code] = d
		packed = rest[semi+1:]
	}
	return nil
}

// decimals parses decimal texts, keeping each distinct text's value: points
// take a few distinct values (0, 0.25, 0.5, …) and inputs repeat, so most
// values are found rather than parsed. A decimal.Decimal is immutable, so
// units may share one.
type decimals struct{ m map[string]decimal.Decimal }

// maxDecimals bounds the values kept; past it, values are parsed each time.
const maxDecimals = 4096

func newDecimals() *decimals { return &decimals{m: map[string]decimal.Decimal{}} }

func (d *decimals) parse(text string) (decimal.Decimal, error) {
	if v, ok := d.m[text]; ok {
		return v, nil
	}
	v, err := decimal.NewFromString(text)
	if err != nil {
		return decimal.Decimal{}, fmt.Errorf("%w: value %q", errPacked, text)
	}
	if len(d.m) < maxDecimals {
		d.m[strings.Clone(text)] = v
	}
	return v, nil
}
