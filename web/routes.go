package web

import (
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/parindex/parindex/auth"
)

// routes registers every route the server answers, top to bottom.
func (s *server) routes(e *echo.Echo) {
	// Outermost first: the request log sees the final status, panics become
	// errors for the central handler, every response carries the security
	// headers, and the language is known before any page renders.
	e.Use(s.logRequests(), s.recoverPanics(), securityHeaders, s.negotiateLanguage)
	// Then the session, and the cross-site defences for state-changing
	// requests: the origin check, a body limit (before any form is parsed),
	// the refusal of text that is not UTF-8 (path, query, form, JSON) and
	// the CSRF token.
	e.Use(s.loadSession, checkOrigin, middleware.BodyLimit(fmt.Sprintf("%dB", s.maxUpload()+1<<20)), rejectBadText, requireCSRF)

	// Public pages: only published periods.
	e.GET("/", s.home)
	e.GET("/periods/:period", s.periodRanking)
	e.GET("/periods/:period/units/:unit", s.unitBreakdown)
	e.GET("/periods/:period/publications/:number", s.publicationPage)
	e.GET("/periods/:period/publications/:number/decision.pdf", s.downloadDecision)
	e.GET("/targets", s.targetsOverview)
	s.reportRoutes(e) // dashboards, publication outputs, the workbook

	// JSON API.
	api := e.Group("/api/v1")
	api.GET("/openapi.json", s.openAPI)
	api.GET("/periods/:period/results", s.apiPeriodResults)
	api.GET("/periods/:period/publications", s.apiPublications)
	api.GET("/periods/:period/publications/:number", s.apiPublicationResults)
	if s.auth != nil {
		s.workflowAPI(api)
		s.workPages(e)
		s.lineageRoutes(e, api)
	}
	s.surveyRoutes(e, api)

	// Operations.
	e.GET("/healthz", s.healthz)

	// Embedded assets.
	e.GET("/static/*", s.static)
	e.GET("/favicon.ico", func(c echo.Context) error {
		return c.Redirect(http.StatusMovedPermanently, s.assets.url("favicon.svg"))
	})
}

// workflowAPI registers the staff API: login, assessments, the workflow and
// accounts. Each route names the roles it admits; the workflow service
// checks, in addition, which units and stages the user may touch.
func (s *server) workflowAPI(api *echo.Group) {
	api.POST("/login", s.apiLogin)
	api.POST("/logout", s.apiLogout, requireRole())
	api.GET("/me", s.apiMe, requireRole())
	api.PUT("/me/password", s.apiChangeOwnPassword, requireRole())

	staff := api.Group("", requireRole())
	staff.GET("/periods/:period/units/:unit/assessment", s.apiAssessment)
	staff.PUT("/periods/:period/units/:unit/items/:item/:stage", s.apiSavePoints)
	staff.PUT("/periods/:period/units/:unit/inputs/:name", s.apiSaveInput)
	staff.POST("/periods/:period/units/:unit/items/:item/evidence", s.apiUploadEvidence, s.limitUpload)
	staff.GET("/evidence/:id", s.apiDownloadEvidence)
	staff.GET("/periods/:period/units/:unit/audit", s.apiAudit)
	staff.POST("/periods/:period/units/:unit/submission", s.apiSubmit)
	staff.DELETE("/periods/:period/units/:unit/submission", s.apiSubmit)
	staff.GET("/periods/:period/dashboard", s.apiDashboard)

	admin := api.Group("", requireRole(auth.Admin))
	admin.POST("/periods/:period/phase", s.apiSetPhase)
	admin.PUT("/periods/:period/deadlines/:phase", s.apiSetDeadline)
	admin.POST("/periods/:period/reminders", s.apiRemind)
	admin.PUT("/periods/:period/assignments/:username", s.apiSetAssignments)
	admin.GET("/users", s.apiUsers)
	admin.POST("/users", s.apiCreateUser)
	admin.PATCH("/users/:username", s.apiUpdateUser)

	api.POST("/periods/:period/publication", s.apiPublish, requireRole(auth.Committee))
	board := api.Group("", requireRole(auth.Admin, auth.Committee))
	board.GET("/periods/:period/readiness", s.apiReadiness)
	board.POST("/periods/:period/publications/:number/decision", s.apiAttachDecision, s.limitUpload)
}
