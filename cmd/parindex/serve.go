package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/parindex/parindex/accounts"
	"github.com/parindex/parindex/auth"
	"github.com/parindex/parindex/store"
	"github.com/parindex/parindex/surveys"
	"github.com/parindex/parindex/targets"
	"github.com/parindex/parindex/web"
)

func cmdServe(e *env, args []string) error {
	f := newFlags(e, "serve")
	defAddr := e.getenv("PARINDEX_ADDR")
	if defAddr == "" {
		defAddr = "127.0.0.1:8080"
	}
	addr := f.String("addr", defAddr, "HOST:PORT to listen on")
	withDemo := f.Bool("demo", false, "load the demo province when the database is empty")
	lang := f.String("lang", envOr(e, "PARINDEX_LANG", "vi"), "default language of the pages: vi or en")
	province := f.String("province", e.getenv("PARINDEX_PROVINCE"), "the province's name shown in the page header")
	filesDir := f.String("files", e.getenv("PARINDEX_FILES_DIR"), "folder of the evidence documents (default: beside the SQLite file, or ./parindex-files)")
	maxUploadMB := f.Int("max-upload", envInt(e, "PARINDEX_MAX_UPLOAD_MB", 20), "largest evidence file accepted, in MB")
	secure := f.Bool("secure-cookies", e.getenv("PARINDEX_SECURE_COOKIES") == "true", "mark cookies Secure (behind an HTTPS proxy)")
	surveyRate := f.Int("survey-rate", envInt(e, "PARINDEX_SURVEY_RATE", 10), "public survey submissions without a code a client address may send a minute (negative: no limit)")
	kioskRate := f.Int("kiosk-rate", envInt(e, "PARINDEX_KIOSK_RATE", 30), "survey submissions a registered kiosk may send a minute (negative: no limit)")
	trustProxy := f.Bool("trust-proxy", e.getenv("PARINDEX_TRUST_PROXY") == "true", "take clients' addresses from X-Forwarded-For (behind a reverse proxy)")
	publicURL := f.String("public-url", e.getenv("PARINDEX_PUBLIC_URL"), "the address printed in survey QR codes, e.g. https://khaosat.example.gov.vn")
	hours := f.String("opening-hours", envOr(e, "PARINDEX_OPENING_HOURS", surveys.DefaultHours), "the one-stop desks' opening hours, for the surveys that name none, e.g. \"T2-T6 07:00-17:30; T7 07:00-12:00\"")
	zoneName := f.String("time-zone", envOr(e, "PARINDEX_TIME_ZONE", defaultZone), "the province's time zone (IANA name): pages show every time in it and read the times staff type in it")
	docs := addDocumentFlags(f, e, province)
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("unexpected argument %q", pos[0])
	}
	if *lang != "vi" && *lang != "en" {
		return usagef("--lang %q must be vi or en", *lang)
	}
	tuneGC(e.getenv)
	if _, err := surveys.ParseHours(*hours); err != nil {
		return usagef("--opening-hours: %v", err)
	}
	zone, err := time.LoadLocation(*zoneName)
	if err != nil || *zoneName == "" || *zoneName == "Local" {
		return usagef("--time-zone %q is not a time zone (an IANA name such as %s)", *zoneName, defaultZone)
	}
	if *maxUploadMB < 1 || *maxUploadMB > 1024 {
		return usagef("--max-upload %d must be between 1 and 1024 MB", *maxUploadMB)
	}
	st, err := f.open()
	if err != nil {
		return err
	}
	defer st.Close()
	if *withDemo {
		if _, err := loadDemo(e, st, e.stdout); err != nil {
			return err
		}
		if *province == "" {
			*province = demoProvince
		}
	}
	documents, err := docs.config(*withDemo)
	if err != nil {
		return err
	}
	if *filesDir == "" {
		*filesDir = defaultFilesDir(f.db)
	}
	files, err := store.NewFiles(*filesDir)
	if err != nil {
		return err
	}
	// Pages, the API, exports and the workbook read results through one
	// results service (published periods from their latest publication),
	// with one cache checked against a cheap stamp of the data on every
	// request: a page asked again for unchanged data is not read and
	// scored again.
	sv := newServices(st, true)
	sv.workflow.Files, sv.workflow.MaxUpload, sv.workflow.Zone = files, int64(*maxUploadMB)<<20, zone
	reportSrc := reportSourcesPtr(st, sv)
	reportSrc.Documents = &documents
	surveySvc := sv.surveys
	surveySvc.Hours = *hours
	handler := web.New(web.Config{Logger: e.logger, DefaultLang: *lang, Province: *province, SecureCookies: *secure, TrustProxy: *trustProxy,
		Documents: &documents, Zone: zone, Survey: web.SurveyConfig{RatePerMinute: *surveyRate, KioskRatePerMinute: *kioskRate, PublicURL: *publicURL}}, web.Deps{
		Catalog:  st,
		Results:  sv.results,
		Auth:     auth.NewService(st, nil),
		Workflow: sv.workflow,
		Targets:  &targets.Service{Store: st, Results: sv.results},
		Reports:  reportSrc,
		Lineage:  st,
		Accounts: &accounts.Service{Store: st},
		Surveys:  surveySvc,
	})
	srv := &http.Server{
		Addr:              *addr,
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute,
		WriteTimeout:      2 * time.Minute,
		IdleTimeout:       2 * time.Minute,
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	e.logger.Info("parindex is serving", "addr", "http://"+*addr+"/", "db", describeDB(f.db), "dialect", st.Dialect())
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-e.ctx.Done():
	}
	e.logger.Info("shutting down")
	ctx, cancel := contextWithTimeout(10 * time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: shutdown: %w", err)
	}
	return nil
}

// defaultZone is Vietnam's time zone (UTC+7 all year).
const defaultZone = "Asia/Ho_Chi_Minh"

// defaultFilesDir keeps evidence beside an SQLite database file
// (parindex.db → parindex-files), and in ./parindex-files for PostgreSQL.
func defaultFilesDir(db string) string {
	if store.IsPostgresURL(db) {
		return "parindex-files"
	}
	return strings.TrimSuffix(db, filepath.Ext(db)) + "-files"
}

func envInt(e *env, key string, def int) int {
	if v, err := strconv.Atoi(e.getenv(key)); err == nil {
		return v
	}
	return def
}

func envOr(e *env, key, def string) string {
	if v := e.getenv(key); v != "" {
		return v
	}
	return def
}

func contextWithTimeout(d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), d)
}

// serverGCPercent and serverMemoryLimit are the server's garbage collector
// settings unless GOGC or GOMEMLIMIT say otherwise: a collection when the
// heap has grown by four times what is live (Go's default is once), but
// no later than at 240 MiB (a soft limit: past it the collector runs as
// often as it must), so that the server stays within its memory ceiling
// (TestMemoryCeiling: 300 MB resident under hostile uploads). At Go's
// default the collector took about a sixth of the server's processor under
// a load of public survey submissions, and the server answered 10% to 13%
// fewer of them (docs/performance.md).
const (
	serverGCPercent   = 400
	serverMemoryLimit = 240 << 20
)

func tuneGC(getenv func(string) string) { setGC(getenv, serverGCPercent, serverMemoryLimit) }

// commandGCPercent and commandMemoryLimit are the collector's settings for
// every other command (a process that reads, computes, writes and ends)
// unless GOGC or GOMEMLIMIT say otherwise: the same growth as the server's,
// within a soft limit. `score` at 200 units spent a sixth of its processor
// collecting; its median run went from 86 to 76 ms, at 2,000 units 4-8%
// faster on SQLite, its peak 170 → 197 MiB (docs/performance.md). The
// limit is what `report` needs: excelize keeps every sheet of a workbook
// until the file is written, and the live data of 2,000 units peak near
// 200 MB; being soft, it lets larger workbooks grow past it.
const (
	commandGCPercent   = 400
	commandMemoryLimit = 256 << 20
)

// tuneCommandGC applies the commands' settings before the command named
// by args[0] runs; serve applies its own (tuneGC).
func tuneCommandGC(args []string, getenv func(string) string) {
	if len(args) > 0 && args[0] == "serve" {
		return
	}
	setGC(getenv, commandGCPercent, commandMemoryLimit)
}

func setGC(getenv func(string) string, percent int, limit int64) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(percent)
	}
	if getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(limit)
	}
}
