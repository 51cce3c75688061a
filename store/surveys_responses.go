package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/surveys"
)

// Survey responses: storing them durably, reading them for the indices,
// and the review of flagged ones.

// InsertResponse stores a response and commits it before returning (on
// SQLite the database is opened with synchronous=FULL, so the commit has
// reached the disk). See surveys.Store.
//
// The same client's recent responses are read first, outside any
// transaction: the rules are a heuristic, and two of one client's
// submissions racing each other may both pass. A response without a code
// is then a single INSERT, atomic on its own; one with a code is inserted
// and the code consumed in one transaction.
func (s *Store) InsertResponse(ctx context.Context, r *surveys.Response, window time.Duration, judge func([]surveys.Prior) []string) error {
	db := s.db.WithContext(ctx)
	r.SubmittedAt = s.now()
	if judge != nil {
		var prior []surveys.Prior
		if r.ClientHash != "" && window > 0 {
			var rows []surveyResponseRow
			if err := db.Select("answers", "texts", "submitted_at").
				Where("campaign_id = ? AND client_hash = ? AND submitted_at >= ? AND unit_code = ?", r.Campaign, r.ClientHash, r.SubmittedAt.Add(-window), r.Unit).
				Limit(100).Find(&rows).Error; err != nil {
				return wrap("save a response", err)
			}
			for _, p := range rows {
				prior = append(prior, surveys.Prior{Choices: p.Answers, Texts: p.Texts, At: p.SubmittedAt})
			}
		}
		if flags := judge(prior); len(flags) > 0 {
			r.Status, r.Flags = surveys.Flagged, flags
		}
	}
	if s.dialect == DialectSQLite {
		// SQLite has one writer at a time: queue in Go rather than in the
		// driver's busy handler, whose growing sleeps make a long tail.
		mu := writeLock(s)
		mu.Lock()
		defer mu.Unlock()
	}
	var err error
	if r.CodeHash == "" {
		err = s.insertResponse(db, r)
	} else {
		err = s.transaction(ctx, func(tx *gorm.DB) error { return s.insertResponse(tx, r) })
	}
	if err != nil && r.Key != "" {
		// The same key arriving twice at once: the second fails on the
		// key's unique index, or on the code the first one used. It is
		// answered as the first was.
		if stored, ok, rerr := s.responseByKey(db, r.Campaign, r.Key); rerr == nil && ok {
			*r = *stored
			return nil
		}
	}
	return wrap("save a response", err)
}

// writeLocks holds one mutex per SQLite store for the survey writes.
var writeLocks sync.Map // *Store → *sync.Mutex

func writeLock(s *Store) *sync.Mutex {
	mu, _ := writeLocks.LoadOrStore(s, &sync.Mutex{})
	return mu.(*sync.Mutex)
}

// insertResponse writes one response and consumes its code; a public
// answer with a code takes the code's channel.
func (s *Store) insertResponse(tx *gorm.DB, r *surveys.Response) error {
	if r.Status == "" {
		r.Status = surveys.Valid
	}
	if r.SubmittedAt.IsZero() {
		r.SubmittedAt = s.now()
	}
	if r.CodeHash != "" {
		kind, err := s.claimCode(tx, r)
		if err != nil {
			return err
		}
		r.Channel = r.Channel.WithCode(kind)
	}
	row := responseRow(r)
	if err := tx.Create(&row).Error; err != nil {
		return err
	}
	r.ID = row.ID
	if r.CodeHash == "" {
		return nil
	}
	res := tx.Exec("UPDATE survey_codes SET used_at = ?, response_id = ? WHERE campaign_id = ? AND code_hash = ? AND used_at IS NULL",
		r.SubmittedAt, r.ID, r.Campaign, r.CodeHash)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected != 1 {
		return surveys.ErrCodeUsed
	}
	return nil
}

// claimCode checks that the response's code may be used (locking it on
// PostgreSQL until the transaction ends) and returns its kind.
func (s *Store) claimCode(tx *gorm.DB, r *surveys.Response) (surveys.CodeKind, error) {
	var code surveyCodeRow
	q := tx.Select("unit_code", "kind", "used_at").Where("campaign_id = ? AND code_hash = ?", r.Campaign, r.CodeHash)
	if s.dialect == DialectPostgres {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	err := q.Take(&code).Error
	switch {
	case errors.Is(err, gorm.ErrRecordNotFound):
		return "", surveys.ErrCodeUnknown
	case err != nil:
		return "", err
	case code.UnitCode != r.Unit:
		return "", surveys.ErrCodeOtherUnit
	case code.UsedAt != nil:
		return "", surveys.ErrCodeUsed
	}
	return surveys.CodeKind(code.Kind), nil
}

func responseRow(r *surveys.Response) surveyResponseRow {
	row := surveyResponseRow{CampaignID: r.Campaign, UnitCode: r.Unit, Channel: string(r.Channel),
		Answers: r.Answers.Choices, Texts: surveys.EncodeTexts(r.Answers.Texts), ClientHash: r.ClientHash,
		Status: string(r.Status), Flags: strings.Join(r.Flags, ","), Author: r.Author, SubmittedAt: r.SubmittedAt}
	if r.Duration > 0 {
		ms := r.Duration.Milliseconds()
		row.DurationMS = &ms
	}
	if r.Key != "" {
		row.SubmissionKey = &r.Key
	}
	if !r.AnsweredAt.IsZero() {
		at := r.AnsweredAt.UTC().Truncate(time.Microsecond)
		row.AnsweredAt = &at
	}
	if r.Interviewer != 0 {
		row.InterviewerID = &r.Interviewer
	}
	return row
}

// responseOf is a stored response.
func responseOf(r surveyResponseRow) surveys.Response {
	texts, _ := surveys.DecodeTexts(r.Texts)
	out := surveys.Response{ID: r.ID, Campaign: r.CampaignID, Unit: r.UnitCode, Channel: surveys.Channel(r.Channel),
		Answers: surveys.Encoded{Choices: r.Answers, Texts: texts}, ClientHash: r.ClientHash,
		Status: surveys.Status(r.Status), Author: r.Author, SubmittedAt: r.SubmittedAt.UTC()}
	if r.Flags != "" {
		out.Flags = strings.Split(r.Flags, ",")
	}
	if r.DurationMS != nil {
		out.Duration = time.Duration(*r.DurationMS) * time.Millisecond
	}
	if r.SubmissionKey != nil {
		out.Key = *r.SubmissionKey
	}
	if r.AnsweredAt != nil {
		out.AnsweredAt = r.AnsweredAt.UTC()
	}
	if r.InterviewerID != nil {
		out.Interviewer = *r.InterviewerID
	}
	return out
}

// responseByKey returns the response stored with a key, if any, marked as
// a repeat.
func (s *Store) responseByKey(db *gorm.DB, campaign int64, key string) (*surveys.Response, bool, error) {
	var row surveyResponseRow
	err := db.Where("campaign_id = ? AND submission_key = ?", campaign, key).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	r := responseOf(row)
	r.Repeat = true
	return &r, true, nil
}

// Receipt returns what became of a keyed submission: the stored response
// (Repeat set), the refusal remembered for the key, or nil for a new key.
func (s *Store) Receipt(ctx context.Context, campaign int64, key string) (*surveys.Receipt, error) {
	db := s.db.WithContext(ctx)
	r, ok, err := s.responseByKey(db, campaign, key)
	if err != nil {
		return nil, wrap("read a submission key", err)
	}
	if ok {
		return &surveys.Receipt{Response: r}, nil
	}
	var ref surveyRefusalRow
	err = db.Where("campaign_id = ? AND submission_key = ?", campaign, key).Take(&ref).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, wrap("read a submission key", err)
	}
	return &surveys.Receipt{Reason: surveys.Refusal(ref.Reason), Detail: ref.Detail}, nil
}

// RecordRefusal remembers a refused keyed submission; a key already
// remembered keeps its first refusal.
func (s *Store) RecordRefusal(ctx context.Context, campaign int64, key string, reason surveys.Refusal, detail string) error {
	row := surveyRefusalRow{CampaignID: campaign, SubmissionKey: key, Reason: string(reason), Detail: detail, At: s.now()}
	err := s.db.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&row).Error
	return wrap("remember a refused submission", err)
}

// useCode marks an imported response's code used, or says why it cannot
// be.
func (s *Store) useCode(tx *gorm.DB, r *surveys.Response) error {
	res := tx.Exec("UPDATE survey_codes SET used_at = ?, response_id = ? WHERE campaign_id = ? AND code_hash = ? AND unit_code = ? AND used_at IS NULL",
		r.SubmittedAt, r.ID, r.Campaign, r.CodeHash, r.Unit)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 1 {
		return nil
	}
	var code surveyCodeRow
	err := tx.Where("campaign_id = ? AND code_hash = ?", r.Campaign, r.CodeHash).Take(&code).Error
	switch {
	case errors.Is(err, gorm.ErrRecordNotFound):
		return surveys.ErrCodeUnknown
	case err != nil:
		return err
	case code.UnitCode != r.Unit:
		return surveys.ErrCodeOtherUnit
	}
	return surveys.ErrCodeUsed
}

// InsertResponses stores responses all or nothing, consuming their codes.
// An import changes the data results are computed from: it is refused for
// a campaign whose period is published and not reopened for a correction.
func (s *Store) InsertResponses(ctx context.Context, rs []*surveys.Response) error {
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		var ids []int64
		for _, r := range rs {
			if !slices.Contains(ids, r.Campaign) {
				ids = append(ids, r.Campaign)
			}
		}
		if len(ids) > 0 {
			var periods []string
			if err := tx.Model(&surveyCampaignRow{}).Distinct("period_code").Where("id IN ?", ids).
				Pluck("period_code", &periods).Error; err != nil {
				return err
			}
			if err := s.openPeriods(tx, periods); err != nil {
				return err
			}
		}
		now := s.now()
		rows := make([]surveyResponseRow, len(rs))
		for i, r := range rs {
			if r.Status == "" {
				r.Status = surveys.Valid
			}
			r.SubmittedAt = now
			rows[i] = responseRow(r)
		}
		if err := tx.CreateInBatches(rows, s.batch).Error; err != nil {
			return err
		}
		for i, r := range rs {
			r.ID = rows[i].ID
			if r.CodeHash == "" {
				continue
			}
			if err := s.useCode(tx, r); err != nil {
				return &surveys.RowError{Index: i, Err: err}
			}
		}
		return nil
	})
	var re *surveys.RowError
	if errors.As(err, &re) && isDomain(re.Err) {
		return err
	}
	return wrap("import responses", err)
}

// ScanResponses streams the unit and encoded choices of a campaign's
// responses with a status. The choices slice is only valid during the
// call.
//
// The database packs each unit's choices into one text (scanResponsesSQL):
// the pure-Go SQLite driver's cost is per row and column, and a campaign of
// 1,000,000 responses read as 1,000,000 rows spent two thirds of the
// recompute in the driver. A unit's text is its responses' choices, about
// 20 bytes each.
func (s *Store) ScanResponses(ctx context.Context, campaign int64, status surveys.Status, fn func(unit string, choices []byte)) error {
	rows, err := s.db.WithContext(ctx).Raw(scanResponsesSQL, campaign, string(status)).Rows()
	if err != nil {
		return wrap("read responses", err)
	}
	defer rows.Close()
	var unit string
	var packed []byte
	for rows.Next() {
		if err := rows.Scan(&unit, &packed); err != nil {
			return wrap("read responses", err)
		}
		if err := eachPacked(packed, func(choices []byte) { fn(unit, choices) }); err != nil {
			return wrap("read responses", fmt.Errorf("unit %s: %w", unit, err))
		}
	}
	return wrap("read responses", rows.Err())
}

// scanResponsesSQL reads a campaign's responses of a status as one row per
// unit: the unit, and its responses' choices each as LEN ':' CHOICES (LEN
// their length in bytes), in no particular order. The index that begins
// with the campaign, the status and the unit covers it, in the units'
// order. The same text runs on both databases.
const scanResponsesSQL = `SELECT unit_code, string_agg(CAST(octet_length(answers) AS TEXT) || ':' || answers, '')
FROM survey_responses WHERE campaign_id = ? AND status = ? GROUP BY unit_code`

// eachPacked calls fn with each text of a list packed as LEN ':' TEXT ...
func eachPacked(packed []byte, fn func([]byte)) error {
	for len(packed) > 0 {
		n, i := 0, 0
		for ; i < len(packed) && packed[i] >= '0' && packed[i] <= '9'; i++ {
			n = n*10 + int(packed[i]-'0')
			if n > len(packed) {
				return errPacked
			}
		}
		if i == 0 || i >= len(packed) || packed[i] != ':' || i+1+n > len(packed) {
			return errPacked
		}
		fn(packed[i+1 : i+1+n])
		packed = packed[i+1+n:]
	}
	return nil
}

// CountResponses counts a campaign's responses per unit and status.
func (s *Store) CountResponses(ctx context.Context, campaign int64) (map[string]map[surveys.Status]int, error) {
	var lines []struct {
		UnitCode string
		Status   string
		N        int
	}
	err := s.db.WithContext(ctx).Raw("SELECT unit_code, status, count(*) AS n FROM survey_responses WHERE campaign_id = ? GROUP BY unit_code, status",
		campaign).Scan(&lines).Error
	if err != nil {
		return nil, wrap("count responses", err)
	}
	out := map[string]map[surveys.Status]int{}
	for _, l := range lines {
		if out[l.UnitCode] == nil {
			out[l.UnitCode] = map[surveys.Status]int{}
		}
		out[l.UnitCode][surveys.Status(l.Status)] = l.N
	}
	return out, nil
}

// Responses lists a campaign's responses with a status, newest first.
func (s *Store) Responses(ctx context.Context, campaign int64, status surveys.Status, limit int) ([]surveys.Response, error) {
	var rows []surveyResponseRow
	err := s.db.WithContext(ctx).Where("campaign_id = ? AND status = ?", campaign, string(status)).
		Order("id DESC").Limit(limit).Find(&rows).Error
	if err != nil {
		return nil, wrap("list responses", err)
	}
	out := make([]surveys.Response, len(rows))
	for i, r := range rows {
		out[i] = responseOf(r)
	}
	return out, nil
}

// ReviewResponse moves a response of the campaign to a status and appends
// the decision to the trail, in one transaction.
func (s *Store) ReviewResponse(ctx context.Context, campaign, id int64, to surveys.Status, reason, author string) error {
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		var row surveyResponseRow
		q := tx.Select("id", "status").Where("id = ? AND campaign_id = ?", id, campaign)
		if s.dialect == DialectPostgres {
			q = q.Clauses(clause.Locking{Strength: "UPDATE"})
		}
		err := q.Take(&row).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return domain.NotFoundf("response %d not found in this survey", id)
		}
		if err != nil {
			return err
		}
		if row.Status == string(to) {
			return domain.Conflictf("response %d is already %s", id, to)
		}
		if err := tx.Exec("UPDATE survey_responses SET status = ? WHERE id = ?", string(to), id).Error; err != nil {
			return err
		}
		return tx.Create(&surveyReviewRow{ResponseID: id, OldStatus: row.Status, NewStatus: string(to),
			Reason: reason, Author: author, At: s.now()}).Error
	})
	return wrap(fmt.Sprintf("review response %d", id), err)
}

// Reviews lists the decisions on a campaign's responses, newest first.
func (s *Store) Reviews(ctx context.Context, campaign int64, limit int) ([]surveys.Review, error) {
	var rows []surveyReviewRow
	err := s.db.WithContext(ctx).Raw(`SELECT v.* FROM survey_reviews v JOIN survey_responses r ON r.id = v.response_id
WHERE r.campaign_id = ? ORDER BY v.id DESC LIMIT ?`, campaign, limit).Scan(&rows).Error
	if err != nil {
		return nil, wrap("list reviews", err)
	}
	out := make([]surveys.Review, len(rows))
	for i, r := range rows {
		out[i] = surveys.Review{ID: r.ID, Response: r.ResponseID, Old: surveys.Status(r.OldStatus), New: surveys.Status(r.NewStatus),
			Reason: r.Reason, Author: r.Author, At: r.At.UTC()}
	}
	return out, nil
}
