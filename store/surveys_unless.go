package store

import (
	"context"
	"slices"
	"time"

	"github.com/parindex/parindex/surveys"
)

// insertUnlessPriors is InsertBatch on PostgreSQL for a batch without
// one-time codes, in one round trip to the server in the usual case
// rather than two. Most clients have sent nothing else for the unit within
// the rules' window, so each answer is judged as if its client had no
// earlier response stored (the batch's own earlier answers still count),
// and stored by one INSERT that leaves out, atomically, the answers of
// every client and unit that does have one. Those few are then stored as
// InsertBatch stores any batch, judged on what was read. Each answer meets
// the same rules as when its priors are read first; at 16 clients the
// writer's batches took 1.9 ms, 0.75 of them reading priors that were
// nearly always none (issue 16).
//
// An error means nothing was stored. Once the INSERT has committed, a
// failure storing the others is answered for them one by one, as the
// writer would, so that no answer is stored twice.
func (s *Store) insertUnlessPriors(ctx context.Context, batch []surveys.Pending) ([]error, error) {
	outs := make([]error, len(batch))
	db := s.db.WithContext(ctx)
	now := s.now()
	repeats, err := s.storedKeys(db, batch)
	if err != nil {
		return nil, wrap("save responses", err)
	}
	orig := make([]surveys.Response, len(batch))
	for i, p := range batch {
		orig[i] = *p.Response
	}
	rows, stored, err := s.judgeBatch(db, batch, now, repeats, map[priorKey][]surveys.Prior{}, outs)
	if err != nil { // only a code's claim can fail, and there is none
		return nil, wrap("save responses", err)
	}
	if len(rows) == 0 {
		return outs, nil
	}
	// checked: the answer's verdict assumed its client had no priors.
	checked := make([]bool, len(rows))
	var window time.Duration
	total := map[priorKey]int{}
	for k, i := range stored {
		if p := batch[i]; seesPriors(p) {
			checked[k] = true
			window = max(window, p.Window)
		}
		total[priorKeyOf(rows[k])]++
	}
	back, err := s.insertUnless(ctx, now, rows, checked, now.Add(-window))
	if err != nil {
		return nil, wrap("save responses", err)
	}
	// The statement leaves out all of a client's judged answers for a unit
	// or none: the ids of those stored, in the order they were inserted.
	ids := map[priorKey][]int64{}
	for _, row := range back {
		ids[priorKeyOf(row)] = append(ids[priorKeyOf(row)], row.ID)
	}
	left := map[priorKey]bool{} // the key's judged answers were left out
	for key, n := range total {
		slices.Sort(ids[key])
		left[key] = len(ids[key]) < n
	}
	var later []int
	for k, i := range stored {
		key := priorKeyOf(rows[k])
		if checked[k] && left[key] {
			later = append(later, i)
			continue
		}
		if list := ids[key]; len(list) > 0 {
			batch[i].Response.ID, ids[key] = list[0], list[1:]
		}
	}
	if len(later) == 0 {
		return outs, nil
	}
	rest := make([]surveys.Pending, len(later))
	for k, i := range later {
		*batch[i].Response = orig[i]
		rest[k] = batch[i]
	}
	restOuts, err := s.insertBatch(ctx, rest)
	for k, i := range later {
		if err == nil {
			outs[i] = restOuts[k]
			continue
		}
		p := batch[i]
		*p.Response = orig[i]
		outs[i] = s.InsertResponse(ctx, p.Response, p.Window, p.Judge)
	}
	return outs, nil
}

// insertUnless runs pgInsertUnlessPriorsSQL on the writer's connection
// (openWriterPool) without gorm, whose statement building and scanning by
// reflection cost the writer more than the rest of its work; returns the
// rows stored.
func (s *Store) insertUnless(ctx context.Context, now time.Time, rows []surveyResponseRow, checked []bool, since time.Time) ([]surveyResponseRow, error) {
	a := unlessArgs(rows, checked)
	res, err := s.writer.QueryContext(ctx, pgInsertUnlessPriorsSQL, now, a.campaigns, a.units, a.channels, a.answers, a.texts,
		a.clients, a.durations, a.statuses, a.flags, a.authors, a.keys, a.answeredAt, a.interviewers, a.checked, since)
	if err != nil {
		return nil, err
	}
	defer res.Close()
	back := make([]surveyResponseRow, 0, len(rows))
	for res.Next() {
		var row surveyResponseRow
		if err := res.Scan(&row.ID, &row.CampaignID, &row.ClientHash, &row.UnitCode); err != nil {
			return nil, err
		}
		back = append(back, row)
	}
	return back, res.Err()
}

// pgInsertUnlessPriorsSQL stores the rows given as arrays, in their order,
// except those marked checked whose client has a response for the unit
// since the last parameter. The rows' columns come as one array each, so
// that the statement is the same for every batch. The look-up of priors
// is a subquery run for each checked row in the index that leads with the
// campaign and the client, whatever the plan the server keeps for it
// (TestSurveyWriterPlans).
const pgInsertUnlessPriorsSQL = `INSERT INTO survey_responses (submitted_at, campaign_id, unit_code, channel, answers, texts,
  client_hash, duration_ms, status, flags, author, submission_key, answered_at, interviewer_id)
SELECT $1::timestamptz, k.campaign_id, k.unit_code, k.channel, k.answers, k.texts,
  k.client_hash, k.duration_ms, k.status, k.flags, k.author, k.submission_key, k.answered_at, k.interviewer_id
FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[], $9::text[], $10::text[],
  $11::text[], $12::text[], $13::timestamptz[], $14::bigint[], $15::boolean[]) WITH ORDINALITY
  AS k(campaign_id, unit_code, channel, answers, texts, client_hash, duration_ms, status, flags, author,
  submission_key, answered_at, interviewer_id, checked, n)
WHERE NOT k.checked OR (SELECT true FROM survey_responses r
  WHERE r.campaign_id = k.campaign_id AND r.client_hash = k.client_hash AND r.unit_code = k.unit_code AND r.submitted_at >= $16
  ORDER BY r.submitted_at DESC LIMIT 1) IS NULL
ORDER BY k.n
RETURNING id, campaign_id, client_hash, unit_code`

// unlessColumns are the rows of pgInsertUnlessPriorsSQL, column by column.
type unlessColumns struct {
	campaigns                                                 []int64
	durations, interviewers                                   []*int64
	units, channels, answers, texts, clients, statuses, flags []string
	authors                                                   []string
	keys                                                      []*string
	answeredAt                                                []*time.Time
	checked                                                   []bool
}

func unlessArgs(rows []surveyResponseRow, checked []bool) unlessColumns {
	var a unlessColumns
	a.checked = checked
	for _, r := range rows {
		a.campaigns = append(a.campaigns, r.CampaignID)
		a.units = append(a.units, r.UnitCode)
		a.channels = append(a.channels, r.Channel)
		a.answers = append(a.answers, r.Answers)
		a.texts = append(a.texts, r.Texts)
		a.clients = append(a.clients, r.ClientHash)
		a.durations = append(a.durations, r.DurationMS)
		a.statuses = append(a.statuses, r.Status)
		a.flags = append(a.flags, r.Flags)
		a.authors = append(a.authors, r.Author)
		a.keys = append(a.keys, r.SubmissionKey)
		a.answeredAt = append(a.answeredAt, r.AnsweredAt)
		a.interviewers = append(a.interviewers, r.InterviewerID)
	}
	return a
}
