package store

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/shopspring/decimal"
	"gorm.io/gorm"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/scoring"
)

type lineageRow struct {
	ID         int64
	FromPeriod string
	FromUnit   string
	ToPeriod   string
	ToUnit     string
	Weight     decimal.NullDecimal
	Author     string
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

func (lineageRow) TableName() string { return "unit_lineage" }

func (r lineageRow) link() scoring.Link {
	return scoring.Link{FromPeriod: r.FromPeriod, FromUnit: r.FromUnit, ToPeriod: r.ToPeriod, ToUnit: r.ToUnit,
		Weight: r.Weight.Decimal, HasWeight: r.Weight.Valid}
}

type lineageChangeRow struct {
	ID         int64
	FromPeriod string
	FromUnit   string
	ToPeriod   string
	ToUnit     string
	Action     string
	OldWeight  decimal.NullDecimal
	NewWeight  decimal.NullDecimal
	Author     string
	Source     string
	At         time.Time
}

func (lineageChangeRow) TableName() string { return "unit_lineage_changes" }

// lineageRows reads every stored link, in a stable order.
func lineageRows(db *gorm.DB) ([]lineageRow, error) {
	var rows []lineageRow
	if err := db.Find(&rows).Error; err != nil {
		return nil, err
	}
	slices.SortFunc(rows, func(a, b lineageRow) int {
		return cmp.Or(cmp.Compare(a.ToPeriod, b.ToPeriod), cmp.Compare(a.ToUnit, b.ToUnit),
			cmp.Compare(a.FromUnit, b.FromUnit), cmp.Compare(a.FromPeriod, b.FromPeriod))
	})
	return rows, nil
}

// Lineage returns the unit lineage (results.LineageSource): nil when no
// link is stored.
func (s *Store) Lineage(ctx context.Context) (*scoring.Lineage, error) {
	rows, err := lineageRows(s.db.WithContext(ctx))
	if err != nil {
		return nil, wrap("read the lineage", err)
	}
	if len(rows) == 0 {
		return nil, nil
	}
	links := make([]scoring.Link, len(rows))
	for i, r := range rows {
		links[i] = r.link()
	}
	lin, err := scoring.NewLineage(links)
	if err != nil {
		return nil, fmt.Errorf("store: the stored lineage is inconsistent: %w", err)
	}
	return lin, nil
}

// LineageRecords lists the stored links with their authors, ordered by
// to_period, successor and predecessor.
func (s *Store) LineageRecords(ctx context.Context) ([]domain.LineageRecord, error) {
	rows, err := lineageRows(s.db.WithContext(ctx))
	if err != nil {
		return nil, wrap("list the lineage", err)
	}
	out := make([]domain.LineageRecord, len(rows))
	for i, r := range rows {
		out[i] = domain.LineageRecord{Link: r.link(), Author: r.Author, UpdatedAt: r.UpdatedAt}
	}
	return out, nil
}

// LineageChanges returns the lineage's change log, oldest first.
func (s *Store) LineageChanges(ctx context.Context) ([]domain.LineageChange, error) {
	var rows []lineageChangeRow
	if err := s.db.WithContext(ctx).Order("id").Find(&rows).Error; err != nil {
		return nil, wrap("read the lineage's changes", err)
	}
	out := make([]domain.LineageChange, len(rows))
	for i, r := range rows {
		out[i] = domain.LineageChange{Key: scoring.LinkKey{FromPeriod: r.FromPeriod, FromUnit: r.FromUnit, ToPeriod: r.ToPeriod, ToUnit: r.ToUnit},
			Action: r.Action, OldWeight: decimalPtr(r.OldWeight), NewWeight: decimalPtr(r.NewWeight), Author: r.Author, Source: r.Source, At: r.At}
	}
	return out, nil
}

func decimalPtr(d decimal.NullDecimal) *scoring.Decimal {
	if !d.Valid {
		return nil
	}
	v := d.Decimal
	return &v
}

func nullWeight(l scoring.Link) decimal.NullDecimal {
	return decimal.NullDecimal{Decimal: l.Weight, Valid: l.HasWeight}
}

// SaveLineage adds links and changes the weight of those already stored
// (matched by from_period, from_unit, to_period, to_unit), in one
// transaction, logging each change with the author and source ("import",
// "web"). Nothing is written when any link is wrong: an unknown unit, a
// lineage that the change would make inconsistent (see
// scoring.NewLineage), a link into a published period (ErrConflict). It
// counts the links added and those whose weight changed.
func (s *Store) SaveLineage(ctx context.Context, links []scoring.Link, author, source string) (added, updated int, err error) {
	err = s.transaction(ctx, func(tx *gorm.DB) error {
		stored, err := lineageRows(tx)
		if err != nil {
			return err
		}
		byKey := map[scoring.LinkKey]lineageRow{}
		for _, r := range stored {
			byKey[r.link().Key()] = r
		}
		problems := &domain.LineageError{}
		if err := checkLinkUnits(tx, links, problems); err != nil {
			return err
		}
		// The links after the change: the given ones first, so that the
		// indices of their problems are theirs, then the stored ones they
		// leave as they are.
		given := map[scoring.LinkKey]bool{}
		all := slices.Clone(links)
		for _, l := range links {
			given[l.Key()] = true
		}
		for _, r := range stored {
			if !given[r.link().Key()] {
				all = append(all, r.link())
			}
		}
		checkLineage(all, len(links), problems)
		var changed []scoring.Link
		for _, l := range links {
			old, ok := byKey[l.Key()]
			if !ok || old.Weight.Valid != l.HasWeight || (l.HasWeight && !old.Weight.Decimal.Equal(l.Weight)) {
				changed = append(changed, l)
			}
		}
		if len(problems.Problems) > 0 {
			return problems
		}
		if err := s.checkNotPublished(ctx, tx, changed); err != nil {
			return err
		}
		now := s.now()
		for _, l := range changed {
			old, ok := byKey[l.Key()]
			change := lineageChangeRow{FromPeriod: l.FromPeriod, FromUnit: l.FromUnit, ToPeriod: l.ToPeriod, ToUnit: l.ToUnit,
				NewWeight: nullWeight(l), Author: author, Source: source, At: now}
			if ok {
				updated++
				change.Action, change.OldWeight = "update", old.Weight
				if err := tx.Model(&lineageRow{}).Where("id = ?", old.ID).
					Updates(map[string]any{"weight": nullWeight(l), "author": author, "updated_at": now}).Error; err != nil {
					return err
				}
			} else {
				added++
				change.Action = "add"
				row := lineageRow{FromPeriod: l.FromPeriod, FromUnit: l.FromUnit, ToPeriod: l.ToPeriod, ToUnit: l.ToUnit,
					Weight: nullWeight(l), Author: author, CreatedAt: now, UpdatedAt: now}
				if err := tx.Create(&row).Error; err != nil {
					return err
				}
			}
			if err := tx.Create(&change).Error; err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, 0, wrap("save the lineage", err)
	}
	return added, updated, nil
}

// DeleteLineage removes a stored link, logging it, unless the lineage left
// would be inconsistent or the link is into a published period.
func (s *Store) DeleteLineage(ctx context.Context, key scoring.LinkKey, author, source string) error {
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		stored, err := lineageRows(tx)
		if err != nil {
			return err
		}
		var gone *lineageRow
		var rest []scoring.Link
		for i, r := range stored {
			if r.link().Key() == key {
				gone = &stored[i]
				continue
			}
			rest = append(rest, r.link())
		}
		if gone == nil {
			return domain.NotFoundf("the lineage has no link %s", key)
		}
		problems := &domain.LineageError{}
		checkLineage(rest, 0, problems)
		if len(problems.Problems) > 0 {
			return problems
		}
		if err := s.checkNotPublished(ctx, tx, []scoring.Link{gone.link()}); err != nil {
			return err
		}
		if err := tx.Delete(&lineageRow{}, gone.ID).Error; err != nil {
			return err
		}
		return tx.Create(&lineageChangeRow{FromPeriod: key.FromPeriod, FromUnit: key.FromUnit, ToPeriod: key.ToPeriod, ToUnit: key.ToUnit,
			Action: "delete", OldWeight: gone.Weight, Author: author, Source: source, At: s.now()}).Error
	})
	return wrap("delete a lineage link", err)
}

// checkLinkUnits adds a problem for every link naming a unit that does not
// exist.
func checkLinkUnits(tx *gorm.DB, links []scoring.Link, problems *domain.LineageError) error {
	var codes []string
	if err := tx.Model(&unitRow{}).Pluck("code", &codes).Error; err != nil {
		return err
	}
	known := make(map[string]bool, len(codes))
	for _, c := range codes {
		known[c] = true
	}
	for i, l := range links {
		if l.FromUnit != "" && !known[l.FromUnit] {
			problems.Add(unknownUnit(i, "from_unit", l.FromUnit), l.Key())
		}
		if l.ToUnit != "" && !known[l.ToUnit] {
			problems.Add(unknownUnit(i, "to_unit", l.ToUnit), l.Key())
		}
	}
	return nil
}

// checkLineage adds the problems of the lineage all would form; links from
// index given on are stored ones (their problems get Link −1).
func checkLineage(all []scoring.Link, given int, problems *domain.LineageError) {
	_, err := scoring.NewLineage(all)
	var le *scoring.LineageError
	if !errors.As(err, &le) {
		return
	}
	for _, p := range le.Problems {
		key := all[p.Link].Key()
		if p.Link >= given {
			p.Link = -1
			p.Msg += " (a link already stored)"
		}
		problems.Add(p, key)
	}
}

func unknownUnit(i int, field, unit string) scoring.LinkProblem {
	return scoring.LinkProblem{Link: i, Field: field, Msg: fmt.Sprintf("unit %s does not exist", unit),
		Key: "lineage.problem.unknown_unit", Args: []any{unit}}
}

// checkNotPublished refuses a change to links that a published period's
// comparison follows: those whose to_period begins after the period
// compared with and no later than the published period. A period reopened
// for a correction may change.
func (s *Store) checkNotPublished(ctx context.Context, tx *gorm.DB, links []scoring.Link) error {
	if len(links) == 0 {
		return nil
	}
	var periods []periodRow
	if err := tx.Find(&periods).Error; err != nil {
		return err
	}
	for _, p := range periods {
		if p.Phase != string(domain.PhasePublished) {
			continue
		}
		prev := ""
		for _, q := range periods {
			if q.Code < p.Code && scoring.SameKind(q.Code, p.Code) && q.Code > prev {
				prev = q.Code
			}
		}
		for _, l := range links {
			if !affects(l, prev, p.Code) {
				continue
			}
			heads, err := s.PublicationHeads(ctx, p.Code)
			if err != nil {
				return err
			}
			if len(heads) == 0 {
				return domain.Errorf(domain.ErrConflict, "lineage.error.published_plain",
					"period %s is published: the link %s changes what it is compared with; reopen the period for a correction first",
					p.Code, l.Key().String())
			}
			last := heads[len(heads)-1]
			return domain.Errorf(domain.ErrConflict, "lineage.error.published",
				"period %s is published by decision %s of %s: the link %s changes what it is compared with; reopen the period for a correction first",
				p.Code, last.DecisionNo, last.DecisionDate.Format("02/01/2006"), l.Key().String())
		}
	}
	return nil
}

// affects reports whether a link takes effect in the comparison of period
// with prev: its to_period begins after prev and no later than period. A
// period with no earlier one of its kind is compared with nothing. (Which
// units take part in a published period cannot change either way: it is
// computed from its frozen snapshot.)
func affects(l scoring.Link, prev, period string) bool {
	ts, ok1 := scoring.PeriodStart(l.ToPeriod)
	cs, ok2 := scoring.PeriodStart(period)
	ps, ok3 := scoring.PeriodStart(prev)
	return ok1 && ok2 && ok3 && ps < ts && ts <= cs
}
