package store

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/workflow"
)

// SaveForm saves a form of one unit in one transaction: its scores (by the
// rules of RecordScores: a change of value is logged), its inputs (each
// change logged with its reason) and its evidence rows. Every expected
// version is checked first; when any value changed since the form was
// read, it returns a *workflow.FormError naming each one, and nothing is
// written. A published period that is not reopened is refused, as every
// write is.
func (s *Store) SaveForm(ctx context.Context, w workflow.FormWrite) (workflow.FormSaved, error) {
	var saved workflow.FormSaved
	scores := make([]domain.Score, len(w.Scores))
	for i, sw := range w.Scores {
		if sw.Period != w.Period || sw.Unit != w.Unit {
			return saved, domain.Invalidf("a form saves one unit: item %s is of unit %s in %s", sw.Item, sw.Unit, sw.Period)
		}
		scores[i] = sw.Score
	}
	if err := checkScores(scores); err != nil {
		return saved, err
	}
	inputs := make([]domain.Input, len(w.Inputs))
	for i, iw := range w.Inputs {
		if iw.Period != w.Period || iw.Unit != w.Unit || iw.Name == "" {
			return saved, domain.Invalidf("a form saves one unit's named inputs: input %q of unit %s in %s", iw.Name, iw.Unit, iw.Period)
		}
		inputs[i] = iw.Input
	}
	periods, units := []string{w.Period}, []string{w.Unit}
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		saved = workflow.FormSaved{}
		if err := checkUnits(tx, units); err != nil {
			return err
		}
		if err := s.openPeriods(tx, periods); err != nil {
			return err
		}
		if err := s.lockUnits(tx, periods, units); err != nil {
			return err
		}
		current, err := storedScores(tx, periods, units)
		if err != nil {
			return err
		}
		currentInputs, err := storedRows(tx, periods, units, inputRow.key)
		if err != nil {
			return err
		}
		var problems []workflow.FormProblem
		for _, sw := range w.Scores {
			if err := expectVersion(sw, current[scoreKey{sw.Period, sw.Unit, sw.Item, string(sw.Stage)}]); err != nil {
				problems = append(problems, workflow.FormProblem{Item: sw.Item, Err: err})
			}
		}
		for _, iw := range w.Inputs {
			if err := expectInput(iw, currentInputs[inputKey{iw.Period, iw.Unit, iw.Name}]); err != nil {
				problems = append(problems, workflow.FormProblem{Input: iw.Name, Err: err})
			}
		}
		if len(problems) > 0 {
			return &workflow.FormError{Problems: problems}
		}
		// Scores: one write per leaf, each logged with its author.
		for _, sw := range w.Scores {
			if _, err := s.writeScores(tx, current, []domain.Score{sw.Score}, sw.Author, sw.Source); err != nil {
				return err
			}
			saved.Scores = append(saved.Scores, current[scoreKey{sw.Period, sw.Unit, sw.Item, string(sw.Stage)}].Version)
		}
		for _, iw := range w.Inputs {
			if _, err := s.applyInputs(tx, currentInputs, []domain.Input{iw.Input}, iw.Author, iw.Source, iw.Reason); err != nil {
				return err
			}
			saved.Inputs = append(saved.Inputs, currentInputs[inputKey{iw.Period, iw.Unit, iw.Name}].Version)
		}
		for _, e := range w.Evidence {
			if err := checkEvidence(e); err != nil {
				return err
			}
			row := evidenceRowOf(e)
			if row.UploadedAt.IsZero() {
				row.UploadedAt = s.now()
			}
			if err := tx.Create(&row).Error; err != nil {
				return err
			}
			saved.Evidence = append(saved.Evidence, row.evidence())
		}
		return nil
	})
	if err != nil {
		return workflow.FormSaved{}, wrap(fmt.Sprintf("save the form of unit %s in %s", w.Unit, w.Period), err)
	}
	return saved, nil
}

// expectInput checks an input write's expected version against the stored
// value (nil when there is none).
func expectInput(w workflow.InputWrite, stored *inputRow) error {
	switch {
	case w.Expect == nil:
		return nil
	case stored == nil && *w.Expect == 0:
		return nil
	case stored == nil:
		return domain.Conflictf("input %s of unit %s has no stored value, not version %d; reload and try again", w.Name, w.Unit, *w.Expect)
	case stored.Version != *w.Expect:
		return domain.Conflictf("input %s of unit %s was changed by %s at %s (version %d); reload and try again",
			w.Name, w.Unit, stored.Author, stored.UpdatedAt.UTC().Format("2006-01-02 15:04:05 UTC"), stored.Version)
	}
	return nil
}
