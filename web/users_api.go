package web

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/parindex/parindex/auth"
	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/workflow"
)

type userJSON struct {
	Username          string    `json:"username"`
	Name              string    `json:"name"`
	Role              string    `json:"role"`
	Unit              string    `json:"unit,omitempty"`
	Disabled          bool      `json:"disabled"`
	CreatedAt         time.Time `json:"created_at"`
	PasswordChangedAt time.Time `json:"password_changed_at"`
}

func newUserJSON(u auth.User) userJSON {
	return userJSON{Username: u.Username, Name: u.Name, Role: string(u.Role), Unit: u.Unit, Disabled: u.Disabled,
		CreatedAt: u.CreatedAt, PasswordChangedAt: u.PasswordChangedAt}
}

// apiUsers lists the accounts (the secretariat).
func (s *server) apiUsers(c echo.Context) error {
	users, err := s.auth.Users(c.Request().Context())
	if err != nil {
		return err
	}
	out := make([]userJSON, 0, len(users))
	for _, u := range users {
		out = append(out, newUserJSON(u))
	}
	return c.JSON(http.StatusOK, out)
}

// userRequest creates or edits an account; absent fields keep their value
// when editing.
type userRequest struct {
	Username string  `json:"username"`
	Name     *string `json:"name"`
	Role     *string `json:"role"`
	Unit     *string `json:"unit"`
	Disabled *bool   `json:"disabled"`
	Password *string `json:"password"`
}

// apiCreateUser adds an account (the secretariat): 201.
func (s *server) apiCreateUser(c echo.Context) error {
	var req userRequest
	if err := c.Bind(&req); err != nil {
		return domain.Invalidf("the body must be JSON: {\"username\", \"role\", \"unit\", \"name\", \"password\"}")
	}
	u := auth.User{Username: req.Username}
	if req.Role != nil {
		u.Role = auth.Role(*req.Role)
	}
	if req.Name != nil {
		u.Name = *req.Name
	}
	if req.Unit != nil {
		u.Unit = *req.Unit
	}
	if req.Password == nil {
		return domain.Invalidf("password is required")
	}
	created, err := s.auth.CreateUser(c.Request().Context(), u, *req.Password)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, newUserJSON(created))
}

// apiUpdateUser edits an account (the secretariat): name, role, unit,
// disabled, and a new password.
func (s *server) apiUpdateUser(c echo.Context) error {
	ctx := c.Request().Context()
	var req userRequest
	if err := c.Bind(&req); err != nil {
		return domain.Invalidf("the body must be JSON: {\"name\", \"role\", \"unit\", \"disabled\", \"password\"}")
	}
	u, err := s.auth.User(ctx, c.Param("username"))
	if err != nil {
		return err
	}
	if req.Name != nil {
		u.Name = *req.Name
	}
	if req.Role != nil {
		u.Role = auth.Role(*req.Role)
	}
	if req.Unit != nil {
		u.Unit = *req.Unit
	}
	if req.Disabled != nil {
		if *req.Disabled && u.ID == currentUser(c).ID {
			return domain.Invalidf("you cannot disable your own account")
		}
		u.Disabled = *req.Disabled
	}
	if err := s.auth.UpdateUser(ctx, u); err != nil {
		return err
	}
	if req.Password != nil {
		if err := s.auth.ResetPassword(ctx, u.ID, *req.Password); err != nil {
			return err
		}
	}
	u, err = s.auth.User(ctx, u.Username)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, newUserJSON(u))
}

// apiChangeOwnPassword changes the logged-in user's password; the other
// sessions of the user end.
func (s *server) apiChangeOwnPassword(c echo.Context) error {
	var req struct {
		Current string `json:"current_password"`
		New     string `json:"new_password"`
	}
	if err := c.Bind(&req); err != nil {
		return domain.Invalidf("the body must be JSON: {\"current_password\", \"new_password\"}")
	}
	sess, _ := currentSession(c)
	if err := s.auth.ChangePassword(c.Request().Context(), currentUser(c), req.Current, req.New, sess.TokenHash, c.RealIP()); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// apiSetAssignments replaces an appraiser's assignments in a period (the
// secretariat): a list of {"unit": CODE or "", "field": CODE or ""}; an
// empty list lets the appraiser appraise every unit.
func (s *server) apiSetAssignments(c echo.Context) error {
	ctx := c.Request().Context()
	var req []struct {
		Unit  string `json:"unit"`
		Field string `json:"field"`
	}
	if err := c.Bind(&req); err != nil {
		return domain.Invalidf("the body must be a JSON list of {\"unit\", \"field\"}")
	}
	u, err := s.auth.User(ctx, c.Param("username"))
	if err != nil {
		return err
	}
	as := make([]workflow.Assignment, 0, len(req))
	for _, r := range req {
		as = append(as, workflow.Assignment{UserID: u.ID, Period: c.Param("period"), Unit: r.Unit, Field: r.Field})
	}
	if err := s.workflow.SetAssignments(ctx, currentUser(c), c.Param("period"), u, as); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
