package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/parindex/parindex/auth"
	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/workflow"
)

// usersPage is the secretariat's account management: the list, a form to
// add an account, and, for one account, its edit forms and (for appraisers)
// its assignments per period.
type usersPage struct {
	chrome
	Users  []userRow
	Roles  []option
	Units  []option
	New    newUser
	Edit   *editUser
	MinLen int
	Notice string
	Error  string
	CSRF   string
	// CanImport offers the bulk import of accounts.
	CanImport bool
}

type userRow struct {
	Username, Name, RoleName, Unit, Created, EditURL string
	Disabled, Current                                bool
}

// newUser is what the create form holds (kept after an error, except the
// password).
type newUser struct {
	Username, Name, Role, Unit string
}

type editUser struct {
	userRow
	Role        string
	Roles       []option
	Units       []option
	Self        bool
	Appraiser   bool
	Action      string
	Period      string
	Periods     []option
	Assignments []string
	UnitChecks  []option
	FieldChecks []option
}

func usersURL(username string) string { return "/admin/users/" + url.PathEscape(username) }

// usersView builds the page; edit names the account being edited ("" for
// none).
func (s *server) usersView(c echo.Context, edit string, nu newUser, errMsg string) (usersPage, error) {
	ctx, l, me := c.Request().Context(), s.locale(c), currentUser(c)
	users, err := s.auth.Users(ctx)
	if err != nil {
		return usersPage{}, err
	}
	units, err := s.workflow.Units(ctx, me)
	if err != nil {
		return usersPage{}, err
	}
	unitNames := map[string]string{}
	for _, u := range units {
		unitNames[u.Code] = nameOr(u.Name, u.Code)
	}
	page := usersPage{chrome: s.chrome(c, l, l.T("work.users.title")), New: nu, MinLen: auth.MinPasswordLen,
		Notice: doneMessage(l, c), Error: errMsg, CSRF: csrfToken(c)}
	page.Scripts = []string{"work.js"}
	page.CanImport = s.accounts != nil
	page.Roles = roleOptions(l, nu.Role)
	page.Units = unitOptions(units, nu.Unit)
	for _, u := range users {
		row := userRow{Username: u.Username, Name: u.Name, RoleName: l.T("work.role." + string(u.Role)), Disabled: u.Disabled,
			Created: formatTime(l, u.CreatedAt), EditURL: usersURL(u.Username), Current: u.Username == edit}
		if u.Unit != "" {
			row.Unit = u.Unit + " · " + unitNames[u.Unit]
		}
		page.Users = append(page.Users, row)
		if u.Username == edit {
			e := &editUser{userRow: row, Role: string(u.Role), Roles: roleOptions(l, string(u.Role)), Units: unitOptions(units, u.Unit),
				Self: u.ID == me.ID, Appraiser: u.Role == auth.Appraiser, Action: usersURL(u.Username)}
			if e.Appraiser {
				if err := s.assignmentView(ctx, me, c.QueryParam("period"), u, e, unitNames, units); err != nil {
					return usersPage{}, err
				}
			}
			page.Edit = e
		}
	}
	if edit != "" && page.Edit == nil {
		return usersPage{}, domain.NotFoundf("user %s not found", edit)
	}
	return page, nil
}

func roleOptions(l *locale, selected string) []option {
	out := make([]option, 0, len(auth.Roles))
	for _, r := range auth.Roles {
		out = append(out, option{Value: string(r), Label: l.T("work.role." + string(r)), Selected: string(r) == selected})
	}
	return out
}

func unitOptions(units []domain.Unit, selected string) []option {
	out := make([]option, 0, len(units))
	for _, u := range units {
		out = append(out, option{Value: u.Code, Label: u.Code + " · " + nameOr(u.Name, u.Code), Selected: u.Code == selected})
	}
	return out
}

// assignmentView fills an appraiser's assignments in a period (the latest
// unpublished one unless ?period= names another).
func (s *server) assignmentView(ctx context.Context, me auth.User, period string, u auth.User, e *editUser, unitNames map[string]string, units []domain.Unit) error {
	periods, err := s.catalog.Periods(ctx)
	if err != nil || len(periods) == 0 {
		return err
	}
	if !slices.ContainsFunc(periods, func(p domain.Period) bool { return p.Code == period }) {
		period = periods[len(periods)-1].Code
		for i := len(periods) - 1; i >= 0; i-- {
			if !periods[i].Published() {
				period = periods[i].Code
				break
			}
		}
	}
	e.Period = period
	for i := len(periods) - 1; i >= 0; i-- {
		e.Periods = append(e.Periods, option{Value: periods[i].Code, Label: periodName(periods[i]), Selected: periods[i].Code == period})
	}
	mine, err := s.workflow.Assignments(ctx, me, period, u)
	if err != nil {
		return err
	}
	fields, err := s.periodFields(ctx, me, period)
	if err != nil {
		return err
	}
	fieldNames := map[string]string{}
	for _, f := range fields {
		fieldNames[f.Value] = f.Label
	}
	unitSet, fieldSet := map[string]bool{}, map[string]bool{}
	for _, a := range mine {
		unitSet[a.Unit], fieldSet[a.Field] = true, true
		un, fn := "*", "*"
		if a.Unit != "" {
			un = a.Unit + " · " + unitNames[a.Unit]
		}
		if a.Field != "" {
			fn = fieldNames[a.Field]
		}
		e.Assignments = append(e.Assignments, un+" — "+fn)
	}
	for _, un := range units {
		e.UnitChecks = append(e.UnitChecks, option{Value: un.Code, Label: un.Code + " · " + nameOr(un.Name, un.Code), Selected: unitSet[un.Code]})
	}
	for _, f := range fields {
		f.Selected = fieldSet[f.Value]
		e.FieldChecks = append(e.FieldChecks, f)
	}
	return nil
}

// periodFields lists the top-level items of a period's criteria sets, by
// code (sets of different groups may share codes).
func (s *server) periodFields(ctx context.Context, me auth.User, period string) ([]option, error) {
	sets, err := s.workflow.Frameworks(ctx, me, period)
	if err != nil {
		return nil, err
	}
	var out []option
	at := map[string]int{}
	for _, fw := range sets {
		for _, it := range fw.Items {
			if i, ok := at[it.Code]; ok {
				if !strings.Contains(out[i].Label, it.Name) {
					out[i].Label += " / " + it.Name
				}
				continue
			}
			at[it.Code] = len(out)
			out = append(out, option{Value: it.Code, Label: it.Code + " · " + it.Name})
		}
	}
	return out, nil
}

func (s *server) usersFailed(c echo.Context, err error, edit string, nu newUser) error {
	msg, ok := userError(s.locale(c), err)
	if !ok {
		return err
	}
	page, verr := s.usersView(c, edit, nu, msg)
	if verr != nil {
		return verr
	}
	return s.render(c, statusOf(err), "users", page)
}

// usersList shows the accounts and the create form.
func (s *server) usersList(c echo.Context) error {
	page, err := s.usersView(c, "", newUser{Role: string(auth.Officer)}, "")
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "users", page)
}

// userEdit shows one account's forms above the list.
func (s *server) userEdit(c echo.Context) error {
	page, err := s.usersView(c, c.Param("username"), newUser{Role: string(auth.Officer)}, "")
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "users", page)
}

// userCreate adds an account.
func (s *server) userCreate(c echo.Context) error {
	nu := newUser{Username: strings.TrimSpace(c.FormValue("username")), Name: strings.TrimSpace(c.FormValue("name")),
		Role: c.FormValue("role"), Unit: c.FormValue("unit")}
	if nu.Role != string(auth.Officer) {
		nu.Unit = "" // only officers are bound to a unit
	}
	u := auth.User{Username: nu.Username, Name: nu.Name, Role: auth.Role(nu.Role), Unit: nu.Unit}
	if _, err := s.auth.CreateUser(c.Request().Context(), u, c.FormValue("password")); err != nil {
		return s.usersFailed(c, err, "", nu)
	}
	return c.Redirect(http.StatusSeeOther, usersURL(strings.ToLower(nu.Username))+"?done=user_created")
}

// userUpdate changes an account's name, role and unit.
func (s *server) userUpdate(c echo.Context) error {
	ctx := c.Request().Context()
	u, err := s.auth.User(ctx, c.Param("username"))
	if err != nil {
		return err
	}
	u.Name, u.Role, u.Unit = strings.TrimSpace(c.FormValue("name")), auth.Role(c.FormValue("role")), c.FormValue("unit")
	if u.Role != auth.Officer {
		u.Unit = ""
	}
	if u.ID == currentUser(c).ID && u.Role != auth.Admin {
		return s.usersFailed(c, invalid("work.users.own_role"), u.Username, newUser{})
	}
	if err := s.auth.UpdateUser(ctx, u); err != nil {
		return s.usersFailed(c, err, u.Username, newUser{})
	}
	return c.Redirect(http.StatusSeeOther, usersURL(u.Username)+"?done=user_saved")
}

// userStatus disables or enables an account.
func (s *server) userStatus(c echo.Context) error {
	ctx := c.Request().Context()
	u, err := s.auth.User(ctx, c.Param("username"))
	if err != nil {
		return err
	}
	u.Disabled = c.FormValue("disabled") == "true"
	if u.Disabled && u.ID == currentUser(c).ID {
		return s.usersFailed(c, invalid("work.users.own_disable"), u.Username, newUser{})
	}
	if err := s.auth.UpdateUser(ctx, u); err != nil {
		return s.usersFailed(c, err, u.Username, newUser{})
	}
	done := "user_enabled"
	if u.Disabled {
		done = "user_disabled"
	}
	return c.Redirect(http.StatusSeeOther, usersURL(u.Username)+"?done="+done)
}

// userPassword sets a new password for an account; its sessions end.
func (s *server) userPassword(c echo.Context) error {
	ctx := c.Request().Context()
	u, err := s.auth.User(ctx, c.Param("username"))
	if err != nil {
		return err
	}
	pw := c.FormValue("password")
	if err := auth.CheckPassword(u.Username, pw); err != nil {
		return s.usersFailed(c, invalid("work.password.weak", auth.MinPasswordLen), u.Username, newUser{})
	}
	if err := s.auth.ResetPassword(ctx, u.ID, pw); err != nil {
		return s.usersFailed(c, err, u.Username, newUser{})
	}
	return c.Redirect(http.StatusSeeOther, usersURL(u.Username)+"?done=password_reset")
}

// userAssignments replaces an appraiser's assignments in a period with every
// chosen unit × every chosen field; nothing chosen means every unit (or
// every field).
func (s *server) userAssignments(c echo.Context) error {
	ctx := c.Request().Context()
	u, err := s.auth.User(ctx, c.Param("username"))
	if err != nil {
		return err
	}
	form, err := c.FormParams()
	if err != nil {
		return domain.Invalidf("the form could not be read: %v", err)
	}
	period := form.Get("period")
	units, fields := form["unit"], form["field"]
	if len(units) == 0 {
		units = []string{""}
	}
	if len(fields) == 0 {
		fields = []string{""}
	}
	var as []workflow.Assignment
	if len(units) > 1 || len(fields) > 1 || units[0] != "" || fields[0] != "" {
		for _, un := range units {
			for _, f := range fields {
				as = append(as, workflow.Assignment{Unit: un, Field: f})
			}
		}
	}
	if err := s.workflow.SetAssignments(ctx, currentUser(c), period, u, as); err != nil {
		return s.usersFailed(c, err, u.Username, newUser{})
	}
	return c.Redirect(http.StatusSeeOther, usersURL(u.Username)+"?"+url.Values{"done": {"assignments_saved"}, "period": {period}}.Encode())
}
