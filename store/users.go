package store

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"

	"gorm.io/gorm"

	"github.com/parindex/parindex/auth"
	"github.com/parindex/parindex/domain"
)

// CreateUser adds an account and returns it with its ID. A user name
// already taken is an error of kind domain.ErrConflict; an officer's unit
// that does not exist, of kind domain.ErrInvalid. Checking the user name's
// form and the password is the auth package's business.
func (s *Store) CreateUser(ctx context.Context, u auth.User) (auth.User, error) {
	if u.Username == "" {
		return auth.User{}, domain.Invalidf("the user name is empty")
	}
	if err := checkRole(u); err != nil {
		return auth.User{}, err
	}
	now := s.now()
	row := userRow{Username: u.Username, Name: u.Name, Role: string(u.Role), UnitCode: optional(u.Unit),
		PasswordHash: u.PasswordHash, Disabled: u.Disabled, CreatedAt: utc(u.CreatedAt), PasswordChangedAt: utc(u.PasswordChangedAt),
		MustChangePassword: u.MustChangePassword}
	if row.CreatedAt.IsZero() {
		row.CreatedAt = now
	}
	if row.PasswordChangedAt.IsZero() {
		row.PasswordChangedAt = row.CreatedAt
	}
	db := s.db.WithContext(ctx)
	if !row.MustChangePassword {
		// The column's default says the same, and an account can then be
		// created on a schema older than the flag (the upgrade tests).
		db = db.Omit("must_change_password")
	}
	err := db.Create(&row).Error
	switch {
	case errors.Is(err, gorm.ErrDuplicatedKey):
		return auth.User{}, domain.Conflictf("user name %s is taken", u.Username)
	case errors.Is(err, gorm.ErrForeignKeyViolated): // the unit, the only reference
		return auth.User{}, domain.Invalidf("unit %s does not exist", u.Unit)
	case err != nil:
		return auth.User{}, wrap("create user "+u.Username, err)
	}
	return row.user(), nil
}

// checkRole refuses the role and unit the users table's constraints would
// refuse, with a message people can read.
func checkRole(u auth.User) error {
	if _, err := auth.ParseRole(string(u.Role)); err != nil {
		return err
	}
	if (u.Role == auth.Officer) != (u.Unit != "") {
		return domain.Invalidf("an officer, and only an officer, is bound to a unit")
	}
	return nil
}

// UserByUsername returns the account with the user name, or an error of
// kind domain.ErrNotFound.
func (s *Store) UserByUsername(ctx context.Context, username string) (auth.User, error) {
	var row userRow
	err := s.db.WithContext(ctx).Where("username = ?", username).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return auth.User{}, domain.NotFoundf("user %s not found", username)
	}
	if err != nil {
		return auth.User{}, wrap("get user "+username, err)
	}
	return row.user(), nil
}

// UserByID returns the account with the ID, or an error of kind
// domain.ErrNotFound.
func (s *Store) UserByID(ctx context.Context, id int64) (auth.User, error) {
	var row userRow
	err := s.db.WithContext(ctx).Where("id = ?", id).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return auth.User{}, domain.NotFoundf("user %d not found", id)
	}
	if err != nil {
		return auth.User{}, wrap(fmt.Sprintf("get user %d", id), err)
	}
	return row.user(), nil
}

// Users returns every account, ordered by user name.
func (s *Store) Users(ctx context.Context) ([]auth.User, error) {
	var rows []userRow
	if err := s.db.WithContext(ctx).Find(&rows).Error; err != nil {
		return nil, wrap("list users", err)
	}
	users := make([]auth.User, len(rows))
	for i, r := range rows {
		users[i] = r.user()
	}
	slices.SortFunc(users, func(a, b auth.User) int { return cmp.Compare(a.Username, b.Username) })
	return users, nil
}

// UpdateUser saves an account's name, role, unit, disabled flag, password
// hash, password change time and whether the password must be changed
// (not its user name or creation time). An
// unknown ID is an error of kind domain.ErrNotFound.
func (s *Store) UpdateUser(ctx context.Context, u auth.User) error {
	if err := checkRole(u); err != nil {
		return err
	}
	res := s.db.WithContext(ctx).Model(&userRow{}).Where("id = ?", u.ID).Updates(map[string]any{
		"name": u.Name, "role": string(u.Role), "unit_code": optional(u.Unit), "disabled": u.Disabled,
		"password_hash": u.PasswordHash, "password_changed_at": utc(u.PasswordChangedAt),
		"must_change_password": u.MustChangePassword,
	})
	switch {
	case errors.Is(res.Error, gorm.ErrForeignKeyViolated):
		return domain.Invalidf("unit %s does not exist", u.Unit)
	case res.Error != nil:
		return wrap(fmt.Sprintf("update user %d", u.ID), res.Error)
	case res.RowsAffected == 0:
		return domain.NotFoundf("user %d not found", u.ID)
	}
	return nil
}
