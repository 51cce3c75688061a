package store

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"

	"github.com/parindex/parindex/accounts"
	"github.com/parindex/parindex/domain"
)

// ImportAccounts writes a checked import of accounts and assignments in one
// transaction (accounts.Store): new accounts, the changed ones, then each
// appraiser's assignments in each period, replaced. A user name taken in
// the meantime is an error of kind domain.ErrConflict, and nothing is
// written.
func (s *Store) ImportAccounts(ctx context.Context, imp accounts.Import) error {
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		ids := map[string]int64{}
		for _, u := range imp.Create {
			if err := checkRole(u); err != nil {
				return err
			}
			row := userRow{Username: u.Username, Name: u.Name, Role: string(u.Role), UnitCode: optional(u.Unit),
				PasswordHash: u.PasswordHash, Disabled: u.Disabled, CreatedAt: utc(u.CreatedAt), PasswordChangedAt: utc(u.PasswordChangedAt),
				MustChangePassword: u.MustChangePassword}
			err := tx.Create(&row).Error
			switch {
			case errors.Is(err, gorm.ErrDuplicatedKey):
				return domain.Conflictf("user name %s is taken", u.Username)
			case errors.Is(err, gorm.ErrForeignKeyViolated):
				return domain.Invalidf("unit %s does not exist", u.Unit)
			case err != nil:
				return err
			}
			ids[u.Username] = row.ID
		}
		for _, u := range imp.Update {
			if err := checkRole(u); err != nil {
				return err
			}
			res := tx.Model(&userRow{}).Where("id = ?", u.ID).Updates(map[string]any{
				"name": u.Name, "role": string(u.Role), "unit_code": optional(u.Unit)})
			if res.Error != nil {
				return res.Error
			}
			if res.RowsAffected == 0 {
				return domain.NotFoundf("user %s not found", u.Username)
			}
			ids[u.Username] = u.ID
		}
		for _, ap := range imp.Assignments {
			id, ok := ids[ap.Username]
			if !ok {
				var row userRow
				if err := tx.Select("id").Where("username = ?", ap.Username).Take(&row).Error; err != nil {
					if errors.Is(err, gorm.ErrRecordNotFound) {
						return domain.NotFoundf("user %s not found", ap.Username)
					}
					return err
				}
				id = row.ID
			}
			if err := checkPeriod(tx, ap.Period); err != nil {
				return err
			}
			if err := tx.Where("user_id = ? AND period_code = ?", id, ap.Period).Delete(&assignmentRow{}).Error; err != nil {
				return err
			}
			rows := make([]assignmentRow, 0, len(ap.Assignments))
			for _, a := range ap.Assignments {
				rows = append(rows, assignmentRow{UserID: id, PeriodCode: ap.Period, UnitCode: optional(a.Unit), Field: a.Field})
			}
			if len(rows) > 0 {
				if err := tx.CreateInBatches(rows, s.batch).Error; err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil && !errors.Is(err, domain.ErrConflict) && !errors.Is(err, domain.ErrInvalid) && !errors.Is(err, domain.ErrNotFound) {
		return wrap(fmt.Sprintf("import %d accounts", len(imp.Create)+len(imp.Update)), err)
	}
	return err
}
