package web

import (
	"errors"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/scoring"
	"github.com/parindex/parindex/workflow"
)

// parsePoints reads points typed in a form; a decimal comma is accepted.
func parsePoints(s string) (scoring.Decimal, error) {
	s = strings.TrimSpace(s)
	if !strings.Contains(s, ".") {
		s = strings.Replace(s, ",", ".", 1)
	}
	return scoring.ParseDecimal(s)
}

// saveField saves a field's form: every leaf whose input changed since the
// page was shown (each with the version it was read at), then any documents
// chosen for its leaves. When something fails, the page is shown again with
// the error next to the leaf and what the user typed kept; otherwise the
// browser is sent back to the page (POST-redirect-GET).
func (s *server) saveField(c echo.Context) error {
	ctx, l, u := c.Request().Context(), s.locale(c), currentUser(c)
	period, unit, field := c.Param("period"), c.Param("unit"), c.Param("field")
	a, err := s.workflow.Assessment(ctx, u, period, unit)
	if err != nil {
		return err
	}
	if it := a.Framework.Item(field); it == nil || it.Parent != nil {
		return notFound("work.error.no_field", field)
	}
	if _, err := c.FormParams(); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return domain.TooLargef("the upload is larger than the limit of %d MB", s.maxUpload()>>20)
		}
		return domain.Invalidf("the form could not be read: %v", err)
	}
	form := c.Request().PostForm
	inField := func(code string) bool {
		it := a.Framework.Item(code)
		return it != nil && it.IsLeaf() && topField(it) == field
	}
	stage := scoring.Stage(form.Get("stage"))
	overlay := map[string]leafOverlay{}
	status, saved, uploaded := 0, 0, 0
	fail := func(code string, in *leafInput, msg string, st int) {
		ov := overlay[code]
		if in != nil {
			ov.Input = in
		}
		if ov.Err != "" {
			msg = ov.Err + " " + msg
		}
		ov.Err = msg
		overlay[code] = ov
		if status == 0 {
			status = st
		}
	}
	for _, code := range form["item"] {
		if !inField(code) {
			continue
		}
		typed := leafInput{Points: form.Get("points." + code), NA: form.Get("na."+code) != "", Comment: form.Get("comment." + code)}
		orig := leafInput{Points: form.Get("orig_points." + code), NA: form.Get("orig_na."+code) != "", Comment: form.Get("orig_comment." + code)}
		if typed.same(orig) {
			continue
		}
		req := workflow.SaveRequest{Period: period, Unit: unit, Item: code, Stage: stage, Comment: typed.Comment}
		if v, err := strconv.ParseInt(form.Get("version."+code), 10, 64); err == nil && v >= 0 {
			req.Version = &v
		}
		if !typed.NA {
			if strings.TrimSpace(typed.Points) == "" {
				fail(code, &typed, l.T("work.assess.points_required"), http.StatusUnprocessableEntity)
				continue
			}
			d, err := parsePoints(typed.Points)
			if err != nil {
				fail(code, &typed, l.T("work.assess.points_not_number", typed.Points), http.StatusUnprocessableEntity)
				continue
			}
			req.Points = &d
		}
		if _, err := s.workflow.SaveLeaf(ctx, u, req); err != nil {
			msg, ok := userError(l, err)
			if !ok {
				return err
			}
			fail(code, &typed, msg, statusOf(err))
			continue
		}
		saved++
	}
	// Measured inputs read by the field's computed leaves.
	readByField := map[string]bool{}
	for _, it := range a.Framework.Leaves() {
		if topField(it) == field {
			for _, name := range it.Inputs() {
				readByField[name] = true
			}
		}
	}
	for _, name := range form["input"] {
		if !readByField[name] {
			continue
		}
		typed := leafInput{Points: strings.TrimSpace(form.Get("input." + name)), Comment: form.Get("input_reason." + name)}
		if typed.Points == strings.TrimSpace(form.Get("orig_input."+name)) {
			continue
		}
		key := inputOverlayKey(name)
		if typed.Points == "" {
			fail(key, &typed, l.T("work.assess.input_required", name), http.StatusUnprocessableEntity)
			continue
		}
		d, err := parsePoints(typed.Points)
		if err != nil {
			fail(key, &typed, l.T("work.assess.input_not_number", typed.Points), http.StatusUnprocessableEntity)
			continue
		}
		req := workflow.InputRequest{Period: period, Unit: unit, Name: name, Value: d, Reason: typed.Comment}
		if v, err := strconv.ParseInt(form.Get("input_version."+name), 10, 64); err == nil && v >= 0 {
			req.Version = &v
		}
		if _, err := s.workflow.SaveInput(ctx, u, req); err != nil {
			msg, ok := userError(l, err)
			if !ok {
				return err
			}
			fail(key, &typed, msg, statusOf(err))
			continue
		}
		saved++
	}
	if mf := c.Request().MultipartForm; mf != nil {
		names := make([]string, 0, len(mf.File))
		for name := range mf.File {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			code, ok := strings.CutPrefix(name, "file.")
			if !ok || !inField(code) {
				continue
			}
			for _, fh := range mf.File[name] {
				if fh.Filename == "" && fh.Size == 0 {
					continue // the browser sends an empty part for an unused file input
				}
				if err := s.storeUpload(c, a, code, fh); err != nil {
					msg, ok := userError(l, err)
					if !ok {
						return err
					}
					fail(code, nil, l.T("work.assess.upload_failed", fh.Filename)+" "+msg, statusOf(err))
					continue
				}
				uploaded++
			}
		}
	}
	if len(overlay) == 0 {
		q := url.Values{"done": {"saved"}}
		if saved+uploaded == 0 {
			q.Set("done", "nothing_changed")
		}
		return c.Redirect(http.StatusSeeOther, assessmentURL(period, unit, validFilter(c.QueryParam("filter")), q)+"#field-"+field)
	}
	// Show the page again from fresh data, with the failed leaves' input kept.
	fresh, err := s.workflow.Assessment(ctx, u, period, unit)
	if err != nil {
		return err
	}
	top := l.T("work.assess.save_errors", len(overlay))
	if saved+uploaded > 0 {
		top = l.T("work.assess.saved_some", saved, uploaded) + " " + top
	}
	page, err := s.assessmentView(c, fresh, overlay, top)
	if err != nil {
		return err
	}
	return s.render(c, status, "assessment", page)
}

// storeUpload stores one uploaded document for a leaf.
func (s *server) storeUpload(c echo.Context, a *workflow.Assessment, item string, fh *multipart.FileHeader) error {
	f, err := fh.Open()
	if err != nil {
		return fmt.Errorf("web: open upload: %w", err)
	}
	defer f.Close()
	_, err = s.workflow.AddEvidence(c.Request().Context(), currentUser(c), workflow.Upload{
		Period: a.Period.Code, Unit: a.Unit.Code, Item: item, FileName: fh.Filename, Content: f,
	})
	return err
}

// topField returns the code of the top-level item holding an item.
func topField(it *scoring.Item) string {
	for it.Parent != nil {
		it = it.Parent
	}
	return it.Code
}

// submissionSubmit submits (action=submit) or withdraws (action=withdraw) the
// unit's self-assessment. A refusal shows the page with the reason; the
// page's summary lists what is still missing.
func (s *server) submissionSubmit(c echo.Context) error {
	ctx, l, u := c.Request().Context(), s.locale(c), currentUser(c)
	period, unit := c.Param("period"), c.Param("unit")
	var err error
	done := "submitted"
	if c.FormValue("action") == "withdraw" {
		done = "withdrawn"
		_, err = s.workflow.Withdraw(ctx, u, period, unit)
	} else {
		_, err = s.workflow.Submit(ctx, u, period, unit)
	}
	if err == nil {
		return c.Redirect(http.StatusSeeOther, assessmentURL(period, unit, "", url.Values{"done": {done}}))
	}
	msg, ok := userError(l, err)
	if !ok {
		return err
	}
	a, aerr := s.workflow.Assessment(ctx, u, period, unit)
	if aerr != nil {
		return aerr
	}
	if errors.Is(err, domain.ErrInvalid) && len(a.Missing) > 0 {
		msg = l.T("work.assess.submit_missing", len(a.Missing))
	}
	page, verr := s.assessmentView(c, a, nil, msg)
	if verr != nil {
		return verr
	}
	return s.render(c, statusOf(err), "assessment", page)
}
