package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/parindex/parindex/auth"
	"github.com/parindex/parindex/domain"
)

// userNav is the account menu in the page header: the logged-in user with
// links to their pages and a logout button, or a login link for the public.
type userNav struct {
	LoggedIn bool
	Name     string
	RoleName string
	Links    []link
	CSRF     string
	LoginURL string
}

// userNav fills the header's account menu from the request alone (no
// storage call, so error pages can show it too).
func (s *server) userNav(c echo.Context, l *locale) *userNav {
	if s.auth == nil {
		return nil
	}
	u := currentUser(c)
	if !u.Role.Staff() {
		return &userNav{LoginURL: "/login"}
	}
	path := c.Request().URL.Path
	nav := &userNav{LoggedIn: true, Name: nameOr(u.Name, u.Username), RoleName: l.T("work.role." + string(u.Role)), CSRF: csrfToken(c)}
	nav.Links = append(nav.Links, link{Label: l.T("work.nav.password"), URL: "/account/password", Current: path == "/account/password"})
	return nav
}

// roleHome is where a user lands after logging in.
func roleHome(auth.User) string { return "/work" }

// localPath returns p when it is a path on this site (so a login may return
// there), else "". Scheme-relative (//host) and backslash forms, which
// browsers treat as other sites, are refused.
func localPath(p string) string {
	if p == "" || len(p) > 2000 || !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") ||
		strings.ContainsAny(p, "\\\r\n\t") {
		return ""
	}
	u, err := url.Parse(p)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return ""
	}
	if u.Path == "/login" || u.Path == "/logout" {
		return ""
	}
	return p
}

// loginPage is the login form.
type loginPage struct {
	chrome
	Next     string
	Username string
	Error    string
	Notice   string
	CSRF     string
}

func (s *server) renderLogin(c echo.Context, status int, page loginPage) error {
	l := s.locale(c)
	page.chrome = s.chrome(c, l, l.T("work.login.title"))
	page.CSRF = csrfToken(c)
	return s.render(c, status, "login", page)
}

// loginForm shows the login form; a logged-in user goes straight on.
func (s *server) loginForm(c echo.Context) error {
	next := localPath(c.QueryParam("next"))
	if u := currentUser(c); u.Role.Staff() {
		if next == "" {
			next = roleHome(u)
		}
		return c.Redirect(http.StatusSeeOther, next)
	}
	page := loginPage{Next: next, Notice: doneMessage(s.locale(c), c)}
	return s.renderLogin(c, http.StatusOK, page)
}

// loginSubmit checks the credentials and opens a session; wrong credentials
// and the rate limit show the form again with a message.
func (s *server) loginSubmit(c echo.Context) error {
	ctx, l := c.Request().Context(), s.locale(c)
	username := strings.TrimSpace(c.FormValue("username"))
	next := localPath(c.FormValue("next"))
	token, sess, user, err := s.auth.Login(ctx, username, c.FormValue("password"), c.RealIP())
	switch {
	case errors.Is(err, auth.ErrBadCredentials):
		return s.renderLogin(c, http.StatusUnauthorized, loginPage{Next: next, Username: username, Error: l.T("work.login.bad")})
	case errors.Is(err, auth.ErrTooManyTries):
		var tooMany *auth.TooManyError
		if errors.As(err, &tooMany) {
			c.Response().Header().Set("Retry-After", strconv.Itoa(tooMany.RetryAfter()))
		}
		return s.renderLogin(c, http.StatusTooManyRequests, loginPage{Next: next, Username: username, Error: l.T("work.login.too_many")})
	case errors.Is(err, auth.ErrBusy):
		c.Response().Header().Set("Retry-After", "5")
		return s.renderLogin(c, http.StatusServiceUnavailable, loginPage{Next: next, Username: username, Error: l.T("security.busy")})
	case err != nil:
		return err
	}
	// A new login replaces the browser's previous session.
	if old, ok := c.Get(tokenKey).(string); ok {
		if err := s.auth.Logout(ctx, old); err != nil {
			return err
		}
	}
	s.setSessionCookie(c, token, sess.ExpiresAt)
	if user.MustChangePassword {
		return c.Redirect(http.StatusSeeOther, firstPasswordURL(next))
	}
	if next == "" {
		next = roleHome(user)
	}
	return c.Redirect(http.StatusSeeOther, next)
}

// logoutSubmit ends the session and returns to the login page.
func (s *server) logoutSubmit(c echo.Context) error {
	if token, ok := c.Get(tokenKey).(string); ok {
		if err := s.auth.Logout(c.Request().Context(), token); err != nil {
			return err
		}
	}
	s.clearSessionCookie(c)
	return c.Redirect(http.StatusSeeOther, "/login?done=logged_out")
}

// passwordPage is the form to change one's own password.
type passwordPage struct {
	chrome
	Username string
	MinLen   int
	Error    string
	Notice   string
	CSRF     string
	// First: the password was set by someone else and must be changed
	// now; Next is where to go once it is.
	First bool
	Next  string
}

func (s *server) renderPassword(c echo.Context, status int, msg string) error {
	l := s.locale(c)
	page := passwordPage{chrome: s.chrome(c, l, l.T("work.password.title")), Username: currentUser(c).Username,
		MinLen: auth.MinPasswordLen, Error: msg, Notice: doneMessage(l, c), CSRF: csrfToken(c),
		First: mustChange(c), Next: localPath(c.QueryParam("next"))}
	if page.Next == "" {
		page.Next = localPath(c.FormValue("next"))
	}
	return s.render(c, status, "password", page)
}

func (s *server) passwordForm(c echo.Context) error { return s.renderPassword(c, http.StatusOK, "") }

// passwordSubmit changes the user's password; the user's other sessions end.
func (s *server) passwordSubmit(c echo.Context) error {
	l, u := s.locale(c), currentUser(c)
	current, next := c.FormValue("current_password"), c.FormValue("new_password")
	if next != c.FormValue("confirm_password") {
		return s.renderPassword(c, http.StatusUnprocessableEntity, l.T("work.password.mismatch"))
	}
	if err := auth.CheckPassword(u.Username, next); err != nil {
		return s.renderPassword(c, http.StatusUnprocessableEntity, l.T("work.password.weak", auth.MinPasswordLen))
	}
	sess, _ := currentSession(c)
	err := s.auth.ChangePassword(c.Request().Context(), u, current, next, sess.TokenHash, c.RealIP())
	var tooMany *auth.TooManyError
	switch {
	case errors.As(err, &tooMany):
		c.Response().Header().Set("Retry-After", strconv.Itoa(tooMany.RetryAfter()))
		return s.renderPassword(c, http.StatusTooManyRequests, l.T("security.password.too_many"))
	case errors.Is(err, domain.ErrInvalid):
		// The new password passed the policy above: the current one is wrong.
		return s.renderPassword(c, http.StatusUnprocessableEntity, l.T("work.password.wrong_current"))
	case err != nil:
		return err
	}
	if u.MustChangePassword {
		// The first password is replaced: on to the work, or where the
		// login was going.
		next := localPath(c.FormValue("next"))
		if next == "" {
			next = roleHome(u)
		}
		return c.Redirect(http.StatusSeeOther, next)
	}
	return c.Redirect(http.StatusSeeOther, "/account/password?done=password_changed")
}

// doneKeys are the confirmations a page may show after a redirect
// (?done=KEY), so a message is never taken from the URL itself.
var doneKeys = map[string]bool{
	"logged_out": true, "password_changed": true, "saved": true, "nothing_changed": true, "submitted": true,
	"withdrawn": true, "phase_moved": true, "deadlines_saved": true, "reminded": true, "published": true,
	"user_created": true, "user_saved": true, "password_reset": true, "assignments_saved": true,
	"user_disabled": true, "user_enabled": true, "reopened": true, "decision_attached": true,
}

// doneMessage is the confirmation named by ?done=, or "".
func doneMessage(l *locale, c echo.Context) string {
	key := c.QueryParam("done")
	if !doneKeys[key] {
		return ""
	}
	return l.T("work.done." + key)
}
