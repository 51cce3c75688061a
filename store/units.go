package store

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/parindex/parindex/domain"
)

// inListSize bounds the values of one IN (...) list.
const inListSize = 500

// UpsertGroups adds unit groups and renames existing ones, in one
// transaction.
func (s *Store) UpsertGroups(ctx context.Context, groups []domain.Group) error {
	if len(groups) == 0 {
		return nil
	}
	rows := make([]groupRow, 0, len(groups))
	seen := map[string]int{}
	var problems []string
	for _, g := range groups {
		code, name := strings.TrimSpace(g.Code), strings.TrimSpace(g.Name)
		if code == "" {
			problems = append(problems, "a group has no code")
			continue
		}
		if name == "" {
			name = code
		}
		if i, ok := seen[code]; ok {
			rows[i].Name = name // the last one wins, as a second upsert would
			continue
		}
		seen[code] = len(rows)
		rows = append(rows, groupRow{Code: code, Name: name})
	}
	if len(problems) > 0 {
		return domain.Invalidf("%s", strings.Join(problems, "\n"))
	}
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		return tx.Clauses(clause.OnConflict{
			Columns:   []clause.Column{{Name: "code"}},
			DoUpdates: clause.AssignmentColumns([]string{"name"}),
		}).CreateInBatches(rows, s.batch).Error
	})
	return wrap("save groups", err)
}

// Groups returns every unit group, ordered by code.
func (s *Store) Groups(ctx context.Context) ([]domain.Group, error) {
	var rows []groupRow
	if err := s.db.WithContext(ctx).Find(&rows).Error; err != nil {
		return nil, wrap("list groups", err)
	}
	groups := make([]domain.Group, len(rows))
	for i, r := range rows {
		groups[i] = domain.Group{Code: r.Code, Name: r.Name}
	}
	// Sorted here, not by ORDER BY, so that the order is the same bytewise
	// order whatever the PostgreSQL collation.
	slices.SortFunc(groups, func(a, b domain.Group) int { return cmp.Compare(a.Code, b.Code) })
	return groups, nil
}

// ensureGroups creates the groups that do not exist yet, named by their code.
func (s *Store) ensureGroups(tx *gorm.DB, codes []string) error {
	rows := make([]groupRow, 0, len(codes))
	for _, c := range codes {
		rows = append(rows, groupRow{Code: c, Name: c})
	}
	if len(rows) == 0 {
		return nil
	}
	return tx.Clauses(clause.OnConflict{DoNothing: true}).CreateInBatches(rows, s.batch).Error
}

// ImportUnits adds new units and updates existing ones (matched by code) in
// one transaction, creating missing groups (named by their code). A unit's
// parent must already exist or come earlier in the batch. It counts the
// units created and those whose name, group or parent changed; units given
// exactly as stored count as neither. On any problem nothing is written and
// the error, of kind domain.ErrInvalid, lists every problem, one a line.
func (s *Store) ImportUnits(ctx context.Context, units []domain.Unit) (created, updated int, err error) {
	err = s.transaction(ctx, func(tx *gorm.DB) error {
		var existing []unitRow
		if err := tx.Find(&existing).Error; err != nil {
			return err
		}
		known := make(map[string]unitRow, len(existing))
		for _, r := range existing {
			known[r.Code] = r
		}
		now := s.now()
		var (
			problems []string
			write    []unitRow
			groups   []string
		)
		seenGroup := map[string]bool{}
		inBatch := map[string]bool{}
		for _, u := range units {
			code, name := strings.TrimSpace(u.Code), strings.TrimSpace(u.Name)
			group, parent := strings.TrimSpace(u.Group), strings.TrimSpace(u.Parent)
			switch {
			case code == "":
				problems = append(problems, fmt.Sprintf("unit %q: the code is empty", u.Name))
				continue
			case inBatch[code]:
				problems = append(problems, fmt.Sprintf("unit %s: appears twice", code))
				continue
			}
			inBatch[code] = true
			if name == "" {
				problems = append(problems, fmt.Sprintf("unit %s: the name is empty", code))
			}
			if group == "" {
				problems = append(problems, fmt.Sprintf("unit %s: the group is empty", code))
			}
			if parent == code {
				problems = append(problems, fmt.Sprintf("unit %s: is its own parent", code))
			} else if _, ok := known[parent]; parent != "" && !ok && !inBatch[parent] {
				problems = append(problems, fmt.Sprintf("unit %s: parent unit %s not found", code, parent))
			}
			if group != "" && !seenGroup[group] {
				seenGroup[group] = true
				groups = append(groups, group)
			}
			row := unitRow{Code: code, Name: name, GroupCode: group, CreatedAt: now, UpdatedAt: now}
			if parent != "" {
				row.ParentCode = &parent
			}
			old, ok := known[code]
			switch {
			case !ok:
				created++
			case old.Name != row.Name || old.GroupCode != row.GroupCode || old.domain().Parent != parent:
				updated++
			default:
				continue
			}
			write = append(write, row)
		}
		if len(problems) > 0 {
			return domain.Invalidf("%s", strings.Join(problems, "\n"))
		}
		if err := s.ensureGroups(tx, groups); err != nil {
			return err
		}
		if len(write) == 0 {
			return nil
		}
		// Foreign keys are checked at the end of each statement, so a
		// parent and its child may share one multi-row INSERT.
		return tx.Clauses(clause.OnConflict{
			Columns:   []clause.Column{{Name: "code"}},
			DoUpdates: clause.AssignmentColumns([]string{"name", "group_code", "parent_code", "updated_at"}),
		}).CreateInBatches(write, s.batch).Error
	})
	if err != nil {
		return 0, 0, wrap("import units", err)
	}
	return created, updated, nil
}

// Units returns the units of a group, or of every group when group is
// empty, ordered by group then code.
func (s *Store) Units(ctx context.Context, group string) ([]domain.Unit, error) {
	q := s.db.WithContext(ctx)
	if group != "" {
		q = q.Where("group_code = ?", group)
	}
	var rows []unitRow
	if err := q.Find(&rows).Error; err != nil {
		return nil, wrap("list units", err)
	}
	units := make([]domain.Unit, len(rows))
	for i, r := range rows {
		units[i] = r.domain()
	}
	slices.SortFunc(units, func(a, b domain.Unit) int {
		return cmp.Or(cmp.Compare(a.Group, b.Group), cmp.Compare(a.Code, b.Code))
	})
	return units, nil
}

// Unit returns the unit with the code, or an error of kind
// domain.ErrNotFound.
func (s *Store) Unit(ctx context.Context, code string) (domain.Unit, error) {
	var row unitRow
	err := s.db.WithContext(ctx).Where("code = ?", code).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return domain.Unit{}, domain.NotFoundf("unit %s not found", code)
	}
	if err != nil {
		return domain.Unit{}, wrap("get unit "+code, err)
	}
	return row.domain(), nil
}
