package web

import (
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/parindex/parindex/auth"
	"github.com/parindex/parindex/domain"
)

// routes registers every route the server answers, top to bottom: this
// file is the one table of what the server serves and who may ask. Each
// staff route names the roles it admits; the services check, in addition,
// which units, fields and stages the user may touch.
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
	// A password someone else set is changed before anything else. A
	// request that only reads sees one state of the results' data
	// (results.WithOneState).
	e.Use(s.passwordFirst, oneStatePerRead)

	s.publicRoutes(e)
	api := e.Group("/api/v1")
	s.publicAPI(api)
	if s.auth != nil {
		s.staffRoutes(e)
		s.workflowAPI(api)
		s.lineageRoutes(e, api)
	}
	if s.surveys != nil {
		s.surveyRoutes(e, api)
	}

	// Operations.
	e.GET("/healthz", s.healthz)

	// Embedded assets.
	e.GET("/static/*", s.static)
	e.GET("/favicon.ico", func(c echo.Context) error {
		return c.Redirect(http.StatusMovedPermanently, s.assets.url("favicon.svg"))
	})
}

// publicRoutes are the pages anyone may read: only published periods.
func (s *server) publicRoutes(e *echo.Echo) {
	e.GET("/", s.home)
	e.GET("/periods/:period", s.periodRanking)
	e.GET("/periods/:period/units/:unit", s.unitBreakdown)
	e.GET("/periods/:period/publications/:number", s.publicationPage)
	e.GET("/periods/:period/publications/:number/decision.pdf", s.downloadDecision)
	e.GET("/periods/:period/charts", s.publicOverview)
	e.GET("/periods/:period/units/:unit/scorecard", s.publicScorecard)
	e.GET("/periods/:period/print", s.publicPrint)
	e.GET("/periods/:period/appendix.pdf", s.publicAppendixPDF)
	e.GET("/periods/:period/results.csv", s.openDataCSV)
	e.GET("/periods/:period/results.json", s.openDataJSON)
	e.GET("/targets", s.targetsOverview)
	// The menu's short address of the charts: the latest published period.
	e.GET("/charts", s.toLatest(domain.Period.Published, func(p string, _ auth.User) string { return periodURL(p) + "/charts" }))
}

// publicAPI is the JSON API anyone may read.
func (s *server) publicAPI(api *echo.Group) {
	api.GET("/openapi.json", s.openAPI)
	api.GET("/periods/:period/results", s.apiPeriodResults)
	api.GET("/periods/:period/publications", s.apiPublications)
	api.GET("/periods/:period/publications/:number", s.apiPublicationResults)
}

// staffRoutes are the pages of logged-in staff: login, the work pages of
// each role, the reports and account management. Every form posts with the
// session's CSRF token and answers with a redirect (POST-redirect-GET), or
// with the page again when something must be corrected.
func (s *server) staffRoutes(e *echo.Echo) {
	e.GET("/login", s.loginForm)
	e.POST("/login", s.loginSubmit)
	e.POST("/logout", s.logoutSubmit)
	e.GET("/account/password", s.passwordForm, requireRole())
	e.POST("/account/password", s.passwordSubmit, requireRole())

	// The menu's short addresses: the same area in the latest period.
	directors := requireRole(auth.Admin, auth.Committee)
	e.GET("/work/dashboard", s.toLatest(anyPeriodOK, func(p string, _ auth.User) string { return workPeriodURL(p) + "/dashboard" }), directors)
	e.GET("/work/publish", s.toLatest(anyPeriodOK, func(p string, _ auth.User) string { return workPeriodURL(p) + "/publish" }), directors)
	e.GET("/reports", s.toLatest(anyPeriodOK, func(p string, _ auth.User) string { return reportURL(p) }), requireRole(board...))
	e.GET("/reports/surveys", s.toLatest(anyPeriodOK, func(p string, _ auth.User) string { return reportURL(p) + "/surveys" }), requireRole(board...))
	e.GET("/reports/mine", s.toLatest(anyPeriodOK, func(p string, u auth.User) string { return reportUnitURL(p, u.Unit) }), requireRole(auth.Officer))

	work := e.Group("/work", requireRole())
	work.GET("", s.workHome)
	work.GET("/periods/:period/units/:unit", s.assessmentPage)
	work.POST("/periods/:period/units/:unit", s.saveForm)
	work.POST("/periods/:period/units/:unit/submission", s.submissionSubmit, requireRole(auth.Officer))
	work.GET("/periods/:period/units/:unit/audit", s.auditPage)
	work.GET("/periods/:period/units/:unit/audit.xlsx", s.auditXLSX)
	work.GET("/periods/:period/dashboard", s.dashboardPage, requireRole(auth.Admin, auth.Committee))
	work.GET("/periods/:period/dashboard.xlsx", s.dashboardXLSX, requireRole(auth.Admin, auth.Committee))
	work.POST("/periods/:period/phase", s.phaseSubmit, requireRole(auth.Admin))
	work.POST("/periods/:period/deadlines", s.deadlinesSubmit, requireRole(auth.Admin))
	work.POST("/periods/:period/reminders", s.remindersSubmit, requireRole(auth.Admin))
	work.GET("/periods/:period/publish", s.publishForm, requireRole(auth.Committee, auth.Admin))
	work.POST("/periods/:period/publish", s.publishSubmit, requireRole(auth.Committee))
	work.POST("/periods/:period/publications/:number/decision", s.attachDecision, requireRole(auth.Committee, auth.Admin), s.limitUpload)

	// Reports of any period, live data until it is published: the board
	// (secretariat, appraisers, committee) sees the province; everyone
	// sees the units they may (an officer their own).
	boardOnly := requireRole(board...)
	e.GET("/reports/:period", s.staffOverview, boardOnly)
	e.GET("/reports/:period/surveys", s.surveyDashboard, boardOnly)
	e.GET("/reports/:period/workbook.xlsx", s.downloadWorkbook, boardOnly)
	// The appendix of any period: a draft marked "DỰ THẢO" until the
	// committee publishes it.
	e.GET("/reports/:period/print", s.staffPrint, boardOnly)
	e.GET("/reports/:period/appendix.pdf", s.staffAppendixPDF, boardOnly)
	e.GET("/reports/:period/units/:unit", s.staffScorecard, requireRole())

	admin := e.Group("/admin", requireRole(auth.Admin))
	admin.GET("/users", s.usersList)
	if s.accounts != nil {
		admin.GET("/users/import", s.usersImportForm)
		admin.GET("/users/import/template.xlsx", s.usersImportTemplate)
		admin.POST("/users/import", s.usersImport, s.limitUpload)
	}
	admin.POST("/users", s.userCreate)
	admin.GET("/users/:username", s.userEdit)
	admin.POST("/users/:username", s.userUpdate)
	admin.POST("/users/:username/status", s.userStatus)
	admin.POST("/users/:username/password", s.userPassword)
	admin.POST("/users/:username/assignments", s.userAssignments)
}

// workflowAPI registers the staff API: login, assessments, the workflow and
// accounts.
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

// surveyRoutes registers the survey area. The public form has three doors:
// the short link behind the QR code (/s/), the kiosk at the desk (/k/) and
// an interviewer's (/i/, signed in by their personal link). Each form also
// takes the JSON an offline device sends from its queue, and the service
// worker that keeps the forms working without a network is served from the
// root so that it may control them. Submissions are admitted by
// admitSubmission once the handler knows whether they carry a code. The
// secretariat's pages and the survey's results need its login.
func (s *server) surveyRoutes(e *echo.Echo, api *echo.Group) {
	e.GET("/survey-sw.js", s.surveyWorker)
	e.GET("/s/:survey", s.surveyUnits)
	e.GET("/s/:survey/:unit", s.surveyForm)
	e.POST("/s/:survey/:unit", s.surveySubmitForm)
	e.GET("/s/:survey/:unit/thanks", s.surveyThanks)
	e.GET("/s/:survey/:unit/qr.svg", s.surveyQRSVG)
	e.GET("/s/:survey/:unit/qr.png", s.surveyQRPNG)
	e.GET("/s/:survey/:unit/poster", s.surveyPoster)
	e.GET("/s/:survey/:unit/app.webmanifest", s.surveyManifest)
	e.GET("/k/:survey/:unit", s.kioskForm)
	e.POST("/k/:survey/:unit", s.surveySubmitForm)
	e.GET("/k/:survey/:unit/thanks", s.surveyThanks)
	e.GET("/k/:survey/:unit/app.webmanifest", s.surveyManifest)
	e.GET("/i/:survey", s.interviewerHome)
	e.GET("/i/:survey/app.webmanifest", s.surveyManifest)
	e.GET("/i/:survey/:unit", s.interviewerForm)
	e.POST("/i/:survey/:unit", s.surveySubmitForm)

	api.GET("/surveys", s.apiSurveys)
	api.GET("/surveys/:survey", s.apiSurvey)
	api.POST("/surveys/:survey/responses", s.apiSubmitResponse)

	if s.auth == nil {
		return
	}
	secretariat := requireRole(auth.Admin)
	api.GET("/surveys/:survey/progress", s.apiSurveyProgress, secretariat)
	api.GET("/surveys/:survey/results", s.apiSurveyResults, secretariat)

	admin := e.Group("/admin/surveys", secretariat)
	admin.GET("", s.adminSurveys)
	admin.GET("/instruments/new", s.adminInstrumentNew)
	admin.POST("/instruments", s.adminInstrumentSave)
	admin.POST("/instruments/builder", s.adminInstrumentBuild)
	admin.GET("/instruments/:id", s.adminInstrumentEdit)
	admin.POST("/campaigns", s.adminCampaignCreate)
	admin.GET("/campaigns/:survey", s.adminCampaign)
	admin.POST("/campaigns/:survey/state", s.adminCampaignState)
	admin.POST("/campaigns/:survey/transactions", s.adminTransactions)
	admin.POST("/campaigns/:survey/hours", s.adminOpeningHours)
	admin.GET("/campaigns/:survey/codes", s.adminCodes)
	admin.POST("/campaigns/:survey/codes", s.adminCodesCreate)
	admin.POST("/campaigns/:survey/dossiers", s.adminDossiers)
	admin.GET("/campaigns/:survey/entry", s.adminEntry)
	admin.POST("/campaigns/:survey/entry", s.adminEntrySave)
	admin.POST("/campaigns/:survey/import", s.adminImport)
	admin.GET("/campaigns/:survey/import/template.csv", s.adminImportTemplate)
	admin.GET("/campaigns/:survey/export.csv", s.adminExport)
	admin.GET("/campaigns/:survey/export.xlsx", s.adminExport)
	admin.GET("/campaigns/:survey/review", s.adminReview)
	admin.POST("/campaigns/:survey/responses/:id/review", s.adminReviewSave)
	admin.GET("/campaigns/:survey/results", s.adminResults)
	admin.GET("/campaigns/:survey/channels", s.adminChannels)
	admin.GET("/campaigns/:survey/kiosks", s.adminKiosks)
	admin.POST("/campaigns/:survey/kiosks", s.adminKioskRegister)
	admin.POST("/campaigns/:survey/kiosks/:id/revoke", s.adminKioskRevoke)
	admin.GET("/campaigns/:survey/interviewers", s.adminInterviewers)
	admin.POST("/campaigns/:survey/interviewers", s.adminInterviewerRegister)
	admin.POST("/campaigns/:survey/interviewers/:id/link", s.adminInterviewerLink)
	admin.POST("/campaigns/:survey/interviewers/:id/revoke", s.adminInterviewerRevoke)
}
