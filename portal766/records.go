package portal766

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"sync"

	"github.com/parindex/parindex/scoring"
)

// metric maps one metric of the portal to the criteria set's inputs: its
// numerator and denominator, or, for a metric published only as a
// percentage, the input that holds that percentage as a fraction.
type metric struct {
	num, den string
	rate     string // set when the portal gives only the ratio (percent)
	scored   bool   // false for the informative metrics worth no points
}

func counts(prefix string) metric {
	return metric{num: prefix + "_num", den: prefix + "_den", scored: true}
}

// metricInputs lists, per metric group, every metric code the portal
// publishes and where its counts go. A code not listed here is refused: the
// portal has changed and the criteria set must follow.
var metricInputs = map[Kind]map[string]metric{
	Transparency: {
		"PUBLISH_ON_TIME":       counts("publish_on_time"),
		"PUBLIC_UPDATE_ON_TIME": counts("public_update_on_time"),
		"PUBLIC_CONTENT_FULL":   counts("public_content_full"),
		"DOSSIER_SYNC":          counts("dossier_sync"),
	},
	Digitization: {
		"ORIGINAL_RESULT_AVAILABLE":          counts("original_result_available"),
		"SO_HOA_GIAY_TO_GIAI_QUYET":          counts("so_hoa_giay_to_giai_quyet"),
		"REUSED_DIGITIZED_DATA":              counts("reused_digitized_data"),
		"SYNCED_WITH_DVCQG_PERSONAL_STORAGE": counts("synced_with_dvcqg_personal_storage"),
		"CITIZEN_DATA_CONNECTED_DOSSIER":     counts("citizen_data_connected_dossier"),
		"CITIZEN_DATA_CONNECTED_FORMALITY":   counts("citizen_data_connected_formality"),
		"ELECTRONIC_CERTIFIED_COPY":          {rate: "electronic_certified_copy_rate", scored: true},
	},
	Satisfaction: {
		"DOSSIER_RECEIVING_SATISFACTION": counts("dossier_receiving_satisfaction"),
		"PETITION_PROCESSING_ON_TIME":    counts("petition_processing_on_time"),
		"PETITION_HANDLING_SATISFACTION": counts("petition_handling_satisfaction"),
		"PETITION_CLASSIFICATION_TTHC":   {num: "petition_classification_tthc_num", den: "petition_classification_tthc_den"},
		"PETITION_CLASSIFICATION_STAFF":  {num: "petition_classification_staff_num", den: "petition_classification_staff_den"},
	},
}

// field maps one count of a record to an input.
type field struct {
	json, input string
	required    bool // in every record of the group (else optional)
}

// recordFields are the counts read from the records themselves: the tree
// groups' counts, and the satisfaction group's totals.
var recordFields = map[Kind][]field{
	Progress: {
		{"totalReceived", "progress_received", true},
		{"totalOnTime", "progress_on_time", true},
		{"totalOverdue", "progress_overdue", false},
		{"totalCompleted", "progress_completed", false},
		{"avgProcessingDays", "progress_avg_days", false},
	},
	Online: {
		{"authorityCount", "online_authority_procedures", false},
		{"partialCount", "online_partial_procedures", false},
		{"fullCount", "online_full_procedures", false},
		{"onlineDossierCount", "online_dossier_procedures", false},
		{"onlineServiceTotal", "online_services_total", false},
		{"channelOnlineSum", "online_channel_online", false},
		{"channelDirectSum", "online_channel_direct", false},
		{"channelPostalSum", "online_channel_postal", false},
		{"channelTotalSum", "online_channel_total", false},
		{"onlineOnTimeSum", "online_on_time", false},
		{"onlineOverdueSum", "online_overdue", false},
	},
	Payment: {
		{"totalDossierOnlinePaymentSuccess", "payment_paid_online", true},
		{"totalDossierFinancialObligation", "payment_due", true},
		{"totalDossierOnlineFormalityPaymentSuccess", "payment_procedures_paid_online", true},
		{"totalFeeDossierFormality", "payment_procedures_with_dossiers", true},
		{"totalFeeFormality", "payment_procedures", true},
		{"totalFeeDossierFormalityDistinct", "payment_procedures_distinct", false},
	},
	Satisfaction: {
		{"totalPetitions", "petitions_total", false},
		{"classifiedPetitions", "petitions_classified", false},
		{"totalDossiers", "satisfaction_dossiers_total", false},
	},
}

// codePattern is what a unit code may look like (as in the CSV imports).
var codePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// onlinePoints is the input that carries the online group's published
// points: the portal gives no counts per unit for that group.
const onlinePoints = "online_portal_points"

// parseRecord reads one unit's record; problems go to ps.
func parseRecord(ps *problems, kind Kind, where string, obj map[string]any, root bool) Record {
	r := Record{Root: root, Inputs: map[string]scoring.Decimal{}, Official: map[string]*scoring.Decimal{}}
	r.ID, _ = obj["departmentId"].(string)
	r.Name, _ = obj["departmentName"].(string)
	r.Code, _ = obj["departmentCode"].(string)
	r.ID, r.Name, r.Code = strings.TrimSpace(r.ID), strings.TrimSpace(r.Name), strings.TrimSpace(r.Code)
	label := r.Name
	if label == "" {
		label = r.Code
	}
	r.Where = where
	if label != "" {
		r.Where = fmt.Sprintf("%s (%s)", where, label)
	}
	if r.ID == "" {
		ps.add(r.Where, "departmentId is missing")
	}
	if r.Name == "" {
		ps.add(r.Where, "departmentName is missing")
	}
	if r.Code != "" && !codePattern.MatchString(r.Code) {
		ps.add(r.Where, "departmentCode %q may hold only letters, digits, '.', '_' and '-'", r.Code)
	}
	if !root {
		level, _ := obj["level"].(string)
		if level == "" {
			level, _ = obj["departmentLevel"].(string)
		}
		switch level {
		case LevelProvince, LevelCommune:
			r.Level = level
		case "":
			ps.add(r.Where, "the level (level or departmentLevel) is missing; it must be PROVINCE or COMMUNE")
		default:
			ps.add(r.Where, "level %q must be PROVINCE or COMMUNE", level)
		}
	}
	score := "score"
	if obj["score"] == nil && obj["totalScore"] != nil {
		score = "totalScore"
	}
	if _, isMetrics := metricInputs[kind]; isMetrics {
		score = "totalScore"
		parseMetrics(ps, kind, &r, obj)
	}
	total, ok := number(ps, r.Where, obj, score)
	if ok {
		r.Total = total
	}
	for _, f := range recordFields[kind] {
		v, ok := number(ps, r.Where, obj, f.json)
		switch {
		case !ok:
		case v != nil:
			r.Inputs[f.input] = *v
		case f.required:
			ps.add(r.Where, "%s is missing", f.json)
		}
	}
	switch kind {
	case Progress, Online, Payment:
		if obj["maxScore"] != nil {
			checkMax(ps, r.Where, obj, "maxScore", string(kind))
		} else {
			checkMax(ps, r.Where, obj, "totalMaxScore", string(kind))
		}
	}
	switch kind {
	case Progress, Payment:
		r.Official[string(kind)] = r.Total
	case Online:
		r.Official[string(kind)] = r.Total
		if r.Total == nil {
			ps.add(r.Where, "%s is missing: the online group's points are all the portal gives per unit", score)
		} else {
			r.Inputs[onlinePoints] = *r.Total
		}
	}
	return r
}

// parseMetrics reads the metrics list of a transparency, digitisation or
// satisfaction record.
func parseMetrics(ps *problems, kind Kind, r *Record, obj map[string]any) {
	list, ok := obj["metrics"].([]any)
	if !ok {
		ps.add(r.Where, "metrics is missing")
		return
	}
	known := metricInputs[kind]
	seen := map[string]bool{}
	for i, m := range list {
		mo, ok := m.(map[string]any)
		if !ok {
			ps.add(r.Where, "metrics[%d] is not an object", i)
			continue
		}
		code, _ := mo["code"].(string)
		where := fmt.Sprintf("%s: metric %s", r.Where, code)
		def, ok := known[code]
		switch {
		case code == "":
			ps.add(r.Where, "metrics[%d] has no code", i)
			continue
		case !ok:
			ps.add(r.Where, "metric %s is not one the 766 criteria set knows (%s group)", code, kind)
			continue
		case seen[code]:
			ps.add(r.Where, "metric %s appears twice", code)
			continue
		}
		seen[code] = true
		if def.rate != "" {
			pct, ok := number(ps, where, mo, "ratio")
			if ok && pct != nil {
				r.Inputs[def.rate] = pct.Div(scoring.NewInt(100))
			}
		} else {
			num, okNum := number(ps, where, mo, "numerator")
			den, okDen := number(ps, where, mo, "denominator")
			switch {
			case !okNum || !okDen:
			case num != nil && den != nil:
				r.Inputs[def.num], r.Inputs[def.den] = *num, *den
			case num != nil || den != nil:
				ps.add(where, "has a numerator or a denominator but not both")
			}
		}
		if def.scored {
			s, ok := number(ps, where, mo, "score")
			if ok {
				r.Official[code] = s
			}
			checkMax(ps, where, mo, "maxScore", code)
		}
	}
}

// number reads a non-negative number. It returns nil for a null or missing
// value, and ok=false after recording a problem.
func number(ps *problems, where string, obj map[string]any, key string) (v *scoring.Decimal, ok bool) {
	raw := obj[key]
	if raw == nil {
		return nil, true
	}
	n, isNum := raw.(json.Number)
	if !isNum {
		ps.add(where, "%s is not a number (%v)", key, raw)
		return nil, false
	}
	d, err := scoring.ParseDecimal(n.String())
	if err != nil {
		ps.add(where, "%s: %v", key, err)
		return nil, false
	}
	if d.IsNegative() {
		ps.add(where, "%s is negative (%s); counts and points cannot be", key, d)
		return nil, false
	}
	return &d, true
}

// maxima are the points the 766 criteria set gives each metric (by metric
// code) and each group scored as one (by item code).
var maxima = sync.OnceValue(func() map[string]scoring.Decimal {
	_, fw, err := CriteriaSet("2026", LevelProvince)
	if err != nil {
		panic(err) // the embedded set is tested
	}
	out := map[string]scoring.Decimal{}
	for key, code := range leafKeys(fw) {
		out[code] = fw.Item(key).Max
	}
	return out
})

// checkMax refuses an answer whose maximum for a metric differs from the
// criteria set's: the portal's weights have changed and the set must follow.
func checkMax(ps *problems, where string, obj map[string]any, field, key string) {
	v, ok := number(ps, where, obj, field)
	want, known := maxima()[key]
	if !ok || v == nil || !known || v.Equal(want) {
		return
	}
	ps.add(where, "%s is %s but the 766 criteria set gives %s points; the portal's weights have changed", field, v, want)
}
