package web

import (
	"bytes"
	"net/http"
	"net/url"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/reports"
	"github.com/parindex/parindex/scoring"
)

// The decision appendix the steering committee signs: the same document
// as PDF and as the print page. The public gets a published period's; the
// board (secretariat, appraisers, committee) gets any period's, a draft
// marked "DỰ THẢO" until the committee publishes it.

// printPage is the appendix laid out as a page for A4 landscape.
type printPage struct {
	chrome
	Appendix *reports.Appendix
	// PDFURL downloads the same document as PDF; BackURL leads back.
	PDFURL, BackURL string
}

// appendix assembles a period's appendix from the results the pages show
// and the period's latest publication. A period marked published with no
// publication on record (set by hand) prints blanks for the decision.
func (s *server) appendix(c echo.Context, p domain.Period) (*reports.Appendix, error) {
	ctx := c.Request().Context()
	// A draft is narrowed, like every staff read of an unpublished period,
	// to what the reader may see.
	out, err := s.resultsFor(c).Compute(ctx, p.Code, "", scoring.StageFinal)
	if err != nil {
		return nil, resultsError(err, p.Code, "")
	}
	names, err := s.groupNames(ctx)
	if err != nil {
		return nil, err
	}
	var pub *domain.Publication
	heads, _, err := s.publicationHeads(ctx, p.Code)
	if err != nil {
		return nil, err
	}
	if len(heads) > 0 {
		pub = &heads[len(heads)-1]
	}
	if pub == nil && p.Published() {
		pub = &domain.Publication{Period: p.Code}
	}
	return reports.NewAppendix(out, names, pub, s.documents, time.Now()), nil
}

func (s *server) publicPrint(c echo.Context) error {
	p, err := s.publishedPeriod(c.Request().Context(), c.Param("period"))
	if err != nil {
		return err
	}
	return s.printAppendix(c, p, periodURL(p.Code)+"/appendix.pdf", periodURL(p.Code))
}

func (s *server) staffPrint(c echo.Context) error {
	p, err := s.anyPeriod(c)
	if err != nil {
		return err
	}
	return s.printAppendix(c, p, reportURL(p.Code)+"/appendix.pdf", reportURL(p.Code))
}

func (s *server) printAppendix(c echo.Context, p domain.Period, pdfURL, backURL string) error {
	a, err := s.appendix(c, p)
	if err != nil {
		return err
	}
	l := s.locale(c)
	title := l.T("documents.print.title", periodName(p))
	if a.Draft {
		title = l.T("documents.print.title_draft", periodName(p))
	}
	return s.render(c, http.StatusOK, "report_print", printPage{chrome: s.chrome(c, l, title), Appendix: a, PDFURL: pdfURL, BackURL: backURL})
}

func (s *server) publicAppendixPDF(c echo.Context) error {
	p, err := s.publishedPeriod(c.Request().Context(), c.Param("period"))
	if err != nil {
		return err
	}
	return s.appendixPDF(c, p)
}

func (s *server) staffAppendixPDF(c echo.Context) error {
	p, err := s.anyPeriod(c)
	if err != nil {
		return err
	}
	return s.appendixPDF(c, p)
}

// appendixPDF sends the appendix as a PDF file, built in memory first so
// that a failure is a clean error rather than half a file.
func (s *server) appendixPDF(c echo.Context, p domain.Period) error {
	a, err := s.appendix(c, p)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := reports.WriteAppendixPDF(&buf, a); err != nil {
		return err
	}
	name := "phu-luc-chi-so-cchc-" + p.Code + ".pdf"
	if a.Draft {
		name = "du-thao-phu-luc-chi-so-cchc-" + p.Code + ".pdf"
	}
	c.Response().Header().Set(echo.HeaderContentDisposition, `attachment; filename="`+url.PathEscape(name)+`"`)
	return c.Blob(http.StatusOK, "application/pdf", buf.Bytes())
}
