package web_test

import (
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/parindex/parindex/domain"
)

// sourceOf reads, from a unit's assessment, a computed leaf's input: its
// value ("" when missing) and version.
func sourceOf(t *testing.T, c *client, unit, item, name string) (value string, version int64) {
	t.Helper()
	code, body := c.json(http.MethodGet, "/api/v1/periods/2025/units/"+unit+"/assessment", nil)
	if code != http.StatusOK {
		t.Fatalf("assessment of %s: %d %s", unit, code, body)
	}
	var a struct {
		Items []json.RawMessage `json:"items"`
	}
	if err := json.Unmarshal([]byte(body), &a); err != nil {
		t.Fatal(err)
	}
	type node struct {
		Code    string `json:"code"`
		Sources []struct {
			Name    string           `json:"name"`
			Value   *json.RawMessage `json:"value"`
			Version int64            `json:"version"`
		} `json:"sources"`
		Items []json.RawMessage `json:"items"`
	}
	var find func(raw []json.RawMessage) (string, int64, bool)
	find = func(raw []json.RawMessage) (string, int64, bool) {
		for _, r := range raw {
			var n node
			if err := json.Unmarshal(r, &n); err != nil {
				t.Fatal(err)
			}
			if n.Code == item {
				for _, s := range n.Sources {
					if s.Name == name {
						v := ""
						if s.Value != nil {
							v = string(*s.Value)
						}
						return v, s.Version, true
					}
				}
			}
			if v, ver, ok := find(n.Items); ok {
				return v, ver, ok
			}
		}
		return "", 0, false
	}
	v, ver, ok := find(a.Items)
	if !ok {
		t.Fatalf("item %s of %s has no source %s: %s", item, unit, name, body)
	}
	return v, ver
}

// selfTotal reads a unit's self-assessed total points.
func selfTotal(t *testing.T, c *client, unit string) string {
	t.Helper()
	_, body := c.json(http.MethodGet, "/api/v1/periods/2025/units/"+unit+"/assessment", nil)
	var a struct {
		Totals map[string]struct {
			Points json.Number `json:"points"`
		} `json:"totals"`
	}
	if err := json.Unmarshal([]byte(body), &a); err != nil {
		t.Fatal(err)
	}
	return a.Totals["self"].Points.String()
}

// TestInputsWhoAndWhen walks who may enter a unit's measured inputs, when,
// and with what values; each attempt sends the version it read.
func TestInputsWhoAndWhen(t *testing.T) {
	p := newProvince(t)
	admin, officer := p.as("admin"), p.as("officer1")
	put := func(c *client, name string, body map[string]any) (int, string) {
		return c.json(http.MethodPut, "/api/v1/periods/2025/units/U1/inputs/"+name, body)
	}
	steps := []struct {
		name  string
		phase domain.Phase
		user  string
		input string
		body  map[string]any // "version" is added, read just before
		want  int
	}{
		{"the unit's officer in self-assessment", domain.PhaseSelfAssessment, "officer1", "on_time", map[string]any{"value": 95}, 200},
		{"a string holding a number is accepted", domain.PhaseSelfAssessment, "officer1", "received", map[string]any{"value": "120"}, 200},
		{"another unit's officer", domain.PhaseSelfAssessment, "officer2", "on_time", map[string]any{"value": 1}, 403},
		{"an appraiser", domain.PhaseSelfAssessment, "appraiser", "on_time", map[string]any{"value": 1, "reason": "x"}, 403},
		{"the committee", domain.PhaseSelfAssessment, "committee", "on_time", map[string]any{"value": 1, "reason": "x"}, 403},
		{"negative", domain.PhaseSelfAssessment, "officer1", "on_time", map[string]any{"value": -1}, 422},
		{"not a number", domain.PhaseSelfAssessment, "officer1", "on_time", map[string]any{"value": "chín mươi"}, 422},
		{"no value", domain.PhaseSelfAssessment, "officer1", "on_time", map[string]any{"reason": "x"}, 422},
		{"breaks the set's rule on_time <= received", domain.PhaseSelfAssessment, "officer1", "on_time", map[string]any{"value": 121}, 422},
		{"an input no leaf reads", domain.PhaseSelfAssessment, "officer1", "staff", map[string]any{"value": 3}, 404},
		{"the secretariat without a reason", domain.PhaseSelfAssessment, "admin", "received", map[string]any{"value": 125}, 422},
		{"the secretariat with a reason", domain.PhaseSelfAssessment, "admin", "received", map[string]any{"value": 125, "reason": "Đối chiếu hệ thống một cửa"}, 200},
		{"the officer after the self-assessment", domain.PhaseAppraisal, "officer1", "on_time", map[string]any{"value": 96}, 409},
		{"an appraiser during appraisal", domain.PhaseAppraisal, "appraiser", "on_time", map[string]any{"value": 96, "reason": "x"}, 403},
		{"the secretariat during appraisal", domain.PhaseAppraisal, "admin", "on_time", map[string]any{"value": 96, "reason": "Số liệu quý IV"}, 200},
	}
	for _, st := range steps {
		p.setPhase(st.phase)
		body := map[string]any{"version": 0}
		if st.input != "staff" {
			_, body["version"] = sourceOf(t, admin, "U1", "2.1", st.input)
		}
		for k, v := range st.body {
			body[k] = v
		}
		code, resp := put(p.as(st.user), st.input, body)
		p.wantStatus(st.name, code, resp, st.want)
	}
	if v, _ := sourceOf(t, officer, "U1", "2.1", "on_time"); v != "96" {
		t.Errorf("on_time = %s, want 96", v)
	}
	if v, _ := sourceOf(t, officer, "U1", "2.1", "received"); v != "125" {
		t.Errorf("received = %s, want 125", v)
	}
	// Published: frozen for everyone.
	p.setPhase(domain.PhaseFinalAppraisal)
	code, body := p.as("committee").json(http.MethodPost, "/api/v1/periods/2025/publication",
		map[string]string{"decision_no": "12/QĐ-UBND", "decision_date": "2025-11-28", "override": "thử nghiệm"})
	p.wantStatus("publish", code, body, 201)
	_, version := sourceOf(t, admin, "U1", "2.1", "on_time")
	code, body = put(admin, "on_time", map[string]any{"value": 97, "reason": "x", "version": version})
	p.wantStatus("the secretariat after publication", code, body, 409)
}

// An officer's inputs move the computed leaf's points; after submitting,
// or after the deadline, they no longer change.
func TestInputsScoreAndLock(t *testing.T) {
	p := newProvince(t)
	officer, admin := p.as("officer1"), p.as("admin")
	put := func(name string, body map[string]any) (int, string) {
		return officer.json(http.MethodPut, "/api/v1/periods/2025/units/U1/inputs/"+name, body)
	}
	// 2.1 = 30 × 90/100 = 27 from the imported counts.
	if got := selfTotal(t, officer, "U1"); got != "27" {
		t.Fatalf("self total before = %s, want 27", got)
	}
	_, v := sourceOf(t, officer, "U1", "2.1", "on_time")
	code, body := put("on_time", map[string]any{"value": 80, "version": v, "reason": "Theo sổ theo dõi một cửa"})
	p.wantStatus("on_time", code, body, 200)
	var saved struct {
		Value   json.Number `json:"value"`
		Version int64       `json:"version"`
		Author  string      `json:"author"`
	}
	if err := json.Unmarshal([]byte(body), &saved); err != nil || saved.Value.String() != "80" || saved.Version != v+1 || saved.Author != "officer1" {
		t.Errorf("saved %s", body)
	}
	if got := selfTotal(t, officer, "U1"); got != "24" {
		t.Errorf("self total after on_time = 80: %s, want 24", got)
	}
	// The same version again is stale: nothing changes.
	code, body = put("on_time", map[string]any{"value": 70, "version": v})
	p.wantStatus("stale version", code, body, 409)
	// Without a version the officer overwrites only their own value.
	code, body = put("on_time", map[string]any{"value": 85})
	p.wantStatus("own value without version", code, body, 200)
	_, rv := sourceOf(t, officer, "U1", "2.1", "received")
	code, body = admin.json(http.MethodPut, "/api/v1/periods/2025/units/U1/inputs/received", map[string]any{"value": 100, "reason": "x", "version": rv})
	p.wantStatus("secretariat, same value", code, body, 200)
	// The secretariat's save of the same value wrote nothing: received is
	// still the import's, which the officer may not overwrite unseen.
	code, body = put("received", map[string]any{"value": 110})
	p.wantStatus("someone else's value without version", code, body, 409)
	// Submitted: locked until withdrawn.
	for item, pts := range map[string]any{"1.1": 10, "1.2": 20, "3.1": 35} {
		code, body = officer.json(http.MethodPut, "/api/v1/periods/2025/units/U1/items/"+item+"/self", map[string]any{"points": pts, "comment": "Có kế hoạch số 12/KH"})
		p.wantStatus("self "+item, code, body, 200)
	}
	code, body = officer.json(http.MethodPost, "/api/v1/periods/2025/units/U1/submission", nil)
	p.wantStatus("submit", code, body, 200)
	_, v = sourceOf(t, officer, "U1", "2.1", "on_time")
	code, body = put("on_time", map[string]any{"value": 90, "version": v})
	p.wantStatus("after submission", code, body, 409)
	code, body = officer.json(http.MethodDelete, "/api/v1/periods/2025/units/U1/submission", nil)
	p.wantStatus("withdraw", code, body, 200)
	code, body = put("on_time", map[string]any{"value": 90, "version": v})
	p.wantStatus("after withdrawal", code, body, 200)
	// After the self-assessment deadline: 409.
	due := p.clock.Now().Add(time.Hour).Format(time.RFC3339)
	code, body = admin.json(http.MethodPut, "/api/v1/periods/2025/deadlines/self_assessment", map[string]any{"due_at": due})
	p.wantStatus("deadline", code, body, 204)
	p.clock.Add(2 * time.Hour)
	p.sessions = map[string]*client{}
	officer = p.as("officer1")
	code, body = officer.json(http.MethodPut, "/api/v1/periods/2025/units/U1/inputs/on_time", map[string]any{"value": 91, "version": v + 1})
	p.wantStatus("after the deadline", code, body, 409)
}

// Every change to an input is in the unit's audit, with the changes to
// points, in JSON and CSV; nothing changes the log.
func TestInputsAudit(t *testing.T) {
	p := newProvince(t)
	officer, admin := p.as("officer1"), p.as("admin")
	_, v := sourceOf(t, officer, "U1", "2.1", "on_time")
	code, body := officer.json(http.MethodPut, "/api/v1/periods/2025/units/U1/inputs/on_time", map[string]any{"value": 92, "version": v, "reason": "Sổ một cửa"})
	p.wantStatus("officer", code, body, 200)
	p.clock.Add(time.Minute)
	code, body = officer.json(http.MethodPut, "/api/v1/periods/2025/units/U1/items/1.2/self", map[string]any{"points": 15})
	p.wantStatus("points", code, body, 200)
	p.clock.Add(time.Minute)
	code, body = admin.json(http.MethodPut, "/api/v1/periods/2025/units/U1/inputs/on_time", map[string]any{"value": 91, "version": v + 1, "reason": "Đối chiếu báo cáo"})
	p.wantStatus("secretariat", code, body, 200)

	code, body = officer.json(http.MethodGet, "/api/v1/periods/2025/units/U1/audit", nil)
	p.wantStatus("audit", code, body, 200)
	var entries []struct {
		Kind  string `json:"kind"`
		Input string `json:"input"`
		Item  string `json:"item"`
		Old   *struct {
			Value  *json.Number `json:"value"`
			Points *json.Number `json:"points"`
		} `json:"old"`
		New *struct {
			Value  *json.Number `json:"value"`
			Points *json.Number `json:"points"`
		} `json:"new"`
		Reason string `json:"reason"`
		Author string `json:"author"`
		Source string `json:"source"`
	}
	if err := json.Unmarshal([]byte(body), &entries); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		switch e.Kind {
		case "input":
			old := "-"
			if e.Old != nil {
				old = e.Old.Value.String()
			}
			got = append(got, e.Input+" "+old+"->"+e.New.Value.String()+" "+e.Reason+" "+e.Author+" "+e.Source)
		case "points":
			got = append(got, e.Item+" ->"+e.New.Points.String()+" "+e.Author)
		default:
			t.Errorf("entry of kind %q", e.Kind)
		}
	}
	want := []string{
		"on_time -->90  import import", "received -->100  import import", // the set-up's import
		"on_time 90->92 Sổ một cửa officer1 web", "1.2 ->15 officer1", "on_time 92->91 Đối chiếu báo cáo admin web",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("audit:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// bom=0: the file for machines, without the byte-order mark of the
	// spreadsheet download.
	code, body = officer.json(http.MethodGet, "/api/v1/periods/2025/units/U1/audit?format=csv&bom=0", nil)
	p.wantStatus("audit csv", code, body, 200)
	recs, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 6 || strings.Join(recs[0], ",") != "id,at,period,unit,item,stage,old,new,reason,author,source,kind,input" {
		t.Fatalf("CSV: %v", recs)
	}
	if last := recs[5]; last[6] != "92" || last[7] != "91" || last[8] != "Đối chiếu báo cáo" || last[11] != "input" || last[12] != "on_time" {
		t.Errorf("CSV last row: %v", last)
	}
}

// The assessment page gives the officer an editor for each input of a
// field's computed leaves; saving the field records changed inputs, and a
// bad value comes back with the error and what was typed.
func TestInputsOnTheAssessmentPage(t *testing.T) {
	p := newWorkProvince(t)
	c := p.login(t, "canbo")
	_, body := c.get(snvPage)
	mustContain(t, "assessment page", body,
		`name="input" value="on_time"`, `name="input.on_time" type="text" inputmode="decimal" autocomplete="off" value="90"`,
		`name="orig_input.on_time" value="90"`, `name="input_version.on_time" value="1"`, `name="input_reason.on_time"`,
		`name="input.received"`, "Lưu tất cả thay đổi")
	form := func(onTime, orig, version string) url.Values {
		return url.Values{"input": {"on_time", "received"},
			"input.on_time": {onTime}, "orig_input.on_time": {orig}, "input_version.on_time": {version},
			"input_reason.on_time": {"Theo sổ một cửa tháng 12"},
			"input.received":       {"100"}, "orig_input.received": {"100"}, "input_version.received": {"1"}}
	}
	res, page := c.post(snvPage, form("95", "90", "1"))
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save field 2: %d\n%s", res.StatusCode, clip(page))
	}
	_, body = c.get(snvPage)
	mustContain(t, "after saving", body, `name="input.on_time" type="text" inputmode="decimal" autocomplete="off" value="95"`,
		`name="input_version.on_time" value="2"`, "38,00 / 40,00")
	// A bad value: 422, the page again with the error and the typed value.
	res, page = c.post(snvPage, form("150", "95", "2"))
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("on_time above received: %d\n%s", res.StatusCode, clip(page))
	}
	// (The page client unescapes the HTML it reads.)
	mustContain(t, "refused save", page, `value="150" aria-invalid="true"`, "on_time <= received", `role="alert"`)
	// The change is in the unit's audit page.
	_, audit := c.get("/work/periods/2026/units/SNV/audit")
	mustContain(t, "audit page", audit, "Số liệu đầu vào", "Theo sổ một cửa tháng 12", "canbo")
}
