package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/parindex/parindex/surveys"
)

// InsertBatch stores a batch of public submissions in one transaction: one
// commit, one flush to disk, for many answers. Each answer is checked as
// InsertResponse checks it, in the batch's order: a device key already
// stored makes it a repeat; its one-time code is claimed (a code an earlier
// answer of the batch used is used); its judge sees the same client's
// responses within the window, those of the batch before it included. The
// batch's answers are then one multi-row INSERT. See surveys.Store.
//
// A refusal (a used or unknown code) is that answer's outcome and does not
// stop the others. Anything that breaks the transaction — a constraint an
// answer violates, a device key repeated within the batch or stored
// meanwhile by another process, a lost connection — returns an error and
// stores nothing: the caller then stores the answers one by one.
func (s *Store) InsertBatch(ctx context.Context, batch []surveys.Pending) ([]error, error) {
	outs := make([]error, len(batch))
	if len(batch) == 0 {
		return outs, nil
	}
	if s.dialect == DialectSQLite {
		mu := writeLock(s)
		mu.Lock()
		defer mu.Unlock()
	}
	if s.dialect == DialectPostgres && !s.needsTransaction(batch) {
		return s.insertUnlessPriors(ctx, batch)
	}
	return s.insertBatch(ctx, batch)
}

// insertBatch is InsertBatch reading the batch's priors first.
func (s *Store) insertBatch(ctx context.Context, batch []surveys.Pending) ([]error, error) {
	outs := make([]error, len(batch))
	now := s.now()
	body := func(tx *gorm.DB) error {
		repeats, err := s.storedKeys(tx, batch)
		if err != nil {
			return err
		}
		priors, err := s.priors(tx, batch, now)
		if err != nil {
			return err
		}
		rows, stored, err := s.judgeBatch(tx, batch, now, repeats, priors, outs)
		if err != nil {
			return err
		}
		if len(rows) == 0 {
			return nil
		}
		if err := tx.CreateInBatches(rows, s.batch).Error; err != nil {
			return err
		}
		for k, i := range stored {
			r := batch[i].Response
			r.ID = rows[k].ID
			if r.CodeHash == "" {
				continue
			}
			res := tx.Exec("UPDATE survey_codes SET used_at = ?, response_id = ? WHERE campaign_id = ? AND code_hash = ? AND used_at IS NULL",
				r.SubmittedAt, r.ID, r.Campaign, r.CodeHash)
			if res.Error != nil {
				return res.Error
			}
			if res.RowsAffected != 1 {
				// Claimed above, then used by someone else: cannot happen
				// under the lock the claim holds, but if it did, the
				// answers are tried again one by one.
				return fmt.Errorf("code of response %d used meanwhile", i+1)
			}
		}
		return nil
	}
	var err error
	if s.needsTransaction(batch) {
		err = s.transaction(ctx, body)
	} else {
		err = body(s.db.WithContext(ctx))
	}
	if err != nil {
		return nil, wrap("save responses", err)
	}
	return outs, nil
}

// judgeBatch checks a batch's answers in order, as InsertBatch describes,
// given the responses stored under their device keys and their clients'
// earlier responses (priors, to which each judged answer is added for the
// ones after it). It sets each answer's outcome in outs and returns the
// rows to store, with the index in the batch of each.
func (s *Store) judgeBatch(tx *gorm.DB, batch []surveys.Pending, now time.Time, repeats map[respKey]*surveys.Response,
	priors map[priorKey][]surveys.Prior, outs []error) ([]surveyResponseRow, []int, error) {
	claimed := map[codeKey]bool{}
	rows := make([]surveyResponseRow, 0, len(batch))
	stored := make([]int, 0, len(batch))
	for i, p := range batch {
		r := p.Response
		r.SubmittedAt = now
		if r.Key != "" {
			if first, ok := repeats[keyOf(r)]; ok {
				*r = *first
				continue
			}
		}
		if r.CodeHash != "" {
			ck := codeKey{r.Campaign, r.CodeHash}
			if claimed[ck] {
				outs[i] = surveys.ErrCodeUsed
				continue
			}
			kind, err := s.claimCode(tx, r)
			if isDomain(err) {
				outs[i] = err
				continue
			}
			if err != nil {
				return nil, nil, err
			}
			claimed[ck] = true
			r.Channel = r.Channel.WithCode(kind)
		}
		if p.Judge != nil {
			pk := priorKey{r.Campaign, r.ClientHash, r.Unit}
			var prior []surveys.Prior
			if seesPriors(p) {
				for _, pr := range priors[pk] {
					if !pr.At.Before(now.Add(-p.Window)) {
						prior = append(prior, pr)
					}
				}
			}
			if flags := p.Judge(prior); len(flags) > 0 {
				r.Status, r.Flags = surveys.Flagged, flags
			}
			if r.ClientHash != "" {
				priors[pk] = append(priors[pk], surveys.Prior{Choices: r.Answers.Choices,
					Texts: surveys.EncodeTexts(r.Answers.Texts), At: now})
			}
		}
		if r.Status == "" {
			r.Status = surveys.Valid
		}
		rows = append(rows, responseRow(r))
		stored = append(stored, i)
	}
	return rows, stored, nil
}

// needsTransaction says whether a batch needs BEGIN and COMMIT around it.
// Without one-time codes to consume, a batch's only write is one
// multi-row INSERT, atomic on its own: on PostgreSQL that saves two round
// trips to the server in the writer's critical path. The earlier answers
// the rules see are then read just before it, as InsertResponse reads
// them. SQLite splits the INSERT (see Store.batch), and its BEGIN and
// COMMIT cost no round trip.
func (s *Store) needsTransaction(batch []surveys.Pending) bool {
	if s.dialect != DialectPostgres || len(batch) > s.batch {
		return true
	}
	for _, p := range batch {
		if p.Response.CodeHash != "" {
			return true
		}
	}
	return false
}

// seesPriors says whether an answer's judge sees its client's earlier
// answers for the unit: it is judged, its client known and the window set.
func seesPriors(p surveys.Pending) bool {
	return p.Judge != nil && p.Response.ClientHash != "" && p.Window > 0
}

// priorKeyOf is the client and unit whose earlier answers a row's judge saw.
func priorKeyOf(row surveyResponseRow) priorKey {
	return priorKey{row.CampaignID, row.ClientHash, row.UnitCode}
}

type codeKey struct {
	campaign int64
	hash     string
}

type priorKey struct {
	campaign int64
	client   string
	unit     string
}

type respKey struct {
	campaign int64
	key      string
}

func keyOf(r *surveys.Response) respKey { return respKey{r.Campaign, r.Key} }

// storedKeys returns the responses already stored under the batch's device
// keys, marked as repeats: one read per campaign of the batch.
func (s *Store) storedKeys(tx *gorm.DB, batch []surveys.Pending) (map[respKey]*surveys.Response, error) {
	keys := map[int64][]string{}
	for _, p := range batch {
		if r := p.Response; r.Key != "" {
			keys[r.Campaign] = append(keys[r.Campaign], r.Key)
		}
	}
	out := map[respKey]*surveys.Response{}
	for campaign, ks := range keys {
		var rows []surveyResponseRow
		// Planned for its keys on PostgreSQL: on an empty table every index
		// costs the same, and a plan kept from then may look the campaign
		// up alone (TestSurveyWriterPlans).
		if err := s.planned(tx).Where(storedKeysWhere, campaign, ks).Find(&rows).Error; err != nil {
			return nil, err
		}
		for _, row := range rows {
			r := responseOf(row)
			r.Repeat = true
			out[keyOf(&r)] = &r
		}
	}
	return out, nil
}

// storedKeysWhere selects the responses of a campaign stored under keys.
const storedKeysWhere = "campaign_id = ? AND submission_key IN ?"

// maxPriors is how many of a client's earlier responses for a unit the
// rules see, at most.
const maxPriors = 100

// priors reads the earlier responses, within the longest window of the
// batch, of the clients and units whose answers are judged; at most
// maxPriors, the latest, of each: one read per campaign of the batch.
func (s *Store) priors(tx *gorm.DB, batch []surveys.Pending, now time.Time) (map[priorKey][]surveys.Prior, error) {
	out := map[priorKey][]surveys.Prior{}
	type pairs struct {
		clients, units []string
		seen           map[priorKey]bool
	}
	byCampaign := map[int64]*pairs{}
	var window time.Duration
	for _, p := range batch {
		r := p.Response
		if !seesPriors(p) {
			continue
		}
		window = max(window, p.Window)
		c := byCampaign[r.Campaign]
		if c == nil {
			c = &pairs{seen: map[priorKey]bool{}}
			byCampaign[r.Campaign] = c
		}
		if k := (priorKey{r.Campaign, r.ClientHash, r.Unit}); !c.seen[k] {
			c.seen[k] = true
			c.clients = append(c.clients, r.ClientHash)
			c.units = append(c.units, r.Unit)
		}
	}
	for campaign, c := range byCampaign {
		var rows []surveyResponseRow
		var err error
		if s.dialect == DialectPostgres {
			// Pointers: gorm passes them on as they are, and pgx sends
			// each list as one text[] (see pgPriorsSQL).
			err = tx.Raw(pgPriorsSQL, &c.clients, &c.units, campaign, now.Add(-window), maxPriors).Find(&rows).Error
		} else {
			err = tx.Raw(priorsSQL, campaign, c.clients, c.units, now.Add(-window), maxPriors).Find(&rows).Error
		}
		if err != nil {
			return nil, err
		}
		for _, row := range rows {
			k := priorKeyOf(row)
			out[k] = append(out[k], surveys.Prior{Choices: row.Answers, Texts: row.Texts, At: row.SubmittedAt})
		}
	}
	return out, nil
}

// pgPriorsSQL is the read of priors on PostgreSQL. It looks each client up
// on its own in the index that leads with the campaign and the client, in
// the index's order, the clients given as one array: the statement is the
// same for every batch, and the plan the server keeps for it after a few
// runs (a generic plan, made for whatever the table held then) is right.
// Written as "campaign_id IN (...) AND client_hash IN (...)", the plan kept
// from when a campaign's table was empty looked the campaign up alone and
// filtered every response of the window by client: at 40,000 responses
// each batch spent 4 to 20 ms in it, and the writer reached a fifth of the
// floor's rate (issue 16). TestSurveyWriterPlans pins the plan.
const pgPriorsSQL = `SELECT r.campaign_id, r.client_hash, r.unit_code, r.answers, r.texts, r.submitted_at
FROM unnest(?::text[], ?::text[]) AS k(client_hash, unit_code)
CROSS JOIN LATERAL (
  SELECT campaign_id, client_hash, unit_code, answers, texts, submitted_at FROM survey_responses
  WHERE campaign_id = ? AND client_hash = k.client_hash AND unit_code = k.unit_code AND submitted_at >= ?
  ORDER BY submitted_at DESC LIMIT ?) r`

// priorsSQL is the read of priors on SQLite, whose statements are planned
// as they are prepared.
const priorsSQL = `SELECT campaign_id, client_hash, unit_code, answers, texts, submitted_at FROM (
  SELECT campaign_id, client_hash, unit_code, answers, texts, submitted_at,
         row_number() OVER (PARTITION BY client_hash, unit_code ORDER BY submitted_at DESC) AS n
  FROM survey_responses WHERE campaign_id = ? AND client_hash IN ? AND unit_code IN ? AND submitted_at >= ?) p
WHERE n <= ?`
