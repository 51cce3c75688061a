package web

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// routes registers every route the server answers, top to bottom.
func (s *server) routes(e *echo.Echo) {
	// Outermost first: the request log sees the final status, panics become
	// errors for the central handler, every response carries the security
	// headers, and the language is known before any page renders.
	e.Use(s.logRequests(), s.recoverPanics(), securityHeaders, s.negotiateLanguage)

	// Public pages: only published periods.
	e.GET("/", s.home)
	e.GET("/periods/:period", s.periodRanking)
	e.GET("/periods/:period/units/:unit", s.unitBreakdown)

	// JSON API.
	api := e.Group("/api/v1")
	api.GET("/openapi.json", s.openAPI)
	api.GET("/periods/:period/results", s.apiPeriodResults)

	// Operations.
	e.GET("/healthz", s.healthz)

	// Embedded assets.
	e.GET("/static/*", s.static)
	e.GET("/favicon.ico", func(c echo.Context) error {
		return c.Redirect(http.StatusMovedPermanently, s.assets.url("favicon.svg"))
	})
}
