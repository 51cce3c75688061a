package store_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"gorm.io/gorm"

	"github.com/parindex/parindex/store"
	"github.com/parindex/parindex/store/storetest"
	"github.com/parindex/parindex/surveys"
)

// TestSurveyWriterPlans: the reads the survey writer runs for every batch
// (and its INSERT's look-up of priors) look each client (device key) up in
// the index that leads with the campaign and the client (key). Runs on
// PostgreSQL in both suites.
//
// The read of priors is prepared once and kept: its plan must be right
// even when PostgreSQL plans it once for any values (a generic plan), here
// while the table is empty. The earlier form, "campaign_id IN (...) AND
// client_hash IN (...)", got a generic plan that looked the campaign up
// alone and filtered every response of the window by client: 4 to 20 ms a
// batch at 40,000 responses. The read of stored keys is planned for its
// values every time (an empty table's generic plan of it is just as
// poor): on 20,000 responses no ANALYZE has seen, it looks the key up.
func TestSurveyWriterPlans(t *testing.T) {
	storetest.UsePostgres(t)
	s := storetest.Open(t)
	svc := newSurvey(t, s, nil)
	camp, err := svc.Campaign(t.Context(), "khao-sat")
	must(t, err)
	looksUp := func(plan map[string]any, index, column string) {
		t.Helper()
		found := false
		walkPlan(plan, func(node map[string]any) {
			cond, _ := node["Index Cond"].(string)
			if node["Index Name"] == index && strings.Contains(cond, "campaign_id = ") && strings.Contains(cond, column+" = ") {
				found = true
			}
		})
		if !found {
			out, _ := json.MarshalIndent(plan, "", " ")
			t.Errorf("the plan does not look campaign_id and %s up in %s:\n%s", column, index, out)
		}
	}
	looksUp(genericPlan(t, s, store.PgPriorsSQL, "'{a,b}', '{S1,S2}', 1, now(), 100"), "survey_responses_client", "client_hash")
	// The INSERT that leaves out the clients with priors looks each one up
	// on its own too: as a subquery that is not turned into a hash of the
	// campaign's responses, nor read in the campaign's index.
	insert := genericPlan(t, s, store.PgInsertUnlessPriorsSQL, "now(), '{1}', '{S1}', '{web}', '{1}', '{\"\"}', '{c}', '{NULL}', '{valid}', "+
		"'{\"\"}', '{\"\"}', '{NULL}', '{NULL}', '{NULL}', '{t}', now()")
	looksUp(insert, "survey_responses_client", "client_hash")
	walkPlan(insert, func(node map[string]any) {
		if filter, _ := node["Filter"].(string); strings.Contains(filter, "hashed") {
			t.Errorf("the INSERT hashes its subquery: %s", filter)
		}
		if node["Node Type"] == "Seq Scan" {
			t.Errorf("the INSERT reads %v in full", node["Relation Name"])
		}
	})

	must(t, s.Gorm().Exec(`INSERT INTO survey_responses (campaign_id, unit_code, channel, answers, texts, client_hash, status, flags, author, submitted_at, submission_key)
SELECT ?, 'S1', 'api', '5', '', md5(g::text), 'valid', '', '', now(), 'key-' || g FROM generate_series(1, 20000) g`, camp.ID).Error)
	var raw string
	must(t, s.Planned(s.Gorm()).Raw("EXPLAIN (FORMAT JSON) SELECT * FROM survey_responses WHERE "+store.StoredKeysWhere,
		camp.ID, []string{"key-7", "key-9"}).Row().Scan(&raw))
	var plans []map[string]any
	must(t, json.Unmarshal([]byte(raw), &plans))
	looksUp(plans[0]["Plan"].(map[string]any), "survey_responses_key", "submission_key")

	// Planned, the read leaves no statement prepared on its connection
	// (the usual way leaves one: the count sees it).
	kept := func(tx *gorm.DB) int {
		t.Helper()
		var n int
		must(t, tx.Raw(`SELECT count(*) FROM pg_prepared_statements
WHERE position('submission_key IN' in statement) > 0 AND position('pg_prepared_statements' in statement) = 0`).Scan(&n).Error)
		return n
	}
	must(t, s.Gorm().Transaction(func(tx *gorm.DB) error { // one connection
		var rows []map[string]any
		before := kept(tx)
		must(t, s.Planned(tx).Table("survey_responses").Where(store.StoredKeysWhere, camp.ID, []string{"a", "b", "c"}).Find(&rows).Error)
		if n := kept(tx); n != before {
			t.Errorf("the planned read left %d statements prepared, had %d", n, before)
		}
		must(t, tx.Table("survey_responses").Where(store.StoredKeysWhere, camp.ID, []string{"a", "b", "c"}).Find(&rows).Error)
		if n := kept(tx); n != before+1 {
			t.Errorf("the usual read left %d statements prepared, want %d", n, before+1)
		}
		return nil
	}))
}

// TestPgTextArrayParameter: a pointer to a list of texts, passed through
// gorm (which would expand the list itself into one parameter per text),
// reaches PostgreSQL as one text[] of those texts, in order.
func TestPgTextArrayParameter(t *testing.T) {
	storetest.UsePostgres(t)
	s := storetest.Open(t)
	in := []string{"a", `quote " and \ backslash`, "{braces},commas", "NULL", "", " spaces ", "Đơn vị số 1", "tab\tnewline\n"}
	var out []string
	if err := s.Gorm().Raw("SELECT unnest(?::text[])", &in).Scan(&out).Error; err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(in, out) {
		t.Errorf("sent %q, PostgreSQL read %q", in, out)
	}
}

// genericPlan prepares a statement written with gorm's ? placeholders and
// returns the plan PostgreSQL caches for it once it plans it generically.
func genericPlan(t *testing.T, s *store.Store, sql, args string) map[string]any {
	t.Helper()
	n := 0
	for strings.Contains(sql, "?") {
		n++
		sql = strings.Replace(sql, "?", fmt.Sprintf("$%d", n), 1)
	}
	sqlDB, err := s.Gorm().DB()
	if err != nil {
		t.Fatal(err)
	}
	conn, err := sqlDB.Conn(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for _, stmt := range []string{"SET plan_cache_mode = force_generic_plan", "PREPARE writer_plan AS " + sql} {
		if _, err := conn.ExecContext(t.Context(), stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	defer conn.ExecContext(t.Context(), "DEALLOCATE writer_plan; RESET plan_cache_mode")
	var raw string
	if err := conn.QueryRowContext(t.Context(), "EXPLAIN (FORMAT JSON) EXECUTE writer_plan("+args+")").Scan(&raw); err != nil {
		t.Fatal(err)
	}
	var plans []map[string]any
	if err := json.Unmarshal([]byte(raw), &plans); err != nil || len(plans) != 1 {
		t.Fatalf("EXPLAIN printed %q: %v", raw, err)
	}
	return plans[0]["Plan"].(map[string]any)
}

// walkPlan calls f on every node of a plan.
func walkPlan(node map[string]any, f func(map[string]any)) {
	f(node)
	subs, _ := node["Plans"].([]any)
	for _, sub := range subs {
		if m, ok := sub.(map[string]any); ok {
			walkPlan(m, f)
		}
	}
}

// TestPostgresJIT: the store's connections compile no plan (jit off),
// unless the URL asks for it. Runs on PostgreSQL in both suites.
func TestPostgresJIT(t *testing.T) {
	storetest.UsePostgres(t)
	url := storetest.URL(t)
	for _, c := range []struct{ suffix, want string }{{"", "off"}, {"jit=on", "on"}} {
		u := url
		if c.suffix != "" {
			sep := "?"
			if strings.Contains(u, "?") {
				sep = "&"
			}
			u += sep + c.suffix
		}
		s := storetest.OpenURL(t, u)
		var jit string
		must(t, s.Gorm().Raw("SHOW jit").Scan(&jit).Error)
		if jit != c.want {
			t.Errorf("%q: jit %s, want %s", c.suffix, jit, c.want)
		}
	}
}

// TestSurveyWriterPlanKept: the writer's INSERT is planned once on its
// connection and the plan kept for every batch after, rather than planned
// again for each batch (which cost more than running it).
func TestSurveyWriterPlanKept(t *testing.T) {
	storetest.UsePostgres(t)
	s := storetest.Open(t)
	svc := newSurvey(t, s, nil)
	ctx := t.Context()
	camp, err := svc.Campaign(ctx, "khao-sat")
	must(t, err)
	for b := range 8 {
		var batch []surveys.Pending
		for i := range 1 + b%4 {
			r := &surveys.Response{Campaign: camp.ID, Unit: "S1", Channel: surveys.Web, ClientHash: fmt.Sprintf("c%d-%d", b, i),
				Answers: surveys.Encoded{Choices: "5"}}
			batch = append(batch, judged(r))
		}
		outs, err := s.InsertBatch(ctx, batch)
		must(t, err)
		for i, out := range outs {
			if out != nil || batch[i].Response.ID == 0 {
				t.Fatalf("batch %d, answer %d: %v", b, i, out)
			}
		}
	}
	generic, custom, err := s.WriterPlans(ctx)
	must(t, err)
	if generic != 8 || custom != 0 {
		t.Errorf("8 batches ran the kept plan %d times and were planned %d times", generic, custom)
	}
}
