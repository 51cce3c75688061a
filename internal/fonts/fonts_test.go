package fonts_test

import (
	"math"
	"strings"
	"testing"

	"github.com/parindex/parindex/internal/fonts"
)

func TestWidths(t *testing.T) {
	// Times metrics: a digit is half an em; bold capitals are wider than
	// regular ones.
	if w := fonts.Width(fonts.Regular, 10, "0123456789"); math.Abs(w-50) > 0.01 {
		t.Errorf("ten digits at 10 pt: %.2f, want 50", w)
	}
	if fonts.Width(fonts.Bold, 12, "CỘNG HÒA") <= fonts.Width(fonts.Regular, 12, "CỘNG HÒA") {
		t.Error("bold is not wider")
	}
	// Every Vietnamese letter has a glyph of its own, not the missing one.
	for _, r := range "ăâđêôơưàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵĐƠƯỆ" {
		if fonts.Width(fonts.Regular, 10, string(r)) == fonts.Width(fonts.Regular, 10, "\uE000") {
			t.Errorf("%c has no glyph", r)
		}
	}
	lines := fonts.Lines(fonts.Regular, 11, 60, "Công tác chỉ đạo, điều hành cải cách hành chính")
	for _, l := range lines {
		if fonts.Width(fonts.Regular, 11, l) > 60 {
			t.Errorf("line %q is wider than 60 pt", l)
		}
	}
	if strings.Join(lines, " ") != "Công tác chỉ đạo, điều hành cải cách hành chính" || len(lines) < 3 {
		t.Errorf("lines %q", lines)
	}
	if got := fonts.Lines(fonts.Regular, 11, 30, "X-NGUYENVIETKHAI"); len(got) < 2 {
		t.Errorf("a long code is not broken: %q", got)
	}
	// LineCount counts what Lines builds.
	for _, text := range []string{"", "Sở Nội vụ", "Công tác chỉ đạo, điều hành cải cách hành chính", "X-NGUYENVIETKHAI rà soát",
		"Lý do: thiếu tài liệu <kiểm chứng> & biên bản\nDòng hai", "a  b   c"} {
		for _, w := range []float64{20, 45, 60, 120, 400} {
			if got, want := fonts.LineCount(fonts.Bold, 11, w, text), len(fonts.Lines(fonts.Bold, 11, w, text)); got != want {
				t.Errorf("LineCount(%q, %.0f) = %d, Lines gives %d", text, w, got, want)
			}
		}
	}
}
