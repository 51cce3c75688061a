package store

import (
	"context"
	"errors"

	"gorm.io/gorm"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/surveys"
)

// Survey interviewers (migration 00010): an account kind of a survey, with
// the units each surveys and their quotas.

var _ surveys.InterviewerStore = (*Store)(nil)

// AddInterviewer stores an interviewer and their units in one transaction.
func (s *Store) AddInterviewer(ctx context.Context, iv *surveys.Interviewer) error {
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		row := surveyInterviewerRow{CampaignID: iv.Campaign, Name: iv.Name, Phone: iv.Phone, TokenHash: iv.TokenHash,
			CreatedBy: iv.CreatedBy, CreatedAt: s.now()}
		if err := tx.Create(&row).Error; err != nil {
			return err
		}
		units := make([]surveyInterviewerUnitRow, len(iv.Units))
		for i, u := range iv.Units {
			units[i] = surveyInterviewerUnitRow{InterviewerID: row.ID, UnitCode: u.Unit, Quota: u.Quota}
		}
		if len(units) > 0 {
			if err := tx.CreateInBatches(units, s.batch).Error; err != nil {
				return err
			}
		}
		iv.ID, iv.CreatedAt = row.ID, row.CreatedAt
		return nil
	})
	if errors.Is(err, gorm.ErrForeignKeyViolated) {
		return domain.Invalidf("the survey or a unit of the interviewer does not exist")
	}
	return wrap("add interviewer", err)
}

func (r surveyInterviewerRow) interviewer() surveys.Interviewer {
	return surveys.Interviewer{ID: r.ID, Campaign: r.CampaignID, Name: r.Name, Phone: r.Phone, TokenHash: r.TokenHash,
		CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt.UTC(), RevokedAt: r.RevokedAt}
}

// InterviewerByHash returns the interviewer of a token hash with their units.
func (s *Store) InterviewerByHash(ctx context.Context, hash string) (*surveys.Interviewer, error) {
	db := s.db.WithContext(ctx)
	var row surveyInterviewerRow
	err := db.Where("token_hash = ?", hash).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, domain.NotFoundf("no such interviewer")
	}
	if err != nil {
		return nil, wrap("get interviewer", err)
	}
	iv := row.interviewer()
	var units []surveyInterviewerUnitRow
	if err := db.Where("interviewer_id = ?", row.ID).Order("unit_code").Find(&units).Error; err != nil {
		return nil, wrap("get interviewer", err)
	}
	for _, u := range units {
		iv.Units = append(iv.Units, surveys.InterviewerUnit{Unit: u.UnitCode, Quota: u.Quota})
	}
	return &iv, nil
}

// Interviewers lists a campaign's interviewers with their units, oldest
// first.
func (s *Store) Interviewers(ctx context.Context, campaign int64) ([]surveys.Interviewer, error) {
	db := s.db.WithContext(ctx)
	var rows []surveyInterviewerRow
	if err := db.Where("campaign_id = ?", campaign).Order("id").Find(&rows).Error; err != nil {
		return nil, wrap("list interviewers", err)
	}
	var units []surveyInterviewerUnitRow
	err := db.Raw(`SELECT u.* FROM survey_interviewer_units u JOIN survey_interviewers i ON i.id = u.interviewer_id
WHERE i.campaign_id = ? ORDER BY u.interviewer_id, u.unit_code`, campaign).Scan(&units).Error
	if err != nil {
		return nil, wrap("list interviewers", err)
	}
	byID := map[int64][]surveys.InterviewerUnit{}
	for _, u := range units {
		byID[u.InterviewerID] = append(byID[u.InterviewerID], surveys.InterviewerUnit{Unit: u.UnitCode, Quota: u.Quota})
	}
	out := make([]surveys.Interviewer, len(rows))
	for i, r := range rows {
		out[i] = r.interviewer()
		out[i].Units = byID[r.ID]
	}
	return out, nil
}

// SetInterviewerToken gives a campaign's interviewer a new token hash.
func (s *Store) SetInterviewerToken(ctx context.Context, campaign, id int64, hash string) error {
	res := s.db.WithContext(ctx).Exec("UPDATE survey_interviewers SET token_hash = ?, revoked_at = NULL WHERE id = ? AND campaign_id = ?",
		hash, id, campaign)
	if res.Error != nil {
		return wrap("renew an interviewer's link", res.Error)
	}
	if res.RowsAffected == 0 {
		return domain.NotFoundf("interviewer %d not found in this survey", id)
	}
	return nil
}

// RevokeInterviewer revokes a campaign's interviewer; revoking again keeps
// the first time.
func (s *Store) RevokeInterviewer(ctx context.Context, campaign, id int64) error {
	db := s.db.WithContext(ctx)
	var n int64
	if err := db.Model(&surveyInterviewerRow{}).Where("id = ? AND campaign_id = ?", id, campaign).Count(&n).Error; err != nil {
		return wrap("revoke interviewer", err)
	}
	if n == 0 {
		return domain.NotFoundf("interviewer %d not found in this survey", id)
	}
	err := db.Exec("UPDATE survey_interviewers SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", s.now(), id).Error
	return wrap("revoke interviewer", err)
}

// InterviewerCounts counts a campaign's interviewers' responses per
// interviewer, unit and status.
func (s *Store) InterviewerCounts(ctx context.Context, campaign int64) (map[int64]map[string]map[surveys.Status]int, error) {
	var lines []struct {
		InterviewerID int64
		UnitCode      string
		Status        string
		N             int
	}
	err := s.db.WithContext(ctx).Raw(`SELECT interviewer_id, unit_code, status, count(*) AS n FROM survey_responses
WHERE campaign_id = ? AND interviewer_id IS NOT NULL GROUP BY interviewer_id, unit_code, status`, campaign).Scan(&lines).Error
	if err != nil {
		return nil, wrap("count interviewers' responses", err)
	}
	out := map[int64]map[string]map[surveys.Status]int{}
	for _, l := range lines {
		if out[l.InterviewerID] == nil {
			out[l.InterviewerID] = map[string]map[surveys.Status]int{}
		}
		if out[l.InterviewerID][l.UnitCode] == nil {
			out[l.InterviewerID][l.UnitCode] = map[surveys.Status]int{}
		}
		out[l.InterviewerID][l.UnitCode][surveys.Status(l.Status)] = l.N
	}
	return out, nil
}
