package main

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/parindex/parindex/accounts"
	"github.com/parindex/parindex/auth"
	"github.com/parindex/parindex/store/storetest"
)

// The province's 78 officers and its appraisal council, with the council's
// assignments, from one workbook and one command: the template suggests a
// row per unit without an officer, the import creates every account with a
// first password to change and writes the sheet to hand out; a bad row
// refuses the whole file, naming its sheet, row and column.
func TestUserImportWorkbook(t *testing.T) {
	c := newCLI(t)
	c.ok("demo")
	dir := t.TempDir()
	tpl := filepath.Join(dir, "tai-khoan.xlsx")
	out := c.ok("template", "users", "--out", tpl)
	if !strings.Contains(out, "parindex user import") {
		t.Errorf("template: %s", out)
	}
	f, err := excelize.OpenFile(tpl)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows(accounts.AccountsSheet)
	if err != nil {
		t.Fatal(err)
	}
	// 78 units, STP's officer exists (the demo's stp): 77 rows.
	if len(rows) != 78 {
		t.Fatalf("the template suggests %d rows, want 77 and the header", len(rows)-1)
	}
	for i := 2; i <= len(rows); i++ {
		_ = f.SetCellStr(accounts.AccountsSheet, "B"+strconv.Itoa(i), "Cán bộ "+rows[i-1][3])
	}
	n := len(rows) + 1
	add := func(sheet string, vals ...any) {
		_ = f.SetSheetRow(sheet, "A"+strconv.Itoa(n), &vals)
		n++
	}
	add(accounts.AccountsSheet, "cb.stp", "Trần Văn Minh", "officer", "STP") // a second officer of STP: 78
	for i := 1; i <= 5; i++ {
		add(accounts.AccountsSheet, "td."+strconv.Itoa(i), "Thành viên Hội đồng "+strconv.Itoa(i), "appraiser", "")
	}
	n = 2
	for _, unit := range []string{"STP", "SNV", "SYT"} {
		add(accounts.AssignmentsSheet, "2026", "td.1", unit, "")
	}
	add(accounts.AssignmentsSheet, "2026", "td.2", "", "3")
	add(accounts.AssignmentsSheet, "2026", "td.3", "P-LYVANLAM", "7")
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}

	// A role mistyped on row 10 refuses the file: nothing is created.
	bad := filepath.Join(dir, "sai.xlsx")
	fb, _ := excelize.OpenFile(tpl)
	_ = fb.SetCellStr(accounts.AccountsSheet, "C10", "chief")
	if err := fb.SaveAs(bad); err != nil {
		t.Fatal(err)
	}
	code, _, errs := c.run("", "user", "import", bad)
	if code != 1 || !strings.Contains(errs, `sai.xlsx: sheet "Tài khoản", row 10, column C (role): role "chief" must be`) {
		t.Fatalf("bad row: exit %d\n%s", code, errs)
	}
	st := storetest.OpenURL(t, c.db)
	before, err := st.Users(context.Background())
	if err != nil {
		t.Fatal(err)
	}

	sheet := filepath.Join(dir, "phieu.html")
	out = c.ok("user", "import", tpl, "--sheet", sheet)
	if !strings.Contains(out, "83 accounts created, 0 updated, 0 unchanged; 5 assignment rows for 3 appraisers and periods") {
		t.Errorf("import: %s", out)
	}
	after, err := st.Users(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	officers := 0
	for _, u := range after {
		if u.Role == auth.Officer {
			officers++
		}
	}
	if len(after) != len(before)+83 || officers != 79 {
		t.Errorf("%d accounts (%d officers) after the import, %d before", len(after), officers, len(before))
	}
	html, err := os.ReadFile(sheet)
	if err != nil {
		t.Fatal(err)
	}
	cards := regexp.MustCompile(`<dd class="cred-value">([^<]+)</dd>`).FindAllStringSubmatch(string(html), -1)
	if len(cards) != 2*83 || !strings.Contains(string(html), "<style>") || strings.Contains(string(html), "/static/") {
		t.Fatalf("the sheet has %d values; want a user name and a password for each of 83, and its style inside", len(cards))
	}
	// Every password on the sheet opens its account, which must change it.
	svc := auth.NewService(st, nil)
	user, pass := cards[0][1], cards[1][1]
	_, _, u, err := svc.Login(context.Background(), user, pass, "127.0.0.1")
	if err != nil || !u.MustChangePassword {
		t.Errorf("login %s with the sheet's password: %+v, %v", user, u, err)
	}
	as, err := st.Assignments(context.Background(), "2026")
	if err != nil || len(as) != 5 {
		t.Errorf("assignments %+v, %v", as, err)
	}
	// The same file again changes nothing and prints no password.
	out = c.ok("user", "import", tpl)
	if !strings.Contains(out, "0 accounts created, 0 updated, 83 unchanged") || strings.Contains(out, "password") {
		t.Errorf("second import: %s", out)
	}
}
