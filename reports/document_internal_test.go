package reports

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/parindex/parindex/scoring"
)

func TestDefaultDocumentConfig(t *testing.T) {
	cases := []struct {
		province, issuer, name, place string
	}{
		{"Tỉnh Cà Mau", "ỦY BAN NHÂN DÂN|TỈNH CÀ MAU", "Ủy ban nhân dân tỉnh Cà Mau", "Cà Mau"},
		{"Thành phố Hà Nội", "ỦY BAN NHÂN DÂN|THÀNH PHỐ HÀ NỘI", "Ủy ban nhân dân thành phố Hà Nội", "Hà Nội"},
		{"tỉnh Phú Thọ", "ỦY BAN NHÂN DÂN|TỈNH PHÚ THỌ", "Ủy ban nhân dân tỉnh Phú Thọ", "Phú Thọ"},
		{"Kiên Giang", "ỦY BAN NHÂN DÂN|TỈNH KIÊN GIANG", "Ủy ban nhân dân tỉnh Kiên Giang", "Kiên Giang"},
		{"", "ỦY BAN NHÂN DÂN|TỈNH ………", "Ủy ban nhân dân tỉnh ………", "………"},
	}
	for _, c := range cases {
		cfg := DefaultDocumentConfig(c.province)
		if got := strings.Join(cfg.Issuer, "|"); got != c.issuer || cfg.IssuerName != c.name || cfg.Place != c.place {
			t.Errorf("%q: issuer %q, name %q, place %q", c.province, got, cfg.IssuerName, cfg.Place)
		}
		if err := cfg.Check(); err != nil {
			t.Errorf("%q: %v", c.province, err)
		}
	}
	if got := SplitLines(" TM. ỦY BAN NHÂN DÂN | KT. CHỦ TỊCH||PHÓ CHỦ TỊCH\n"); strings.Join(got, "/") != "TM. ỦY BAN NHÂN DÂN/KT. CHỦ TỊCH/PHÓ CHỦ TỊCH" {
		t.Errorf("SplitLines: %q", got)
	}
	if err := (DocumentConfig{}).Check(); err == nil || !strings.Contains(err.Error(), "PARINDEX_ISSUER") {
		t.Errorf("an empty configuration: %v", err)
	}
}

// Decree 30/2020/NĐ-CP: days below 10 and the months 1 and 2 take a
// leading zero.
func TestPlaceDate(t *testing.T) {
	cases := map[string]string{
		"2026-03-25": "Cà Mau, ngày 25 tháng 3 năm 2026",
		"2026-02-05": "Cà Mau, ngày 05 tháng 02 năm 2026",
		"2025-01-31": "Cà Mau, ngày 31 tháng 01 năm 2025",
		"2025-12-09": "Cà Mau, ngày 09 tháng 12 năm 2025",
	}
	for in, want := range cases {
		d, _ := time.Parse("2006-01-02", in)
		if got := placeDate("Cà Mau", d, 0); got != want {
			t.Errorf("%s: %q, want %q", in, got, want)
		}
	}
	if got := placeDate("Cà Mau", time.Time{}, 2026); got != "Cà Mau, ngày …… tháng …… năm 2026" {
		t.Errorf("draft: %q", got)
	}
}

func TestShortName(t *testing.T) {
	cases := []struct{ in, want string }{
		{"Cải cách thể chế", "Cải cách thể chế"},
		{"Công tác chỉ đạo, điều hành cải cách hành chính", "Chỉ đạo, điều hành CCHC"},
		{"Cải cách tổ chức bộ máy hành chính nhà nước", "Cải cách tổ chức bộ máy HCNN"},
		{"Cải cách thủ tục hành chính và một cửa liên thông", "Cải cách TTHC và một cửa liên…"},
	}
	for _, c := range cases {
		got, _ := shortName(c.in, 30)
		if got != c.want {
			t.Errorf("%q → %q, want %q", c.in, got, c.want)
		}
		if utf8.RuneCountInString(got) > 30 {
			t.Errorf("%q longer than 30", got)
		}
	}
	if got, abbr := shortName("Tác động của cải cách hành chính đến người dân, tổ chức và phát triển kinh tế - xã hội", 30); !abbr || !strings.HasSuffix(got, "…") || !strings.HasPrefix(got, "Tác động của CCHC") {
		t.Errorf("a long name: %q", got)
	}
	for n, want := range map[int]string{1: "I", 4: "IV", 9: "IX", 14: "XIV", 40: "XL"} {
		if got := romanNumeral(n); got != want {
			t.Errorf("romanNumeral(%d) = %s", n, got)
		}
	}
	if viNumber(mustDecimal("-1")) != "−1,00" || viSigned(mustDecimal("0.25")) != "+0,25" || viNumber(mustDecimal("-0.001")) != "0,00" {
		t.Error("Vietnamese numbers")
	}
}

func mustDecimal(s string) scoring.Decimal {
	d, err := scoring.ParseDecimal(s)
	if err != nil {
		panic(err)
	}
	return d
}
