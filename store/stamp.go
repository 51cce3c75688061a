package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/parindex/parindex/surveys"
)

// ResultsStamp describes the data a group's results in a period are
// computed from, cheaply: equal stamps mean equal data, so the results can
// be reused (results.Stamper). It hashes the criteria set's version, the
// group's units and their names, the count and last id of the lineage's
// change log, and each opened survey campaign's revision, responses and
// reviews; beside the hash it gives where the period's change logs of
// points and inputs stand (see ChangedUnits). On PostgreSQL, where a
// transaction may commit an id lower than one already visible, each log
// and survey is described by its count and last id; SQLite commits ids in
// order, and its last ids suffice (see resultsStamp).
func (s *Store) ResultsStamp(ctx context.Context, period, group string) (string, error) {
	return resultsStamp(s.db.WithContext(ctx), period, group, s.dialect == DialectSQLite)
}

// PeriodStamp describes a whole period's data (results.PeriodStamper): the
// stamps of every group with a criteria set in the period. Publish compares
// it, in its transaction, with the stamp taken when the data were frozen.
func (s *Store) PeriodStamp(ctx context.Context, period string) (string, error) {
	return periodStamp(s.db.WithContext(ctx), period)
}

func periodStamp(db *gorm.DB, period string) (string, error) {
	var groups []string
	if err := db.Model(&frameworkRow{}).Where("period_code = ?", period).Order("group_code").
		Pluck("group_code", &groups).Error; err != nil {
		return "", wrap("period stamp", err)
	}
	var b strings.Builder
	for _, g := range groups {
		st, err := resultsStamp(db, period, g, false)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(&b, "%s=%s;", g, st)
	}
	return b.String(), nil
}

// resultsStamp is ResultsStamp; ordered says the database commits ids in
// order (SQLite: one writer at a time), so that the last id of an
// append-only log tells every change to it: the change logs' last ids for
// the period are then read, one index lookup each (migration 00012), rather
// than their rows counted (6 ms a stamp on SQLite at 38,400 points, most
// of a cached page's time); so are the survey responses' of a campaign, and
// the reviews' last id of the whole database.
func resultsStamp(db *gorm.DB, period, group string, ordered bool) (string, error) {
	var b strings.Builder
	var set []struct {
		ID, Version int64
		UpdatedAt   time.Time
	}
	if err := db.Model(&frameworkRow{}).Select("id", "version", "updated_at").
		Where("period_code = ? AND group_code = ?", period, group).Scan(&set).Error; err != nil {
		return "", wrap("results stamp", err)
	}
	for _, f := range set {
		fmt.Fprintf(&b, "set %d.%d.%d;", f.ID, f.Version, f.UpdatedAt.UnixNano())
	}
	var units []unitRow
	if err := db.Select("code", "name").Where("group_code = ?", group).Order("code").Find(&units).Error; err != nil {
		return "", wrap("results stamp", err)
	}
	for _, u := range units {
		fmt.Fprintf(&b, "%q %q,", u.Code, u.Name)
	}
	var logs [2]logMark // the change logs, kept out of the hash (see ChangedUnits)
	for i, table := range changeLogs {
		q := "SELECT COUNT(*), COALESCE(MAX(id), 0) FROM " + table + " WHERE period_code = ?"
		if ordered {
			q = "SELECT 0, COALESCE(MAX(id), 0) FROM " + table + " WHERE period_code = ?"
		}
		if err := db.Raw(q, period).Row().Scan(&logs[i].count, &logs[i].last); err != nil {
			return "", wrap("results stamp", err)
		}
	}
	// The lineage says which units take part in the period.
	var links, lastLink int64
	if err := db.Raw("SELECT COUNT(*), COALESCE(MAX(id), 0) FROM unit_lineage_changes").Row().Scan(&links, &lastLink); err != nil {
		return "", wrap("results stamp", err)
	}
	fmt.Fprintf(&b, ";lineage %d.%d", links, lastLink)
	var campaigns []struct{ ID, Revision int64 }
	if err := db.Raw("SELECT id, revision FROM survey_campaigns WHERE period_code = ? AND state <> ? ORDER BY id",
		period, string(surveys.Draft)).Scan(&campaigns).Error; err != nil {
		return "", wrap("results stamp", err)
	}
	for _, c := range campaigns {
		var n, last, reviews, lastReview int64
		// One statement at a time: a Row runs its query at once, and a
		// transaction's connection reads one result at a time.
		responses := "SELECT COUNT(*), COALESCE(MAX(id), 0) FROM survey_responses WHERE campaign_id = ?"
		reviewed := `SELECT COUNT(*), COALESCE(MAX(v.id), 0) FROM survey_reviews v
JOIN survey_responses r ON r.id = v.response_id WHERE r.campaign_id = ?`
		args := []any{c.ID}
		if ordered {
			responses = "SELECT 0, COALESCE(MAX(id), 0) FROM survey_responses WHERE campaign_id = ?"
			reviewed, args = "SELECT 0, COALESCE(MAX(id), 0) FROM survey_reviews", nil
		}
		if err := db.Raw(responses, c.ID).Row().Scan(&n, &last); err != nil {
			return "", wrap("results stamp", err)
		}
		if err := db.Raw(reviewed, args...).Row().Scan(&reviews, &lastReview); err != nil {
			return "", wrap("results stamp", err)
		}
		fmt.Fprintf(&b, ";survey %d.%d %d.%d %d.%d", c.ID, c.Revision, n, last, reviews, lastReview)
	}
	sum := sha256.Sum256([]byte(b.String()))
	return fmt.Sprintf("%s|%d.%d|%d.%d", hex.EncodeToString(sum[:]), logs[0].count, logs[0].last, logs[1].count, logs[1].last), nil
}

// changeLogs are the logs of the changes to points and inputs.
var changeLogs = [2]string{"score_changes", "input_changes"}

// logMark is where a change log stood for a period: its rows (0 when not
// counted, on SQLite) and its last id.
type logMark struct{ count, last int64 }

// parseStamp splits a ResultsStamp into the hash of everything but the
// change logs, and the logs' marks.
func parseStamp(stamp string) (base string, logs [2]logMark, ok bool) {
	parts := strings.Split(stamp, "|")
	if len(parts) != 3 || len(parts[0]) != 64 {
		return "", logs, false
	}
	for i, p := range parts[1:] {
		n, last, found := strings.Cut(p, ".")
		var err1, err2 error
		logs[i].count, err1 = strconv.ParseInt(n, 10, 64)
		logs[i].last, err2 = strconv.ParseInt(last, 10, 64)
		if !found || err1 != nil || err2 != nil {
			return "", logs, false
		}
	}
	return parts[0], logs, true
}

// maxChangedRows is the most changes ChangedUnits reads: past it, reading
// the group's data afresh costs less.
const maxChangedRows = 2000

// ChangedUnits says, between two of ResultsStamp's stamps of a group in a
// period, which units' points and inputs changed (results.Deltas), or ok
// false when anything else changed, the logs cannot say exactly, or too
// much changed: then the group is read afresh.
//
// The changes are the log rows with ids after the first stamp's last, up to
// the second's. On PostgreSQL a transaction may commit an id lower than one
// already seen: the rows found must then be as many as the counts grew,
// else a change hides below the first stamp's last id and ok is false.
// SQLite commits its ids in order.
func (s *Store) ChangedUnits(ctx context.Context, period, group, from, to string) ([]string, bool, error) {
	fb, fl, ok1 := parseStamp(from)
	tb, tl, ok2 := parseStamp(to)
	if !ok1 || !ok2 || fb != tb {
		return nil, false, nil
	}
	db := s.db.WithContext(ctx)
	units := map[string]bool{}
	for i, table := range changeLogs {
		f, t := fl[i], tl[i]
		if t.last < f.last || t.count < f.count {
			return nil, false, nil
		}
		if t == f {
			continue
		}
		var rows []struct{ UnitCode, GroupCode string }
		err := db.Raw("SELECT c.unit_code, u.group_code FROM "+table+" c JOIN units u ON u.code = c.unit_code"+
			" WHERE c.period_code = ? AND c.id > ? AND c.id <= ? LIMIT ?", period, f.last, t.last, maxChangedRows+1).Scan(&rows).Error
		if err != nil {
			return nil, false, wrap("changed units", err)
		}
		if len(rows) > maxChangedRows || (s.dialect != DialectSQLite && int64(len(rows)) != t.count-f.count) {
			return nil, false, nil
		}
		for _, r := range rows {
			if r.GroupCode == group {
				units[r.UnitCode] = true
			}
		}
	}
	out := make([]string, 0, len(units))
	for u := range units {
		out = append(out, u)
	}
	slices.Sort(out)
	return out, true, nil
}
