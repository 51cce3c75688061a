package store

import (
	"cmp"
	"context"
	"errors"
	"slices"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/parindex/parindex/domain"
)

// Periods returns every assessment period, ordered by code.
func (s *Store) Periods(ctx context.Context) ([]domain.Period, error) {
	var rows []periodRow
	if err := s.db.WithContext(ctx).Find(&rows).Error; err != nil {
		return nil, wrap("list periods", err)
	}
	reopened, err := s.reopened(s.db.WithContext(ctx), "")
	if err != nil {
		return nil, wrap("list periods", err)
	}
	periods := make([]domain.Period, len(rows))
	for i, r := range rows {
		periods[i] = r.domain()
		if reopened[r.Code] {
			periods[i].Phase = domain.PhaseCorrection
		}
	}
	slices.SortFunc(periods, func(a, b domain.Period) int { return cmp.Compare(a.Code, b.Code) })
	return periods, nil
}

// Period returns the period with the code, or an error of kind
// domain.ErrNotFound.
func (s *Store) Period(ctx context.Context, code string) (domain.Period, error) {
	var row periodRow
	err := s.db.WithContext(ctx).Where("code = ?", code).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return domain.Period{}, domain.NotFoundf("period %s not found", code)
	}
	if err != nil {
		return domain.Period{}, wrap("get period "+code, err)
	}
	p := row.domain()
	if p.Phase == domain.PhasePublished {
		reopened, err := s.reopened(s.db.WithContext(ctx), code)
		if err != nil {
			return domain.Period{}, wrap("get period "+code, err)
		}
		if reopened[code] {
			p.Phase = domain.PhaseCorrection
		}
	}
	return p, nil
}

// reopened returns the published periods (one, or all when code is empty)
// reopened for a correction: those whose latest publication is named by a
// correction. The period row itself stays "published": its latest
// publication is in force until the next one.
func (s *Store) reopened(db *gorm.DB, code string) (map[string]bool, error) {
	q := db.Model(&correctionRow{}).Select("period_code").
		Where("publication = (SELECT MAX(p.number) FROM publications p WHERE p.period_code = corrections.period_code)")
	if code != "" {
		q = q.Where("period_code = ?", code)
	}
	var codes []string
	if err := q.Pluck("period_code", &codes).Error; err != nil {
		return nil, err
	}
	out := make(map[string]bool, len(codes))
	for _, c := range codes {
		out[c] = true
	}
	return out, nil
}

// SetPhase moves a period to a phase, creating the period (named by its
// code) when it does not exist. Which moves are allowed is the workflow's
// business, not the store's; a correction is opened by Reopen and closed
// by the next publication, never set as a phase.
func (s *Store) SetPhase(ctx context.Context, code string, phase domain.Phase) error {
	if _, err := domain.ParsePhase(string(phase)); err != nil {
		return err
	}
	if phase == domain.PhaseCorrection {
		return domain.Invalidf("period %s: a correction is opened by reopening the published period, not by a phase change", code)
	}
	if code == "" {
		return domain.Invalidf("the period code is empty")
	}
	now := s.now()
	row := periodRow{Code: code, Name: code, Phase: string(phase), CreatedAt: now, UpdatedAt: now}
	err := s.db.WithContext(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "code"}},
		DoUpdates: clause.AssignmentColumns([]string{"phase", "updated_at"}),
	}).Create(&row).Error
	return wrap("set the phase of period "+code, err)
}

// ensurePeriods creates the periods that do not exist yet, named by their
// code, in phase draft.
func (s *Store) ensurePeriods(tx *gorm.DB, codes []string) error {
	if len(codes) == 0 {
		return nil
	}
	now := s.now()
	rows := make([]periodRow, len(codes))
	for i, c := range codes {
		rows[i] = periodRow{Code: c, Name: c, Phase: string(domain.PhaseDraft), CreatedAt: now, UpdatedAt: now}
	}
	return tx.Clauses(clause.OnConflict{DoNothing: true}).CreateInBatches(rows, s.batch).Error
}
