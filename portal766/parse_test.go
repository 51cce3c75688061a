package portal766_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/domain/problem"
	"github.com/parindex/parindex/portal766"
	"github.com/parindex/parindex/scoring"
)

// A small province P (id p) with a department D (id d) and a commune C (id
// c), in the portal's two shapes: a tree answer that carries the codes and an
// evaluation answer that carries only the ids.
const progressJSON = `{"code":"OK","message":"OK","data":{
 "parent":{"departmentId":"p","departmentName":"UBND tỉnh","departmentCode":"P","totalReceived":300,"totalOnTime":250,"totalCompleted":280,"avgProcessingDays":4.1,"ratio":83.33,"totalScore":16.67,"totalMaxScore":20},
 "children":[
  {"departmentId":"d","departmentName":"Sở Tư pháp","departmentCode":"P.01","level":"PROVINCE","totalReceived":161,"totalOnTime":156,"totalOverdue":5,"avgProcessingDays":6.82,"ratio":96.89,"score":19.38,"maxScore":20,"scoreDelta":null},
  {"departmentId":"c","departmentName":"UBND xã Hạ Hòa","departmentCode":"P.100","level":"COMMUNE","totalReceived":0,"totalOnTime":0,"totalOverdue":0,"avgProcessingDays":0,"ratio":0,"score":0,"maxScore":20,"scoreDelta":null}],
 "monthlyChart":[]}}`

const transparencyJSON = `{"code":"OK","message":"OK","data":{
 "overview":{"departmentId":"p","departmentName":"UBND tỉnh","departmentLevel":"PROVINCE","totalScore":7.96,"totalMaxScore":18,"metrics":[
   {"code":"PUBLIC_CONTENT_FULL","numerator":87,"denominator":89,"ratio":97.75,"score":1.96,"maxScore":2}]},
 "evaluation":[
  {"departmentId":"d","departmentName":"Sở Tư pháp","departmentLevel":"PROVINCE","totalScore":7.96,"totalMaxScore":18,"metrics":[
   {"code":"PUBLISH_ON_TIME","numerator":0,"denominator":0,"ratio":null,"score":null,"maxScore":6},
   {"code":"PUBLIC_CONTENT_FULL","numerator":87,"denominator":89,"ratio":97.75,"score":1.96,"maxScore":2},
   {"code":"DOSSIER_SYNC","numerator":96,"denominator":96,"ratio":100,"score":6,"maxScore":6}]},
  {"departmentId":"c","departmentName":"UBND xã Hạ Hòa","departmentLevel":"COMMUNE","totalScore":1.96,"totalMaxScore":18,"metrics":[
   {"code":"PUBLIC_CONTENT_FULL","numerator":87,"denominator":89,"ratio":97.75,"score":1.96,"maxScore":2}]}],
 "pagination":{"total":2,"currentPage":1,"pageSize":200,"totalPages":1}}}`

func mustParse(t *testing.T, file, src string) *portal766.Answer {
	t.Helper()
	a, err := portal766.Parse(file, []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func d(s string) scoring.Decimal {
	v, err := scoring.ParseDecimal(s)
	if err != nil {
		panic(err)
	}
	return v
}

func TestParseAndCombine(t *testing.T) {
	prog := mustParse(t, "dvc.json", progressJSON)
	tr := mustParse(t, "tr.json", transparencyJSON)
	if prog.Kind != portal766.Progress || tr.Kind != portal766.Transparency || len(prog.Records) != 3 || len(tr.Records) != 3 {
		t.Fatalf("kinds %s %s, records %d %d", prog.Kind, tr.Kind, len(prog.Records), len(tr.Records))
	}
	if r := tr.Records[1]; r.Code != "" || r.ID != "d" || r.Where != "evaluation[0] (Sở Tư pháp)" || r.Official["PUBLISH_ON_TIME"] != nil ||
		!r.Official["DOSSIER_SYNC"].Equal(d("6")) || !r.Total.Equal(d("7.96")) {
		t.Errorf("transparency record = %+v", r)
	}
	b, err := portal766.Combine([]*portal766.Answer{tr, prog})
	if err != nil {
		t.Fatal(err)
	}
	units := b.DomainUnits()
	want := []domain.Unit{
		{Code: "P", Name: "UBND tỉnh", Group: "PROVINCE"},
		{Code: "P.01", Name: "Sở Tư pháp", Group: "PROVINCE", Parent: "P"},
		{Code: "P.100", Name: "UBND xã Hạ Hòa", Group: "COMMUNE", Parent: "P"},
	}
	if len(units) != len(want) {
		t.Fatalf("units = %+v", units)
	}
	for i := range want {
		if units[i] != want[i] {
			t.Errorf("unit %d = %+v, want %+v", i, units[i], want[i])
		}
	}
	var got []string
	for _, in := range b.DomainInputs("2026-08") {
		got = append(got, in.Period+" "+in.Unit+" "+in.Name+"="+in.Value.String())
	}
	// The department's id-only transparency counts joined its code; the
	// province's own counts are not inputs (it is not ranked).
	wantInputs := []string{
		"2026-08 P.01 dossier_sync_den=96", "2026-08 P.01 dossier_sync_num=96",
		"2026-08 P.01 progress_avg_days=6.82", "2026-08 P.01 progress_on_time=156", "2026-08 P.01 progress_overdue=5", "2026-08 P.01 progress_received=161",
		"2026-08 P.01 public_content_full_den=89", "2026-08 P.01 public_content_full_num=87",
		"2026-08 P.01 publish_on_time_den=0", "2026-08 P.01 publish_on_time_num=0",
		"2026-08 P.100 progress_avg_days=0", "2026-08 P.100 progress_on_time=0", "2026-08 P.100 progress_overdue=0", "2026-08 P.100 progress_received=0",
		"2026-08 P.100 public_content_full_den=89", "2026-08 P.100 public_content_full_num=87",
	}
	if strings.Join(got, "\n") != strings.Join(wantInputs, "\n") {
		t.Errorf("inputs:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(wantInputs, "\n"))
	}
	// Scored with the 766 set: 20 × 156/161 = 19.3788… → 19.38, the portal's.
	_, fw, err := portal766.CriteriaSet("2026-08", "PROVINCE")
	if err != nil {
		t.Fatal(err)
	}
	res := scoring.Evaluate(fw, b.Units[0].UnitData(), scoring.StageFinal)
	for code, want := range map[string]string{"progress": "19.38", "transparency.public_content_full": "1.96",
		"transparency.dossier_sync": "6", "transparency.publish_on_time": "0", "transparency": "7.96"} {
		if got := res.Nodes[code].Points; !got.Equal(d(want)) {
			t.Errorf("%s = %s, want %s", code, got, want)
		}
	}
	// The commune with no dossier scores 0 for progress, as the portal shows.
	if got := scoring.Evaluate(fw, b.Units[1].UnitData(), scoring.StageFinal).Nodes["progress"].Points; !got.IsZero() {
		t.Errorf("no dossier: progress = %s", got)
	}
}

func problems(t *testing.T, err error) string {
	t.Helper()
	var pe *problem.List
	if !errors.As(err, &pe) {
		t.Fatalf("want a *problem.List, got %v", err)
	}
	return err.Error()
}

func TestParseRejects(t *testing.T) {
	cases := []struct{ name, src, want string }{
		{"empty", "", "f.json: the file is empty"},
		{"not JSON", "{", "f.json: is not JSON"},
		{"error envelope", `{"code":"UNAUTHORIZED","message":"token expired"}`, `f.json: the portal did not answer OK (code UNAUTHORIZED, message "token expired")`},
		{"a catalogue", `{"code":"OK","data":{"content":[],"totalElements":0}}`, "f.json: is not an evaluation answer of Decision 766"},
		{"one page of several", strings.Replace(transparencyJSON, `"totalPages":1`, `"totalPages":3`, 1),
			"f.json: pagination: the answer is one page of 3"},
		{"unknown metric", strings.Replace(transparencyJSON, `"DOSSIER_SYNC"`, `"DOSSIER_TELEPORT"`, 1),
			"f.json: evaluation[0] (Sở Tư pháp): metric DOSSIER_TELEPORT is not one the 766 criteria set knows (transparency group)"},
		{"negative count", strings.Replace(progressJSON, `"totalOnTime":156`, `"totalOnTime":-156`, 1),
			"f.json: children[0] (Sở Tư pháp): totalOnTime is negative (-156)"},
		{"missing count", strings.Replace(progressJSON, `"totalOnTime":156,`, ``, 1),
			"f.json: children[0] (Sở Tư pháp): totalOnTime is missing"},
		{"count as text", strings.Replace(progressJSON, `"totalReceived":161`, `"totalReceived":"161"`, 1),
			"f.json: children[0] (Sở Tư pháp): totalReceived is not a number (161)"},
		{"unknown level", strings.Replace(progressJSON, `"level":"COMMUNE"`, `"level":"DISTRICT"`, 1),
			`f.json: children[1] (UBND xã Hạ Hòa): level "DISTRICT" must be PROVINCE or COMMUNE`},
		{"bad code", strings.Replace(progressJSON, `"P.100"`, `"P 100"`, 1),
			`f.json: children[1] (UBND xã Hạ Hòa): departmentCode "P 100" may hold only letters`},
		{"half a ratio", strings.Replace(transparencyJSON, `"numerator":96,`, `"numerator":null,`, 1),
			"f.json: evaluation[0] (Sở Tư pháp): metric DOSSIER_SYNC: has a numerator or a denominator but not both"},
		{"a changed weight", strings.Replace(transparencyJSON, `"score":6,"maxScore":6`, `"score":6,"maxScore":8`, 1),
			"f.json: evaluation[0] (Sở Tư pháp): metric DOSSIER_SYNC: maxScore is 8 but the 766 criteria set gives 6 points"},
		{"a changed group maximum", strings.Replace(progressJSON, `"totalMaxScore":20`, `"totalMaxScore":25`, 1),
			"f.json: parent (UBND tỉnh): totalMaxScore is 25 but the 766 criteria set gives 20 points"},
		{"no id", strings.Replace(progressJSON, `"departmentId":"d",`, ``, 1), "f.json: children[0] (Sở Tư pháp): departmentId is missing"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := portal766.Parse("f.json", []byte(c.src))
			if got := problems(t, err); !strings.Contains(got, c.want) {
				t.Errorf("error:\n%s\nwant %q", got, c.want)
			}
		})
	}
}

func TestCombineRejects(t *testing.T) {
	prog := mustParse(t, "dvc.json", progressJSON)
	tr := mustParse(t, "tr.json", transparencyJSON)
	other := mustParse(t, "dvc2.json", strings.Replace(progressJSON, `"departmentCode":"P.01"`, `"departmentCode":"P.02"`, 1))
	moved := mustParse(t, "pay.json", strings.NewReplacer(`"totalReceived":161,"totalOnTime":156,"totalOverdue":5`, `"totalDossierOnlinePaymentSuccess":1,"totalDossierFinancialObligation":2,"totalDossierOnlineFormalityPaymentSuccess":0,"totalFeeDossierFormality":0,"totalFeeFormality":1`,
		`"totalReceived":300,"totalOnTime":250`, `"totalDossierOnlinePaymentSuccess":1,"totalDossierFinancialObligation":2,"totalDossierOnlineFormalityPaymentSuccess":0,"totalFeeDossierFormality":0,"totalFeeFormality":1`,
		`"totalReceived":0,"totalOnTime":0,"totalOverdue":0`, `"totalDossierOnlinePaymentSuccess":0,"totalDossierFinancialObligation":0,"totalDossierOnlineFormalityPaymentSuccess":0,"totalFeeDossierFormality":0,"totalFeeFormality":1`,
		`"level":"PROVINCE"`, `"level":"COMMUNE"`, `"maxScore":20`, `"maxScore":10`, `"totalMaxScore":20`, `"totalMaxScore":10`).Replace(progressJSON))
	if moved.Kind != portal766.Payment {
		t.Fatalf("kind %s", moved.Kind)
	}
	cases := []struct {
		name    string
		answers []*portal766.Answer
		want    string
	}{
		{"ids only", []*portal766.Answer{tr}, "tr.json: evaluation[0] (Sở Tư pháp): departmentId d has no departmentCode in this answer"},
		{"one group twice", []*portal766.Answer{prog, prog}, "dvc.json: is a second progress answer (dvc.json is the first)"},
		{"an id with two codes", []*portal766.Answer{prog, func() *portal766.Answer { a := *other; a.Kind = portal766.Online; return &a }()},
			"dvc2.json: children[0] (Sở Tư pháp): departmentId d has the code P.02, but dvc.json: children[0] (Sở Tư pháp) gives it P.01"},
		{"a unit at two levels", []*portal766.Answer{prog, moved}, "pay.json: children[0] (Sở Tư pháp): unit P.01 is at level COMMUNE here but PROVINCE in dvc.json"},
		{"a unit twice in one answer", []*portal766.Answer{mustParse(t, "dup.json", strings.Replace(progressJSON, `"departmentId":"c"`, `"departmentId":"d"`, 1))},
			"dup.json: children[1] (UBND xã Hạ Hòa): departmentId d appears twice in the answer (first at children[0] (Sở Tư pháp))"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := portal766.Combine(c.answers)
			if got := problems(t, err); !strings.Contains(got, c.want) {
				t.Errorf("error:\n%s\nwant %q", got, c.want)
			}
		})
	}
}

func TestCriteriaSet(t *testing.T) {
	for _, c := range []struct{ period, group string }{{"2026", "PROVINCE"}, {"2026-Q3", "COMMUNE"}, {"2026-08", "PROVINCE"}} {
		src, fw, err := portal766.CriteriaSet(c.period, c.group)
		if err != nil {
			t.Fatal(err)
		}
		if fw.Period != c.period || fw.Group != c.group || !fw.Max().Equal(scoring.NewInt(100)) ||
			!strings.Contains(string(src), "period: \""+c.period+"\"\n") || !strings.Contains(fw.Name, "kỳ "+c.period) {
			t.Errorf("%s %s: period %s group %s max %s name %q", c.period, c.group, fw.Period, fw.Group, fw.Max(), fw.Name)
		}
		var top []string
		for _, it := range fw.Items {
			top = append(top, it.Code+"="+it.Max.String())
		}
		if got := strings.Join(top, " "); got != "transparency=18 progress=20 online=12 digitization=22 satisfaction=18 payment=10" {
			t.Errorf("top-level items: %s", got)
		}
		metrics := 0
		for _, l := range fw.Leaves() {
			if l.Metric != "" {
				metrics++
			}
			if !l.HasRound || l.Round != 2 {
				t.Errorf("leaf %s is not rounded to two decimals", l.Code)
			}
		}
		if metrics != 14 || len(fw.Leaves()) != 17 {
			t.Errorf("%d leaves, %d with a metric code; want 17 and 14", len(fw.Leaves()), metrics)
		}
	}
	for _, bad := range [][2]string{{"2026-13", "PROVINCE"}, {"26", "PROVINCE"}, {"2026-Q5", "COMMUNE"}, {"2026", "SO"}} {
		if _, _, err := portal766.CriteriaSet(bad[0], bad[1]); err == nil {
			t.Errorf("CriteriaSet(%q, %q) succeeded", bad[0], bad[1])
		}
	}
}

// Every input the parser produces is declared by the criteria set, so the
// self-assessment page and the Excel template have a label for each.
func TestInputsDeclared(t *testing.T) {
	_, fw, err := portal766.CriteriaSet("2026", "PROVINCE")
	if err != nil {
		t.Fatal(err)
	}
	declared := map[string]string{}
	for _, in := range fw.Inputs {
		declared[in.Name] = in.Label
	}
	b, err := portal766.Combine([]*portal766.Answer{mustParse(t, "dvc.json", progressJSON), mustParse(t, "tr.json", transparencyJSON)})
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range b.DomainInputs("2026") {
		if declared[in.Name] == "" {
			t.Errorf("input %s is not declared with a label", in.Name)
		}
	}
}

// FuzzParse: whatever the bytes, Parse and Combine return an answer or an
// error, never a panic.
func FuzzParse(f *testing.F) {
	f.Add([]byte(progressJSON))
	f.Add([]byte(transparencyJSON))
	f.Add([]byte(`{"code":"OK","data":{"parent":{},"children":[null,1,"x",{}]}}`))
	f.Add([]byte(`{"code":"OK","data":{"overview":{"metrics":[{"code":"DOSSIER_SYNC","numerator":1e400}]},"evaluation":[]}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := portal766.Parse("f.json", data)
		if err != nil {
			return
		}
		_, _ = portal766.Combine([]*portal766.Answer{a})
	})
}
