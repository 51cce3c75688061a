package web

import (
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// logRequests writes one slog line per request with its final status. It
// hands errors to the central error handler itself so that the status it
// logs is the one the client received.
func (s *server) logRequests() echo.MiddlewareFunc {
	return middleware.RequestLoggerWithConfig(middleware.RequestLoggerConfig{
		HandleError: true,
		LogMethod:   true,
		LogURI:      true,
		LogStatus:   true,
		LogLatency:  true,
		LogRemoteIP: true,
		LogValuesFunc: func(c echo.Context, v middleware.RequestLoggerValues) error {
			// The cause of a server error is logged once, by handleError.
			s.log.LogAttrs(c.Request().Context(), slog.LevelInfo, "request",
				slog.String("method", v.Method),
				slog.String("uri", redactURI(v.URI)),
				slog.Int("status", v.Status),
				slog.Duration("latency", v.Latency),
				slog.String("remote_ip", v.RemoteIP),
			)
			return nil
		},
	})
}

// recoverPanics turns a panic into an error carrying the stack, which goes
// up to logRequests and from there to the central error handler (a 500 that
// is logged once, with the stack).
func (s *server) recoverPanics() echo.MiddlewareFunc {
	return middleware.RecoverWithConfig(middleware.RecoverConfig{
		DisableErrorHandler: true,
		DisableStackAll:     true,
		LogErrorFunc: func(c echo.Context, err error, stack []byte) error {
			return fmt.Errorf("web: panic: %w\n%s", err, stack)
		},
	})
}

// contentSecurityPolicy allows nothing but the server's own resources: no
// scripts at all are served, and styles live in the embedded stylesheet.
const contentSecurityPolicy = "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// securityHeaders sets the security headers on every response, error pages
// included, before anything is written.
func securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set(echo.HeaderXContentTypeOptions, "nosniff")
		h.Set(echo.HeaderReferrerPolicy, "same-origin")
		h.Set(echo.HeaderXFrameOptions, "DENY")
		return next(c)
	}
}

const (
	langCookie = "lang"
	langParam  = "lang"
	langKey    = "web.lang" // echo.Context key of the request's *locale
)

// negotiateLanguage picks the request's language: ?lang= (then remembered in
// a cookie for a year), else the cookie, else the configured default.
func (s *server) negotiateLanguage(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if strings.HasPrefix(c.Request().URL.Path, "/static/") {
			return next(c) // assets are the same in every language
		}
		if q := c.QueryParam(langParam); q != "" {
			if l := s.langs.get(q); l != nil {
				c.SetCookie(&http.Cookie{
					Name: langCookie, Value: l.code, Path: "/",
					MaxAge: int((365 * 24 * time.Hour).Seconds()), HttpOnly: true,
					Secure: c.Scheme() == "https", SameSite: http.SameSiteLaxMode,
				})
			}
		}
		l := s.locale(c)
		c.Set(langKey, l)
		c.Response().Header().Set("Content-Language", l.code)
		// Pages differ by the language cookie; shared caches must know.
		c.Response().Header().Add(echo.HeaderVary, "Cookie")
		return next(c)
	}
}

// locale returns the request's language. It works before negotiateLanguage
// has run too (an error raised earlier in the chain), by resolving it again.
func (s *server) locale(c echo.Context) *locale {
	if l, ok := c.Get(langKey).(*locale); ok {
		return l
	}
	if l := s.langs.get(c.QueryParam(langParam)); l != nil {
		return l
	}
	if ck, err := c.Cookie(langCookie); err == nil {
		if l := s.langs.get(ck.Value); l != nil {
			return l
		}
	}
	return s.langs.fallback
}
