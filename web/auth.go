package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/parindex/parindex/auth"
	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/results"
)

const (
	sessionCookie = "parindex_session"
	userKey       = "web.user"    // echo.Context key of the logged-in auth.User
	sessionKey    = "web.session" // and of its auth.Session
	tokenKey      = "web.token"   // and of the raw session token
	csrfHeader    = "X-CSRF-Token"
	csrfField     = "csrf_token"
)

// currentUser returns the logged-in user, or a zero User for the public.
func currentUser(c echo.Context) auth.User {
	u, _ := c.Get(userKey).(auth.User)
	return u
}

// currentSession returns the request's session, if any.
func currentSession(c echo.Context) (auth.Session, bool) {
	sess, ok := c.Get(sessionKey).(auth.Session)
	return sess, ok
}

// csrfToken returns the CSRF token forms of this session must carry.
func csrfToken(c echo.Context) string {
	sess, _ := currentSession(c)
	return sess.CSRF
}

// loadSession reads the session cookie and, when it names a live session,
// puts its user in the request context. A stale cookie is cleared.
func (s *server) loadSession(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if s.auth == nil || strings.HasPrefix(c.Request().URL.Path, "/static/") {
			return next(c)
		}
		ck, err := c.Cookie(sessionCookie)
		if err != nil || ck.Value == "" {
			return next(c)
		}
		sess, user, err := s.auth.Authenticate(c.Request().Context(), ck.Value)
		switch {
		case errors.Is(err, auth.ErrNoSession):
			s.clearSessionCookie(c)
		case err != nil:
			return err
		default:
			c.Set(userKey, user)
			c.Set(sessionKey, sess)
			c.Set(tokenKey, ck.Value)
			// Pages of a logged-in user are private.
			c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
		}
		return next(c)
	}
}

// unsafeMethod reports whether a request may change state.
func unsafeMethod(m string) bool {
	return m != http.MethodGet && m != http.MethodHead && m != http.MethodOptions
}

// checkOrigin refuses a state-changing request whose Origin (or, without
// one, Referer) names another site: a second line of defence against
// cross-site requests, on top of SameSite cookies and CSRF tokens. Requests
// without either header (scripts, the command line) pass.
func checkOrigin(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		if !unsafeMethod(r.Method) {
			return next(c)
		}
		origin := r.Header.Get("Origin")
		if origin == "" {
			origin = r.Header.Get("Referer")
		}
		if origin == "" {
			return next(c)
		}
		u, err := url.Parse(origin) // "null" parses to an empty host and is refused
		if err != nil || !strings.EqualFold(u.Host, r.Host) {
			return forbidden("auth.cross_site")
		}
		return next(c)
	}
}

// requireCSRF checks the CSRF token of every state-changing request of a
// logged-in session: the X-CSRF-Token header (API) or the csrf_token form
// field (pages). Requests without a session pass here; the routes that need
// one refuse them with 401.
func requireCSRF(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		sess, ok := currentSession(c)
		if !ok || !unsafeMethod(c.Request().Method) {
			return next(c)
		}
		token := c.Request().Header.Get(csrfHeader)
		if token == "" && isForm(c.Request()) {
			token = c.FormValue(csrfField)
		}
		if !auth.CheckCSRF(sess, token) {
			return forbidden("auth.csrf")
		}
		return next(c)
	}
}

func isForm(r *http.Request) bool {
	ct := r.Header.Get(echo.HeaderContentType)
	return strings.HasPrefix(ct, echo.MIMEApplicationForm) || strings.HasPrefix(ct, echo.MIMEMultipartForm)
}

// requireRole lets through only logged-in users of the given roles (any
// role when none is given). Without a session, the API answers 401 and pages
// redirect to the login page; a user of another role gets 403.
func requireRole(roles ...auth.Role) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			u := currentUser(c)
			if !u.Role.Staff() {
				if strings.HasPrefix(c.Request().URL.Path, "/api/") || unsafeMethod(c.Request().Method) {
					return domain.Keyed(auth.ErrNoSession, "auth.login_required")
				}
				return c.Redirect(http.StatusSeeOther, "/login?next="+url.QueryEscape(c.Request().URL.RequestURI()))
			}
			if len(roles) == 0 {
				return next(c)
			}
			for _, r := range roles {
				if u.Role == r {
					return next(c)
				}
			}
			return forbidden("auth.role_forbidden")
		}
	}
}

// setSessionCookie sends the session token: HttpOnly, SameSite=Lax, Secure
// over HTTPS or when configured, for the whole site, ending with the
// session's lifetime.
func (s *server) setSessionCookie(c echo.Context, token string, expires time.Time) {
	c.SetCookie(&http.Cookie{
		Name: sessionCookie, Value: token, Path: "/", HttpOnly: true,
		Secure: s.secureCookies || c.Scheme() == "https", SameSite: http.SameSiteLaxMode,
		Expires: expires,
	})
}

func (s *server) clearSessionCookie(c echo.Context) {
	c.SetCookie(&http.Cookie{
		Name: sessionCookie, Value: "", Path: "/", HttpOnly: true, MaxAge: -1,
		Secure: s.secureCookies || c.Scheme() == "https", SameSite: http.SameSiteLaxMode,
	})
}

// loginRequest is the body of POST /api/v1/login.
type loginRequest struct {
	Username string `json:"username" form:"username"`
	Password string `json:"password" form:"password"`
}

// loginResponse is the answer of POST /api/v1/login.
type loginResponse struct {
	CSRFToken string `json:"csrf_token"`
	Role      string `json:"role"`
	Username  string `json:"username"`
	Unit      string `json:"unit,omitempty"`
}

// apiLogin checks credentials and opens a session: 200 with the CSRF token
// and role, 401 on bad credentials, 429 after too many failures.
func (s *server) apiLogin(c echo.Context) error {
	var req loginRequest
	if err := c.Bind(&req); err != nil {
		return domain.Invalidf("the body must be JSON: {\"username\": …, \"password\": …}")
	}
	token, sess, user, err := s.auth.Login(c.Request().Context(), req.Username, req.Password, c.RealIP())
	if err != nil {
		return err
	}
	s.setSessionCookie(c, token, sess.ExpiresAt)
	return c.JSON(http.StatusOK, loginResponse{CSRFToken: sess.CSRF, Role: string(user.Role), Username: user.Username, Unit: user.Unit})
}

// apiLogout ends the session.
func (s *server) apiLogout(c echo.Context) error {
	if token, ok := c.Get(tokenKey).(string); ok {
		if err := s.auth.Logout(c.Request().Context(), token); err != nil {
			return err
		}
	}
	s.clearSessionCookie(c)
	return c.NoContent(http.StatusNoContent)
}

// apiMe describes the logged-in user.
func (s *server) apiMe(c echo.Context) error {
	u := currentUser(c)
	return c.JSON(http.StatusOK, loginResponse{CSRFToken: csrfToken(c), Role: string(u.Role), Username: u.Username, Unit: u.Unit})
}

// oneStatePerRead gives a GET or HEAD request one state of the results'
// data: each group's data stamp is read once, however many results the
// page computes (results.WithOneState). Requests that change data read
// afresh what they wrote. A read the database failed with a lost
// connection (domain.ErrUnavailable: the store retries a statement, but
// not one whose result broke off after its first rows) is read once more,
// afresh, before the 503 "try again" page: it changes nothing.
func oneStatePerRead(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		m := c.Request().Method
		if m != http.MethodGet && m != http.MethodHead {
			return next(c)
		}
		req := c.Request()
		c.SetRequest(req.WithContext(results.WithOneState(req.Context())))
		err := next(c)
		if errors.Is(err, domain.ErrUnavailable) && !c.Response().Committed && req.Context().Err() == nil {
			c.SetRequest(req.WithContext(results.WithOneState(req.Context())))
			err = next(c)
		}
		return err
	}
}
