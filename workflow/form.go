package workflow

import (
	"bytes"
	"context"

	"github.com/parindex/parindex/auth"
	"github.com/parindex/parindex/scoring"
)

// FormRequest is everything an assessment page's save sends for one unit:
// the leaves whose points changed, the measured inputs typed and the
// documents chosen.
type FormRequest struct {
	Period, Unit string
	Leaves       []SaveRequest
	Inputs       []InputRequest
	Files        []Upload
	// DryRun checks everything and saves nothing: a page that found
	// problems of its own (a number that does not parse) still reports the
	// service's problems of the other fields.
	DryRun bool
}

// SaveForm saves a whole form in one transaction, or nothing: every leaf,
// input and document is checked by the rules of SaveLeaf, SaveInput and
// AddEvidence, and when any of them fails the result is a *FormError
// naming each failing field with its reason, and nothing is stored. Values
// changed by someone else since the page was read fail the same way. The
// documents' files are stored first (under their SHA-256, so a file left
// by a refused form is never listed and costs nothing when sent again).
func (s *Service) SaveForm(ctx context.Context, user auth.User, req FormRequest) (FormSaved, error) {
	uc, err := s.load(ctx, user, req.Period, req.Unit)
	if err != nil {
		return FormSaved{}, err
	}
	w := FormWrite{Period: req.Period, Unit: req.Unit}
	var problems []FormProblem
	if len(req.Leaves) > 0 {
		records, err := s.store.ScoreRecords(ctx, req.Period, req.Unit)
		if err != nil {
			return FormSaved{}, err
		}
		for _, l := range req.Leaves {
			l.Period, l.Unit = req.Period, req.Unit
			sw, err := s.checkLeaf(ctx, uc, user, l, records)
			if err != nil {
				problems = append(problems, FormProblem{Item: l.Item, Err: err})
				continue
			}
			w.Scores = append(w.Scores, sw)
		}
	}
	if len(req.Inputs) > 0 {
		records, err := s.store.InputRecords(ctx, req.Period, req.Unit)
		if err != nil {
			return FormSaved{}, err
		}
		typed := map[string]scoring.Decimal{}
		for _, in := range req.Inputs {
			typed[in.Name] = in.Value
		}
		for _, in := range req.Inputs {
			in.Period, in.Unit = req.Period, req.Unit
			iw, err := s.checkInput(ctx, uc, user, in, records, typed)
			if err != nil {
				problems = append(problems, FormProblem{Input: in.Name, Err: err})
				continue
			}
			w.Inputs = append(w.Inputs, iw)
		}
	}
	var contents [][]byte
	for _, up := range req.Files {
		up.Period, up.Unit = req.Period, req.Unit
		e, data, err := s.checkUpload(ctx, uc, user, up)
		if err != nil {
			problems = append(problems, FormProblem{Item: up.Item, File: up.FileName, Err: err})
			continue
		}
		w.Evidence = append(w.Evidence, e)
		contents = append(contents, data)
	}
	if len(problems) > 0 {
		return FormSaved{}, &FormError{Problems: problems}
	}
	if req.DryRun || len(w.Scores)+len(w.Inputs)+len(w.Evidence) == 0 {
		return FormSaved{}, nil
	}
	for i, e := range w.Evidence {
		if err := s.Files.Put(ctx, e.SHA256, bytes.NewReader(contents[i])); err != nil {
			return FormSaved{}, err
		}
	}
	return s.store.SaveForm(ctx, w)
}
