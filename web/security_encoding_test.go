package web_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/parindex/parindex/surveys"
)

// TestInvalidUTF8IsRefusedBeforeAnyHandler reproduces issue 11's item 6 on
// the real store: bytes \xff\xfe in a path gave 500 on PostgreSQL (SQLSTATE
// 22021) and in a form field were stored raw on SQLite. Every such request
// is now a 400 naming where the bad text is, and nothing is stored.
func TestInvalidUTF8IsRefusedBeforeAnyHandler(t *testing.T) {
	e := newSurveyEnv(t, surveyOpts{rules: &surveys.Rules{}})
	for _, tc := range []struct {
		name string
		r    req
		want string
	}{
		{"path of a page", req{url: "/periods/%FF%FE"}, "Đường dẫn của yêu cầu chứa ký tự không hợp lệ"},
		{"path of the API", req{url: "/api/v1/periods/%FF%FE/results"}, `{"error":"Đường dẫn của yêu cầu chứa ký tự không hợp lệ (không phải UTF-8)."}`},
		{"NUL in a path", req{url: "/s/khao-sat/S1%00"}, "Đường dẫn"},
		{"query", req{url: "/api/v1/surveys?unit=%FF%FE"}, "Tham số unit"},
		{"broken query", req{url: "/s/khao-sat/S1?lang=%ZZ"}, "viết sai định dạng"},
		{"form field", req{method: http.MethodPost, url: "/s/khao-sat/S1", form: url.Values{"q_Q1": {"4"}, "q_T": {"\xff\xfe"}}},
			"Trường q_T của biểu mẫu chứa ký tự không hợp lệ"},
		{"form field name", req{method: http.MethodPost, url: "/k/khao-sat/S1", form: url.Values{"q_Q1": {"4"}, "q_\xff": {"x"}}}, "Trường q_� của biểu mẫu"},
		{"JSON with raw bytes", req{method: http.MethodPost, url: "/api/v1/surveys/khao-sat/responses", body: "{\"unit\":\"S1\",\"answers\":{\"Q1\":4,\"T\":\"\xff\xfe\"}}"},
			"Nội dung JSON chứa ký tự không hợp lệ"},
		{"JSON with a NUL escape", req{method: http.MethodPost, url: "/api/v1/surveys/khao-sat/responses", body: `{"unit":"S1","answers":{"Q1":4,"T":"a\u0000b"}}`},
			"ký tự NUL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, body := e.do(tc.r)
			if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, tc.want) {
				t.Errorf("%d, want 400 with %q:\n%s", res.StatusCode, tc.want, clip(body))
			}
		})
	}
	// The public form sent as multipart (FormValue would read it too).
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField("q_Q1", "4")
	_ = mw.WriteField("q_T", "g\xf3p \xfd")
	_ = mw.Close()
	hr := httptest.NewRequest(http.MethodPost, "/s/khao-sat/S1", &buf)
	hr.Header.Set("Content-Type", mw.FormDataContentType())
	rec := httptest.NewRecorder()
	e.srv.ServeHTTP(rec, hr)
	if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "q_T") {
		t.Errorf("multipart form with bad bytes: %d\n%s", rec.Code, clip(rec.Body.String()))
	}
	if n := e.count(nil); n != 0 {
		t.Errorf("%d responses were stored", n)
	}
	// Vietnamese text, and a JSON text that merely shows a backslash-u, go
	// through.
	e.expect(req{method: http.MethodPost, url: "/s/khao-sat/S1", form: url.Values{"q_Q1": {"4"}, "q_T": {"Tốt lắm"}}}, http.StatusSeeOther)
	e.expect(req{method: http.MethodPost, url: "/api/v1/surveys/khao-sat/responses", body: `{"unit":"S1","answers":{"Q1":5,"T":"\\u0000"}}`}, http.StatusCreated)
	if n := e.count(nil); n != 2 {
		t.Errorf("%d responses stored, want 2", n)
	}
}

// TestInvalidUTF8AtLogin: the login form's user name used to reach the
// database's query (500 on PostgreSQL).
func TestInvalidUTF8AtLogin(t *testing.T) {
	p := newWorkProvince(t)
	c := p.client(t)
	res, body := c.post("/login", url.Values{"username": {"thuong\xfftruc"}, "password": {testPassword}})
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "Trường username") {
		t.Errorf("login with bad bytes: %d\n%s", res.StatusCode, clip(body))
	}
	// An officer's comment through the assessment page's form.
	officer := p.login(t, "canbo")
	res, body = officer.post("/work/periods/2026/units/SNV/fields/1", fieldForm("self", map[string]leafTyped{"1.2": {points: "5", comment: "ghi chú \xfe"}}))
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "comment.1.2") {
		t.Errorf("a comment with bad bytes: %d\n%s", res.StatusCode, clip(body))
	}
	// An evidence file whose name is not UTF-8.
	res, body = officer.postMultipart("/work/periods/2026/units/SNV/fields/1", fieldForm("self", map[string]leafTyped{"1.1": {points: "10"}}),
		upload{field: "file.1.1", name: "k\xe9-ho\xe1ch.pdf", content: tinyPDF("x")})
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "Tên tệp trong trường file.1.1") {
		t.Errorf("a file name with bad bytes: %d\n%s", res.StatusCode, clip(body))
	}
	changes, err := p.st.Changes(t.Context(), "2026", "SNV")
	if err != nil {
		t.Fatal(err)
	}
	if len(changes) != 0 {
		t.Errorf("%d changes stored", len(changes))
	}
}
