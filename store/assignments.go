package store

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"gorm.io/gorm"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/workflow"
)

// Assignments returns the appraisers' assignments in a period, ordered by
// user, unit and field.
func (s *Store) Assignments(ctx context.Context, period string) ([]workflow.Assignment, error) {
	var rows []assignmentRow
	if err := s.db.WithContext(ctx).Where("period_code = ?", period).Find(&rows).Error; err != nil {
		return nil, wrap("list the assignments of period "+period, err)
	}
	as := make([]workflow.Assignment, len(rows))
	for i, r := range rows {
		as[i] = r.assignment()
	}
	slices.SortFunc(as, compareAssignments)
	return as, nil
}

func compareAssignments(a, b workflow.Assignment) int {
	return cmp.Or(cmp.Compare(a.UserID, b.UserID), cmp.Compare(a.Unit, b.Unit), cmp.Compare(a.Field, b.Field))
}

// SetAssignments replaces an appraiser's assignments in a period, in one
// transaction; none leaves the appraiser free to appraise every unit. Each
// assignment's UserID and Period may be left zero; given, they must be
// userID and period. Repeated assignments are stored once. The period, the
// user and the units must exist.
func (s *Store) SetAssignments(ctx context.Context, period string, userID int64, as []workflow.Assignment) error {
	var (
		problems []string
		rows     []assignmentRow
		units    []string
	)
	seen := map[workflow.Assignment]bool{}
	for i, a := range as {
		if (a.UserID != 0 && a.UserID != userID) || (a.Period != "" && a.Period != period) {
			problems = append(problems, fmt.Sprintf("assignment %d is for user %d in period %s, not user %d in %s",
				i+1, a.UserID, a.Period, userID, period))
			continue
		}
		a.UserID, a.Period = userID, period
		if seen[a] {
			continue
		}
		seen[a] = true
		rows = append(rows, assignmentRow{UserID: userID, PeriodCode: period, UnitCode: optional(a.Unit), Field: a.Field})
		if a.Unit != "" && !slices.Contains(units, a.Unit) {
			units = append(units, a.Unit)
		}
	}
	if len(problems) > 0 {
		return domain.Invalidf("%s", strings.Join(problems, "\n"))
	}
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		if err := checkPeriod(tx, period); err != nil {
			return err
		}
		if err := checkUnits(tx, units); err != nil {
			return err
		}
		if err := tx.Where("user_id = ? AND period_code = ?", userID, period).Delete(&assignmentRow{}).Error; err != nil {
			return err
		}
		if len(rows) == 0 {
			return nil
		}
		err := tx.CreateInBatches(rows, s.batch).Error
		if errors.Is(err, gorm.ErrForeignKeyViolated) { // the period and units were checked
			return domain.Invalidf("user %d does not exist", userID)
		}
		return err
	})
	return wrap(fmt.Sprintf("set the assignments of user %d in %s", userID, period), err)
}
