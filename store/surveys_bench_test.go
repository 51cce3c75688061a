package store_test

import (
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/store"
	"github.com/parindex/parindex/store/storetest"
	"github.com/parindex/parindex/surveys"
)

// benchResponses is the size of the campaign the recompute benchmarks read.
const benchResponses = 1_000_000

// benchCampaign stores a SIPAS campaign over 100 units (group G, period
// 2026) with n valid responses whose answers are drawn at random by the
// database itself (one INSERT … SELECT; the answers include unanswered
// questions, like the real ones).
func benchCampaign(b *testing.B, n int) (*store.Store, *surveys.Service) {
	b.Helper()
	s := storetest.Open(b)
	ctx := b.Context()
	must(b, s.UpsertGroups(ctx, []domain.Group{{Code: "G", Name: "G"}}))
	var units []domain.Unit
	var cu []surveys.CampaignUnit
	for i := range 100 {
		code := fmt.Sprintf("U%03d", i)
		units = append(units, domain.Unit{Code: code, Name: "Đơn vị " + code, Group: "G"})
		cu = append(cu, surveys.CampaignUnit{Code: code, Transactions: 20000})
	}
	_, _, err := s.ImportUnits(ctx, units)
	must(b, err)
	svc := surveys.NewService(s)
	src, ins, err := surveys.Template("sipas")
	must(b, err)
	_, err = svc.SaveInstrument(ctx, "2026", src)
	must(b, err)
	c, err := svc.CreateCampaign(ctx, surveys.CampaignSpec{Code: "bench", Name: "Bench", Period: "2026", Instrument: "sipas", Units: cu})
	must(b, err)
	must(b, svc.SetState(ctx, "bench", surveys.Open))

	// Each question: no answer one time in six, else 1..5.
	pick := "substr('012345', 1 + abs(random()) % 6, 1)"
	series := "WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < ?) "
	unit := "'U' || substr('00' || (i % 100), -3)"
	from := "FROM seq"
	if s.Dialect() == store.DialectPostgres {
		pick = "substr('012345', 1 + floor(random() * 6)::int, 1)"
		series = ""
		unit = "'U' || lpad((i % 100)::text, 3, '0')"
		from = "FROM generate_series(1, ?) AS i"
	}
	answers := strings.TrimSuffix(strings.Repeat(pick+" || ", len(ins.Questions)), " || ")
	q := series + `INSERT INTO survey_responses (campaign_id, unit_code, channel, answers, texts, client_hash, status, flags, author, submitted_at)
SELECT ?, ` + unit + `, 'web', ` + answers + `, '', '', 'valid', '', '', ? ` + from
	args := []any{n, c.ID, time.Now().UTC()}
	if s.Dialect() == store.DialectPostgres {
		args = []any{c.ID, time.Now().UTC(), n}
	}
	start := time.Now()
	must(b, s.Gorm().Exec(q, args...).Error)
	if s.Dialect() == store.DialectPostgres {
		must(b, s.Gorm().Exec("ANALYZE survey_responses").Error)
	}
	b.Logf("%d responses stored in %v", n, time.Since(start).Round(time.Millisecond))
	return s, svc
}

// BenchmarkSurveyRecompute recomputes every index of a campaign of
// 1,000,000 responses: per question, element, index, unit, group and
// province, with Wilson intervals (Service.Results: one pass over the
// responses). Sub-benchmark UnitData is what scoring a period reads: the
// survey ratios of a group's units.
func BenchmarkSurveyRecompute(b *testing.B) {
	s, svc := benchCampaign(b, benchResponses)
	ctx := b.Context()
	b.Run("Results", func(b *testing.B) {
		for b.Loop() {
			_, res, err := svc.Results(ctx, "bench")
			if err != nil {
				b.Fatal(err)
			}
			if res.Province.Responses != benchResponses {
				b.Fatalf("%d responses counted", res.Province.Responses)
			}
		}
	})
	// The floor: the database's own client reading what Results reads,
	// each valid response's unit and answers, to /dev/null (the C shell
	// sqlite3, or psql's \copy). Run after Results, on the same database.
	b.Run("Floor", func(b *testing.B) {
		c, err := svc.Campaign(ctx, "bench")
		must(b, err)
		query := fmt.Sprintf("SELECT unit_code, answers FROM survey_responses WHERE campaign_id = %d AND status = 'valid'", c.ID)
		var args []string
		if s.Dialect() == store.DialectPostgres {
			args = []string{"psql", "-q", currentURL(b, s), "-c", `\copy (` + query + `) to /dev/null`}
		} else {
			var seq int
			var name, file string
			must(b, s.Gorm().Raw("PRAGMA database_list").Row().Scan(&seq, &name, &file))
			args = []string{"sqlite3", file, query}
		}
		if _, err := exec.LookPath(args[0]); err != nil {
			b.Skipf("the floor needs %s", args[0])
		}
		for b.Loop() {
			var stderr strings.Builder
			cmd := exec.Command(args[0], args[1:]...)
			cmd.Stdout, cmd.Stderr = io.Discard, &stderr
			if err := cmd.Run(); err != nil {
				b.Fatalf("%v: %v\n%s", args, err, stderr.String())
			}
		}
	})
	b.Run("UnitData", func(b *testing.B) {
		for b.Loop() {
			units, err := s.UnitData(ctx, "2026", "G")
			if err != nil {
				b.Fatal(err)
			}
			if len(units) != 100 || units[0].Surveys["sipas"].IsZero() {
				b.Fatalf("unit data %d", len(units))
			}
		}
	})
}

// currentURL is the URL of the PostgreSQL database a store of storetest
// has open.
func currentURL(b *testing.B, s *store.Store) string {
	var name string
	must(b, s.Gorm().Raw("SELECT current_database()").Row().Scan(&name))
	u, err := url.Parse(os.Getenv(storetest.EnvURL))
	must(b, err)
	u.Path = "/" + name
	return u.String()
}
