package accounts_test

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"unicode/utf8"

	"github.com/parindex/parindex/accounts"
	"github.com/parindex/parindex/domain/problem"
)

// FuzzRead feeds the reader of accounts and assignments anything: it never
// panics, refuses with a problem list or reads rows, and every value it
// reads is text a database keeps (valid UTF-8, no NUL).
func FuzzRead(f *testing.F) {
	f.Add("tai-khoan.csv", []byte("username,name,role,unit\ncb.stp,Trần Văn Minh,officer,STP\n"))
	f.Add("phan-cong.csv", []byte("period,username,unit,field\n2026,td.an,STP,3\n"))
	f.Add("x.csv", []byte("\ufeffTên đăng nhập,Họ và tên,Vai trò,Mã đơn vị\na,b,c,d\n"))
	f.Add("x.xlsx", []byte("PK\x03\x04not a zip"))
	f.Add("x.csv", []byte("username,role\n\"unterminated\n"))
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		b := &accounts.Batch{}
		err := b.Read(context.Background(), name, bytes.NewReader(data))
		var list *problem.List
		if err != nil && !errors.As(err, &list) {
			t.Fatalf("an error that is not a problem list: %v", err)
		}
		for _, a := range b.Accounts {
			for _, v := range []string{a.Username, a.Name, a.Role, a.Unit} {
				if !utf8.ValidString(v) || bytes.IndexByte([]byte(v), 0) >= 0 {
					t.Fatalf("read %q", v)
				}
			}
		}
		for _, a := range b.Assignments {
			for _, v := range []string{a.Period, a.Username, a.Unit, a.Field} {
				if !utf8.ValidString(v) || bytes.IndexByte([]byte(v), 0) >= 0 {
					t.Fatalf("read %q", v)
				}
			}
		}
	})
}
