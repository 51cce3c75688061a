package auth

import (
	"regexp"
	"time"

	"github.com/parindex/parindex/domain"
)

// Role is what an account may do.
type Role string

// The roles of contract.md.
const (
	// Admin is the reform secretariat (Sở Nội vụ): runs periods and users.
	Admin Role = "admin"
	// Officer is a unit's reform officer, bound to one unit.
	Officer Role = "officer"
	// Appraiser is a member of the appraisal council.
	Appraiser Role = "appraiser"
	// Committee is the steering committee: reads everything, publishes.
	Committee Role = "committee"
)

// Roles lists every role.
var Roles = []Role{Admin, Officer, Appraiser, Committee}

// ParseRole checks a role name.
func ParseRole(s string) (Role, error) {
	for _, r := range Roles {
		if string(r) == s {
			return r, nil
		}
	}
	return "", domain.Invalidf("role %q must be admin, officer, appraiser or committee", s)
}

// Staff reports whether the role belongs to the administration (every role
// does; the public has no account).
func (r Role) Staff() bool { return r != "" }

// User is an account.
type User struct {
	ID           int64
	Username     string
	Name         string
	Role         Role
	Unit         string // the officer's unit; empty for other roles
	PasswordHash string
	Disabled     bool
	CreatedAt    time.Time
	// PasswordChangedAt is when the password was last set.
	PasswordChangedAt time.Time
	// MustChangePassword: the password was set by someone else (a first
	// password from an import, a reset by the secretariat); its owner
	// must choose their own before doing anything else.
	MustChangePassword bool
}

var usernamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{1,63}$`)

// CheckUser validates a new or edited account (not its password).
func CheckUser(u User) error {
	if !usernamePattern.MatchString(u.Username) {
		return domain.Invalidf("user name %q must be 2–64 lowercase letters, digits, '.', '_' or '-'", u.Username)
	}
	if _, err := ParseRole(string(u.Role)); err != nil {
		return err
	}
	if u.Role == Officer && u.Unit == "" {
		return domain.Invalidf("an officer needs a unit (--unit CODE)")
	}
	if u.Role != Officer && u.Unit != "" {
		return domain.Invalidf("only officers are bound to a unit")
	}
	return nil
}
