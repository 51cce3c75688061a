package main

import (
	"context"
	"strings"
	"testing"

	"github.com/parindex/parindex/auth"
	"github.com/parindex/parindex/store"
)

func TestUserAdd(t *testing.T) {
	c := newCLI(t)
	c.ok("import", "units", writeFile(t, "units.csv", "code,name,group\nSNV,Sở Nội vụ,SO\n"))
	cases := []struct {
		name  string
		stdin string
		args  []string
		code  int
		msg   string
	}{
		{"admin", "mật-khẩu-rất-dài\n", []string{"--username", "thuky", "--role", "admin"}, 0, "user thuky created (role admin)"},
		{"officer", "một-mật-khẩu-khác\n", []string{"--username", "snv", "--role", "officer", "--unit", "SNV", "--name", "Nguyễn Văn A"}, 0, "user snv created (role officer, unit SNV)"},
		{"taken", "mật-khẩu-rất-dài\n", []string{"--username", "thuky", "--role", "committee"}, 1, "user name thuky is taken"},
		{"officer without unit", "mật-khẩu-rất-dài\n", []string{"--username", "x1", "--role", "officer"}, 1, "an officer needs a unit"},
		{"unknown unit", "mật-khẩu-rất-dài\n", []string{"--username", "x2", "--role", "officer", "--unit", "NOPE"}, 1, "unit NOPE"},
		{"short password", "ngan\n", []string{"--username", "x3", "--role", "admin"}, 1, "at least 10 characters"},
		{"no password", "", []string{"--username", "x4", "--role", "admin"}, 1, "no line given"},
		{"unknown role", "mật-khẩu-rất-dài\n", []string{"--username", "x5", "--role", "boss"}, 2, "must be admin, officer, appraiser or committee"},
		{"missing username", "mật-khẩu-rất-dài\n", []string{"--role", "admin"}, 2, "--username and --role are required"},
	}
	for _, tc := range cases {
		code, out, errs := c.run(tc.stdin, append([]string{"user", "add"}, tc.args...)...)
		if code != tc.code || !strings.Contains(out+errs, tc.msg) {
			t.Errorf("%s: exit %d, output %q %q; want %d with %q", tc.name, code, out, errs, tc.code, tc.msg)
		}
	}
	// The account works: the password verifies against the stored hash.
	st, err := store.Open(context.Background(), c.db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	u, err := st.UserByUsername(context.Background(), "snv")
	if err != nil || u.Unit != "SNV" || u.Name != "Nguyễn Văn A" || !auth.VerifyPassword(u.PasswordHash, "một-mật-khẩu-khác") {
		t.Errorf("stored user %+v, %v", u, err)
	}
}
