// Package web serves parindex over HTTP with echo: the public pages that
// publish a period's ranking and each unit's breakdown, and the JSON API.
//
// Templates, translations and static assets are embedded in the binary and
// prepared once by New, so the server needs no files at run time and works
// on networks without Internet access. The package never talks to a database
// directly: it reads through the small Catalog and Results interfaces and
// the domain services (workflow, surveys), never through their stores.
package web

import (
	"context"
	"log/slog"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/parindex/parindex/accounts"
	"github.com/parindex/parindex/auth"
	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/reports"
	"github.com/parindex/parindex/results"
	"github.com/parindex/parindex/scoring"
	"github.com/parindex/parindex/surveys"
	"github.com/parindex/parindex/workflow"
)

// Catalog is what the web layer reads about periods, groups and units. The
// store implements it.
type Catalog interface {
	// Periods lists every period, ordered by code.
	Periods(ctx context.Context) ([]domain.Period, error)
	// Period returns one period, or an error of kind domain.ErrNotFound.
	Period(ctx context.Context, code string) (domain.Period, error)
	// Groups lists the unit groups.
	Groups(ctx context.Context) ([]domain.Group, error)
	// Unit returns one unit, or an error of kind domain.ErrNotFound.
	Unit(ctx context.Context, code string) (domain.Unit, error)
	// Ping reports whether storage answers.
	Ping(ctx context.Context) error
}

// Results computes a period's ranked results; *results.Service implements
// it. Compute answers for a published period from its latest publication,
// as every reader sees it; For narrows unpublished periods to what one
// staff member may see.
type Results interface {
	Compute(ctx context.Context, period, group string, stage scoring.Stage) (*results.Output, error)
	For(scope results.Scope) results.Reader
	// ComputeLive computes a published period from the current data (the
	// preview of a correction).
	ComputeLive(ctx context.Context, period, group string, stage scoring.Stage) (*results.Output, error)
	// ComputePublication computes one publication (1, 2, …) of a period.
	ComputePublication(ctx context.Context, period string, number int, group string, stage scoring.Stage) (*results.Output, error)
	// Changes lists what publication number changed against the one
	// before it, per unit.
	Changes(ctx context.Context, period string, number int) ([]results.UnitChange, error)
	// PublicationHeads lists a period's publications, oldest first.
	PublicationHeads(ctx context.Context, period string) ([]domain.Publication, error)
	// Publication returns one publication with its frozen data.
	Publication(ctx context.Context, period string, number int) (domain.Publication, error)
}

// Config holds the server's settings. The zero value works: no logging,
// Vietnamese pages, no province name in the header.
type Config struct {
	// Logger receives one line per request and the cause of every server
	// error. Nil discards logs.
	Logger *slog.Logger
	// DefaultLang is the language of a visitor who has not chosen one:
	// "vi" (the default) or "en".
	DefaultLang string
	// Province is shown in the header next to the product name, e.g.
	// "Tỉnh Cà Mau". Empty shows the product name alone.
	Province string
	// SecureCookies marks cookies Secure even when the server is reached
	// over plain HTTP (behind a TLS-terminating proxy).
	SecureCookies bool
	// TrustProxy takes the client's address from X-Forwarded-For (set it only
	// behind a reverse proxy that writes that header); otherwise the
	// connection's address is used, so clients cannot choose their own
	// address to escape the login and survey rate limits.
	TrustProxy bool
	// Documents heads and signs the decision appendix (PDF and print
	// page); nil derives it from Province (reports.DefaultDocumentConfig).
	Documents *reports.DocumentConfig
	// Survey sets the survey area's limits and links (survey.go).
	Survey SurveyConfig
	// Zone is the province's time zone: every moment a page shows (a
	// deadline, a change, a submission) is written in it, and the dates
	// and times staff type are read in it. Nil is Vietnam's (UTC+7).
	Zone *time.Location
}

// Deps are the services the server calls. Catalog and Results are required;
// each feature area adds its own service here.
type Deps struct {
	Catalog Catalog
	Results Results
	// Auth logs staff in; nil serves the public pages only.
	Auth *auth.Service
	// Workflow runs assessments; required with Auth.
	Workflow *workflow.Service
	// Surveys runs the satisfaction surveys; nil serves no survey routes.
	// Their staff pages are the secretariat's, behind Auth's login.
	Surveys *surveys.Service
	// Targets reports the programme targets (/targets); nil answers 404.
	Targets Targets
	// Reports are the workbook's data sources (/reports/P/workbook.xlsx);
	// nil offers no workbook download.
	Reports *reports.Sources
	// Lineage keeps the unit lineage: the secretariat's page to see and
	// edit it, and the pages' comparisons and years side by side. Nil:
	// units are compared by code and no page offers it.
	Lineage LineageStore
	// Accounts imports accounts and assignments in bulk
	// (/admin/users/import); nil offers no import.
	Accounts *accounts.Service
}

// server holds what handlers share. Everything in it is prepared by New and
// read-only afterwards.
type server struct {
	log      *slog.Logger
	catalog  Catalog
	results  Results
	province string
	auth     *auth.Service
	workflow *workflow.Service
	// secureCookies: see Config.SecureCookies.
	secureCookies bool
	langs         *languages
	pages         *renderer
	assets        *assets
	surveys       *surveyServer     // nil without Deps.Surveys
	targets       Targets           // nil without Deps.Targets
	reports       *reports.Sources  // nil without Deps.Reports
	accounts      *accounts.Service // nil without Deps.Accounts
	documents     reports.DocumentConfig
	lineage       LineageStore // nil without Deps.Lineage
}

// New builds the HTTP handler: routes, middleware and the central error
// handler. It panics only when the embedded templates, translations or
// assets are broken, which the package's tests rule out.
func New(cfg Config, deps Deps) *echo.Echo {
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	langs, err := loadLanguages(cfg.DefaultLang, cfg.Zone)
	if err != nil {
		panic(err)
	}
	assets, err := loadAssets()
	if err != nil {
		panic(err)
	}
	pages, err := newRenderer(langs, assets)
	if err != nil {
		panic(err)
	}
	s := &server{
		log: logger, catalog: deps.Catalog, results: deps.Results, province: cfg.Province,
		auth: deps.Auth, workflow: deps.Workflow, secureCookies: cfg.SecureCookies, targets: deps.Targets,
		langs: langs, pages: pages, assets: assets,
	}

	s.reports = deps.Reports
	s.accounts = deps.Accounts
	s.documents = reports.DefaultDocumentConfig(cfg.Province)
	if cfg.Documents != nil {
		s.documents = *cfg.Documents
	}
	s.lineage = deps.Lineage
	s.surveys = newSurveyServer(cfg.Survey, deps.Surveys)

	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	e.HTTPErrorHandler = s.handleError
	e.IPExtractor = echo.ExtractIPDirect()
	if cfg.TrustProxy {
		e.IPExtractor = echo.ExtractIPFromXFFHeader()
	}
	s.routes(e)
	return e
}
