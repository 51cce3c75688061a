package store_test

import (
	"errors"
	"testing"
	"time"

	"github.com/parindex/parindex/store"
	"github.com/parindex/parindex/store/storetest"
	"github.com/parindex/parindex/surveys"
)

// oldSurvey is what a database of a version before 00010 holds of survey
// "khao-sat", written as that version's code wrote it (raw SQL: the
// current code writes columns the old schema lacks).
type oldSurvey struct {
	codes []string // S1's paper codes: the first used by response 1
	ids   []int64  // the responses, in order
}

// seedOldSurvey fills a database of version 4 to 9 with survey "khao-sat"
// over S1, S2 and X1: a paper code used on the web form, a dossier number
// used at a kiosk, an import, a paper entry and a flagged web answer with a
// review decision.
func seedOldSurvey(t *testing.T, s *store.Store) oldSurvey {
	t.Helper()
	ctx := t.Context()
	seed(t, s)
	svc := surveys.NewService(s)
	si, err := svc.SaveInstrument(ctx, "2025", []byte(surveyYAML))
	must(t, err)
	db := s.Gorm().WithContext(ctx)
	at := time.Date(2025, 9, 3, 2, 15, 0, 0, time.UTC)
	must(t, db.Exec(`INSERT INTO survey_campaigns (code, name, period_code, instrument_id, state, formula, margin, require_code, salt, revision, created_at, updated_at)
VALUES ('khao-sat', 'Khảo sát 2025', '2025', ?, 'open', 'share', '0.05', ?, 'muoi', 2, ?, ?)`, si.ID, false, at, at).Error)
	var campaign int64
	must(t, db.Raw("SELECT id FROM survey_campaigns WHERE code = 'khao-sat'").Scan(&campaign).Error)
	for _, u := range []string{"S1", "S2", "X1"} {
		must(t, db.Exec("INSERT INTO survey_campaign_units (campaign_id, unit_code, transactions) VALUES (?, ?, 100)", campaign, u).Error)
	}
	var old oldSurvey
	old.codes, err = svc.NewCodes(ctx, "khao-sat", "S1", 2)
	must(t, err)
	_, err = svc.AddDossiers(ctx, "khao-sat", "S2", []string{"000.00.12.H12-250903-0001"})
	must(t, err)
	for _, r := range []struct {
		unit, channel, answers, status, flags, author string
		code                                          string
	}{
		{"S1", "web", "5400", "valid", "", "", old.codes[0]},
		{"S2", "kiosk", "4400", "valid", "", "", "000.00.12.H12-250903-0001"},
		{"S1", "import", "3300", "valid", "", "thư ký", ""},
		{"X1", "paper", "5550", "valid", "", "Nguyễn Văn An", ""},
		{"S1", "web", "1110", "flagged", "burst,duplicate", "", ""},
	} {
		var id int64
		must(t, db.Raw(`INSERT INTO survey_responses (campaign_id, unit_code, channel, answers, texts, client_hash, status, flags, author, submitted_at)
VALUES (?, ?, ?, ?, '', 'h', ?, ?, ?, ?) RETURNING id`, campaign, r.unit, r.channel, r.answers, r.status, r.flags, r.author, at).Scan(&id).Error)
		old.ids = append(old.ids, id)
		if r.code != "" {
			must(t, db.Exec("UPDATE survey_codes SET used_at = ?, response_id = ? WHERE code_hash = ?", at, id, surveys.HashCode(r.code)).Error)
		}
		at = at.Add(time.Minute)
	}
	must(t, svc.Review(ctx, "khao-sat", old.ids[4], surveys.Rejected, "Cùng một máy gửi liên tiếp", "thư ký"))
	return old
}

// TestUpgradeTo10 migrates a database of version 8 holding a survey to the
// latest version: every response, code, review and kiosk is kept, coded
// public answers take their code's channel, the rebuilt table keeps its
// constraints, and the new features work on the old survey.
func TestUpgradeTo10(t *testing.T) {
	dbURL := storetest.URL(t)
	old := storetest.OpenURL(t, dbURL)
	must(t, old.MigrateTo(t.Context(), 8))
	seeded := seedOldSurvey(t, old)
	oldSvc := surveys.NewService(old)
	if _, _, err := oldSvc.RegisterDevice(t.Context(), "khao-sat", "S1", "Quầy 1", "thư ký"); err != nil {
		t.Fatal(err)
	}

	s := storetest.OpenURL(t, dbURL) // a new version opens the database afresh
	must(t, s.Migrate(t.Context()))
	ctx := t.Context()
	svc := surveys.NewService(s)
	c, err := svc.Campaign(ctx, "khao-sat")
	must(t, err)
	if c.OpeningHours != "" || len(c.Units) != 3 {
		t.Errorf("campaign after the upgrade: %+v", c)
	}
	want := map[int64]surveys.Channel{seeded.ids[0]: surveys.Coded, seeded.ids[1]: surveys.Dossier, seeded.ids[2]: surveys.Import,
		seeded.ids[3]: surveys.Paper, seeded.ids[4]: surveys.Web}
	got := map[int64]surveys.Channel{}
	var rejected []surveys.Response
	for _, st := range []surveys.Status{surveys.Valid, surveys.Flagged, surveys.Rejected} {
		list, err := s.Responses(ctx, c.ID, st, 100)
		must(t, err)
		for _, r := range list {
			got[r.ID] = r.Channel
			if r.Key != "" || !r.AnsweredAt.IsZero() || r.Interviewer != 0 {
				t.Errorf("response %d has new fields after the upgrade: %+v", r.ID, r)
			}
		}
		if st == surveys.Rejected {
			rejected = list
		}
	}
	for id, ch := range want {
		if got[id] != ch {
			t.Errorf("response %d: channel %q, want %q (all: %v)", id, got[id], ch, got)
		}
	}
	if len(rejected) != 1 || rejected[0].Flags[0] != "burst" || rejected[0].Answers.Choices != "1110" {
		t.Errorf("rejected after the upgrade: %+v", rejected)
	}
	reviews, err := s.Reviews(ctx, c.ID, 10)
	must(t, err)
	if len(reviews) != 1 || reviews[0].Response != seeded.ids[4] || reviews[0].Reason != "Cùng một máy gửi liên tiếp" {
		t.Errorf("reviews after the upgrade: %+v", reviews)
	}
	_, devices, err := svc.Devices(ctx, "khao-sat")
	must(t, err)
	if len(devices) != 1 || devices[0].Name != "Quầy 1" {
		t.Errorf("kiosks after the upgrade: %+v", devices)
	}
	// The codes still point at their responses, and a used one stays used.
	_, err = submit(t, svc, surveys.Submission{Unit: "S1", Code: seeded.codes[0], Answers: answers("Q1", "4")})
	if !errors.Is(err, surveys.ErrCodeUsed) {
		t.Errorf("a used code after the upgrade: %v", err)
	}
	r, err := submit(t, svc, surveys.Submission{Unit: "S1", Code: seeded.codes[1], Key: "khoa-sau-nang-cap", Answers: answers("Q1", "4")})
	must(t, err)
	if r.Channel != surveys.Coded || r.ID <= seeded.ids[4] {
		t.Errorf("a coded answer after the upgrade: %+v", r)
	}
	again, err := submit(t, svc, surveys.Submission{Unit: "S1", Code: seeded.codes[1], Key: "khoa-sau-nang-cap", Answers: answers("Q1", "4")})
	if err != nil || !again.Repeat || again.ID != r.ID {
		t.Errorf("the same key again: %+v, %v", again, err)
	}
	// The rebuilt table keeps its constraints: a unit that does not exist,
	// a channel that does not, an empty key.
	db := s.Gorm().WithContext(ctx)
	for name, sql := range map[string]string{
		"unknown unit":    `INSERT INTO survey_responses (campaign_id, unit_code, channel, answers, submitted_at) VALUES (?, 'KHONG', 'web', '5', CURRENT_TIMESTAMP)`,
		"unknown channel": `INSERT INTO survey_responses (campaign_id, unit_code, channel, answers, submitted_at) VALUES (?, 'S1', 'zalo', '5', CURRENT_TIMESTAMP)`,
		"empty key":       `INSERT INTO survey_responses (campaign_id, unit_code, channel, answers, submitted_at, submission_key) VALUES (?, 'S1', 'web', '5', CURRENT_TIMESTAMP, '')`,
	} {
		if err := db.Exec(sql, c.ID).Error; err == nil {
			t.Errorf("%s: the rebuilt table accepted it", name)
		}
	}
	if err := db.Exec("DELETE FROM survey_reviews").Error; err == nil {
		t.Errorf("the review trail accepted a DELETE after the upgrade")
	}
	// An interviewer can be registered on the old survey.
	if _, _, err := svc.RegisterInterviewer(ctx, "khao-sat", "Lê Thị Bình", "", []surveys.InterviewerUnit{{Unit: "X1", Quota: 20}}, "thư ký"); err != nil {
		t.Errorf("an interviewer after the upgrade: %v", err)
	}
}
