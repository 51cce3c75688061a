package web

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/surveys"
)

// adminExport downloads every response of a survey, one row each, as CSV
// (export.csv) or as a workbook with a codebook (export.xlsx): the same
// file as `parindex survey export`. It is streamed from the database to
// the client, so the server's memory stays flat however many responses
// there are.
func (s *server) adminExport(c echo.Context) error {
	ctx, l := c.Request().Context(), s.locale(c)
	camp, err := s.surveys.svc.Campaign(ctx, c.Param("survey"))
	if errors.Is(err, domain.ErrNotFound) {
		return notFound("survey.not_found", c.Param("survey"))
	}
	if err != nil {
		return err
	}
	opt := surveys.ExportOptions{Format: "csv", Lang: l.code}
	ctype := "text/csv; charset=utf-8"
	if strings.HasSuffix(c.Request().URL.Path, ".xlsx") {
		opt.Format, ctype = "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	} else {
		csvOpt, _, err := s.csvDownload(c)
		if err != nil {
			return err
		}
		opt.BOM = csvOpt.BOM
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, ctype)
	h.Set(echo.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="%s-responses.%s"`, camp.Code, opt.Format))
	h.Set(echo.HeaderCacheControl, "no-store")
	c.Response().WriteHeader(http.StatusOK)
	if err := s.surveys.svc.Export(ctx, camp.Code, c.Response(), opt); err != nil {
		// The status is sent: the download is cut short, and the cause
		// logged once here.
		s.log.LogAttrs(ctx, slog.LevelError, "survey export failed", slog.String("survey", camp.Code), slog.String("error", err.Error()))
	}
	return nil
}
