package surveys

import (
	"strconv"

	"github.com/xuri/excelize/v2"
)

// The export's codebook: what each column of the responses sheet holds and
// what its values mean, in the workbook's language.

// exportText is the fixed wording of the workbook in one language.
type exportText struct {
	sheet, codebook string
	head            [4]string // column, description, value, label
	columns         map[string]string
	channels        map[Channel]string
	statuses        map[Status]string
	flags           map[string]string
	text            string // the label of a free-text question's values
}

var exportWording = map[string]exportText{
	"vi": {
		sheet: "Phiếu trả lời", codebook: "Bảng mã",
		head: [4]string{"Cột", "Nội dung", "Giá trị", "Ý nghĩa"},
		columns: map[string]string{
			"id":           "Số hiệu của phiếu trong hệ thống",
			"unit":         "Mã đơn vị được đánh giá",
			"channel":      "Kênh thu thập phiếu",
			"submitted_at": "Thời điểm hệ thống nhận phiếu (giờ Việt Nam)",
			"status":       "Tình trạng của phiếu",
			"flags":        "Dấu hiệu cần xem xét (phân cách bằng dấu chấm phẩy)",
		},
		channels: map[Channel]string{
			Web: "Mã QR hoặc đường dẫn", Kiosk: "Máy kiosk tại bộ phận một cửa", Coded: "Mã phiếu dùng một lần",
			Dossier: "Số hồ sơ một cửa", Interview: "Điều tra viên", Paper: "Nhập từ phiếu giấy",
			Import: "Nhập từ tệp", API: "Hệ thống khác qua API",
		},
		statuses: map[Status]string{Valid: "Hợp lệ, được tính", Flagged: "Chờ xem xét, chưa tính", Rejected: "Bị loại, không tính"},
		flags: map[string]string{
			FlagTooFast:   "Gửi nhanh hơn thời gian đọc câu hỏi",
			FlagDuplicate: "Trùng câu trả lời của cùng thiết bị ngay trước đó",
			FlagBurst:     "Cùng thiết bị gửi nhiều phiếu trong thời gian ngắn",
			FlagHoneypot:  "Điền vào ô ẩn mà người không nhìn thấy",
			MarkStraight:  "Mọi câu trả lời theo thang đo đều giống nhau",
			MarkOffHours:  "Trả lời ngoài giờ làm việc của bộ phận một cửa",
		},
		text: "Văn bản tự do",
	},
	"en": {
		sheet: "Responses", codebook: "Codebook",
		head: [4]string{"Column", "Description", "Value", "Meaning"},
		columns: map[string]string{
			"id":           "The response's number in the system",
			"unit":         "The code of the unit rated",
			"channel":      "How the response was collected",
			"submitted_at": "When the system received it (Vietnam time)",
			"status":       "Whether it counts",
			"flags":        "Signs to review (separated by semicolons)",
		},
		channels: map[Channel]string{
			Web: "QR code or link", Kiosk: "Kiosk at the one-stop desk", Coded: "One-time code",
			Dossier: "One-stop dossier number", Interview: "Interviewer", Paper: "Typed in from a paper form",
			Import: "Imported from a file", API: "Another system through the API",
		},
		statuses: map[Status]string{Valid: "Valid, counted", Flagged: "Waiting for review, not counted", Rejected: "Rejected, not counted"},
		flags: map[string]string{
			FlagTooFast:   "Sent faster than the questions can be read",
			FlagDuplicate: "The same answers from the same device just before",
			FlagBurst:     "Many responses from one device in a short time",
			FlagHoneypot:  "Filled in a field people never see",
			MarkStraight:  "Every answer on a scale the same",
			MarkOffHours:  "Answered outside the desks' opening hours",
		},
		text: "Free text",
	},
}

// exportTexts returns the wording of a language, Vietnamese by default.
func exportTexts(lang string) exportText {
	if t, ok := exportWording[lang]; ok {
		return t
	}
	return exportWording["vi"]
}

// codebook writes the codebook sheet: one row per column, then one per
// value of the columns that take codes (units, channels, statuses, flags,
// the answers of each question).
func (e *exporter) codebook(f *excelize.File, c *Campaign, tx exportText, bold int) error {
	lang := "vi"
	if tx.sheet == exportWording["en"].sheet {
		lang = "en"
	}
	sheet := tx.codebook
	if _, err := f.NewSheet(sheet); err != nil {
		return err
	}
	var rows [][]any
	add := func(cells ...any) { rows = append(rows, cells) }
	add(tx.head[0], tx.head[1], tx.head[2], tx.head[3])
	add("id", tx.columns["id"])
	add("unit", tx.columns["unit"])
	for _, u := range c.Units {
		add(nil, nil, u.Code, u.Name)
	}
	add("channel", tx.columns["channel"])
	for _, ch := range Channels {
		add(nil, nil, string(ch), tx.channels[ch])
	}
	add("submitted_at", tx.columns["submitted_at"])
	add("status", tx.columns["status"])
	for _, st := range []Status{Valid, Flagged, Rejected} {
		add(nil, nil, string(st), tx.statuses[st])
	}
	add("flags", tx.columns["flags"])
	for _, fl := range []string{FlagTooFast, FlagDuplicate, FlagBurst, FlagHoneypot, MarkStraight, MarkOffHours} {
		add(nil, nil, fl, tx.flags[fl])
	}
	sections := map[string]string{}
	for _, sec := range e.ins.Sections {
		sections[sec.Code] = sec.Title.In(lang)
	}
	for _, q := range e.ins.Questions {
		add(q.Code, sections[q.Section]+" — "+q.Text.In(lang))
		if q.Type == FreeText {
			add(nil, nil, nil, tx.text)
			continue
		}
		for _, o := range q.Scale.Options {
			add(nil, nil, o.Value, o.Label.In(lang))
		}
	}
	for i, r := range rows {
		cell := "A" + strconv.Itoa(i+1)
		if err := f.SetSheetRow(sheet, cell, &r); err != nil {
			return err
		}
	}
	_ = f.SetCellStyle(sheet, "A1", "D1", bold)
	// It prints as a document: one page wide, landscape, long texts wrapped.
	wrap, err := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return err
	}
	_ = f.SetColStyle(sheet, "B", wrap)
	_ = f.SetColStyle(sheet, "D", wrap)
	_ = f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: ptr(true)})
	_ = f.SetPageLayout(sheet, &excelize.PageLayoutOptions{Orientation: ptr("landscape"), FitToWidth: ptr(1), FitToHeight: ptr(0)})
	_ = f.SetColWidth(sheet, "A", "A", 14)
	_ = f.SetColWidth(sheet, "B", "B", 70)
	_ = f.SetColWidth(sheet, "C", "C", 14)
	_ = f.SetColWidth(sheet, "D", "D", 40)
	return nil
}
