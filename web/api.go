package web

import (
	"bytes"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/results"
	"github.com/parindex/parindex/scoring"
)

//go:embed openapi.json
var openAPIDocument []byte

// openAPI serves the API's OpenAPI 3 description.
func (s *server) openAPI(c echo.Context) error {
	return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, openAPIDocument)
}

// apiPeriodResults serves a period's final results, byte for byte what
// `parindex score --format json` prints (with ?uncertainty=N[&seed=S]
// [&weights=D], what `score --uncertainty N` prints): to the public once
// the period is published, to staff always.
func (s *server) apiPeriodResults(c echo.Context) error {
	ctx := c.Request().Context()
	period, err := s.visiblePeriod(c, c.Param("period"))
	if err != nil {
		return err
	}
	group := c.QueryParam("group")
	opts, simulate, err := uncertaintyOptions(c)
	if err != nil {
		return err
	}
	out, err := s.resultsFor(c).Compute(ctx, period.Code, group, scoring.StageFinal)
	if err != nil {
		return resultsError(err, period.Code, group)
	}
	// ?uncertainty=N adds each unit's 90 % rank interval, as `score
	// --uncertainty N` does.
	if simulate {
		if err := out.Simulate(opts); err != nil {
			return err
		}
	}
	var buf bytes.Buffer
	if err := out.WriteJSON(&buf); err != nil {
		return fmt.Errorf("web: encode results of %s: %w", period.Code, err)
	}
	return c.JSONBlob(http.StatusOK, buf.Bytes())
}

// healthTimeout bounds the storage check, so a hung database answers 503
// rather than hanging the probe.
const healthTimeout = 3 * time.Second

// healthz reports whether the server can reach its storage.
func (s *server) healthz(c echo.Context) error {
	c.Response().Header().Set("Cache-Control", "no-store")
	ctx, cancel := context.WithTimeout(c.Request().Context(), healthTimeout)
	defer cancel()
	if err := s.catalog.Ping(ctx); err != nil {
		s.log.LogAttrs(ctx, slog.LevelWarn, "health check failed", slog.String("error", err.Error()))
		return c.JSON(http.StatusServiceUnavailable, map[string]string{"status": "unavailable"})
	}
	return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
}

// resultsFor is the results as the request's user may see them: a
// published period whole, as everyone sees it; an unpublished one narrowed
// by the workflow's scope (an officer's own unit without the rounds hidden
// from it, an appraiser's assigned units). Every page, API and export that
// computes results for a request goes through it.
func (s *server) resultsFor(c echo.Context) results.Reader {
	// The public reaches only published periods (every public handler
	// checks), which are the same for everyone.
	if s.workflow == nil || !currentUser(c).Role.Staff() {
		return s.results.For(nil)
	}
	return s.results.For(s.workflow.Scope(currentUser(c)))
}

// visiblePeriod returns a period the request may see results of: any
// existing period for staff, a published one for the public.
func (s *server) visiblePeriod(c echo.Context, code string) (domain.Period, error) {
	if !currentUser(c).Role.Staff() {
		return s.publishedPeriod(c.Request().Context(), code)
	}
	p, err := s.catalog.Period(c.Request().Context(), code)
	if errors.Is(err, domain.ErrNotFound) {
		return domain.Period{}, notFound("error.period_not_found", code)
	}
	return p, err
}
