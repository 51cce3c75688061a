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

// saveForm saves the assessment page: every leaf, input and document of
// every field that changed since the page was shown (each with the version
// it was read at), in one transaction through the workflow, or nothing.
// When anything fails, the page is shown again with every problem next to
// its leaf and what the user typed kept; otherwise the browser is sent
// back to the page (POST-redirect-GET), at the field whose button was
// pressed.
func (s *server) saveForm(c echo.Context) error {
	ctx, l, u := c.Request().Context(), s.locale(c), currentUser(c)
	period, unit := c.Param("period"), c.Param("unit")
	a, err := s.workflow.Assessment(ctx, u, period, unit)
	if err != nil {
		return err
	}
	if _, err := c.FormParams(); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return domain.TooLargef("the upload is larger than the limit of %d MB", s.maxUpload()>>20)
		}
		return domain.Invalidf("the form could not be read: %v", err)
	}
	form := c.Request().PostForm
	req := workflow.FormRequest{Period: period, Unit: unit}
	f := &formFailures{overlay: map[string]leafOverlay{}, leaves: map[string]*leafInput{}, inputs: map[string]*leafInput{}}
	stage := scoring.Stage(form.Get("stage"))
	for _, code := range form["item"] {
		typed := leafInput{Points: form.Get("points." + code), NA: form.Get("na."+code) != "", Comment: form.Get("comment." + code)}
		orig := leafInput{Points: form.Get("orig_points." + code), NA: form.Get("orig_na."+code) != "", Comment: form.Get("orig_comment." + code)}
		if typed.same(orig) || f.leaves[code] != nil {
			continue
		}
		f.leaves[code] = &typed
		lr := workflow.SaveRequest{Item: code, Stage: stage, Comment: typed.Comment}
		if v, err := strconv.ParseInt(form.Get("version."+code), 10, 64); err == nil && v >= 0 {
			lr.Version = &v
		}
		if !typed.NA {
			if strings.TrimSpace(typed.Points) == "" {
				f.fail(code, &typed, l.T("work.assess.points_required"), http.StatusUnprocessableEntity)
				continue
			}
			d, err := parseNumber(l, typed.Points, false)
			if err != nil {
				f.fail(code, &typed, l.T("work.assess.points_not_number", typed.Points), http.StatusUnprocessableEntity)
				continue
			}
			lr.Points = &d
		}
		req.Leaves = append(req.Leaves, lr)
	}
	for _, name := range form["input"] {
		typed := leafInput{Points: strings.TrimSpace(form.Get("input." + name)), Comment: form.Get("input_reason." + name)}
		if typed.Points == strings.TrimSpace(form.Get("orig_input."+name)) || f.inputs[name] != nil {
			continue
		}
		f.inputs[name] = &typed
		key := inputOverlayKey(name)
		if typed.Points == "" {
			f.fail(key, &typed, l.T("work.assess.input_required", name), http.StatusUnprocessableEntity)
			continue
		}
		d, err := parseNumber(l, typed.Points, true)
		if err != nil {
			f.fail(key, &typed, l.T("work.assess.input_not_number", typed.Points), http.StatusUnprocessableEntity)
			continue
		}
		ir := workflow.InputRequest{Name: name, Value: d, Reason: typed.Comment}
		if v, err := strconv.ParseInt(form.Get("input_version."+name), 10, 64); err == nil && v >= 0 {
			ir.Version = &v
		}
		req.Inputs = append(req.Inputs, ir)
	}
	files, err := formFiles(c, &req)
	if err != nil {
		return err
	}
	defer closeAll(files)
	// A problem the page found keeps the form from being saved; the
	// service still checks the rest, so that every problem shows at once.
	req.DryRun = len(f.overlay) > 0
	_, err = s.workflow.SaveForm(ctx, u, req)
	var fe *workflow.FormError
	switch {
	case errors.As(err, &fe):
		for _, pr := range fe.Problems {
			msg, ok := userError(l, pr.Err)
			if !ok {
				return pr.Err
			}
			switch {
			case pr.Input != "":
				f.fail(inputOverlayKey(pr.Input), f.inputs[pr.Input], msg, statusOf(pr.Err))
			case pr.File != "":
				f.fail(pr.Item, f.leaves[pr.Item], l.T("work.assess.upload_failed", pr.File)+" "+msg, statusOf(pr.Err))
			default:
				f.fail(pr.Item, f.leaves[pr.Item], msg, statusOf(pr.Err))
			}
		}
	case err != nil:
		return err
	}
	if len(f.overlay) == 0 {
		q := url.Values{"done": {"saved"}}
		if len(req.Leaves)+len(req.Inputs)+len(req.Files) == 0 {
			q.Set("done", "nothing_changed")
		}
		anchor := ""
		if field := c.FormValue("field"); field != "" && a.Framework.Item(field) != nil {
			anchor = "#field-" + field
		}
		return c.Redirect(http.StatusSeeOther, assessmentURL(period, unit, validFilter(c.QueryParam("filter")), q)+anchor)
	}
	// Show the page again from fresh data, with what was typed kept
	// everywhere and every problem next to its leaf: nothing was saved.
	for code, typed := range f.leaves {
		ov := f.overlay[code]
		ov.Input = typed
		f.overlay[code] = ov
	}
	for name, typed := range f.inputs {
		ov := f.overlay[inputOverlayKey(name)]
		ov.Input = typed
		f.overlay[inputOverlayKey(name)] = ov
	}
	fresh, err := s.workflow.Assessment(ctx, u, period, unit)
	if err != nil {
		return err
	}
	page, err := s.assessmentView(c, fresh, f.overlay, l.T("pub.form.nothing_saved", f.problems))
	if err != nil {
		return err
	}
	return s.render(c, f.status, "assessment", page)
}

// formFailures gathers a form's problems by leaf (or input) with what was
// typed, to show the page again.
type formFailures struct {
	overlay        map[string]leafOverlay
	leaves, inputs map[string]*leafInput
	problems       int
	status         int
}

func (f *formFailures) fail(key string, in *leafInput, msg string, status int) {
	ov := f.overlay[key]
	if in != nil {
		ov.Input = in
	}
	if ov.Err != "" {
		msg = ov.Err + " " + msg
	}
	ov.Err = msg
	f.overlay[key] = ov
	f.problems++
	if f.status == 0 {
		f.status = status
	}
}

// formFiles adds the documents chosen in the form (fields "file.ITEM") to
// the request, in a stable order, and returns them to be closed.
func formFiles(c echo.Context, req *workflow.FormRequest) ([]multipart.File, error) {
	mf := c.Request().MultipartForm
	if mf == nil {
		return nil, nil
	}
	names := make([]string, 0, len(mf.File))
	for name := range mf.File {
		names = append(names, name)
	}
	sort.Strings(names)
	var opened []multipart.File
	for _, name := range names {
		code, ok := strings.CutPrefix(name, "file.")
		if !ok {
			continue
		}
		for _, fh := range mf.File[name] {
			if fh.Filename == "" && fh.Size == 0 {
				continue // the browser sends an empty part for an unused file input
			}
			file, err := fh.Open()
			if err != nil {
				closeAll(opened)
				return nil, fmt.Errorf("web: open upload: %w", err)
			}
			opened = append(opened, file)
			req.Files = append(req.Files, workflow.Upload{Item: code, FileName: fh.Filename, Content: file})
		}
	}
	return opened, nil
}

func closeAll(files []multipart.File) {
	for _, f := range files {
		f.Close()
	}
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
