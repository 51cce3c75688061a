package web_test

import (
	"fmt"
	"math/rand/v2"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/parindex/parindex/internal/browsertest"
	"github.com/parindex/parindex/surveys"
)

// surveyPagesEnv is the SIPAS survey "khao-sat" with answers from every
// channel, a flagged one, an interviewer and a kiosk: enough for every
// survey page to show what it is for.
func surveyPagesEnv(t *testing.T) (*surveyEnv, string) {
	t.Helper()
	src, ins, err := surveys.Template("sipas")
	if err != nil {
		t.Fatal(err)
	}
	e := newSurveyEnv(t, surveyOpts{admin: true, reports: true, yaml: string(src), rules: &surveys.Rules{}})
	ctx := t.Context()
	c, err := e.svc.Campaign(ctx, "khao-sat")
	if err != nil {
		t.Fatal(err)
	}
	token, iv, err := e.svc.RegisterInterviewer(ctx, "khao-sat", "Nguyễn Thị Hoa", "0290 381 2610",
		[]surveys.InterviewerUnit{{Unit: "X1", Quota: 8}, {Unit: "S2", Quota: 20}}, "thuky")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.svc.RegisterDevice(ctx, "khao-sat", "S1", "Quầy 1, Trung tâm Phục vụ hành chính công", "thuky"); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(14, 14))
	var rs []*surveys.Response
	channels := []surveys.Channel{surveys.Web, surveys.Kiosk, surveys.Coded, surveys.Dossier, surveys.Interview, surveys.Paper}
	for i := range 240 {
		unit := []string{"S1", "S2", "X1"}[i%3]
		ch := channels[i%len(channels)]
		answers := map[string]string{}
		for _, q := range ins.Questions {
			if q.Type == surveys.FreeText || (!q.Required && rng.IntN(3) == 0) {
				continue
			}
			v := 5 - rng.IntN(3)
			if len(q.Scale.Satisfied) == 0 {
				v = 2
			}
			answers[q.Code] = fmt.Sprint(v)
		}
		enc, err := ins.Check(answers)
		if err != nil {
			t.Fatal(err)
		}
		r := &surveys.Response{Campaign: c.ID, Unit: unit, Channel: ch, Answers: enc,
			AnsweredAt: time.Now().Add(-time.Duration(24+i) * time.Hour)}
		if ch == surveys.Interview {
			r.Unit, r.Interviewer, r.Author = "X1", iv.ID, iv.Name
		}
		rs = append(rs, r)
	}
	if err := e.st.InsertResponses(ctx, rs); err != nil {
		t.Fatal(err)
	}
	// One phone's burst: flagged for review.
	e.svc.Rules = surveys.DefaultRules
	for range 4 {
		e.do(req{method: "POST", url: "/api/v1/surveys/khao-sat/responses", remote: "198.51.100.23",
			body: `{"unit":"S1","answers":{"TC1":1,"TT1":1,"CC1":1,"KQ1":1}}`})
	}
	return e, token
}

// TestBrowserSurveyPages opens every survey page — the public form, the
// unit picker, the thanks, the poster, the kiosk, an interviewer's home and
// form, every page of the secretariat and the committee's — at 1366×900
// and 390×844 in headless Chromium, with a screenshot of each, and fails on
// a page wider than the screen, a table clipped at 1366 px, an error page,
// a console error or a request leaving the server.
func TestBrowserSurveyPages(t *testing.T) {
	e, token := surveyPagesEnv(t)
	// Every index per channel: the questionnaire's second index too.
	e.expect(req{url: "/admin/surveys/campaigns/khao-sat/channels?index=sipas_policy", header: e.admin}, 200,
		"Chỉ số hài lòng theo kênh: Chỉ số hài lòng về chính sách công", `<a href="?index=sipas">Chỉ số hài lòng về sự phục vụ hành chính</a><a href="?index=sipas_policy" aria-current="page">`)
	srv := httptest.NewServer(e.srv)
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	host = host[:strings.Index(host, ":")]
	session := strings.TrimPrefix(e.admin["Cookie"], "parindex_session=")
	c, _ := e.svc.Campaign(t.Context(), "khao-sat")
	var instrumentID int64
	if list, err := e.st.Instruments(t.Context()); err == nil && len(list) > 0 {
		instrumentID = list[0].ID
	}
	pages := []struct{ name, path string }{
		{"form", "/s/khao-sat/S1"},
		{"units", "/s/khao-sat"},
		{"thanks", "/s/khao-sat/S1/thanks"},
		{"poster", "/s/khao-sat/S1/poster"},
		{"kiosk", "/k/khao-sat/S1"},
		{"kiosk-thanks", "/k/khao-sat/S1/thanks"},
		{"interviewer-home", "/i/khao-sat"},
		{"interviewer-form", "/i/khao-sat/X1"},
		{"admin-surveys", "/admin/surveys"},
		{"admin-builder", "/admin/surveys/instruments/new?template=sipas"},
		{"admin-yaml", fmt.Sprintf("/admin/surveys/instruments/%d?view=yaml", instrumentID)},
		{"admin-campaign", "/admin/surveys/campaigns/" + c.Code},
		{"admin-results", "/admin/surveys/campaigns/khao-sat/results"},
		{"admin-channels", "/admin/surveys/campaigns/khao-sat/channels"},
		{"admin-channels-policy", "/admin/surveys/campaigns/khao-sat/channels?index=sipas_policy"},
		{"admin-review", "/admin/surveys/campaigns/khao-sat/review"},
		{"admin-interviewers", "/admin/surveys/campaigns/khao-sat/interviewers"},
		{"admin-codes", "/admin/surveys/campaigns/khao-sat/codes"},
		{"admin-kiosks", "/admin/surveys/campaigns/khao-sat/kiosks"},
		{"admin-entry", "/admin/surveys/campaigns/khao-sat/entry?unit=S2"},
		{"committee", "/reports/2026/surveys"},
		{"form-en", "/s/khao-sat/S1?lang=en"},
	}
	for _, size := range [][2]int{{1366, 900}, {390, 844}} {
		b := browsertest.New(t, size[0], size[1], 4*time.Minute)
		watch := browsertest.WatchOffline(t, b, srv.URL)
		b.Run(network.Enable(),
			network.SetCookie("parindex_session", session).WithDomain(host).WithPath("/"),
			network.SetCookie("parindex_interviewer", token).WithDomain(host).WithPath("/i/khao-sat"))
		for _, pg := range pages {
			var title string
			var overflow int
			var clipped, wide []string
			b.Run(
				chromedp.Navigate(srv.URL+pg.path),
				chromedp.WaitReady("body", chromedp.ByQuery),
				chromedp.Title(&title),
				chromedp.Evaluate(`document.documentElement.scrollWidth - window.innerWidth`, &overflow),
				chromedp.Evaluate(`[...document.querySelectorAll('body *')].filter(el => el.getBoundingClientRect().right > window.innerWidth + 1 && !el.parentElement.closest('.table-scroll'))
					.slice(0, 3).map(el => el.tagName + '.' + el.className + ' ' + (el.name || el.id || ''))`, &wide),
				chromedp.Evaluate(`[...document.querySelectorAll('.table-scroll')].filter(d => d.scrollWidth > d.clientWidth + 1)
					.map(d => (d.querySelector('caption, th') || d).textContent.trim().slice(0, 40))`, &clipped),
			)
			name := fmt.Sprintf("%s-%d", pg.name, size[0])
			b.Screenshot(name)
			if strings.Contains(title, "Lỗi") || strings.Contains(title, "Cần đường dẫn") || strings.Contains(title, "không mở") {
				t.Errorf("%s: an error page: %q", name, title)
			}
			if overflow > 0 {
				t.Errorf("%s: the page is %d px wider than the screen: %q", name, overflow, wide)
			}
			if size[0] == 1366 && len(clipped) > 0 {
				t.Errorf("%s: tables clipped at 1366 px: %q", name, clipped)
			}
			watch.Check(t, name)
		}
		// Registering an interviewer shows their link and its QR code once.
		var link string
		b.Run(
			chromedp.Navigate(srv.URL+"/admin/surveys/campaigns/khao-sat/interviewers"),
			chromedp.WaitVisible("#iv-name", chromedp.ByQuery),
			chromedp.SendKeys("#iv-name", "Trần Văn Phúc", chromedp.ByQuery),
			chromedp.Evaluate(`document.querySelector('input[name=unit][value=S1]').checked = true; document.querySelector('input[name=quota_S1]').value = "25"`, nil),
			chromedp.Click(`button[type=submit].button:not(.secondary)`, chromedp.ByQuery),
			chromedp.WaitVisible(".sv-link-once", chromedp.ByQuery),
			chromedp.AttributeValue(".sv-link-once a.kiosk-link", "href", &link, nil, chromedp.ByQuery),
		)
		b.Screenshot(fmt.Sprintf("admin-interviewer-link-%d", size[0]))
		if !strings.Contains(link, "/i/khao-sat?token=") {
			t.Errorf("the new interviewer's link: %q", link)
		}
		watch.Check(t, "interviewer link")
	}
}

// TestBrowserSurveyByKeyboard answers the public form with the keyboard
// alone — Tab from one question to the next, the arrow keys to choose,
// Enter to send — and finds the answers stored.
func TestBrowserSurveyByKeyboard(t *testing.T) {
	src, _, err := surveys.Template("sipas")
	if err != nil {
		t.Fatal(err)
	}
	e := newSurveyEnv(t, surveyOpts{yaml: string(src), rules: &surveys.Rules{}})
	srv := httptest.NewServer(e.srv)
	defer srv.Close()
	b := browsertest.New(t, 1366, 900, 2*time.Minute)
	b.Run(chromedp.Navigate(srv.URL+"/s/khao-sat/S1"), chromedp.WaitVisible("button.sv-submit", chromedp.ByQuery))
	// For the four required questions, ArrowRight three times from the
	// first answer: 1 → 4 (Hài lòng).
	required := map[string]bool{"q_TC1": true, "q_TT1": true, "q_CC1": true, "q_KQ1": true}
	chosen := map[string]bool{}
	for i := 0; i < 400; i++ {
		b.Run(chromedp.KeyEvent(kb.Tab))
		var focus struct{ Name, Type, Class string }
		b.Run(chromedp.Evaluate(`({Name: document.activeElement.name || "", Type: document.activeElement.type || "", Class: document.activeElement.className || ""})`, &focus))
		if focus.Type == "radio" && required[focus.Name] && !chosen[focus.Name] {
			b.Run(chromedp.KeyEvent(kb.ArrowRight), chromedp.KeyEvent(kb.ArrowRight), chromedp.KeyEvent(kb.ArrowRight))
			chosen[focus.Name] = true
		}
		if strings.Contains(focus.Class, "sv-submit") {
			b.Run(chromedp.KeyEvent(kb.Enter))
			break
		}
	}
	if len(chosen) != 4 {
		t.Fatalf("the keyboard reached %d of the 4 required questions", len(chosen))
	}
	b.Run(chromedp.WaitVisible("#sv-thanks", chromedp.ByQuery),
		chromedp.Poll(`document.getElementById("sv-thanks-state").textContent.indexOf("ghi nhận") >= 0`, nil, chromedp.WithPollingTimeout(20*time.Second)))
	var focused string
	b.Run(chromedp.Evaluate(`document.activeElement.id`, &focused))
	b.Screenshot("sent")
	if focused != "sv-thanks" {
		t.Errorf("after sending, the focus is on %q, not the thanks", focused)
	}
	got := e.responses(surveys.Valid)
	if len(got) != 1 {
		t.Fatalf("%d responses stored", len(got))
	}
	ins := e.svc
	c, _ := ins.Campaign(t.Context(), "khao-sat")
	values := c.Instrument.Decode(got[0].Answers)
	for q := range required {
		if v := values[strings.TrimPrefix(q, "q_")]; v != "4" {
			t.Errorf("%s = %q, want 4", q, v)
		}
	}
}

// TestBrowserInterviewerOffline: an interviewer opens their link once
// online, then, without a network, opens one of their units' forms from
// the device, answers two questionnaires and goes back to their home; when
// the network returns the home sends them, and they are stored under the
// interviewer's name with the times they were given.
func TestBrowserInterviewerOffline(t *testing.T) {
	src, _, err := surveys.Template("sipas")
	if err != nil {
		t.Fatal(err)
	}
	e := newSurveyEnv(t, surveyOpts{yaml: string(src), rules: &surveys.Rules{}})
	token, iv, err := e.svc.RegisterInterviewer(t.Context(), "khao-sat", "Lê Minh Tâm", "",
		[]surveys.InterviewerUnit{{Unit: "X1", Quota: 5}, {Unit: "S2", Quota: 5}}, "thuky")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(e.srv)
	defer srv.Close()
	b := browsertest.New(t, 390, 844, 2*time.Minute)
	b.Run(network.Enable(),
		chromedp.Navigate(srv.URL+"/i/khao-sat?token="+token),
		chromedp.WaitVisible("#iv-units", chromedp.ByQuery),
		chromedp.Poll(`navigator.serviceWorker.controller !== null`, nil, chromedp.WithPollingTimeout(20*time.Second)),
	)
	var path string
	b.Run(chromedp.Evaluate(`location.pathname + location.search`, &path))
	if path != "/i/khao-sat" {
		t.Errorf("after signing in the address is %q, not the plain home", path)
	}
	// The home keeps the forms it links to.
	for start := time.Now(); ; time.Sleep(100 * time.Millisecond) {
		var kept bool
		b.Run(chromedp.Evaluate(`caches.open("parindex-survey-1").then(c => Promise.all(["/i/khao-sat", "/i/khao-sat/X1", "/i/khao-sat/S2"].map(u => c.match(u)))).then(rs => rs.every(r => !!r))`,
			&kept, func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }))
		if kept {
			break
		}
		if time.Since(start) > 20*time.Second {
			t.Fatal("the interviewer's forms were not kept on the device")
		}
	}
	b.Run(network.EmulateNetworkConditions(true, 0, -1, -1),
		chromedp.Click(`a[href="/i/khao-sat/X1"]`, chromedp.ByQuery),
		chromedp.WaitVisible("button.sv-submit", chromedp.ByQuery))
	for i := range 2 {
		actions := []chromedp.Action{}
		for _, id := range []string{"q-TC1-4", "q-TT1-5", "q-CC1-4", "q-KQ1-5"} {
			actions = append(actions, chromedp.Click(`label[for="`+id+`"]`, chromedp.ByQuery))
		}
		actions = append(actions, chromedp.Click("button.sv-submit", chromedp.ByQuery), chromedp.WaitVisible("#sv-thanks", chromedp.ByQuery),
			chromedp.Poll(fmt.Sprintf(`document.querySelectorAll("#sv-queue li.sv-waiting").length === %d`, i+1), nil, chromedp.WithPollingTimeout(10*time.Second)),
			chromedp.Click("#sv-again", chromedp.ByQuery), chromedp.WaitVisible("button.sv-submit", chromedp.ByQuery))
		b.Run(actions...)
	}
	b.Screenshot("offline-queue")
	b.Run(chromedp.Click(".sv-kicker a", chromedp.ByQuery), chromedp.WaitVisible("#iv-units", chromedp.ByQuery),
		chromedp.Poll(`document.querySelectorAll("#sv-queue li.sv-waiting").length === 2`, nil, chromedp.WithPollingTimeout(10*time.Second)))
	if n := len(e.responses()); n != 0 {
		t.Fatalf("%d responses arrived while offline", n)
	}
	b.Run(network.EmulateNetworkConditions(false, 0, -1, -1),
		chromedp.Poll(`document.querySelectorAll("#sv-queue li.sv-stored").length === 2`, nil, chromedp.WithPollingTimeout(90*time.Second)))
	b.Screenshot("synced")
	got := e.responses(surveys.Valid)
	if len(got) != 2 {
		t.Fatalf("%d responses stored, want 2", len(got))
	}
	for _, r := range got {
		if r.Channel != surveys.Interview || r.Interviewer != iv.ID || r.Unit != "X1" || r.Author != "Lê Minh Tâm" || r.AnsweredAt.IsZero() || !r.AnsweredAt.Before(r.SubmittedAt) {
			t.Errorf("stored %+v", r)
		}
	}
}
