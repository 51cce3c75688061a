package fonts_test

import (
	"testing"

	"github.com/parindex/parindex/internal/fonts"
)

// A workbook of 2,000 units sizes about 750,000 cells with LineCount.
func BenchmarkLineCount(b *testing.B) {
	const name = "Tỷ lệ hồ sơ công việc được xử lý trên môi trường mạng (trừ hồ sơ mật)"
	for b.Loop() {
		fonts.LineCount(fonts.Regular, 11, 250, name)
	}
}
