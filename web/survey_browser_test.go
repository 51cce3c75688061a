package web_test

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/parindex/parindex/internal/browsertest"
	"github.com/parindex/parindex/surveys"
)

// TestBrowserAnswersSurvey answers the public SIPAS form of a unit on a
// phone-sized screen (390×844) in headless Chromium, by tapping the answers'
// labels, sees the thank-you page, and finds the response in the unit's
// indices.
func TestBrowserAnswersSurvey(t *testing.T) {
	src, _, err := surveys.Template("sipas")
	if err != nil {
		t.Fatal(err)
	}
	// The speed rule is off: a browser driven by a test answers faster than
	// any person could, and this test is about the form, not the rules.
	e := newSurveyEnv(t, surveyOpts{yaml: string(src), rules: &surveys.Rules{}})
	srv := httptest.NewServer(e.srv)
	defer srv.Close()

	b := browsertest.New(t, 390, 844, 60*time.Second)
	var heading, unit string
	var width int
	b.Run(
		chromedp.Navigate(srv.URL+"/s/khao-sat/S1"),
		chromedp.WaitVisible("h1", chromedp.ByQuery),
		chromedp.Text("h1", &heading, chromedp.ByQuery),
		chromedp.Text(".sv-kicker strong", &unit, chromedp.ByQuery),
		chromedp.Evaluate(`document.documentElement.scrollWidth`, &width),
	)
	b.Screenshot("form")
	if !strings.Contains(heading, "SIPAS") || unit != "Sở Nội vụ" {
		t.Errorf("form heading %q, unit %q", heading, unit)
	}
	if width > 390 {
		t.Errorf("the form is %d px wide on a 390 px screen", width)
	}
	// The four required questions, and two more: 5 5 4 4 | 2 (TC2), yes/no.
	for _, id := range []string{"q-TC1-5", "q-TT1-5", "q-CC1-4", "q-KQ1-4", "q-TC2-2", "q-TN1-2"} {
		b.Run(chromedp.Click(`label[for="`+id+`"]`, chromedp.ByQuery))
	}
	b.Run(chromedp.SendKeys("#q-GY1-in", "Cán bộ nhiệt tình", chromedp.ByQuery))
	var checked bool
	b.Run(chromedp.Evaluate(`document.getElementById("q-TC1-5").checked`, &checked))
	if !checked {
		t.Fatal("tapping a label did not choose its answer")
	}
	b.Screenshot("answered")
	// The form's script queues the answer on the device and sends it:
	// the thanks come in the page, then the server's acknowledgement.
	var thanks, state string
	b.Run(
		chromedp.Click("button.sv-submit", chromedp.ByQuery),
		chromedp.WaitVisible("#sv-thanks", chromedp.ByQuery),
		chromedp.Text("#sv-thanks-title", &thanks, chromedp.ByQuery),
		chromedp.Poll(`document.getElementById("sv-thanks-state").textContent.indexOf("ghi nhận") >= 0`, nil, chromedp.WithPollingTimeout(20*time.Second)),
		chromedp.Text("#sv-thanks-state", &state, chromedp.ByQuery),
	)
	b.Screenshot("thanks")
	if thanks != "Cảm ơn Ông/Bà đã góp ý!" || state != "Phiếu đã được gửi và ghi nhận." {
		t.Errorf("thanks %q, state %q", thanks, state)
	}

	// The response is in S1's indices: TC = (1 + 0) / 2 = 0.5 (TC1 5, TC2 2),
	// TT = 1, CC = 1, KQ = 1 → SIPAS = 3.5 / 4 = 0.875.
	_, res, err := e.svc.Results(t.Context(), "khao-sat")
	if err != nil {
		t.Fatal(err)
	}
	u := res.Unit("S1")
	if u.Responses != 1 || u.Main().Value.StringFixed(4) != "0.8750" || u.Main().N != 1 {
		t.Errorf("S1 after the browser's answer: %d responses, SIPAS %s (n %d); want 1, 0.8750", u.Responses, u.Main().Value, u.Main().N)
	}
	if got := e.responses(surveys.Valid); len(got) != 1 || got[0].Answers.Texts["GY1"] != "Cán bộ nhiệt tình" || got[0].Channel != surveys.Web {
		t.Errorf("stored response %+v", got)
	}
}
