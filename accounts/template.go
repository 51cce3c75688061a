package accounts

import (
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/parindex/parindex/auth"
	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/scoring"
)

// TemplateData is what the template workbook lists: the units (every one
// to pick from, and a row for an officer of each unit that has none yet
// and takes part in the latest period) and the accounts that exist.
type TemplateData struct {
	Units   []domain.Unit
	Groups  map[string]string // group code → name
	Users   []auth.User
	Periods []domain.Period
	// Lineage, when there is one, keeps the units merged into others
	// before the latest period out of the suggested officers' rows.
	Lineage *scoring.Lineage
}

// latest returns the code of the period that starts last ("" when no
// period has a known start).
func (d TemplateData) latest() string {
	code, start := "", 0
	for _, p := range d.Periods {
		if at, ok := scoring.PeriodStart(p.Code); ok && (code == "" || at > start) {
			code, start = p.Code, at
		}
	}
	return code
}

// instructions are the template's first sheet, one line a row.
var instructions = []string{
	"Nhập tài khoản và phân công thẩm định hàng loạt",
	"",
	"1. Sheet \"Tài khoản\": mỗi dòng một tài khoản. Tên đăng nhập: 2–64 ký tự chữ thường không dấu, số, dấu chấm, gạch dưới, gạch ngang.",
	"   Vai trò: admin (Văn phòng/Thường trực CCHC), officer (cán bộ đầu mối của một đơn vị), appraiser (thành viên Hội đồng thẩm định), committee (Ban Chỉ đạo).",
	"   Mã đơn vị: bắt buộc với officer (xem sheet \"Đơn vị\"), để trống với các vai trò khác.",
	"   Mỗi đơn vị chưa có cán bộ đầu mối đã có sẵn một dòng gợi ý: điền họ tên, sửa tên đăng nhập nếu muốn, xoá dòng không dùng.",
	"   Tài khoản đã có thì được cập nhật họ tên, vai trò, đơn vị; mật khẩu giữ nguyên.",
	"2. Sheet \"Phân công\": mỗi dòng giao một thành viên Hội đồng thẩm định (appraiser) thẩm định trong một kỳ một đơn vị, một lĩnh vực (mã lĩnh vực cấp 1 của bộ chỉ số, ví dụ 3), hoặc một lĩnh vực của một đơn vị.",
	"   Các dòng của một người trong một kỳ thay thế toàn bộ phân công cũ của người đó trong kỳ ấy. Một dòng để trống cả đơn vị và lĩnh vực: người đó thẩm định mọi đơn vị.",
	"3. Tải tệp lên trang Người dùng → Nhập hàng loạt, hoặc chạy: parindex user import TỆP.xlsx --sheet phieu-mat-khau.html",
	"   Tệp có bất kỳ lỗi nào thì không có gì được lưu; mỗi lỗi ghi rõ sheet, dòng và cột.",
	"4. Tài khoản mới nhận mật khẩu lần đầu ngẫu nhiên, in trên phiếu để phát cho từng người; người dùng phải đổi mật khẩu ngay lần đăng nhập đầu tiên.",
}

var notUsername = regexp.MustCompile(`[^a-z0-9._-]+`)

// SuggestUsername proposes an officer's user name from the unit's code:
// "cb." and the code in lower case ("cb.stp", "cb.p-lyvanlam").
func SuggestUsername(unit string) string {
	return "cb." + strings.Trim(notUsername.ReplaceAllString(strings.ToLower(unit), "-"), "-")
}

// WriteTemplate writes the workbook the secretariat fills in: the
// instructions, the accounts sheet with a row for each unit's officer
// still missing, the assignments sheet, and the units to pick from.
func WriteTemplate(w io.Writer, d TemplateData) error {
	f := excelize.NewFile()
	defer f.Close()
	const help, units = "Hướng dẫn", "Đơn vị"
	if err := f.SetSheetName("Sheet1", help); err != nil {
		return fmt.Errorf("accounts: template: %w", err)
	}
	for i, line := range instructions {
		_ = f.SetCellStr(help, fmt.Sprintf("A%d", i+1), line)
	}
	_ = f.SetColWidth(help, "A", "A", 140)
	bold, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true},
		Fill: excelize.Fill{Type: "pattern", Color: []string{"EEF0F3"}, Pattern: 1}})
	title, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 13}})
	_ = f.SetCellStyle(help, "A1", "A1", title)

	header := func(sheet string, cols []column, widths []float64) {
		_, _ = f.NewSheet(sheet)
		for i, c := range cols {
			cell, _ := excelize.CoordinatesToCellName(i+1, 1)
			_ = f.SetCellStr(sheet, cell, c.heading)
			name, _ := excelize.ColumnNumberToName(i + 1)
			_ = f.SetColWidth(sheet, name, name, widths[i])
		}
		last, _ := excelize.CoordinatesToCellName(len(cols), 1)
		_ = f.SetCellStyle(sheet, "A1", last, bold)
		_ = f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
	}
	header(AccountsSheet, accountColumns, []float64{22, 34, 14, 16})
	header(AssignmentsSheet, assignmentColumns, []float64{14, 22, 16, 12})
	header(units, []column{{"unit", "Mã đơn vị"}, {"name", "Tên đơn vị"}, {"group", "Nhóm"}}, []float64{16, 44, 28})

	hasOfficer := map[string]bool{}
	taken := map[string]bool{}
	for _, u := range d.Users {
		taken[u.Username] = true
		if u.Role == auth.Officer {
			hasOfficer[u.Unit] = true
		}
	}
	row := 2
	latest := d.latest()
	for _, u := range d.Units {
		if hasOfficer[u.Code] || (latest != "" && !d.Lineage.Exists(u.Code, latest)) {
			continue
		}
		name := SuggestUsername(u.Code)
		for i := 2; taken[name]; i++ {
			name = fmt.Sprintf("%s%d", SuggestUsername(u.Code), i)
		}
		taken[name] = true
		_ = f.SetSheetRow(AccountsSheet, fmt.Sprintf("A%d", row), &[]any{name, "", string(auth.Officer), u.Code})
		row++
	}
	for i, u := range d.Units {
		_ = f.SetSheetRow(units, fmt.Sprintf("A%d", i+2), &[]any{u.Code, u.Name, d.Groups[u.Group]})
	}
	roles := excelize.NewDataValidation(true)
	roles.SetSqref("C2:C5000")
	if err := roles.SetDropList([]string{"admin", "officer", "appraiser", "committee"}); err == nil {
		roles.SetError(excelize.DataValidationErrorStyleStop, "Vai trò không hợp lệ", "Chọn admin, officer, appraiser hoặc committee.")
		_ = f.AddDataValidation(AccountsSheet, roles)
	}
	if len(d.Units) > 0 {
		ref := excelize.NewDataValidation(true)
		ref.SetSqref("D2:D5000")
		ref.SetSqrefDropList(fmt.Sprintf("'%s'!$A$2:$A$%d", units, len(d.Units)+1))
		_ = f.AddDataValidation(AccountsSheet, ref)
		ref2 := excelize.NewDataValidation(true)
		ref2.SetSqref("C2:C5000")
		ref2.SetSqrefDropList(fmt.Sprintf("'%s'!$A$2:$A$%d", units, len(d.Units)+1))
		_ = f.AddDataValidation(AssignmentsSheet, ref2)
	}
	if len(d.Periods) > 0 {
		var codes []string
		for _, p := range d.Periods {
			codes = append(codes, p.Code)
		}
		pv := excelize.NewDataValidation(true)
		pv.SetSqref("A2:A5000")
		if err := pv.SetDropList(codes); err == nil {
			_ = f.AddDataValidation(AssignmentsSheet, pv)
		}
	}
	idx, _ := f.GetSheetIndex(AccountsSheet)
	f.SetActiveSheet(idx)
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("accounts: template: %w", err)
	}
	return nil
}
