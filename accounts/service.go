package accounts

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/parindex/parindex/auth"
	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/domain/problem"
	"github.com/parindex/parindex/scoring"
	"github.com/parindex/parindex/workflow"
)

// Store is what an import reads and writes.
type Store interface {
	Users(ctx context.Context) ([]auth.User, error)
	Units(ctx context.Context, group string) ([]domain.Unit, error)
	Periods(ctx context.Context) ([]domain.Period, error)
	FrameworkGroups(ctx context.Context, period string) ([]string, error)
	Framework(ctx context.Context, period, group string) (*scoring.Framework, error)
	// ImportAccounts writes an import in one transaction: it creates the
	// new accounts, saves the changed ones (name, role, unit) and replaces
	// each listed appraiser's assignments in each listed period; nothing
	// when any write fails.
	ImportAccounts(ctx context.Context, imp Import) error
}

// Import is what a checked batch writes.
type Import struct {
	// Create are new accounts, with their password hash; Update are
	// existing accounts with their new name, role and unit.
	Create, Update []auth.User
	// Assignments replace, per (period, appraiser), the appraiser's
	// assignments in the period; an entry with no Assignment left leaves
	// the appraiser every unit.
	Assignments []AppraiserPeriod
}

// AppraiserPeriod is an appraiser's assignments in one period, by user
// name (the account may be created by the same import).
type AppraiserPeriod struct {
	Period, Username string
	Assignments      []workflow.Assignment // Unit and Field only
}

// Service checks and writes imports.
type Service struct {
	Store Store
	Now   func() time.Time
	// Random is the source of the first passwords (crypto/rand when nil).
	Random io.Reader
}

// Credential is a new account with its first password, for the sheet
// handed out (never stored: only its hash is).
type Credential struct {
	Username, Name string
	Role           auth.Role
	Unit, UnitName string
	Password       string
}

// Result says what an import did.
type Result struct {
	Created   []Credential
	Updated   []string // user names
	Unchanged int
	// Assigned counts the (period, appraiser) lists replaced, Rows their
	// assignment rows.
	Assigned, Rows int
}

// Import checks every row of the batch against the accounts, units,
// periods and criteria sets, and writes it all in one transaction — or,
// with any problem, writes nothing and returns a *problem.List naming each
// one by its sheet, row and column. Only the secretariat imports.
func (s *Service) Import(ctx context.Context, actor auth.User, b *Batch) (*Result, error) {
	if actor.Role != auth.Admin {
		return nil, domain.Errorf(domain.ErrForbidden, "accounts.forbidden", "only the secretariat imports accounts")
	}
	if len(b.Accounts) == 0 && len(b.Assignments) == 0 {
		return nil, &problem.List{Problems: []problem.Problem{{Msg: "the file holds no account and no assignment"}}}
	}
	users, err := s.Store.Users(ctx)
	if err != nil {
		return nil, err
	}
	units, err := s.Store.Units(ctx, "")
	if err != nil {
		return nil, err
	}
	byUser := map[string]auth.User{}
	for _, u := range users {
		byUser[u.Username] = u
	}
	byUnit := map[string]domain.Unit{}
	for _, u := range units {
		byUnit[u.Code] = u
	}
	ps := &problem.List{}
	res := &Result{}
	imp := Import{}
	roles := map[string]auth.Role{} // every account after the import, by user name
	for name, u := range byUser {
		roles[name] = u.Role
	}
	seen := map[string]problem.Problem{}
	for _, a := range b.Accounts {
		u, ok := s.account(a, byUnit, ps)
		if !ok {
			continue
		}
		if first, dup := seen[u.Username]; dup {
			ps.Add(a.Where("username"), "%s already appears on %s", u.Username, rowName(first))
			continue
		}
		seen[u.Username] = a.At
		cur, exists := byUser[u.Username]
		switch {
		case !exists:
			imp.Create = append(imp.Create, u)
		case cur.Name == u.Name && cur.Role == u.Role && cur.Unit == u.Unit:
			res.Unchanged++
		case cur.ID == actor.ID && cur.Role != u.Role:
			ps.Add(a.Where("role"), "this is your own account: the secretariat cannot change its own role")
		default:
			cur.Name, cur.Role, cur.Unit = u.Name, u.Role, u.Unit
			imp.Update = append(imp.Update, cur)
			res.Updated = append(res.Updated, u.Username)
		}
		roles[u.Username] = u.Role
	}
	imp.Assignments = s.assignments(ctx, b.Assignments, roles, byUnit, ps)
	if err := ps.Err(); err != nil {
		return nil, err
	}
	for i := range imp.Create {
		pw, err := s.password()
		if err != nil {
			return nil, err
		}
		hash, err := auth.HashPassword(pw)
		if err != nil {
			return nil, err
		}
		u := &imp.Create[i]
		now := s.now()
		u.PasswordHash, u.CreatedAt, u.PasswordChangedAt, u.MustChangePassword = hash, now, now, true
		res.Created = append(res.Created, Credential{Username: u.Username, Name: u.Name, Role: u.Role, Unit: u.Unit,
			UnitName: byUnit[u.Unit].Name, Password: pw})
	}
	if err := s.Store.ImportAccounts(ctx, imp); err != nil {
		return nil, err
	}
	res.Assigned = len(imp.Assignments)
	for _, ap := range imp.Assignments {
		res.Rows += len(ap.Assignments)
	}
	return res, nil
}

// account checks one account row.
func (s *Service) account(a Account, units map[string]domain.Unit, ps *problem.List) (auth.User, bool) {
	before := len(ps.Problems)
	u := auth.User{Username: strings.ToLower(a.Username), Name: a.Name, Unit: a.Unit}
	if u.Username == "" {
		ps.Add(a.Where("username"), "the user name is empty")
	} else if err := auth.CheckUser(auth.User{Username: u.Username, Role: auth.Committee}); err != nil {
		ps.Add(a.Where("username"), "%v", err)
	}
	if len([]rune(u.Name)) > 200 {
		ps.Add(a.Where("name"), "the name is longer than 200 characters")
	}
	role, err := auth.ParseRole(strings.ToLower(a.Role))
	switch {
	case a.Role == "":
		ps.Add(a.Where("role"), "the role is empty (admin, officer, appraiser or committee)")
	case err != nil:
		ps.Add(a.Where("role"), "%v", err)
	}
	u.Role = role
	switch {
	case role == auth.Officer && u.Unit == "":
		ps.Add(a.Where("unit"), "an officer needs the code of their unit")
	case role != auth.Officer && role != "" && u.Unit != "":
		ps.Add(a.Where("unit"), "only officers are bound to a unit (this row's role is %s)", role)
	case u.Unit != "" && units[u.Unit].Code == "":
		ps.Add(a.Where("unit"), "unit %s does not exist", u.Unit)
	}
	return u, len(ps.Problems) == before
}

// assignments checks the assignment rows and groups them per (period,
// appraiser).
func (s *Service) assignments(ctx context.Context, rows []Assignment, roles map[string]auth.Role, units map[string]domain.Unit, ps *problem.List) []AppraiserPeriod {
	periods, err := s.Store.Periods(ctx)
	if err != nil {
		ps.Add(problem.Problem{}, "the periods could not be read: %v", err)
		return nil
	}
	known := map[string]bool{}
	for _, p := range periods {
		known[p.Code] = true
	}
	fields := map[string]map[string]map[string]bool{} // period → group → top-level codes
	fieldsOf := func(period string) (map[string]map[string]bool, error) {
		if f, ok := fields[period]; ok {
			return f, nil
		}
		f := map[string]map[string]bool{}
		groups, err := s.Store.FrameworkGroups(ctx, period)
		if err != nil {
			return nil, err
		}
		for _, g := range groups {
			fw, err := s.Store.Framework(ctx, period, g)
			if err != nil && !errors.Is(err, domain.ErrNotFound) {
				return nil, err
			}
			f[g] = map[string]bool{}
			if fw != nil {
				for _, it := range fw.Items {
					f[g][it.Code] = true
				}
			}
		}
		fields[period] = f
		return f, nil
	}
	var out []AppraiserPeriod
	index := map[[2]string]int{}
	seen := map[workflow.Assignment]problem.Problem{}
	for _, a := range rows {
		before := len(ps.Problems)
		name := strings.ToLower(a.Username)
		switch {
		case a.Period == "":
			ps.Add(a.Where("period"), "the period is empty")
		case !known[a.Period]:
			ps.Add(a.Where("period"), "period %s does not exist", a.Period)
		}
		switch role, ok := roles[name]; {
		case name == "":
			ps.Add(a.Where("username"), "the user name is empty")
		case !ok:
			ps.Add(a.Where("username"), "%s is neither an account nor on the accounts sheet", name)
		case role != auth.Appraiser:
			ps.Add(a.Where("username"), "%s is not an appraiser (role %s); only appraisers are assigned", name, role)
		}
		if a.Unit != "" && units[a.Unit].Code == "" {
			ps.Add(a.Where("unit"), "unit %s does not exist", a.Unit)
		}
		if len(ps.Problems) > before || !known[a.Period] {
			continue
		}
		f, err := fieldsOf(a.Period)
		if err != nil {
			ps.Add(a.At, "the criteria sets of %s could not be read: %v", a.Period, err)
			continue
		}
		if a.Unit != "" && f[units[a.Unit].Group] == nil {
			ps.Add(a.Where("unit"), "unit %s's group %s has no criteria set in %s", a.Unit, units[a.Unit].Group, a.Period)
			continue
		}
		if a.Field != "" {
			ok := false
			for g, codes := range f {
				if (a.Unit == "" || g == units[a.Unit].Group) && codes[a.Field] {
					ok = true
				}
			}
			if !ok {
				ps.Add(a.Where("field"), "%s is not a field (a top-level item) of the criteria sets of %s", a.Field, a.Period)
				continue
			}
		}
		key := workflow.Assignment{Period: a.Period, Unit: a.Unit, Field: a.Field}
		k := [2]string{a.Period, name}
		i, ok := index[k]
		if !ok {
			i = len(out)
			index[k] = i
			out = append(out, AppraiserPeriod{Period: a.Period, Username: name})
		}
		dup := workflow.Assignment{Period: a.Period + "\x00" + name, Unit: a.Unit, Field: a.Field}
		if first, repeated := seen[dup]; repeated {
			ps.Add(a.At, "the same assignment already appears on %s", rowName(first))
			continue
		}
		seen[dup] = a.At
		if a.Unit == "" && a.Field == "" {
			continue // every unit: the list stays empty
		}
		out[i].Assignments = append(out[i].Assignments, key)
	}
	slices.SortStableFunc(out, func(x, y AppraiserPeriod) int {
		return strings.Compare(x.Period+"\x00"+x.Username, y.Period+"\x00"+y.Username)
	})
	return out
}

// rowName names a row in a message: "row 4" of a sheet, "line 4" of a file.
func rowName(p problem.Problem) string {
	if p.Row > 0 {
		return fmt.Sprintf("row %d", p.Row)
	}
	return fmt.Sprintf("line %d", p.Line)
}

// passwordAlphabet leaves out the letters and digits people confuse on
// paper (0 O o, 1 l I).
const passwordAlphabet = "abcdefghjkmnpqrstuvwxyz23456789"

// password makes a first password of 12 random characters in three groups
// of four (about 59 bits): "h4kq-7rzm-2wpe".
func (s *Service) password() (string, error) {
	r := s.Random
	if r == nil {
		r = rand.Reader
	}
	buf := make([]byte, 12)
	var out strings.Builder
	for i := 0; i < len(buf); {
		if _, err := io.ReadFull(r, buf[i:i+1]); err != nil {
			return "", fmt.Errorf("accounts: random: %w", err)
		}
		// Reject values that would bias the alphabet.
		if int(buf[i]) >= 256-256%len(passwordAlphabet) {
			continue
		}
		if i > 0 && i%4 == 0 {
			out.WriteByte('-')
		}
		out.WriteByte(passwordAlphabet[int(buf[i])%len(passwordAlphabet)])
		i++
	}
	return out.String(), nil
}

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now().UTC()
	}
	return s.Now().UTC()
}
