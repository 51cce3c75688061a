package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/parindex/parindex/domain"
)

// A password someone else set — a first password from a bulk import, a
// reset by the secretariat — must be replaced by its owner before they do
// anything else: every staff page sends them to the password form, and the
// staff API answers 403, until they have chosen their own. The public pages
// stay open.

// passwordOpen are the staff paths open to a user who must change their
// password: the form itself, logging out, and who they are.
var passwordOpen = map[string]bool{
	"/account/password": true, "/logout": true, "/login": true,
	"/api/v1/me": true, "/api/v1/me/password": true, "/api/v1/logout": true, "/api/v1/login": true,
}

// staffArea reports whether a path is behind a login.
func staffArea(path string) bool {
	for _, p := range []string{"/work", "/reports", "/admin", "/account", "/api/v1/"} {
		if path == p || strings.HasPrefix(path, p+"/") || (strings.HasSuffix(p, "/") && strings.HasPrefix(path, p)) {
			return true
		}
	}
	return false
}

// passwordFirst holds a user who must change their password to the form.
func (s *server) passwordFirst(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		u := currentUser(c)
		path := c.Request().URL.Path
		if !u.MustChangePassword || passwordOpen[path] || !staffArea(path) || !staffPath(path) {
			return next(c)
		}
		if strings.HasPrefix(path, "/api/") {
			return domain.Keyed(domain.ErrForbidden, "pages.password.first_api")
		}
		return c.Redirect(http.StatusSeeOther, firstPasswordURL(c.Request().URL.RequestURI()))
	}
}

// staffPath leaves out the public API (results, publications, surveys),
// open to everyone.
func staffPath(path string) bool {
	if !strings.HasPrefix(path, "/api/v1/") {
		return true
	}
	return !strings.HasPrefix(path, "/api/v1/surveys") && !strings.HasSuffix(path, "/results") &&
		!strings.Contains(path, "/publications") && path != "/api/v1/openapi.json"
}

// firstPasswordURL is the password form, returning to next once changed.
func firstPasswordURL(next string) string {
	u := "/account/password?first=1"
	if next = localPath(next); next != "" && next != "/account/password" {
		u += "&next=" + url.QueryEscape(next)
	}
	return u
}

// mustChange reports whether the request's user must change their password.
func mustChange(c echo.Context) bool {
	u := currentUser(c)
	return u.Role.Staff() && u.MustChangePassword
}
