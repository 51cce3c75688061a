package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/parindex/parindex/internal/loadgen"
	"github.com/parindex/parindex/store/storetest"
	"github.com/parindex/parindex/surveys"
)

// surveySetup creates units S1, S2 (group SO) and X1 (XA) and opens survey
// "sipas-t" of the SIPAS questionnaire over them, through the command line.
func surveySetup(t *testing.T, c *cli) {
	t.Helper()
	c.ok("import", "units", writeFile(t, "units.csv", "code,name,group\nS1,Sở Nội vụ,SO\nS2,Sở Tư pháp,SO\nX1,UBND xã Tân Thuận,XA\n"))
	c.ok("survey", "instrument", "--period", "2026", "--template", "sipas")
	c.ok("survey", "create", "--survey", "sipas-t", "--name", "SIPAS thử", "--period", "2026", "--instrument", "sipas")
	c.ok("survey", "transactions", "--survey", "sipas-t", writeFile(t, "tx.csv", "unit,transactions\nS1,1000\nS2,400\nX1,10\n"))
	c.ok("survey", "open", "--survey", "sipas-t")
}

// The contract's commands: survey codes and survey results, with the
// results worked out by hand.
//
//	S1 row 1: TC1 5, TT1 4, CC1 3, KQ1 2     S1 row 2: 5, 5, 5, 5
//	TC 2/2 = 1, TT 2/2 = 1, CC 1/2, KQ 1/2 → (1 + 1 + 0.5 + 0.5) / 4 = 75.00 %
//	Wilson(0.75, n = 2) = 19.79 – 97.33;  S2 and X1: no answers.
func TestSurveyCommands(t *testing.T) {
	c := newCLI(t)
	surveySetup(t, c)
	out := c.ok("survey", "codes", "--survey", "sipas-t", "--unit", "S1", "--count", "3")
	codes := strings.Fields(out)
	if len(codes) != 3 || !regexp.MustCompile(`^[`+surveys.CodeAlphabet+`]{5}-[`+surveys.CodeAlphabet+`]{5}$`).MatchString(codes[0]) {
		t.Fatalf("codes output %q", out)
	}
	bad := writeFile(t, "bad.csv", "unit,code,TC1,TT1,CC1,KQ1\nS1,,5,4,3,2\nS1,,7,4,3,2\nS9,,5,5,5,5\nS1,"+codes[0]+",,5,5,5\n")
	code, _, errs := c.run("", "survey", "import", "--survey", "sipas-t", bad)
	if code != 1 {
		t.Fatalf("bad import: exit %d", code)
	}
	for _, w := range []string{
		bad + `:3: TC1: "7" is not one of 1, 2, 3, 4, 5`,
		bad + `:4: unit: unit "S9" is not covered by survey sipas-t`,
		bad + ":5: TC1: an answer is required",
	} {
		if !strings.Contains(errs, w) {
			t.Errorf("stderr lacks %q:\n%s", w, errs)
		}
	}
	good := writeFile(t, "good.csv", "unit,code,TC1,TT1,CC1,KQ1\nS1,,5,4,3,2\nS1,"+strings.ToLower(codes[0])+",5,5,5,5\n")
	if out := c.ok("survey", "import", "--survey", "sipas-t", good); !strings.Contains(out, "2 questionnaires imported") {
		t.Errorf("import: %s", out)
	}
	code, _, errs = c.run("", "survey", "import", "--survey", "sipas-t", good)
	if code != 1 || !strings.Contains(errs, good+":3: code: the one-time code has already been used") {
		t.Errorf("importing a used code again: exit %d\n%s", code, errs)
	}
	want := "unit,responses,satisfaction,ci_low,ci_high\nS1,2,75.00,19.79,97.33\nS2,0,,,\nX1,0,,,\n"
	if got := c.ok("survey", "results", "--survey", "sipas-t"); got != want {
		t.Errorf("results csv:\n%s\nwant:\n%s", got, want)
	}
	var doc struct {
		Units []struct {
			Unit         string       `json:"unit"`
			Responses    int          `json:"responses"`
			Target       int64        `json:"target"`
			Insufficient bool         `json:"insufficient"`
			Satisfaction *json.Number `json:"satisfaction"`
			CILow        *json.Number `json:"ci_low"`
		} `json:"units"`
		Province struct {
			Responses int `json:"responses"`
		} `json:"province"`
	}
	dec := json.NewDecoder(strings.NewReader(c.ok("survey", "results", "--survey", "sipas-t", "--format", "json")))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Units) != 3 || doc.Units[0].Satisfaction.String() != "75.00" || doc.Units[0].CILow.String() != "19.79" ||
		doc.Units[0].Target != 286 || !doc.Units[0].Insufficient || doc.Units[1].Satisfaction != nil || doc.Province.Responses != 2 {
		t.Errorf("results json %+v", doc)
	}
	if out := c.ok("survey", "list"); !strings.Contains(out, "sipas-t\t2026\topen\tSIPAS thử\t3 units\t2/") {
		t.Errorf("survey list: %s", out)
	}
	// The raw export: the contract's columns, one row per response, the
	// answers' values; the workbook with its codebook.
	dir := t.TempDir()
	csvFile, xlsxFile := filepath.Join(dir, "tho.csv"), filepath.Join(dir, "tho.xlsx")
	c.ok("survey", "export", "--survey", "sipas-t", "--out", csvFile)
	raw, err := os.ReadFile(csvFile)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(raw)), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "id,unit,channel,submitted_at,status,flags,TC1,TC2,") ||
		!regexp.MustCompile(`^\d+,S1,import,20\d\d-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00,valid,,5,,`).MatchString(lines[1]) {
		t.Errorf("export csv:\n%s", raw)
	}
	c.ok("survey", "export", "--survey", "sipas-t", "--out", xlsxFile, "--lang", "en")
	if fi, err := os.Stat(xlsxFile); err != nil || fi.Size() < 5000 {
		t.Errorf("export xlsx: %v %v", fi, err)
	}
	for _, args := range [][]string{
		{"survey", "export", "--survey", "sipas-t"},
		{"survey", "export", "--survey", "sipas-t", "--out", csvFile, "--format", "pdf"},
		{"survey", "export", "--survey", "sipas-t", "--out", csvFile, "--lang", "fr"},
	} {
		if code, _, errs := c.run("", args...); code != 2 || errs == "" {
			t.Errorf("parindex %v: exit %d, stderr %q; want 2", args, code, errs)
		}
	}
	if code, _, errs := c.run("", "survey", "export", "--survey", "nope", "--out", filepath.Join(dir, "nope.csv")); code != 1 || !strings.Contains(errs, "survey nope not found") {
		t.Errorf("exporting an unknown survey: exit %d %s", code, errs)
	}
	if _, err := os.Stat(filepath.Join(dir, "nope.csv")); !os.IsNotExist(err) {
		t.Errorf("a failed export left a file: %v", err)
	}
	for _, args := range [][]string{
		{"survey"},
		{"survey", "frobnicate"},
		{"survey", "codes", "--unit", "S1", "--count", "3"},
		{"survey", "codes", "--survey", "sipas-t", "--unit", "S1", "--count", "0"},
		{"survey", "results", "--survey", "sipas-t", "--format", "xml"},
		{"survey", "instrument", "--period", "2026"},
	} {
		if code, _, errs := c.run("", args...); code != 2 || errs == "" {
			t.Errorf("parindex %v: exit %d, stderr %q; want 2", args, code, errs)
		}
	}
	if code, _, errs := c.run("", "survey", "codes", "--survey", "nope", "--unit", "S1", "--count", "1"); code != 1 || !strings.Contains(errs, "survey nope not found") {
		t.Errorf("unknown survey: exit %d %s", code, errs)
	}
	if code, _, errs := c.run("", "survey", "codes", "--survey", "sipas-t", "--unit", "S9", "--count", "1"); code != 1 || !strings.Contains(errs, "unit S9 is not covered") {
		t.Errorf("unknown unit: exit %d %s", code, errs)
	}
	// A broken questionnaire file: every problem with its line.
	badIns := writeFile(t, "q.yaml", "code: q\nname: {vi: Q}\nsections:\n  - code: A\n    title: {vi: A}\n    questions:\n      - {code: Q1, text: {vi: Q}, scale: none}\n")
	code, _, errs = c.run("", "survey", "instrument", "--period", "2026", badIns)
	if code != 1 || !strings.Contains(errs, badIns+":7: Q1: scale none is not defined") {
		t.Errorf("bad questionnaire: exit %d\n%s", code, errs)
	}
}

// buildBinary builds parindex once per test binary run.
var buildOnce struct {
	sync.Once
	path string
	err  error
}

func parindexBinary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "parindex-bin-")
		if err != nil {
			buildOnce.err = err
			return
		}
		buildOnce.path = filepath.Join(dir, "parindex")
		out, err := exec.Command("go", "build", "-o", buildOnce.path, ".").CombinedOutput()
		if err != nil {
			buildOnce.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildOnce.err != nil {
		t.Fatal(buildOnce.err)
	}
	return buildOnce.path
}

// server is a `parindex serve` process.
type server struct {
	cmd  *exec.Cmd
	base string
	out  *bytes.Buffer
}

func freePort(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// startServer runs `parindex serve` on the database and waits until it
// answers; it is killed when the test ends.
func startServer(t testing.TB, bin, db string, extra ...string) *server {
	t.Helper()
	return startServerAt(t, bin, db, freePort(t), extra...)
}

// startServerAt is startServer on a given address (a server started again
// where its clients expect it).
func startServerAt(t testing.TB, bin, db, addr string, extra ...string) *server {
	t.Helper()
	s := &server{base: "http://" + addr, out: &bytes.Buffer{}}
	s.cmd = exec.Command(bin, append([]string{"serve", "--db", db, "--addr", addr}, extra...)...)
	s.cmd.Env = append(os.Environ(), "PARINDEX_LOG_LEVEL=warn")
	s.cmd.Stdout, s.cmd.Stderr = s.out, s.out
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.kill() })
	deadline := time.Now().Add(30 * time.Second)
	for {
		res, err := http.Get(s.base + "/healthz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return s
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("parindex serve does not answer: %v\n%s", err, s.out)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// kill ends the process with SIGKILL, as a power cut or the OOM killer would.
func (s *server) kill() {
	if s.cmd.Process != nil && s.cmd.ProcessState == nil {
		_ = s.cmd.Process.Signal(syscall.SIGKILL)
		_ = s.cmd.Wait()
	}
}

// TestSurveyCrash sends a load of submissions to a real `parindex serve`,
// kills it with SIGKILL midway, starts it again, and checks that every
// response acknowledged with 201 is in the database — on SQLite, and on
// PostgreSQL when PARINDEX_TEST_DATABASE_URL is set. The server commits
// concurrent answers in batches (surveys.BatchOptions): the kill lands
// among batches being gathered and committed, and the test checks that
// batches were indeed formed.
func TestSurveyCrash(t *testing.T) {
	c := newCLI(t)
	surveySetup(t, c)
	bin := parindexBinary(t)
	srv := startServer(t, bin, c.db, "--trust-proxy")
	ctx := context.Background()
	survey, err := loadgen.Fetch(ctx, srv.base, "sipas-t")
	if err != nil {
		t.Fatal(err)
	}
	var acked atomic.Int64
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan *loadgen.Result, 1)
	go func() {
		res, err := loadgen.Run(runCtx, loadgen.Config{BaseURL: srv.base, Survey: survey, Workers: 16,
			Duration: 2 * time.Minute, MaxRequests: 200_000, ForwardedFor: true, Seed: 1, Acked: &acked})
		if err != nil {
			t.Error(err)
		}
		done <- res
	}()
	// Kill it once a few hundred responses are in, with requests in flight.
	deadline := time.Now().Add(90 * time.Second)
	for acked.Load() < 300 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	srv.kill()
	time.Sleep(300 * time.Millisecond) // let the in-flight requests fail
	cancel()
	res := <-done
	if len(res.Acks) < 300 {
		t.Fatalf("only %d submissions acknowledged before the kill\n%s", len(res.Acks), srv.out)
	}
	if res.Failed == 0 {
		t.Errorf("no request failed: the server was not killed midway")
	}
	for status, n := range res.Statuses {
		if status != http.StatusCreated {
			t.Errorf("%d answers with status %d", n, status)
		}
	}

	// Start again on the same database: everything acknowledged is there.
	srv2 := startServer(t, bin, c.db, "--trust-proxy")
	st := storetest.OpenURL(t, c.db)
	svc := surveys.NewService(st)
	camp, err := svc.Campaign(ctx, "sipas-t")
	if err != nil {
		t.Fatal(err)
	}
	stored, err := st.Responses(ctx, camp.ID, surveys.Valid, len(res.Acks)+1000)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[int64]string{}
	commits := map[time.Time]bool{} // the answers of one batch share their time
	for _, r := range stored {
		byID[r.ID] = r.Unit
		commits[r.SubmittedAt] = true
	}
	lost := 0
	for _, a := range res.Acks {
		if unit, ok := byID[a.ID]; !ok || unit != a.Unit {
			lost++
		}
	}
	t.Logf("%d acknowledged, %d without an answer (killed), %d stored in %d transactions", len(res.Acks), res.Failed, len(stored), len(commits))
	if len(commits) >= len(stored) {
		t.Errorf("%d responses in %d transactions: the answers were not batched", len(stored), len(commits))
	}
	if lost > 0 {
		t.Errorf("%d of %d acknowledged responses are not in the database", lost, len(res.Acks))
	}
	// The secretariat's survey pages and API sit behind the login.
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for path, want := range map[string]int{"/admin/surveys": http.StatusSeeOther, "/api/v1/surveys/sipas-t/results": http.StatusUnauthorized} {
		res, err := noRedirect.Get(srv2.base + path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != want {
			t.Errorf("GET %s without a session: %d, want %d", path, res.StatusCode, want)
		}
	}
	if code, out, errs := c.run("mat-khau-thu-ky-2026\n", "user", "add", "--username", "thuky2", "--role", "admin"); code != 0 {
		t.Fatalf("user add: %d %s %s", code, out, errs)
	}
	login, err := http.Post(srv2.base+"/api/v1/login", "application/json", strings.NewReader(`{"username":"thuky2","password":"mat-khau-thu-ky-2026"}`))
	if err != nil {
		t.Fatal(err)
	}
	login.Body.Close()
	if login.StatusCode != http.StatusOK || len(login.Cookies()) == 0 {
		t.Fatalf("login: %d", login.StatusCode)
	}
	req, _ := http.NewRequest(http.MethodGet, srv2.base+"/api/v1/surveys/sipas-t/results", nil)
	req.AddCookie(login.Cookies()[0])
	res2, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res2.Body.Close()
	if res2.StatusCode != http.StatusOK {
		t.Errorf("results for the logged-in secretariat: %d", res2.StatusCode)
	}

	// And the restarted server takes submissions again.
	after, err := loadgen.Run(ctx, loadgen.Config{BaseURL: srv2.base, Survey: survey, Workers: 1, Duration: 30 * time.Second,
		MaxRequests: 5, ForwardedFor: true, Seed: 2})
	if err != nil || len(after.Acks) != 5 {
		t.Errorf("after the restart: %+v, %v", after, err)
	}
}

// TestDemoSurvey: the demo province has an open SIPAS survey over its
// units, with responses that feed the 2026 scoring.
func TestDemoSurvey(t *testing.T) {
	c := newCLI(t)
	out := c.ok("demo")
	if !strings.Contains(out, "survey sipas-2026 open over 78 units with 14475 responses") {
		t.Errorf("demo output:\n%s", out)
	}
	if out := c.ok("survey", "list"); !strings.Contains(out, "sipas-2026\t2026\topen\t") || !strings.Contains(out, "78 units\t14476/26534 responses") {
		t.Errorf("survey list: %s", out)
	}
	rows := readCSV(t, c.ok("survey", "results", "--survey", "sipas-2026"))
	if len(rows) != 79 {
		t.Fatalf("%d result rows", len(rows))
	}
	for _, r := range rows[1:] {
		sat, _ := strconv.ParseFloat(r[2], 64)
		lo, _ := strconv.ParseFloat(r[3], 64)
		hi, _ := strconv.ParseFloat(r[4], 64)
		if sat < 70 || sat > 99.99 || lo >= sat || hi <= sat {
			t.Errorf("demo unit %v: satisfaction out of the believable range or outside its interval", r)
		}
	}
	st := storetest.OpenURL(t, c.db)
	units, err := st.UnitData(context.Background(), "2026", "SO")
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range units {
		if u.Surveys["sipas"].IsZero() || u.Surveys["sipas_policy"].IsZero() {
			t.Errorf("%s: no survey ratios for scoring: %v", u.Code, u.Surveys)
		}
	}
	svc := surveys.NewService(st)
	c2, err := svc.Campaign(context.Background(), "sipas-2026")
	if err != nil {
		t.Fatal(err)
	}
	flagged, err := st.Responses(context.Background(), c2.ID, surveys.Flagged, 10)
	if err != nil || len(flagged) != 3 {
		t.Errorf("%d flagged demo responses, want 3 (%v)", len(flagged), err)
	}
	// The demo's answers are ordinary: every channel is used, and no
	// pattern flag is raised on them (each is raised on data made to raise
	// it in store's TestPatternFlags).
	rep, err := svc.Channels(context.Background(), "sipas-2026")
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Flags) != 0 {
		t.Errorf("pattern flags on the demo's ordinary data: %+v", rep.Flags)
	}
	if want := []surveys.Channel{surveys.Web, surveys.Kiosk, surveys.Coded, surveys.Dossier, surveys.Interview, surveys.Paper}; fmt.Sprint(rep.Channels) != fmt.Sprint(want) {
		t.Errorf("demo channels %v, want %v", rep.Channels, want)
	}
	_, ivs, err := svc.Interviewers(context.Background(), "sipas-2026", 0)
	if err != nil || len(ivs) != 4 || ivs[0].Valid == 0 || ivs[0].Quota == 0 || len(ivs[0].Units) != 16 {
		t.Errorf("demo interviewers: %+v, %v", ivs, err)
	}
	if !strings.Contains(out, "interviewer Nguyễn Thị Hoa: /i/sipas-2026?token=") {
		t.Errorf("the demo does not give an interviewer's link:\n%s", out)
	}
}
