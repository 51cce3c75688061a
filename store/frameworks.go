package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"

	"gorm.io/gorm"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/scoring"
)

// frameworkKey identifies one version of a stored criteria set.
type frameworkKey struct {
	id      int64
	version int64
}

// SaveFramework stores a criteria set for its period and group in one
// transaction, creating the period (phase draft) and the group when they are
// missing. source is the file the set was parsed from; Framework parses it
// again. An existing set for the same period and group is replaced (and
// replaced is true), unless points are already recorded for that period and
// a unit of the group: then, without force, it returns an error of kind
// domain.ErrConflict and changes nothing.
func (s *Store) SaveFramework(ctx context.Context, fw *scoring.Framework, source []byte, force bool) (replaced bool, err error) {
	if fw == nil {
		return false, errors.New("store: save criteria set: no criteria set")
	}
	// The stored source is what Framework will read back: it must be the
	// same set, at least as far as period and group go.
	parsed, err := scoring.ParseFramework(bytes.NewReader(source))
	if err != nil {
		return false, domain.Invalidf("criteria set %s %s: the source does not parse: %v", fw.Period, fw.Group, err)
	}
	if parsed.Period != fw.Period || parsed.Group != fw.Group {
		return false, domain.Invalidf("criteria set %s %s: the source is the set of %s %s",
			fw.Period, fw.Group, parsed.Period, parsed.Group)
	}
	err = s.transaction(ctx, func(tx *gorm.DB) error {
		if err := s.openPeriods(tx, []string{fw.Period}); err != nil {
			return err
		}
		if err := s.ensureGroups(tx, []string{fw.Group}); err != nil {
			return err
		}
		now := s.now()
		var row frameworkRow
		err := tx.Select("id", "version", "created_at").
			Where("period_code = ? AND group_code = ?", fw.Period, fw.Group).Take(&row).Error
		switch {
		case errors.Is(err, gorm.ErrRecordNotFound):
			row = frameworkRow{PeriodCode: fw.Period, GroupCode: fw.Group, Name: fw.Name,
				NotApplicable: string(fw.NotApplicable), Source: source, Version: 1, CreatedAt: now, UpdatedAt: now}
			if err := tx.Create(&row).Error; err != nil {
				if errors.Is(err, gorm.ErrDuplicatedKey) {
					return domain.Conflictf("criteria set %s %s was saved by someone else at the same time; try again", fw.Period, fw.Group)
				}
				return err
			}
		case err != nil:
			return err
		default:
			if !force {
				n, err := countScores(tx, fw.Period, fw.Group)
				if err != nil {
					return err
				}
				if n > 0 {
					return domain.Conflictf("criteria set %s %s already has %d recorded points; use --force to replace it",
						fw.Period, fw.Group, n)
				}
			}
			replaced = true
			res := tx.Model(&frameworkRow{}).Where("id = ? AND version = ?", row.ID, row.Version).Updates(map[string]any{
				"name": fw.Name, "not_applicable": string(fw.NotApplicable), "source": source,
				"version": row.Version + 1, "updated_at": now,
			})
			if res.Error != nil {
				return res.Error
			}
			if res.RowsAffected != 1 {
				return domain.Conflictf("criteria set %s %s was replaced by someone else at the same time; try again", fw.Period, fw.Group)
			}
			if err := tx.Where("framework_id = ?", row.ID).Delete(&frameworkItemRow{}).Error; err != nil {
				return err
			}
		}
		return tx.CreateInBatches(itemRows(row.ID, fw), s.batch).Error
	})
	if err != nil {
		return false, wrap(fmt.Sprintf("save criteria set %s %s", fw.Period, fw.Group), err)
	}
	return replaced, nil
}

// itemRows flattens a set's items in document order.
func itemRows(frameworkID int64, fw *scoring.Framework) []frameworkItemRow {
	var rows []frameworkItemRow
	var walk func(items []*scoring.Item, parent *string, depth int)
	walk = func(items []*scoring.Item, parent *string, depth int) {
		for _, it := range items {
			rows = append(rows, frameworkItemRow{
				FrameworkID: frameworkID, Code: it.Code, ParentCode: parent, Position: len(rows) + 1,
				Depth: depth, Name: it.Name, Method: string(it.Method), Max: it.Max, Metric: it.Metric,
			})
			code := it.Code
			walk(it.Items, &code, depth+1)
		}
	}
	walk(fw.Items, nil, 1)
	return rows
}

// Framework returns the criteria set of a group in a period, or an error of
// kind domain.ErrNotFound. Parsed sets are cached per stored version; the
// set returned is shared and must not be modified.
func (s *Store) Framework(ctx context.Context, period, group string) (*scoring.Framework, error) {
	db := s.db.WithContext(ctx)
	var row frameworkRow
	err := db.Select("id", "version").Where("period_code = ? AND group_code = ?", period, group).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, domain.NotFoundf("criteria set %s %s not found", period, group)
	}
	if err != nil {
		return nil, wrap(fmt.Sprintf("get criteria set %s %s", period, group), err)
	}
	key := frameworkKey{row.ID, row.Version}
	s.mu.Lock()
	fw := s.frameworks[key]
	s.mu.Unlock()
	if fw != nil {
		return fw, nil
	}
	// Read the source with the version it belongs to, which may be newer
	// than the one just seen if the set was replaced meanwhile.
	var full frameworkRow
	err = db.Select("id", "version", "source").Where("period_code = ? AND group_code = ?", period, group).Take(&full).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, domain.NotFoundf("criteria set %s %s not found", period, group)
	}
	if err != nil {
		return nil, wrap(fmt.Sprintf("get criteria set %s %s", period, group), err)
	}
	key = frameworkKey{full.ID, full.Version}
	fw, err = scoring.ParseFramework(bytes.NewReader(full.Source))
	if err != nil {
		return nil, fmt.Errorf("store: criteria set %s %s: the stored source does not parse: %w", period, group, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for k := range s.frameworks {
		if k.id == key.id && k.version < key.version {
			delete(s.frameworks, k)
		}
	}
	s.frameworks[key] = fw
	return fw, nil
}

// FrameworkGroups lists the groups that have a criteria set in the period,
// sorted.
func (s *Store) FrameworkGroups(ctx context.Context, period string) ([]string, error) {
	groups := []string{}
	err := s.db.WithContext(ctx).Model(&frameworkRow{}).Where("period_code = ?", period).Pluck("group_code", &groups).Error
	if err != nil {
		return nil, wrap("list the criteria sets of period "+period, err)
	}
	slices.Sort(groups)
	return groups, nil
}

// FrameworkPeriods lists the periods that have a criteria set for the group,
// sorted.
func (s *Store) FrameworkPeriods(ctx context.Context, group string) ([]string, error) {
	periods := []string{}
	err := s.db.WithContext(ctx).Model(&frameworkRow{}).Where("group_code = ?", group).Pluck("period_code", &periods).Error
	if err != nil {
		return nil, wrap("list the criteria sets of group "+group, err)
	}
	slices.Sort(periods)
	return periods, nil
}
