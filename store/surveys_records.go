package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/parindex/parindex/surveys"
)

var _ surveys.RecordStore = (*Store)(nil)

// eachResponseSQL reads a campaign's responses in id order. The index on
// (campaign_id, id) gives them in that order on both databases, so nothing
// is sorted and the rows stream from the database as they are read.
const eachResponseSQL = `SELECT id, unit_code, channel, status, flags, answers, texts, submitted_at, answered_at, interviewer_id
FROM survey_responses WHERE campaign_id = ? ORDER BY campaign_id, id`

// EachResponse calls fn with every response of a campaign, in id order,
// one row at a time: one Record is reused, and the unit, channel and status
// strings are shared between rows, so memory does not grow with the number
// of responses.
func (s *Store) EachResponse(ctx context.Context, campaign int64, fn func(*surveys.Record) error) error {
	rows, err := s.db.WithContext(ctx).Raw(eachResponseSQL, campaign).Rows()
	if err != nil {
		return wrap("read responses", err)
	}
	defer rows.Close()
	interned := map[string]string{}
	intern := func(b []byte) string {
		if s, ok := interned[string(b)]; ok {
			return s
		}
		s := string(b)
		interned[s] = s
		return s
	}
	var (
		rec                          surveys.Record
		unit, channel, status, flags []byte
		choices, texts               []byte
		submitted                    time.Time
		answered                     sql.NullTime
		interviewer                  sql.NullInt64
	)
	for rows.Next() {
		if err := rows.Scan(&rec.ID, &unit, &channel, &status, &flags, &choices, &texts, &submitted, &answered, &interviewer); err != nil {
			return wrap("read responses", err)
		}
		rec.Unit, rec.Channel, rec.Status = intern(unit), surveys.Channel(intern(channel)), surveys.Status(intern(status))
		rec.Flags = ""
		if len(flags) > 0 {
			rec.Flags = intern(flags)
		}
		rec.Choices = choices
		rec.Texts = ""
		if len(texts) > 0 {
			rec.Texts = string(texts)
		}
		rec.SubmittedAt = submitted.UTC()
		rec.AnsweredAt = time.Time{}
		if answered.Valid {
			rec.AnsweredAt = answered.Time.UTC()
		}
		rec.Interviewer = interviewer.Int64
		if err := fn(&rec); err != nil {
			return err
		}
	}
	return wrap("read responses", rows.Err())
}
