package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"gorm.io/gorm"

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
			Salt: c.Salt, OpeningHours: c.OpeningHours, Revision: 1, CreatedAt: now, UpdatedAt: now}
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
		Formula: surveys.Formula(r.Formula), Margin: r.Margin, RequireCode: r.RequireCode, Salt: r.Salt, OpeningHours: r.OpeningHours,
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

// SetOpeningHours records a campaign's desks' opening hours.
func (s *Store) SetOpeningHours(ctx context.Context, id int64, spec string) error {
	err := s.db.WithContext(ctx).Exec("UPDATE survey_campaigns SET opening_hours = ?, revision = revision + 1, updated_at = ? WHERE id = ?",
		spec, s.now(), id).Error
	return wrap("set the opening hours of a survey", err)
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
