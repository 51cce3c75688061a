package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/parindex/parindex/surveys"
)

// codedBody is an API submission for S1 with a code.
func codedBody(code string) string {
	return fmt.Sprintf(`{"unit":"S1","code":%q,"answers":{"Q1":5}}`, code)
}

// TestCodedSubmissionsAreNotThrottled reproduces issue 11's item 9: coded
// submissions were limited per address (10 a minute, bursts of 5), so a
// desk typing paper forms or a centre whose citizens share one address got
// 429 after five. The code is the control: 200 coded submissions from one
// address within a minute are all stored, while the address's answers
// without a code keep their limit.
func TestCodedSubmissionsAreNotThrottled(t *testing.T) {
	e := newSurveyEnv(t, surveyOpts{rate: 10, rules: &surveys.Rules{}})
	codes, err := e.svc.NewCodes(t.Context(), "khao-sat", "S1", 220)
	if err != nil {
		t.Fatal(err)
	}
	const desk = "203.0.113.20"
	statuses := map[int]int{}
	for _, code := range codes[:200] {
		res, _ := e.do(req{method: http.MethodPost, url: "/api/v1/surveys/khao-sat/responses", body: codedBody(code), remote: desk})
		statuses[res.StatusCode]++
	}
	if statuses[201] != 200 {
		t.Errorf("200 coded submissions from one address: %v, want all 201", statuses)
	}
	// Through the public form too (ten answers 0.3 s apart were refused).
	for i, code := range codes[200:220] {
		res, body := e.do(req{method: http.MethodPost, url: "/s/khao-sat/S1", form: url.Values{"q_Q1": {"4"}, "code": {code}}, remote: desk})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("coded form %d: %d\n%s", i+1, res.StatusCode, clip(body))
		}
	}
	// Without a code, the address is limited as before.
	n := 0
	for range 15 {
		res, _ := e.do(req{method: http.MethodPost, url: "/api/v1/surveys/khao-sat/responses", body: `{"unit":"S1","answers":{"Q1":3}}`, remote: desk})
		if res.StatusCode == http.StatusCreated {
			n++
		}
	}
	if n != 10 {
		t.Errorf("%d of 15 submissions without a code stored, want the burst of 10", n)
	}
	if got := e.count(nil); got != 230 {
		t.Errorf("%d responses stored, want 230", got)
	}
}

// TestWrongCodesAreThrottled: guessing is what is limited. 200 wrong codes
// from one address are checked a handful of times, then refused with 429
// before any check; at once or one by one; the survey as a whole also
// bounds failures, without locking out clients with a clean record.
func TestWrongCodesAreThrottled(t *testing.T) {
	e := newSurveyEnv(t, surveyOpts{rate: 10, rules: &surveys.Rules{}})
	codes, err := e.svc.NewCodes(t.Context(), "khao-sat", "S1", 3)
	if err != nil {
		t.Fatal(err)
	}
	const guesser = "198.51.100.66"
	statuses := map[int]int{}
	for i := range 200 {
		res, _ := e.do(req{method: http.MethodPost, url: "/api/v1/surveys/khao-sat/responses", body: codedBody(fmt.Sprintf("AAAAA-%05d", i)), remote: guesser})
		statuses[res.StatusCode]++
		if res.StatusCode == 429 && res.Header.Get("Retry-After") == "" {
			t.Fatal("429 without Retry-After")
		}
	}
	if statuses[422] > surveys.ClientCodeFailures || statuses[429] < 195 {
		t.Errorf("200 wrong codes from one address: %v; want at most %d checked (422), the rest 429", statuses, surveys.ClientCodeFailures)
	}
	// The guesser's next code is not even checked; another address's is.
	if res, _ := e.do(req{method: http.MethodPost, url: "/api/v1/surveys/khao-sat/responses", body: codedBody(codes[0]), remote: guesser}); res.StatusCode != 429 {
		t.Errorf("a valid code from the guesser: %d, want 429", res.StatusCode)
	}
	if res, body := e.do(req{method: http.MethodPost, url: "/api/v1/surveys/khao-sat/responses", body: codedBody(codes[0]), remote: "192.0.2.70"}); res.StatusCode != 201 {
		t.Errorf("a valid code from elsewhere: %d %s", res.StatusCode, body)
	}

	// Fifty wrong codes at once from one address: a handful checked.
	var mu sync.Mutex
	parallel := map[int]int{}
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Go(func() {
			res, _ := e.do(req{method: http.MethodPost, url: "/api/v1/surveys/khao-sat/responses", body: codedBody(fmt.Sprintf("BBBBB-%05d", i)), remote: "198.51.100.67"})
			mu.Lock()
			parallel[res.StatusCode]++
			mu.Unlock()
		})
	}
	wg.Wait()
	if parallel[422] > surveys.ClientCodeFailures || parallel[422]+parallel[429] != 50 {
		t.Errorf("50 parallel wrong codes: %v; want at most %d checked", parallel, surveys.ClientCodeFailures)
	}

	// Guessing from many addresses uses up the survey's failures: then an
	// address that failed is refused at its next code, a clean one is
	// still checked.
	for i := range surveys.SurveyCodeFailures + 20 {
		e.do(req{method: http.MethodPost, url: "/api/v1/surveys/khao-sat/responses", body: codedBody(fmt.Sprintf("CCCCC-%05d", i)), remote: fmt.Sprintf("10.1.%d.%d", i/250, i%250+1)})
	}
	if res, _ := e.do(req{method: http.MethodPost, url: "/api/v1/surveys/khao-sat/responses", body: codedBody(codes[1]), remote: "10.1.0.1"}); res.StatusCode != 429 {
		t.Errorf("an address with a failure, survey failures used up: %d, want 429", res.StatusCode)
	}
	if res, body := e.do(req{method: http.MethodPost, url: "/api/v1/surveys/khao-sat/responses", body: codedBody(codes[1]), remote: "192.0.2.71"}); res.StatusCode != 201 {
		t.Errorf("a clean address, survey failures used up: %d %s", res.StatusCode, body)
	}
	if got := e.count(nil); got != 2 {
		t.Errorf("%d responses stored, want the 2 valid codes", got)
	}
}

// TestRegisteredKiosk: the secretariat registers a kiosk and gets its link;
// the kiosk keeps its token and is limited as a device, not by the address
// it shares with the phones at the desk. A revoked kiosk is an address
// again.
func TestRegisteredKiosk(t *testing.T) {
	e := newSurveyEnv(t, surveyOpts{admin: true, rate: 3, rules: &surveys.Rules{}})
	admin := e.admin
	e.expect(req{url: "/admin/surveys/campaigns/khao-sat/kiosks", header: admin}, 200, "Máy kiosk đã đăng ký", "Chưa có máy kiosk nào")
	e.expect(req{method: http.MethodPost, url: "/admin/surveys/campaigns/khao-sat/kiosks", header: admin,
		form: url.Values{"unit": {"X1"}, "name": {" "}}}, 422, "Vui lòng đặt tên cho máy kiosk")
	e.expect(req{method: http.MethodPost, url: "/admin/surveys/campaigns/khao-sat/kiosks", header: admin,
		form: url.Values{"unit": {"NOPE"}, "name": {"Quầy 1"}}}, 422, "Cuộc khảo sát không bao gồm đơn vị đã chọn.")
	page := e.expect(req{method: http.MethodPost, url: "/admin/surveys/campaigns/khao-sat/kiosks", header: admin,
		form: url.Values{"unit": {"X1"}, "name": {"Quầy 1, bộ phận một cửa xã"}}}, 201,
		"Đã đăng ký máy kiosk “Quầy 1, bộ phận một cửa xã”.", "Đường dẫn chỉ hiển thị lần này", "Đang dùng")
	m := regexp.MustCompile(`href="http://example\.com(/k/khao-sat/X1\?device=[A-Za-z0-9_-]+)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no kiosk link on the page:\n%s", clip(page))
	}
	// The public cannot reach the kiosk pages (the other roles: roles_test.go).
	e.expect(req{url: "/admin/surveys/campaigns/khao-sat/kiosks"}, 303)
	e.expect(req{method: http.MethodPost, url: "/admin/surveys/campaigns/khao-sat/kiosks", form: url.Values{"unit": {"X1"}, "name": {"x"}}}, 401)

	// The kiosk opens its link: the token goes into a cookie of the kiosk
	// path, and the address bar comes back to the plain link.
	res, _ := e.do(req{url: m[1]})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/k/khao-sat/X1" {
		t.Fatalf("kiosk link: %d → %s", res.StatusCode, res.Header.Get("Location"))
	}
	var cookie *http.Cookie
	for _, ck := range res.Cookies() {
		if ck.Name == "parindex_kiosk" {
			cookie = ck
		}
	}
	if cookie == nil || cookie.Path != "/k/khao-sat/X1" || !cookie.HttpOnly {
		t.Fatalf("kiosk cookie: %+v", cookie)
	}
	const centre = "203.0.113.30" // the desk's address, shared with the phones
	kiosk := map[string]string{"Cookie": cookie.Name + "=" + cookie.Value}
	for i := range 20 {
		res, body := e.do(req{method: http.MethodPost, url: "/k/khao-sat/X1", form: url.Values{"q_Q1": {"4"}}, remote: centre, header: kiosk})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("registered kiosk, answer %d: %d\n%s", i+1, res.StatusCode, clip(body))
		}
	}
	// A phone at the same address is limited by the address (3 a minute).
	phone := 0
	for range 5 {
		if res, _ := e.do(req{method: http.MethodPost, url: "/s/khao-sat/X1", form: url.Values{"q_Q1": {"4"}}, remote: centre}); res.StatusCode == http.StatusSeeOther {
			phone++
		}
	}
	if phone != 3 {
		t.Errorf("%d of 5 phone answers from the centre's address stored, want 3", phone)
	}
	// A kiosk link with a made-up token is an unregistered kiosk.
	e.expect(req{url: "/k/khao-sat/X1?device=gia-mao"}, 200, `action="/k/khao-sat/X1"`)
	if res, _ := e.do(req{method: http.MethodPost, url: "/k/khao-sat/X1", form: url.Values{"q_Q1": {"4"}}, remote: centre,
		header: map[string]string{"Cookie": "parindex_kiosk=gia-mao"}}); res.StatusCode != http.StatusTooManyRequests {
		t.Errorf("a forged kiosk token: %d, want 429 (the address's limit)", res.StatusCode)
	}
	// Revoked: the kiosk is its address again.
	id := regexp.MustCompile(`/kiosks/(\d+)/revoke`).FindStringSubmatch(page)
	if id == nil {
		t.Fatal("no revoke button")
	}
	e.expect(req{method: http.MethodPost, url: "/admin/surveys/campaigns/khao-sat/kiosks/" + id[1] + "/revoke", header: admin}, 303)
	e.expect(req{url: "/admin/surveys/campaigns/khao-sat/kiosks?msg=revoked", header: admin}, 200, "Đã thu hồi máy kiosk", "Đã thu hồi lúc")
	e.expect(req{method: http.MethodPost, url: "/admin/surveys/campaigns/khao-sat/kiosks/999/revoke", header: admin}, 404)
	if res, _ := e.do(req{method: http.MethodPost, url: "/k/khao-sat/X1", form: url.Values{"q_Q1": {"4"}}, remote: centre, header: kiosk}); res.StatusCode != http.StatusTooManyRequests {
		t.Errorf("a revoked kiosk: %d, want 429 (the address's limit)", res.StatusCode)
	}
	if n := e.count(func(r surveys.Response) bool { return r.Unit == "X1" }); n != 23 {
		t.Errorf("%d responses for X1, want 23", n)
	}
	// Only the token's hash is stored.
	if !strings.HasSuffix(m[1], cookie.Value) {
		t.Errorf("the cookie %q is not the link's token %q", cookie.Value, m[1])
	}
}

// TestOneCodeFiftyClients: a one-time code sent by 50 clients at once is
// stored once; the others are told it was used (409). It held in issue 11's
// review and stays a regression test.
func TestOneCodeFiftyClients(t *testing.T) {
	e := newSurveyEnv(t, surveyOpts{rate: 10, rules: &surveys.Rules{}})
	codes, err := e.svc.NewCodes(t.Context(), "khao-sat", "S1", 1)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	statuses := map[int]int{}
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range 50 {
		wg.Go(func() {
			<-start
			res, _ := e.do(req{method: http.MethodPost, url: "/api/v1/surveys/khao-sat/responses", body: codedBody(codes[0]), remote: fmt.Sprintf("192.0.2.%d", i+1)})
			mu.Lock()
			statuses[res.StatusCode]++
			mu.Unlock()
		})
	}
	close(start)
	wg.Wait()
	if statuses[201] != 1 || statuses[409] != 49 {
		t.Errorf("one code from 50 clients at once: %v, want one 201 and 49 × 409", statuses)
	}
	if n := e.count(nil); n != 1 {
		t.Errorf("%d responses stored", n)
	}
}
