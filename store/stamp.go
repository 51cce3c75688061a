package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/parindex/parindex/surveys"
)

// ResultsStamp describes the data a group's results in a period are
// computed from, cheaply: equal stamps mean equal data, so the results can
// be reused (results.Stamper). It reads the criteria set's version, the
// group's units and their names, and for the period the count and last id of both change
// logs (points and inputs) and of each opened survey campaign's responses
// and reviews, and the count and last id of the lineage's change log. Counts matter as well as last ids: on PostgreSQL a
// transaction may commit an id lower than one already visible.
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
	for _, table := range []string{"score_changes", "input_changes"} {
		var n, last int64
		row := db.Raw("SELECT COUNT(*), COALESCE(MAX(id), 0) FROM "+table+" WHERE period_code = ?", period).Row()
		if ordered {
			row = db.Raw("SELECT 0, COALESCE(MAX(id), 0) FROM "+table+" WHERE period_code = ?", period).Row()
		}
		if err := row.Scan(&n, &last); err != nil {
			return "", wrap("results stamp", err)
		}
		fmt.Fprintf(&b, ";%s %d.%d", table, n, last)
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
		responses := db.Raw("SELECT COUNT(*), COALESCE(MAX(id), 0) FROM survey_responses WHERE campaign_id = ?", c.ID).Row()
		reviewed := db.Raw(`SELECT COUNT(*), COALESCE(MAX(v.id), 0) FROM survey_reviews v
JOIN survey_responses r ON r.id = v.response_id WHERE r.campaign_id = ?`, c.ID).Row()
		if ordered {
			responses = db.Raw("SELECT 0, COALESCE(MAX(id), 0) FROM survey_responses WHERE campaign_id = ?", c.ID).Row()
			reviewed = db.Raw("SELECT 0, COALESCE(MAX(id), 0) FROM survey_reviews").Row()
		}
		if err := responses.Scan(&n, &last); err != nil {
			return "", wrap("results stamp", err)
		}
		if err := reviewed.Scan(&reviews, &lastReview); err != nil {
			return "", wrap("results stamp", err)
		}
		fmt.Fprintf(&b, ";survey %d.%d %d.%d %d.%d", c.ID, c.Revision, n, last, reviews, lastReview)
	}
	sum := sha256.Sum256([]byte(b.String()))
	return hex.EncodeToString(sum[:]), nil
}
