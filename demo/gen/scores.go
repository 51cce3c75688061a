package main

import (
	"math"
	"strings"
)

// Comments the council writes when it lowers a unit's own points.
var (
	lowerPlan     = []string{"Ban hành kế hoạch trễ hạn", "Kế hoạch chưa đầy đủ nội dung theo hướng dẫn", "Chưa thực hiện đầy đủ các nhiệm vụ trong kế hoạch"}
	lowerPlanned  = []string{"Chưa hoàn thành đầy đủ nhiệm vụ theo kế hoạch", "Tài liệu kiểm chứng chưa thể hiện kết quả thực hiện kế hoạch"}
	lowerReport   = []string{"Báo cáo gửi trễ hạn", "Báo cáo chưa đầy đủ số liệu theo đề cương hướng dẫn"}
	lowerApology  = []string{"Còn hồ sơ trễ hạn chưa có phiếu xin lỗi"}
	lowerWebsite  = []string{"Trang thông tin điện tử chưa cập nhật đầy đủ các chuyên mục bắt buộc"}
	lowerDiscip   = []string{"Có công chức bị kỷ luật khiển trách trong năm"}
	lowerNoProof  = "Chưa có tài liệu kiểm chứng"
	lowerGeneral  = []string{"Tài liệu kiểm chứng chưa đầy đủ", "Tài liệu kiểm chứng không thể hiện kết quả thực hiện", "Chưa thực hiện đầy đủ theo hướng dẫn chấm điểm", "Tài liệu kiểm chứng không đúng năm đánh giá", "Tự chấm điểm chưa đúng hướng dẫn"}
	bonusCut      = []string{"Sáng kiến chưa được cấp có thẩm quyền công nhận", "Mô hình mới triển khai, chỉ công nhận một phần điểm thưởng"}
	penaltyReason = []string{"Để xảy ra hồ sơ trễ hạn nhưng không thực hiện xin lỗi", "Bị phản ánh về thái độ phục vụ tại nơi tiếp nhận hồ sơ", "Chậm thực hiện báo cáo theo yêu cầu của UBND tỉnh", "Có công chức vi phạm quy định trong giải quyết TTHC"}
)

const (
	naSelf  = "Không phát sinh trong năm đánh giá"
	naFinal = "Thống nhất tiêu chí không phát sinh"
	raised  = "Đơn vị giải trình, bổ sung tài liệu kiểm chứng; Hội đồng thống nhất nâng điểm"
)

// notApplicable decides whether a manual leaf does not apply to the unit this
// year, from the leaf's name and the unit's inputs. One random number is drawn
// per leaf whatever the outcome, to keep the sequence stable.
func notApplicable(l *item, u unit, in map[string]float64, g gen) bool {
	p := g.r.Float64()
	name := strings.ToLower(l.Name)
	switch {
	case strings.Contains(name, "xin lỗi"):
		return in["dossiers_on_time"] == in["dossiers_resolved"]
	case strings.Contains(name, "tự chủ tài chính"):
		return in["su_units"] == 0
	case strings.Contains(name, "quy trình xây dựng vbqppl"):
		return in["legal_docs_planned"] == 0
	case strings.Contains(name, "nông thôn mới"):
		return strings.Contains(u.name, "phường")
	case strings.Contains(name, "tuyển dụng"):
		return p < 0.3
	case strings.Contains(name, "kết luận, kiến nghị của thanh tra, kiểm toán"),
		strings.Contains(name, "văn bản quy phạm pháp luật đúng thẩm quyền"):
		return p < 0.25
	case strings.Contains(name, "thu hút đầu tư"),
		strings.Contains(name, "liên thông giải quyết tthc với"),
		strings.Contains(name, "bổ nhiệm"):
		return p < 0.15
	}
	return false
}

// lowerComment explains why the council gave fewer points than the unit.
func lowerComment(l *item, final int64, g gen) string {
	name := strings.ToLower(l.Name)
	pickOne := func(s []string) string { return s[g.r.IntN(len(s))] }
	switch {
	case l.Evidence == "required" && final == 0:
		return lowerNoProof
	case strings.Contains(name, "xin lỗi"):
		return pickOne(lowerApology)
	case strings.Contains(name, "kỷ luật từ"):
		return pickOne(lowerDiscip)
	case strings.Contains(name, "trang thông tin điện tử"):
		return pickOne(lowerWebsite)
	case strings.Contains(name, "ban hành kế hoạch"), strings.Contains(name, "ban hành và thực hiện kế hoạch"):
		return pickOne(lowerPlan)
	case strings.Contains(name, "kế hoạch"):
		return pickOne(lowerPlanned)
	case strings.Contains(name, "chất lượng báo cáo"):
		return pickOne(lowerReport[1:])
	case strings.Contains(name, "báo cáo"):
		return pickOne(lowerReport)
	}
	return pickOne(lowerGeneral)
}

// onStep rounds points (in hundredths) to the leaf's step within 0..max.
func onStep(l *item, x float64) int64 {
	steps := math.Round(x * 100 / float64(l.stepC))
	return min(l.maxC, max(0, int64(steps)*l.stepC))
}

// fitManual gives each manual leaf its final points so that their sum comes
// as close as possible to need (hundredths): every leaf gets
// max × (level + its own noise), and level is found by bisection.
func fitManual(leaves []*item, noise []float64, need float64) []int64 {
	total := func(level float64) (sum int64, pts []int64) {
		pts = make([]int64, len(leaves))
		for i, l := range leaves {
			pts[i] = onStep(l, float64(l.maxC)/100*clamp(level+noise[i], 0, 1))
			sum += pts[i]
		}
		return sum, pts
	}
	lo, hi := -1.5, 2.5
	for range 60 {
		mid := (lo + hi) / 2
		if s, _ := total(mid); float64(s) < need {
			lo = mid
		} else {
			hi = mid
		}
	}
	sLo, pLo := total(lo)
	sHi, pHi := total(hi)
	if math.Abs(float64(sLo)-need) < math.Abs(float64(sHi)-need) {
		return pLo
	}
	return pHi
}
