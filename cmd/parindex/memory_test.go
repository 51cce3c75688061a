package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/parindex/parindex/internal/xlsxread/xlsxtest"
)

// memoryCeiling is the most resident memory the server and the imports may
// reach under hostile load (issue 11): with it, a small province server
// (1 GB) keeps room for its database.
const memoryCeiling = 300 << 20

// TestMemoryCeiling runs the real binary under the hostile load of issue
// 11 and reads its peak resident memory from the kernel (VmHWM in
// /proc/PID/status; for the one-shot imports, the rusage of the finished
// process): 200 concurrent bad logins from 200 addresses (each an Argon2
// computation of 19 MiB: they used to run all at once, 1.2 GB for 60), and
// the bomb files of the issue posted at the same time — the 180 KB
// questionnaire of nested aliases, the 6 MB workbook that unzips to 1.7 GB —
// then `import framework` with the 2 KB criteria set of 9 × 9 aliases and
// `import inputs` with the workbook bomb. On SQLite, and on PostgreSQL when
// PARINDEX_TEST_DATABASE_URL is set.
func TestMemoryCeiling(t *testing.T) {
	c := newCLI(t)
	surveySetup(t, c)
	const password = "mat-khau-thu-ky-2026"
	if code, _, errs := c.run(password+"\n", "user", "add", "--username", "thuky", "--role", "admin"); code != 0 {
		t.Fatalf("user add: %s", errs)
	}
	bin := parindexBinary(t)
	srv := startServer(t, bin, c.db, "--trust-proxy")
	admin := login(t, srv.base, "thuky", password)

	questionnaire := aliasQuestionnaire(10_000, 10_000)
	workbook := xlsxtest.Bomb(1700 << 20)
	t.Logf("bombs: questionnaire %d KB, workbook %d KB", len(questionnaire)>>10, len(workbook)>>10)

	var mu sync.Mutex
	statuses := map[string]int{}
	count := func(what string, code int) {
		mu.Lock()
		statuses[fmt.Sprintf("%s %d", what, code)]++
		mu.Unlock()
	}
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range 200 {
		wg.Go(func() {
			<-start
			body := fmt.Sprintf(`{"username":"nguoi-dung-%d","password":"doan-bua-%d"}`, i, i)
			req, _ := http.NewRequest(http.MethodPost, srv.base+"/api/v1/login", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("X-Forwarded-For", fmt.Sprintf("203.0.%d.%d", 113+i/250, i%250+1))
			count("login", send(t, req))
		})
	}
	wg.Go(func() {
		<-start
		form := url.Values{"period": {"2026"}, "source": {questionnaire}}
		req, _ := http.NewRequest(http.MethodPost, srv.base+"/admin/surveys/instruments", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		admin.sign(req)
		count("questionnaire", send(t, req))
	})
	wg.Go(func() {
		<-start
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		fw, _ := mw.CreateFormFile("file", "phieu.xlsx")
		_, _ = fw.Write(workbook)
		_ = mw.Close()
		req, _ := http.NewRequest(http.MethodPost, srv.base+"/admin/surveys/campaigns/sipas-t/import", &buf)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		admin.sign(req)
		count("workbook", send(t, req))
	})
	close(start)
	wg.Wait()
	t.Logf("answers: %v", statuses)
	for k, n := range statuses {
		what, code, _ := strings.Cut(k, " ")
		ok := map[string]bool{"login": code == "401" || code == "429" || code == "503",
			"questionnaire": code == "422", "workbook": code == "422"}[what]
		if !ok {
			t.Errorf("%d × %s", n, k)
		}
	}
	res, err := http.Get(srv.base + "/healthz")
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("the server does not answer after the load: %v\n%s", err, srv.out)
	}
	res.Body.Close()
	peak := peakRSS(t, srv.cmd.Process.Pid)
	t.Logf("server: peak resident memory %d MB", peak>>20)
	if peak > memoryCeiling {
		t.Errorf("server: peak resident memory %d MB, over %d MB", peak>>20, memoryCeiling>>20)
	}

	// The one-shot imports, each in a process of its own.
	framework := writeFile(t, "bomb.yaml", aliasCriteriaSet(9))
	wbFile := writeFile(t, "bomb.xlsx", string(workbook))
	for _, args := range [][]string{{"import", "framework", framework}, {"import", "inputs", wbFile}} {
		cmd := exec.Command(bin, append([]string{"--db", c.db}, args...)...)
		var errs bytes.Buffer
		cmd.Stderr = &errs
		err := cmd.Run()
		if cmd.ProcessState == nil || cmd.ProcessState.ExitCode() != 1 {
			t.Errorf("%s: %v, want exit 1\n%s", strings.Join(args[:2], " "), err, errs.String())
			continue
		}
		rss := int64(cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss) << 10 // KB on Linux
		t.Logf("%s: peak resident memory %d MB; %s", strings.Join(args[:2], " "), rss>>20, strings.TrimSpace(errs.String()))
		if rss > memoryCeiling {
			t.Errorf("%s: peak resident memory %d MB, over %d MB", strings.Join(args[:2], " "), rss>>20, memoryCeiling>>20)
		}
	}
}

// session is a logged-in client of the real server.
type session struct {
	cookie *http.Cookie
	csrf   string
}

func (s session) sign(r *http.Request) {
	r.AddCookie(s.cookie)
	r.Header.Set("X-CSRF-Token", s.csrf)
}

func login(t *testing.T, base, user, password string) session {
	t.Helper()
	res, err := http.Post(base+"/api/v1/login", "application/json",
		strings.NewReader(fmt.Sprintf(`{"username":%q,"password":%q}`, user, password)))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var lr struct {
		CSRF string `json:"csrf_token"`
	}
	if err := json.NewDecoder(res.Body).Decode(&lr); err != nil || res.StatusCode != 200 {
		t.Fatalf("login: %d %v", res.StatusCode, err)
	}
	for _, ck := range res.Cookies() {
		if ck.Name == "parindex_session" {
			return session{cookie: ck, csrf: lr.CSRF}
		}
	}
	t.Fatal("login: no session cookie")
	return session{}
}

// send sends a request and returns its status, 0 when the server did not
// answer (it died).
func send(t *testing.T, r *http.Request) int {
	res, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Errorf("%s %s: %v", r.Method, r.URL.Path, err)
		return 0
	}
	res.Body.Close()
	return res.StatusCode
}

// peakRSS reads a live process's peak resident memory (VmHWM) in bytes.
func peakRSS(t *testing.T, pid int) int64 {
	t.Helper()
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return kb << 10
		}
	}
	t.Fatal("no VmHWM in /proc/PID/status")
	return 0
}

// aliasQuestionnaire is issue 11's questionnaire bomb: a section anchor
// repeated sections times whose questions repeat a question anchor
// questions times (10,000 × 10,000: 180 KB).
func aliasQuestionnaire(sections, questions int) string {
	var b strings.Builder
	b.WriteString("code: bomb\nname: {vi: Phiếu}\nscales:\n  - code: sat\n    options: [{value: 1, label: {vi: Không}}, {value: 2, label: {vi: Có}}]\n" +
		"sections:\n  - &s\n    code: S\n    title: {vi: Phần}\n    questions:\n      - &q {code: Q, text: {vi: Câu}, scale: sat}\n")
	for range questions - 1 {
		b.WriteString("      - *q\n")
	}
	for range sections - 1 {
		b.WriteString("  - *s\n")
	}
	return b.String()
}

// aliasCriteriaSet is issue 11's criteria-set bomb: items nesting aliases
// levels deep, nine to a level (9 × 9: 2 KB, 23.8 GB once decoded).
func aliasCriteriaSet(levels int) string {
	var b strings.Builder
	b.WriteString("period: \"2026\"\ngroup: SO\nitems:\n  - &l0 {code: \"x\", name: x, max: 1, method: manual}\n")
	for k := 1; k <= levels; k++ {
		fmt.Fprintf(&b, "  - &l%d {code: \"g%d\", name: g, items: [", k, k)
		for i := range 9 {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "*l%d", k-1)
		}
		b.WriteString("]}\n")
	}
	return b.String()
}
