package web

import (
	"cmp"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/scoring"
	"github.com/parindex/parindex/workflow"
)

// inputRequest is the body of PUT …/inputs/{name}.
type inputRequest struct {
	Value   json.RawMessage `json:"value"`
	Reason  string          `json:"reason"`
	Version *int64          `json:"version"`
}

// inputJSON is a stored measured input.
type inputJSON struct {
	Period    string      `json:"period"`
	Unit      string      `json:"unit"`
	Name      string      `json:"name"`
	Value     jsonDecimal `json:"value"`
	Version   int64       `json:"version"`
	Author    string      `json:"author"`
	UpdatedAt time.Time   `json:"updated_at"`
}

// apiSaveInput records a measured input of a unit: 200; 403 not yours or
// not your role; 404 no leaf reads it; 409 outside the time for it or a
// stale edit; 422 not a number from 0 up, a missing reason, or a broken
// rule of the criteria set.
func (s *server) apiSaveInput(c echo.Context) error {
	var req inputRequest
	dec := json.NewDecoder(io.LimitReader(c.Request().Body, 64<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		return domain.Invalidf("the body must be JSON: {\"value\": number, \"reason\": \"…\", \"version\": n}: %v", err)
	}
	raw := strings.Trim(strings.TrimSpace(string(req.Value)), `"`)
	if raw == "" || raw == "null" {
		return domain.Invalidf("value is required: a number from 0 up")
	}
	v, err := scoring.ParseDecimal(raw)
	if err != nil {
		return domain.Invalidf("value must be a number, not %s", raw)
	}
	rec, err := s.workflow.SaveInput(c.Request().Context(), currentUser(c), workflow.InputRequest{
		Period: c.Param("period"), Unit: c.Param("unit"), Name: c.Param("name"), Value: v, Reason: req.Reason, Version: req.Version,
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, inputJSON{Period: rec.Period, Unit: rec.Unit, Name: rec.Name, Value: jsonDecimal{rec.Value},
		Version: rec.Version, Author: rec.Author, UpdatedAt: rec.UpdatedAt})
}

// inputValueJSON is a logged input value.
type inputValueJSON struct {
	Value jsonDecimal `json:"value"`
}

// inputChangeJSON is an audit entry of a measured input; "kind" tells it
// from the entries of points.
type inputChangeJSON struct {
	ID     int64           `json:"id"`
	Kind   string          `json:"kind"`
	Input  string          `json:"input"`
	Item   string          `json:"item"`
	Stage  string          `json:"stage"`
	Old    *inputValueJSON `json:"old"`
	New    *inputValueJSON `json:"new"`
	Reason string          `json:"reason"`
	Author string          `json:"author"`
	Source string          `json:"source"`
	At     time.Time       `json:"at"`
}

func newInputChangeJSON(ch domain.InputChange) inputChangeJSON {
	out := inputChangeJSON{ID: ch.ID, Kind: "input", Input: ch.Name, New: &inputValueJSON{jsonDecimal{ch.New}},
		Reason: ch.Reason, Author: ch.Author, Source: ch.Source, At: ch.At}
	if ch.Old != nil {
		out.Old = &inputValueJSON{jsonDecimal{*ch.Old}}
	}
	return out
}

// auditEntry is a change to points or to an input, for one time-ordered
// log.
type auditEntry struct {
	at    time.Time
	kind  int // 0 points, 1 input: points first at the same instant
	id    int64
	point *domain.Change
	input *domain.InputChange
}

// mergeAudit orders the changes to points and to inputs by time.
func mergeAudit(points []domain.Change, inputs []domain.InputChange) []auditEntry {
	out := make([]auditEntry, 0, len(points)+len(inputs))
	for i := range points {
		out = append(out, auditEntry{at: points[i].At, id: points[i].ID, point: &points[i]})
	}
	for i := range inputs {
		out = append(out, auditEntry{at: inputs[i].At, kind: 1, id: inputs[i].ID, input: &inputs[i]})
	}
	slices.SortStableFunc(out, func(a, b auditEntry) int {
		return cmp.Or(a.at.Compare(b.at), cmp.Compare(a.kind, b.kind), cmp.Compare(a.id, b.id))
	})
	return out
}
