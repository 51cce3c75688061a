package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/scoring"
	"github.com/parindex/parindex/workflow"
)

// jsonDecimal writes a decimal as a JSON number, exactly (not rounded).
type jsonDecimal struct{ scoring.Decimal }

func (d jsonDecimal) MarshalJSON() ([]byte, error) { return []byte(d.String()), nil }

func optDecimal(p *scoring.Decimal) *jsonDecimal {
	if p == nil {
		return nil
	}
	return &jsonDecimal{*p}
}

type stageJSON struct {
	Points    *jsonDecimal `json:"points"`
	NA        bool         `json:"na"`
	Comment   string       `json:"comment"`
	Author    string       `json:"author"`
	UpdatedAt time.Time    `json:"updated_at"`
	Version   int64        `json:"version"`
}

type evidenceJSON struct {
	ID          int64     `json:"id"`
	Item        string    `json:"item"`
	Stage       string    `json:"stage"`
	FileName    string    `json:"file_name"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"`
	UploadedBy  string    `json:"uploaded_by"`
	UploadedAt  time.Time `json:"uploaded_at"`
	URL         string    `json:"url"`
}

func newEvidenceJSON(e workflow.Evidence) evidenceJSON {
	return evidenceJSON{ID: e.ID, Item: e.Item, Stage: string(e.Stage), FileName: e.FileName, ContentType: e.ContentType,
		Size: e.Size, SHA256: e.SHA256, UploadedBy: e.UploadedBy, UploadedAt: e.UploadedAt, URL: fmt.Sprintf("/api/v1/evidence/%d", e.ID)}
}

type sourceJSON struct {
	Name  string       `json:"name"`
	Label string       `json:"label,omitempty"`
	Unit  string       `json:"unit,omitempty"`
	Value *jsonDecimal `json:"value"`
	// Survey marks a survey measure (not typed); Version is the stored
	// input's version (0: none), to send back when changing it.
	Survey    bool       `json:"survey,omitempty"`
	Version   int64      `json:"version"`
	Author    string     `json:"author,omitempty"`
	UpdatedAt *time.Time `json:"updated_at,omitempty"`
}

type itemJSON struct {
	Code             string                 `json:"code"`
	Name             string                 `json:"name"`
	Guidance         string                 `json:"guidance,omitempty"`
	Method           string                 `json:"method,omitempty"`
	Max              jsonDecimal            `json:"max"`
	Step             *jsonDecimal           `json:"step,omitempty"`
	EvidenceRequired bool                   `json:"evidence_required,omitempty"`
	Scores           map[string]jsonDecimal `json:"scores"`
	Stages           map[string]stageJSON   `json:"stages,omitempty"`
	Evidence         []evidenceJSON         `json:"evidence,omitempty"`
	Sources          []sourceJSON           `json:"sources,omitempty"`
	Status           string                 `json:"status,omitempty"`
	Notes            map[string][]string    `json:"notes,omitempty"`
	Items            []itemJSON             `json:"items,omitempty"`
}

type totalJSON struct {
	Points jsonDecimal `json:"points"`
	Max    jsonDecimal `json:"max"`
	Index  Fixed       `json:"index"`
}

// Fixed is a published value: a JSON number with two decimals.
type Fixed struct{ scoring.Decimal }

func (f Fixed) MarshalJSON() ([]byte, error) { return []byte(scoring.FormatPublished(f.Decimal)), nil }

type assessmentJSON struct {
	Period     string               `json:"period"`
	Phase      string               `json:"phase"`
	Unit       unitJSON             `json:"unit"`
	Framework  string               `json:"framework"`
	Editable   *string              `json:"editable_stage"`
	Submission submissionJSON       `json:"submission"`
	Deadlines  map[string]time.Time `json:"deadlines"`
	Totals     map[string]totalJSON `json:"totals"`
	Missing    []missingJSON        `json:"missing"`
	// InputsEditable reports whether the user may enter the unit's measured
	// inputs now (PUT …/inputs/{name}); MissingInputs lists the computed
	// leaves that lack one (they do not keep the unit from submitting).
	InputsEditable bool          `json:"inputs_editable"`
	MissingInputs  []missingJSON `json:"missing_inputs"`
	Items          []itemJSON    `json:"items"`
}

type unitJSON struct {
	Code  string `json:"code"`
	Name  string `json:"name"`
	Group string `json:"group"`
}

type submissionJSON struct {
	Status      string     `json:"status"`
	SubmittedAt *time.Time `json:"submitted_at"`
	SubmittedBy string     `json:"submitted_by,omitempty"`
	Count       int        `json:"count"`
}

type missingJSON struct {
	Item   string `json:"item"`
	Name   string `json:"name"`
	Status string `json:"status"`
}

func newSubmissionJSON(sub workflow.Submission) submissionJSON {
	out := submissionJSON{Status: string(sub.Status), SubmittedBy: sub.SubmittedBy, Count: sub.Count}
	if out.Status == "" {
		out.Status = string(workflow.Draft)
	}
	if !sub.SubmittedAt.IsZero() {
		t := sub.SubmittedAt
		out.SubmittedAt = &t
	}
	return out
}

func newItemJSON(n *workflow.Node) itemJSON {
	it := n.Item
	out := itemJSON{Code: it.Code, Name: it.Name, Guidance: it.Guidance, Method: string(it.Method), Max: jsonDecimal{it.Max},
		EvidenceRequired: it.Evidence == scoring.EvidenceRequired, Scores: map[string]jsonDecimal{}, Status: string(n.Status)}
	if it.Step.IsPositive() {
		out.Step = &jsonDecimal{it.Step}
	}
	for st, sc := range n.Scores {
		out.Scores[string(st)] = jsonDecimal{sc.Points}
		if len(sc.Notes) > 0 {
			if out.Notes == nil {
				out.Notes = map[string][]string{}
			}
			out.Notes[string(st)] = sc.Notes
		}
	}
	if len(n.Values) > 0 {
		out.Stages = map[string]stageJSON{}
		for st, v := range n.Values {
			out.Stages[string(st)] = stageJSON{Points: optDecimal(v.Points), NA: v.NA, Comment: v.Comment, Author: v.Author, UpdatedAt: v.UpdatedAt, Version: v.Version}
		}
	}
	for _, e := range n.Evidence {
		out.Evidence = append(out.Evidence, newEvidenceJSON(e))
	}
	for _, src := range n.Sources {
		sj := sourceJSON{Name: src.Name, Label: src.Label, Unit: src.Unit, Value: optDecimal(src.Value), Survey: src.Survey,
			Version: src.Version, Author: src.Author}
		if !src.UpdatedAt.IsZero() {
			t := src.UpdatedAt
			sj.UpdatedAt = &t
		}
		out.Sources = append(out.Sources, sj)
	}
	for _, c := range n.Children {
		out.Items = append(out.Items, newItemJSON(c))
	}
	return out
}

// apiAssessment serves a unit's assessment tree: every stage's points,
// comments and evidence per leaf.
func (s *server) apiAssessment(c echo.Context) error {
	a, err := s.workflow.Assessment(c.Request().Context(), currentUser(c), c.Param("period"), c.Param("unit"))
	if err != nil {
		return err
	}
	out := assessmentJSON{
		Period: a.Period.Code, Phase: string(a.Period.Phase), Framework: a.Framework.Name,
		Unit:       unitJSON{Code: a.Unit.Code, Name: a.Unit.Name, Group: a.Unit.Group},
		Submission: newSubmissionJSON(a.Submission), Deadlines: map[string]time.Time{},
		Totals: map[string]totalJSON{}, Missing: []missingJSON{}, Items: []itemJSON{},
		InputsEditable: a.InputsEditable, MissingInputs: []missingJSON{},
	}
	if a.Editable != "" {
		st := string(a.Editable)
		out.Editable = &st
	}
	for ph, t := range a.Deadlines {
		out.Deadlines[string(ph)] = t
	}
	for st, tot := range a.Totals {
		out.Totals[string(st)] = totalJSON{Points: jsonDecimal{tot.Points}, Max: jsonDecimal{tot.Max}, Index: Fixed{tot.Index}}
	}
	for _, n := range a.Missing {
		out.Missing = append(out.Missing, missingJSON{Item: n.Item.Code, Name: n.Item.Name, Status: string(n.Status)})
	}
	for _, n := range a.MissingInputs {
		out.MissingInputs = append(out.MissingInputs, missingJSON{Item: n.Item.Code, Name: n.Item.Name, Status: "missing_inputs"})
	}
	for _, n := range a.Items {
		out.Items = append(out.Items, newItemJSON(n))
	}
	return c.JSON(http.StatusOK, out)
}

// pointsRequest is the body of PUT …/items/{item}/{stage}.
type pointsRequest struct {
	Points  json.RawMessage `json:"points"`
	Comment string          `json:"comment"`
	Version *int64          `json:"version"`
}

// apiSavePoints records a leaf's points at a stage: 200; 403 not yours;
// 409 phase closed or a stale edit; 422 invalid points.
func (s *server) apiSavePoints(c echo.Context) error {
	var req pointsRequest
	dec := json.NewDecoder(io.LimitReader(c.Request().Body, 64<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		return domain.Invalidf("the body must be JSON: {\"points\": number or null, \"comment\": \"…\", \"version\": n}: %v", err)
	}
	var points *scoring.Decimal
	switch raw := strings.TrimSpace(string(req.Points)); {
	case raw == "":
		return domain.Invalidf("points is required: a number, or null when the item does not apply")
	case raw == "null":
	default:
		d, err := scoring.ParseDecimal(raw)
		if err != nil {
			return domain.Invalidf("points must be a number or null, not %s", raw)
		}
		points = &d
	}
	rec, err := s.workflow.SaveLeaf(c.Request().Context(), currentUser(c), workflow.SaveRequest{
		Period: c.Param("period"), Unit: c.Param("unit"), Item: c.Param("item"), Stage: scoring.Stage(c.Param("stage")),
		Points: points, Comment: req.Comment, Version: req.Version,
	})
	if err != nil {
		return err
	}
	v := stageJSON{NA: rec.Value.NA, Comment: rec.Comment, Author: rec.Author, UpdatedAt: rec.UpdatedAt, Version: rec.Version}
	if !rec.Value.NA {
		v.Points = &jsonDecimal{rec.Value.Points}
	}
	return c.JSON(http.StatusOK, map[string]any{"period": rec.Period, "unit": rec.Unit, "item": rec.Item, "stage": rec.Stage, "value": v})
}

// apiUploadEvidence stores an evidence file sent as the multipart field
// "file": 201 with its id, size and sha256; 413 too large; 415 type not
// allowed; 422 a bad name or an empty file.
func (s *server) apiUploadEvidence(c echo.Context) error {
	fh, err := c.FormFile("file")
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return domain.TooLargef("the upload is larger than the limit of %d MB", s.maxUpload()>>20)
		}
		return domain.Invalidf("send the document as the multipart form field \"file\"")
	}
	f, err := fh.Open()
	if err != nil {
		return fmt.Errorf("web: open upload: %w", err)
	}
	defer f.Close()
	ev, err := s.workflow.AddEvidence(c.Request().Context(), currentUser(c), workflow.Upload{
		Period: c.Param("period"), Unit: c.Param("unit"), Item: c.Param("item"), FileName: rawFileName(fh), Content: f,
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, newEvidenceJSON(ev))
}

// rawFileName returns the file name exactly as the client sent it. Go's
// multipart reader strips any directories from FileHeader.Filename, which
// would hide a name with path separators that must be refused.
func rawFileName(fh *multipart.FileHeader) string {
	if _, params, err := mime.ParseMediaType(fh.Header.Get(echo.HeaderContentDisposition)); err == nil {
		if name, ok := params["filename"]; ok {
			return name
		}
	}
	return fh.Filename
}

func (s *server) maxUpload() int64 {
	if s.workflow != nil && s.workflow.MaxUpload > 0 {
		return s.workflow.MaxUpload
	}
	return workflow.DefaultMaxUpload
}

// limitUpload caps a request body a little above the upload limit (the
// multipart envelope), so an oversized upload is cut off while it arrives.
func (s *server) limitUpload(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		limit := s.maxUpload() + 64<<10
		if r.ContentLength > limit {
			return domain.TooLargef("the upload is larger than the limit of %d MB", s.maxUpload()>>20)
		}
		r.Body = http.MaxBytesReader(c.Response(), r.Body, limit)
		return next(c)
	}
}

// apiDownloadEvidence sends an evidence file as an attachment, never inline:
// a generic content type, a sandboxing policy and the original name.
func (s *server) apiDownloadEvidence(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return domain.NotFoundf("evidence %s not found", c.Param("id"))
	}
	ev, rc, err := s.workflow.OpenEvidence(c.Request().Context(), currentUser(c), id)
	if err != nil {
		return err
	}
	defer rc.Close()
	h := c.Response().Header()
	h.Set(echo.HeaderContentDisposition, mime.FormatMediaType("attachment", map[string]string{"filename": ev.FileName}))
	h.Set("Content-Security-Policy", "sandbox; default-src 'none'")
	h.Set(echo.HeaderCacheControl, "private, no-store")
	h.Set(echo.HeaderContentLength, strconv.FormatInt(ev.Size, 10))
	return c.Stream(http.StatusOK, "application/octet-stream", rc)
}

type changeValueJSON struct {
	Points *jsonDecimal `json:"points"`
	NA     bool         `json:"na"`
}

type changeJSON struct {
	ID     int64            `json:"id"`
	Kind   string           `json:"kind"`
	Item   string           `json:"item"`
	Stage  string           `json:"stage"`
	Old    *changeValueJSON `json:"old"`
	New    *changeValueJSON `json:"new"`
	Reason string           `json:"reason"`
	Author string           `json:"author"`
	Source string           `json:"source"`
	At     time.Time        `json:"at"`
}

func changeValue(v *scoring.Value) *changeValueJSON {
	if v == nil {
		return nil
	}
	out := &changeValueJSON{NA: v.NA}
	if !v.NA {
		out.Points = &jsonDecimal{v.Points}
	}
	return out
}

func valueText(v *scoring.Value) string {
	switch {
	case v == nil:
		return ""
	case v.NA:
		return "na"
	}
	return v.Points.String()
}

// apiAudit lists every change to a unit's points and measured inputs in a
// period, in the order they were made ("kind" is "points" or "input"); with
// ?format=csv it is a CSV download.
func (s *server) apiAudit(c echo.Context) error {
	ctx, u := c.Request().Context(), currentUser(c)
	log, err := s.workflow.Audit(ctx, u, c.Param("period"), c.Param("unit"))
	if err != nil {
		return err
	}
	entries := mergeAudit(log.Points, log.Inputs)
	if c.QueryParam("format") == "csv" {
		opt, header, err := s.csvDownload(c)
		if err != nil {
			return err
		}
		var buf bytes.Buffer
		writeAuditCSV(&buf, entries, opt, header)
		name := fmt.Sprintf("audit-%s-%s.csv", c.Param("period"), c.Param("unit"))
		c.Response().Header().Set(echo.HeaderContentDisposition, mime.FormatMediaType("attachment", map[string]string{"filename": name}))
		return c.Blob(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
	}
	out := make([]any, 0, len(entries))
	for _, e := range entries {
		if ch := e.point; ch != nil {
			out = append(out, changeJSON{ID: ch.ID, Kind: "points", Item: ch.Item, Stage: string(ch.Stage), Old: changeValue(ch.Old),
				New: changeValue(ch.New), Reason: ch.Reason, Author: ch.Author, Source: ch.Source, At: ch.At})
			continue
		}
		out = append(out, newInputChangeJSON(*e.input))
	}
	return c.JSON(http.StatusOK, out)
}

// apiSetPhase moves a period to a phase (the secretariat), or reopens a
// published period for a correction ({"phase": "correction", "reason": …}).
func (s *server) apiSetPhase(c echo.Context) error {
	var req struct {
		Phase  string `json:"phase"`
		Reason string `json:"reason"`
	}
	if err := c.Bind(&req); err != nil {
		return domain.Invalidf("the body must be JSON: {\"phase\": …, \"reason\": …}")
	}
	p, err := s.workflow.SetPhase(c.Request().Context(), currentUser(c), c.Param("period"), domain.Phase(req.Phase), req.Reason)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]string{"period": p.Code, "phase": string(p.Phase)})
}

// parseDate reads a date as YYYY-MM-DD or an RFC 3339 time.
func parseDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	return time.Time{}, domain.Invalidf("%q is not a date (YYYY-MM-DD)", s)
}

// apiPublish publishes a period's result by the steering committee's
// decision: 201 with the publication. A correction needs a reason; a
// period that is not ready needs an override with the reason.
func (s *server) apiPublish(c echo.Context) error {
	var req struct {
		DecisionNo   string `json:"decision_no"`
		DecisionDate string `json:"decision_date"`
		Reason       string `json:"reason"`
		Override     string `json:"override"`
	}
	if err := c.Bind(&req); err != nil {
		return domain.Invalidf("the body must be JSON: {\"decision_no\": …, \"decision_date\": \"YYYY-MM-DD\", \"reason\": …, \"override\": …}")
	}
	date, err := parseDate(req.DecisionDate)
	if err != nil {
		return err
	}
	pub, err := s.workflow.Publish(c.Request().Context(), currentUser(c), workflow.PublishRequest{Period: c.Param("period"),
		DecisionNo: req.DecisionNo, DecisionDate: date, Reason: req.Reason, Override: req.Override})
	if err != nil {
		return err
	}
	out := newPublicationJSON(pub, "")
	return c.JSON(http.StatusCreated, out)
}

// apiReadiness reports a period's readiness to publish, per group.
func (s *server) apiReadiness(c echo.Context) error {
	r, err := s.workflow.Readiness(c.Request().Context(), currentUser(c), c.Param("period"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, r)
}

// apiAttachDecision stores the signed decision (multipart "file", a PDF) of
// a publication: 201; 413 too large; 415 not a PDF.
func (s *server) apiAttachDecision(c echo.Context) error {
	number, err := publicationNumber(c)
	if err != nil {
		return err
	}
	fh, err := c.FormFile("file")
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return domain.TooLargef("the upload is larger than the limit of %d MB", s.maxUpload()>>20)
		}
		return domain.Invalidf("send the signed decision as the multipart form field \"file\"")
	}
	f, err := fh.Open()
	if err != nil {
		return fmt.Errorf("web: open upload: %w", err)
	}
	defer f.Close()
	doc, err := s.workflow.AttachDecision(c.Request().Context(), currentUser(c), c.Param("period"), number,
		workflow.Upload{FileName: rawFileName(fh), Content: f})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, map[string]any{"file_name": doc.FileName, "size": doc.Size, "sha256": doc.SHA256,
		"url": publicationURL(c.Param("period"), number) + "/decision.pdf"})
}

// apiSubmit submits (POST) or withdraws (DELETE) a unit's self-assessment.
func (s *server) apiSubmit(c echo.Context) error {
	ctx, user := c.Request().Context(), currentUser(c)
	var sub workflow.Submission
	var err error
	if c.Request().Method == http.MethodDelete {
		sub, err = s.workflow.Withdraw(ctx, user, c.Param("period"), c.Param("unit"))
	} else {
		sub, err = s.workflow.Submit(ctx, user, c.Param("period"), c.Param("unit"))
	}
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, newSubmissionJSON(sub))
}

// apiSetDeadline sets ({"due_at": time}) or removes ({"due_at": null}) a
// phase's deadline.
func (s *server) apiSetDeadline(c echo.Context) error {
	var req struct {
		DueAt *string `json:"due_at"`
	}
	if err := c.Bind(&req); err != nil {
		return domain.Invalidf("the body must be JSON: {\"due_at\": \"2026-01-15T17:00:00+07:00\" or null}")
	}
	var at time.Time
	if req.DueAt != nil {
		t, err := time.Parse(time.RFC3339, strings.TrimSpace(*req.DueAt))
		if err != nil {
			return domain.Invalidf("due_at %q is not an RFC 3339 time such as 2026-01-15T17:00:00+07:00", *req.DueAt)
		}
		at = t.UTC()
	}
	if err := s.workflow.SetDeadline(c.Request().Context(), currentUser(c), c.Param("period"), domain.Phase(c.Param("phase")), at); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// maxRemindBody bounds a reminder's request: the service takes at most
// workflow.MaxReminderUnits units, so a longer body is refused before it
// is decoded.
const maxRemindBody = 256 << 10

// apiRemind sends a reminder to units: 201 {"sent": n}; a unit named twice
// is reminded once; too many units, or a body over 256 KB, are refused
// and nothing is sent.
func (s *server) apiRemind(c echo.Context) error {
	var req struct {
		Units   []string `json:"units"`
		Message string   `json:"message"`
	}
	body, err := io.ReadAll(io.LimitReader(c.Request().Body, maxRemindBody+1))
	if err != nil {
		return domain.Invalidf("the body could not be read: %v", err)
	}
	if len(body) > maxRemindBody {
		return domain.TooLargef("a reminder's request is at most %d KB (at most %d units)", maxRemindBody>>10, workflow.MaxReminderUnits)
	}
	if err := json.Unmarshal(body, &req); err != nil {
		return domain.Invalidf("the body must be JSON: {\"units\": […], \"message\": …}")
	}
	n, err := s.workflow.Remind(c.Request().Context(), currentUser(c), c.Param("period"), req.Units, req.Message)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, map[string]int{"sent": n})
}

// apiDashboard serves every unit's progress in a period.
func (s *server) apiDashboard(c echo.Context) error {
	d, err := s.workflow.Dashboard(c.Request().Context(), currentUser(c), c.Param("period"))
	if err != nil {
		return err
	}
	type row struct {
		Unit            unitJSON       `json:"unit"`
		Submission      submissionJSON `json:"submission"`
		Late            bool           `json:"late"`
		Leaves          int            `json:"leaves"`
		SelfDone        int            `json:"self_done"`
		MissingEvidence int            `json:"missing_evidence"`
		Appraised       int            `json:"appraised"`
		Changed         int            `json:"changed"`
		Finalised       int            `json:"finalised"`
		Reminders       int            `json:"reminders"`
	}
	rows := make([]row, 0, len(d.Units))
	for _, u := range d.Units {
		rows = append(rows, row{Unit: unitJSON{u.Unit.Code, u.Unit.Name, u.Unit.Group}, Submission: newSubmissionJSON(u.Submission),
			Late: u.Late, Leaves: u.Leaves, SelfDone: u.SelfDone, MissingEvidence: u.MissingEvidence, Appraised: u.Appraised,
			Changed: u.Changed, Finalised: u.Finalised, Reminders: u.Reminders})
	}
	return c.JSON(http.StatusOK, map[string]any{"period": d.Period.Code, "phase": d.Period.Phase, "units": rows})
}
