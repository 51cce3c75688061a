package accounts_test

import (
	"bytes"
	"context"
	"errors"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/parindex/parindex/accounts"
	"github.com/parindex/parindex/auth"
	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/scoring"
)

// fakeStore keeps what an import wrote.
type fakeStore struct {
	users   []auth.User
	units   []domain.Unit
	written *accounts.Import
	sets    map[string]*scoring.Framework // period/group
}

func (f *fakeStore) Users(context.Context) ([]auth.User, error)           { return f.users, nil }
func (f *fakeStore) Units(context.Context, string) ([]domain.Unit, error) { return f.units, nil }
func (f *fakeStore) Periods(context.Context) ([]domain.Period, error) {
	return []domain.Period{{Code: "2025", Phase: domain.PhasePublished}, {Code: "2026", Phase: domain.PhaseSelfAssessment}}, nil
}
func (f *fakeStore) FrameworkGroups(_ context.Context, period string) ([]string, error) {
	var out []string
	for k := range f.sets {
		if strings.HasPrefix(k, period+"/") {
			out = append(out, strings.TrimPrefix(k, period+"/"))
		}
	}
	return out, nil
}
func (f *fakeStore) Framework(_ context.Context, period, group string) (*scoring.Framework, error) {
	if fw, ok := f.sets[period+"/"+group]; ok {
		return fw, nil
	}
	return nil, domain.NotFoundf("no set")
}
func (f *fakeStore) ImportAccounts(_ context.Context, imp accounts.Import) error {
	f.written = &imp
	return nil
}

func newStore(t *testing.T) *fakeStore {
	t.Helper()
	fw, err := scoring.ParseFramework(strings.NewReader(`period: "2026"
group: SO
items:
  - {code: "1", name: Chỉ đạo, max: 10, method: manual}
  - {code: "3", name: Thủ tục hành chính, max: 10, method: manual}
`))
	if err != nil {
		t.Fatal(err)
	}
	return &fakeStore{
		units: []domain.Unit{{Code: "STP", Name: "Sở Tư pháp", Group: "SO"}, {Code: "SNV", Name: "Sở Nội vụ", Group: "SO"},
			{Code: "SYT", Name: "Sở Y tế", Group: "SO"}, {Code: "X1", Name: "UBND xã Một", Group: "XA"}},
		users: []auth.User{{ID: 1, Username: "admin", Name: "Văn phòng", Role: auth.Admin},
			{ID: 2, Username: "cb.snv", Name: "Cán bộ cũ", Role: auth.Officer, Unit: "SNV"}},
		sets: map[string]*scoring.Framework{"2026/SO": fw},
	}
}

var admin = auth.User{ID: 1, Username: "admin", Role: auth.Admin}

// fill writes rows into a sheet of the template, from row 2 down, after
// clearing the rows the template suggested.
func fill(t *testing.T, st *fakeStore, accountsRows, assignmentRows [][]any) []byte {
	t.Helper()
	var tpl bytes.Buffer
	if err := accounts.WriteTemplate(&tpl, accounts.TemplateData{Units: st.units, Users: st.users,
		Groups: map[string]string{"SO": "Sở, ban, ngành"}}); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&tpl)
	if err != nil {
		t.Fatal(err)
	}
	for r := 2; r < 20; r++ {
		_ = f.SetSheetRow(accounts.AccountsSheet, "A"+itoa(r), &[]any{"", "", "", ""})
	}
	for i, row := range accountsRows {
		_ = f.SetSheetRow(accounts.AccountsSheet, "A"+itoa(i+2), &row)
	}
	for i, row := range assignmentRows {
		_ = f.SetSheetRow(accounts.AssignmentsSheet, "A"+itoa(i+2), &row)
	}
	var out bytes.Buffer
	if _, err := f.WriteTo(&out); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func itoa(n int) string { return strconv.Itoa(n) }

func importFile(t *testing.T, st *fakeStore, name string, data ...[]byte) (*accounts.Result, error) {
	t.Helper()
	b := &accounts.Batch{}
	for _, d := range data {
		if err := b.Read(context.Background(), name, bytes.NewReader(d)); err != nil {
			return nil, err
		}
	}
	svc := &accounts.Service{Store: st}
	return svc.Import(context.Background(), admin, b)
}

// A unit merged into another before the latest period gets no suggested
// officer: in 2026 X1 is part of X9, which does get one.
func TestTemplateFollowsLineage(t *testing.T) {
	st := newStore(t)
	st.units = append(st.units, domain.Unit{Code: "X9", Name: "UBND xã Chín", Group: "XA"})
	lin, err := scoring.NewLineage([]scoring.Link{{FromPeriod: "2025", FromUnit: "X1", ToPeriod: "2026", ToUnit: "X9"}})
	if err != nil {
		t.Fatal(err)
	}
	var tpl bytes.Buffer
	periods := []domain.Period{{Code: "2026"}, {Code: "2025"}}
	if err := accounts.WriteTemplate(&tpl, accounts.TemplateData{Units: st.units, Users: st.users, Periods: periods, Lineage: lin}); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&tpl)
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows(accounts.AccountsSheet)
	var suggested []string
	for _, r := range rows[1:] {
		suggested = append(suggested, r[3])
	}
	if strings.Join(suggested, " ") != "STP SYT X9" {
		t.Errorf("suggested officers of %q, want STP SYT X9", suggested)
	}
	// Every unit is still there to pick from.
	if all, _ := f.GetRows("Đơn vị"); len(all) != 6 {
		t.Errorf("units sheet: %d rows, want 5 units and the header", len(all))
	}
}

// The template suggests a row for every unit without an officer; filled
// in, it creates the accounts with first passwords to change, updates the
// existing one, and replaces the appraisers' assignments.
func TestImportWorkbook(t *testing.T) {
	st := newStore(t)
	var tpl bytes.Buffer
	if err := accounts.WriteTemplate(&tpl, accounts.TemplateData{Units: st.units, Users: st.users}); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&tpl)
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows(accounts.AccountsSheet)
	// SNV has an officer: STP, SYT and X1 get a suggested row.
	if len(rows) != 4 || rows[0][0] != "Tên đăng nhập" || rows[1][0] != "cb.stp" || rows[1][2] != "officer" || rows[3][3] != "X1" {
		t.Fatalf("template rows %q", rows)
	}

	data := fill(t, st, [][]any{
		{"cb.stp", "Trần Văn Minh", "officer", "STP"},
		{"CB.SYT", "Lê Thị Hoa", "officer", "SYT"},
		{"cb.snv", "Nguyễn Thị Lan", "officer", "SNV"}, // exists: renamed
		{"td.an", "Phạm Văn An", "appraiser", ""},
		{"td.binh", "Võ Thị Bình", "appraiser", ""},
	}, [][]any{
		{"2026", "td.an", "STP", ""},
		{"2026", "td.an", "SYT", "3"},
		{"2026", "td.binh", "", ""}, // every unit
	})
	res, err := importFile(t, st, "tai-khoan.xlsx", data)
	if err != nil {
		t.Fatal(err)
	}
	w := st.written
	if len(res.Created) != 4 || len(w.Create) != 4 || len(w.Update) != 1 || w.Update[0].Name != "Nguyễn Thị Lan" || w.Update[0].ID != 2 {
		t.Fatalf("result %+v, written %+v", res, w)
	}
	pw := regexp.MustCompile(`^[a-hj-km-np-z2-9]{4}-[a-hj-km-np-z2-9]{4}-[a-hj-km-np-z2-9]{4}$`)
	seen := map[string]bool{}
	for i, c := range res.Created {
		u := w.Create[i]
		if !pw.MatchString(c.Password) || seen[c.Password] || !u.MustChangePassword || !auth.VerifyPassword(u.PasswordHash, c.Password) {
			t.Errorf("account %s: password %q, must change %v", c.Username, c.Password, u.MustChangePassword)
		}
		seen[c.Password] = true
	}
	if res.Created[1].Username != "cb.syt" || res.Created[0].UnitName != "Sở Tư pháp" {
		t.Errorf("created %+v", res.Created)
	}
	if len(w.Assignments) != 2 || w.Assignments[0].Username != "td.an" || len(w.Assignments[0].Assignments) != 2 ||
		w.Assignments[0].Assignments[1].Field != "3" || w.Assignments[1].Username != "td.binh" || len(w.Assignments[1].Assignments) != 0 {
		t.Errorf("assignments %+v", w.Assignments)
	}
}

// A file with one bad value is refused whole, each problem named with its
// sheet, row and column.
func TestImportRefusesBadRows(t *testing.T) {
	st := newStore(t)
	data := fill(t, st, [][]any{
		{"cb.stp", "Trần Văn Minh", "officer", "STP"},
		{"cb.sxd", "Không rõ", "chief", ""},          // row 3: bad role
		{"cb.x", "Đơn vị lạ", "officer", "NOPE"},     // row 4: unknown unit
		{"Tên Có Dấu", "x", "committee", ""},         // row 5: bad user name
		{"cb.stp", "Lặp lại", "officer", "STP"},      // row 6: twice
		{"td.an", "Phạm Văn An", "appraiser", "STP"}, // row 7: an appraiser with a unit
	}, [][]any{
		{"2027", "td.an", "", ""},     // row 2: no such period
		{"2026", "cb.stp", "STP", ""}, // row 3: not an appraiser
		{"2026", "nobody", "", ""},    // row 4: no such account
		{"2026", "admin", "", "9"},    // row 5: admin, and no field 9
	})
	_, err := importFile(t, st, "tai-khoan.xlsx", data)
	var list *domain.ProblemList
	if !errors.As(err, &list) || !errors.Is(err, domain.ErrInvalid) {
		t.Fatalf("want a problem list, got %v", err)
	}
	if st.written != nil {
		t.Fatalf("a refused file wrote %+v", st.written)
	}
	msg := err.Error()
	for _, want := range []string{
		`tai-khoan.xlsx: sheet "Tài khoản", row 3, column C (role): role "chief" must be admin, officer, appraiser or committee`,
		`sheet "Tài khoản", row 4, column D (unit): unit NOPE does not exist`,
		`sheet "Tài khoản", row 5, column A (username): user name "tên có dấu"`,
		`sheet "Tài khoản", row 6, column A (username): cb.stp already appears on row 2`,
		`sheet "Tài khoản", row 7, column D (unit): only officers are bound to a unit`,
		`sheet "Phân công", row 2, column A (period): period 2027 does not exist`,
		`sheet "Phân công", row 3, column B (username): cb.stp is not an appraiser`,
		`sheet "Phân công", row 4, column B (username): nobody is neither an account nor on the accounts sheet`,
		`sheet "Phân công", row 5, column B (username): admin is not an appraiser`,
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("the error lacks %q:\n%s", want, msg)
		}
	}
	if t.Failed() {
		return
	}
	// A field that is not in the period's sets is named in its column.
	data = fill(t, st, [][]any{{"td.an", "Phạm Văn An", "appraiser", ""}}, [][]any{{"2026", "td.an", "", "9"}})
	_, err = importFile(t, st, "f.xlsx", data)
	if err == nil || !strings.Contains(err.Error(), `sheet "Phân công", row 2, column D (field): 9 is not a field`) {
		t.Errorf("field 9: %v", err)
	}
}

// CSV files: one of accounts, one of assignments, recognised by their
// header; a wrong header names its line.
func TestImportCSV(t *testing.T) {
	st := newStore(t)
	acc := []byte("\ufeffusername,name,role,unit\ncb.stp,Trần Văn Minh,officer,STP\ntd.an,Phạm Văn An,appraiser,\n")
	asg := []byte("period,username,unit,field\n2026,td.an,STP,\n")
	b := &accounts.Batch{}
	if err := b.Read(context.Background(), "tai-khoan.csv", bytes.NewReader(acc)); err != nil {
		t.Fatal(err)
	}
	if err := b.Read(context.Background(), "phan-cong.csv", bytes.NewReader(asg)); err != nil {
		t.Fatal(err)
	}
	res, err := (&accounts.Service{Store: st}).Import(context.Background(), admin, b)
	if err != nil || len(res.Created) != 2 || len(st.written.Assignments) != 1 {
		t.Fatalf("csv import: %+v, %v", res, err)
	}
	_, err = importFile(t, newStore(t), "x.csv", []byte("user,email\na,b\n"))
	if err == nil || !strings.Contains(err.Error(), "x.csv:1: the header names neither accounts") {
		t.Errorf("bad header: %v", err)
	}
	_, err = importFile(t, newStore(t), "x.csv", []byte("username,name,role,unit\ncb.a,A,officer\n"))
	if err == nil || !strings.Contains(err.Error(), "x.csv:2: unit: an officer needs the code of their unit") {
		t.Errorf("short row: %v", err)
	}
	// Only the secretariat imports.
	_, err = (&accounts.Service{Store: newStore(t)}).Import(context.Background(), auth.User{Username: "bcd", Role: auth.Committee}, b)
	if !errors.Is(err, domain.ErrForbidden) {
		t.Errorf("committee's import: %v", err)
	}
}
