package web_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// navLinks returns the menu's links of a page: "href label" each.
func navLinks(body string) []string {
	nav := regexp.MustCompile(`(?s)<nav class="site-nav"[^>]*>(.*?)</nav>`).FindStringSubmatch(body)
	if nav == nil {
		return nil
	}
	var out []string
	for _, m := range regexp.MustCompile(`<a href="([^"]+)"[^>]*>([^<]+)</a>`).FindAllStringSubmatch(nav[1], -1) {
		out = append(out, m[1]+" "+m[2])
	}
	return out
}

// The menu shows each role every area it may use, and none it may not;
// on a page of a period, its links stay in that period; every link it
// shows answers (the every-page browser test follows them all on the
// demo).
func TestMenuByRole(t *testing.T) {
	p := newWorkProvince(t)
	cases := []struct {
		user, page string
		want       string
	}{
		{"", "/login", "/ Bảng xếp hạng | /charts Biểu đồ"},
		{"canbo", "/work", "/work Công việc | /reports/mine Đơn vị của tôi | / Bảng xếp hạng | /charts Biểu đồ"},
		{"thamdinh", "/work", "/work Công việc | /reports Báo cáo | / Bảng xếp hạng | /charts Biểu đồ"},
		{"bcd", "/work", "/work Công việc | /work/dashboard Tiến độ | /reports Báo cáo | /work/publish Công bố | / Bảng xếp hạng | /charts Biểu đồ"},
		{"thuongtruc", "/work", "/work Công việc | /work/dashboard Tiến độ | /reports Báo cáo | /work/publish Công bố | /admin/users Người dùng | / Bảng xếp hạng | /charts Biểu đồ"},
		// In a period, the period's own pages.
		{"thuongtruc", "/work/periods/2026/dashboard", "/work Công việc | /work/periods/2026/dashboard Tiến độ | /reports/2026 Báo cáo | /work/periods/2026/publish Công bố | /admin/users Người dùng | / Bảng xếp hạng | /charts Biểu đồ"},
		{"canbo", "/work/periods/2026/units/SNV", "/work Công việc | /reports/2026/units/SNV Đơn vị của tôi | / Bảng xếp hạng | /charts Biểu đồ"},
	}
	for _, c := range cases {
		client := p.client(t)
		if c.user != "" {
			client = p.login(t, c.user)
		}
		res, body := client.get(c.page)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s %s: %d", c.user, c.page, res.StatusCode)
		}
		if got := strings.Join(navLinks(body), " | "); got != c.want {
			t.Errorf("%s on %s:\n got %s\nwant %s", c.user, c.page, got, c.want)
		}
		// The current area is marked.
		if !strings.Contains(body, `aria-current="page"`) && c.page != "/login" {
			t.Errorf("%s on %s: no area is current", c.user, c.page)
		}
		for _, l := range navLinks(body) {
			href := strings.Fields(l)[0]
			if res, _ := client.get(href); res.StatusCode >= 400 {
				t.Errorf("%s on %s: the menu's %s answers %d", c.user, c.page, href, res.StatusCode)
			}
		}
	}
}
