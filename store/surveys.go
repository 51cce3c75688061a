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

// The store is what the survey service reads and writes.
var _ surveys.Store = (*Store)(nil)

// SaveInstrument adds the instrument of its code to a period, or replaces
// it (its version goes up), creating the period when needed. An instrument
// used by a campaign that has opened is locked: replacing it is a conflict.
func (s *Store) SaveInstrument(ctx context.Context, period string, ins *surveys.Instrument, src []byte) (*surveys.StoredInstrument, error) {
	var out *surveys.StoredInstrument
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		if err := s.ensurePeriods(tx, []string{period}); err != nil {
			return err
		}
		now := s.now()
		var row surveyInstrumentRow
		err := tx.Where("period_code = ? AND code = ?", period, ins.Code).Take(&row).Error
		switch {
		case errors.Is(err, gorm.ErrRecordNotFound):
			row = surveyInstrumentRow{PeriodCode: period, Code: ins.Code, Name: ins.Name.In("vi"), Source: src,
				Version: 1, CreatedAt: now, UpdatedAt: now}
			if err := tx.Create(&row).Error; err != nil {
				return err
			}
		case err != nil:
			return err
		default:
			locked, err := instrumentLocked(tx, row.ID)
			if err != nil {
				return err
			}
			if locked {
				return domain.Conflictf("instrument %s of period %s is used by a survey that has opened; it can no longer change", ins.Code, period)
			}
			row.Name, row.Source, row.Version, row.UpdatedAt = ins.Name.In("vi"), src, row.Version+1, now
			if err := tx.Model(&row).Select("name", "source", "version", "updated_at").Updates(&row).Error; err != nil {
				return err
			}
			// Draft campaigns asking it must be read again.
			if err := tx.Exec("UPDATE survey_campaigns SET revision = revision + 1, updated_at = ? WHERE instrument_id = ?", now, row.ID).Error; err != nil {
				return err
			}
		}
		out = instrumentOf(row, false)
		return nil
	})
	if err != nil {
		return nil, wrap("save instrument "+ins.Code, err)
	}
	return out, nil
}

func instrumentLocked(tx *gorm.DB, id int64) (bool, error) {
	var n int64
	err := tx.Model(&surveyCampaignRow{}).Where("instrument_id = ? AND state <> ?", id, surveys.Draft).Count(&n).Error
	return n > 0, err
}

func instrumentOf(r surveyInstrumentRow, locked bool) *surveys.StoredInstrument {
	return &surveys.StoredInstrument{ID: r.ID, Code: r.Code, Period: r.PeriodCode, Name: r.Name, Version: r.Version,
		Source: r.Source, Locked: locked, UpdatedAt: r.UpdatedAt.UTC()}
}

// Instruments lists every stored instrument, by period (newest first) then
// code.
func (s *Store) Instruments(ctx context.Context) ([]surveys.StoredInstrument, error) {
	var rows []surveyInstrumentRow
	if err := s.db.WithContext(ctx).Find(&rows).Error; err != nil {
		return nil, wrap("list instruments", err)
	}
	var lockedIDs []int64
	if err := s.db.WithContext(ctx).Model(&surveyCampaignRow{}).Where("state <> ?", surveys.Draft).
		Distinct().Pluck("instrument_id", &lockedIDs).Error; err != nil {
		return nil, wrap("list instruments", err)
	}
	out := make([]surveys.StoredInstrument, len(rows))
	for i, r := range rows {
		out[i] = *instrumentOf(r, slices.Contains(lockedIDs, r.ID))
	}
	slices.SortFunc(out, func(a, b surveys.StoredInstrument) int {
		if a.Period != b.Period {
			return strings.Compare(b.Period, a.Period)
		}
		return strings.Compare(a.Code, b.Code)
	})
	return out, nil
}

// InstrumentByID returns one stored instrument, or an error of kind
// domain.ErrNotFound.
func (s *Store) InstrumentByID(ctx context.Context, id int64) (*surveys.StoredInstrument, error) {
	var row surveyInstrumentRow
	err := s.db.WithContext(ctx).Where("id = ?", id).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, domain.NotFoundf("instrument %d not found", id)
	}
	if err != nil {
		return nil, wrap(fmt.Sprintf("get instrument %d", id), err)
	}
	locked, err := instrumentLocked(s.db.WithContext(ctx), id)
	if err != nil {
		return nil, wrap(fmt.Sprintf("get instrument %d", id), err)
	}
	return instrumentOf(row, locked), nil
}

// CreateCampaign stores a new campaign and its units. The id must be new
// and the units must exist.
func (s *Store) CreateCampaign(ctx context.Context, c *surveys.Campaign) error {
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		codes := make([]string, len(c.Units))
		for i, u := range c.Units {
			codes[i] = u.Code
		}
		if err := checkUnits(tx, codes); err != nil {
			return err
		}
		var n int64
		if err := tx.Model(&surveyCampaignRow{}).Where("code = ?", c.Code).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return domain.Conflictf("survey %s already exists", c.Code)
		}
		now := s.now()
		row := surveyCampaignRow{Code: c.Code, Name: c.Name, PeriodCode: c.Period, InstrumentID: c.InstrumentID,
			State: string(c.State), Formula: string(c.Formula), Margin: c.Margin, RequireCode: c.RequireCode,
			Salt: c.Salt, Revision: 1, CreatedAt: now, UpdatedAt: now}
		if err := tx.Create(&row).Error; err != nil {
			return err
		}
		units := make([]surveyCampaignUnitRow, len(c.Units))
		for i, u := range c.Units {
			units[i] = surveyCampaignUnitRow{CampaignID: row.ID, UnitCode: u.Code, Transactions: u.Transactions}
		}
		if err := tx.CreateInBatches(units, s.batch).Error; err != nil {
			return err
		}
		c.ID, c.Revision, c.UpdatedAt = row.ID, row.Revision, now
		return nil
	})
	return wrap("create survey "+c.Code, err)
}

// CampaignStamp returns a campaign's id and revision.
func (s *Store) CampaignStamp(ctx context.Context, code string) (int64, int64, error) {
	var row struct{ ID, Revision int64 }
	err := s.db.WithContext(ctx).Model(&surveyCampaignRow{}).Select("id", "revision").Where("code = ?", code).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return 0, 0, domain.NotFoundf("survey %s not found", code)
	}
	if err != nil {
		return 0, 0, wrap("get survey "+code, err)
	}
	return row.ID, row.Revision, nil
}

// campaignUnitsSQL lists campaigns' units with their names and groups.
const campaignUnitsSQL = `SELECT cu.campaign_id, cu.unit_code, u.name, u.group_code, cu.transactions
FROM survey_campaign_units cu JOIN units u ON u.code = cu.unit_code`

type campaignUnitLine struct {
	CampaignID   int64
	UnitCode     string
	Name         string
	GroupCode    string
	Transactions int64
}

func (l campaignUnitLine) unit() surveys.CampaignUnit {
	return surveys.CampaignUnit{Code: l.UnitCode, Name: l.Name, Group: l.GroupCode, Transactions: l.Transactions}
}

func campaignOf(r surveyCampaignRow, ins surveyInstrumentRow) surveys.Campaign {
	return surveys.Campaign{ID: r.ID, Code: r.Code, Name: r.Name, Period: r.PeriodCode, State: surveys.State(r.State),
		Formula: surveys.Formula(r.Formula), Margin: r.Margin, RequireCode: r.RequireCode, Salt: r.Salt,
		InstrumentID: r.InstrumentID, InstrumentCode: ins.Code, InstrumentVersion: ins.Version,
		Revision: r.Revision, UpdatedAt: r.UpdatedAt.UTC()}
}

// Campaign returns a campaign with its units (by code) and the source of
// its instrument, or an error of kind domain.ErrNotFound.
func (s *Store) Campaign(ctx context.Context, code string) (*surveys.Campaign, []byte, error) {
	db := s.db.WithContext(ctx)
	var row surveyCampaignRow
	err := db.Where("code = ?", code).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil, domain.NotFoundf("survey %s not found", code)
	}
	if err != nil {
		return nil, nil, wrap("get survey "+code, err)
	}
	var ins surveyInstrumentRow
	if err := db.Where("id = ?", row.InstrumentID).Take(&ins).Error; err != nil {
		return nil, nil, wrap("get the instrument of survey "+code, err)
	}
	var lines []campaignUnitLine
	if err := db.Raw(campaignUnitsSQL+" WHERE cu.campaign_id = ?", row.ID).Scan(&lines).Error; err != nil {
		return nil, nil, wrap("get the units of survey "+code, err)
	}
	c := campaignOf(row, ins)
	for _, l := range lines {
		c.Units = append(c.Units, l.unit())
	}
	slices.SortFunc(c.Units, func(a, b surveys.CampaignUnit) int { return strings.Compare(a.Code, b.Code) })
	return &c, ins.Source, nil
}

// Campaigns lists every campaign with its units, newest period first, then
// by id.
func (s *Store) Campaigns(ctx context.Context) ([]surveys.Campaign, error) {
	db := s.db.WithContext(ctx)
	var rows []surveyCampaignRow
	if err := db.Find(&rows).Error; err != nil {
		return nil, wrap("list surveys", err)
	}
	var instruments []surveyInstrumentRow
	if err := db.Select("id", "code", "version", "period_code", "name").Find(&instruments).Error; err != nil {
		return nil, wrap("list surveys", err)
	}
	byID := map[int64]surveyInstrumentRow{}
	for _, r := range instruments {
		byID[r.ID] = r
	}
	var lines []campaignUnitLine
	if err := db.Raw(campaignUnitsSQL).Scan(&lines).Error; err != nil {
		return nil, wrap("list surveys", err)
	}
	units := map[int64][]surveys.CampaignUnit{}
	for _, l := range lines {
		units[l.CampaignID] = append(units[l.CampaignID], l.unit())
	}
	out := make([]surveys.Campaign, len(rows))
	for i, r := range rows {
		out[i] = campaignOf(r, byID[r.InstrumentID])
		out[i].Units = units[r.ID]
		slices.SortFunc(out[i].Units, func(a, b surveys.CampaignUnit) int { return strings.Compare(a.Code, b.Code) })
	}
	slices.SortFunc(out, func(a, b surveys.Campaign) int {
		if a.Period != b.Period {
			return strings.Compare(b.Period, a.Period)
		}
		return int(a.ID - b.ID)
	})
	return out, nil
}

// SetCampaignState moves a campaign to a state.
func (s *Store) SetCampaignState(ctx context.Context, id int64, st surveys.State) error {
	err := s.db.WithContext(ctx).Exec("UPDATE survey_campaigns SET state = ?, revision = revision + 1, updated_at = ? WHERE id = ?",
		string(st), s.now(), id).Error
	return wrap("set the state of a survey", err)
}

// SetTransactions records the number of transactions of a campaign's units.
func (s *Store) SetTransactions(ctx context.Context, id int64, transactions map[string]int64) error {
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		for unit, n := range transactions {
			res := tx.Exec("UPDATE survey_campaign_units SET transactions = ? WHERE campaign_id = ? AND unit_code = ?", n, id, unit)
			if res.Error != nil {
				return res.Error
			}
			if res.RowsAffected == 0 {
				return domain.Invalidf("unit %s is not covered by the survey", unit)
			}
		}
		return tx.Exec("UPDATE survey_campaigns SET revision = revision + 1, updated_at = ? WHERE id = ?", s.now(), id).Error
	})
	return wrap("record transactions", err)
}

// AddCodes stores the hashes of one-time codes of a unit. A hash the
// campaign already has is a conflict; nothing is stored then.
func (s *Store) AddCodes(ctx context.Context, campaign int64, unit string, kind surveys.CodeKind, hashes []string) error {
	now := s.now()
	rows := make([]surveyCodeRow, len(hashes))
	for i, h := range hashes {
		rows[i] = surveyCodeRow{CampaignID: campaign, UnitCode: unit, Kind: string(kind), CodeHash: h, CreatedAt: now}
	}
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		err := tx.CreateInBatches(rows, s.batch).Error
		if errors.Is(err, gorm.ErrDuplicatedKey) {
			if kind == surveys.DossierCode {
				return domain.Conflictf("a dossier number is already registered for this survey")
			}
			return domain.Conflictf("a code is already registered for this survey")
		}
		return err
	})
	return wrap("add codes", err)
}

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
	if r.CodeHash == "" {
		return wrap("save a response", s.insertResponse(db, r))
	}
	return wrap("save a response", s.transaction(ctx, func(tx *gorm.DB) error { return s.insertResponse(tx, r) }))
}

// writeLocks holds one mutex per SQLite store for the survey writes.
var writeLocks sync.Map // *Store → *sync.Mutex

func writeLock(s *Store) *sync.Mutex {
	mu, _ := writeLocks.LoadOrStore(s, &sync.Mutex{})
	return mu.(*sync.Mutex)
}

// insertResponse writes one response and consumes its code.
func (s *Store) insertResponse(tx *gorm.DB, r *surveys.Response) error {
	if r.Status == "" {
		r.Status = surveys.Valid
	}
	if r.SubmittedAt.IsZero() {
		r.SubmittedAt = s.now()
	}
	row := responseRow(r)
	if err := tx.Create(&row).Error; err != nil {
		return err
	}
	r.ID = row.ID
	if r.CodeHash == "" {
		return nil
	}
	return s.useCode(tx, r)
}

func responseRow(r *surveys.Response) surveyResponseRow {
	row := surveyResponseRow{CampaignID: r.Campaign, UnitCode: r.Unit, Channel: string(r.Channel),
		Answers: r.Answers.Choices, Texts: surveys.EncodeTexts(r.Answers.Texts), ClientHash: r.ClientHash,
		Status: string(r.Status), Flags: strings.Join(r.Flags, ","), Author: r.Author, SubmittedAt: r.SubmittedAt}
	if r.Duration > 0 {
		ms := r.Duration.Milliseconds()
		row.DurationMS = &ms
	}
	return row
}

// useCode marks the response's code used, or says why it cannot be.
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
func (s *Store) InsertResponses(ctx context.Context, rs []*surveys.Response) error {
	err := s.transaction(ctx, func(tx *gorm.DB) error {
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
func (s *Store) ScanResponses(ctx context.Context, campaign int64, status surveys.Status, fn func(unit string, choices []byte)) error {
	rows, err := s.db.WithContext(ctx).Raw("SELECT unit_code, answers FROM survey_responses WHERE campaign_id = ? AND status = ?",
		campaign, string(status)).Rows()
	if err != nil {
		return wrap("read responses", err)
	}
	defer rows.Close()
	units := map[string]string{} // one string per unit, not per row
	var unit, choices []byte
	for rows.Next() {
		if err := rows.Scan(&unit, &choices); err != nil {
			return wrap("read responses", err)
		}
		u, ok := units[string(unit)]
		if !ok {
			u = string(unit)
			units[u] = u
		}
		fn(u, choices)
	}
	return wrap("read responses", rows.Err())
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
		texts, _ := surveys.DecodeTexts(r.Texts)
		out[i] = surveys.Response{ID: r.ID, Campaign: r.CampaignID, Unit: r.UnitCode, Channel: surveys.Channel(r.Channel),
			Answers: surveys.Encoded{Choices: r.Answers, Texts: texts}, ClientHash: r.ClientHash,
			Status: surveys.Status(r.Status), Author: r.Author, SubmittedAt: r.SubmittedAt.UTC()}
		if r.Flags != "" {
			out[i].Flags = strings.Split(r.Flags, ",")
		}
		if r.DurationMS != nil {
			out[i].Duration = time.Duration(*r.DurationMS) * time.Millisecond
		}
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
