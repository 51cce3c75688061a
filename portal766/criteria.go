package portal766

import (
	"bytes"
	_ "embed"
	"fmt"
	"regexp"
	"strconv"

	"github.com/parindex/parindex/scoring"
)

// criteriaSource is the 766 index as a criteria set in the format of
// contract.md; CriteriaSet fills in the period, group and name.
//
//go:embed criteria-766.yaml
var criteriaSource []byte

// GroupNames are the names given to the unit groups the import creates.
var GroupNames = map[string]string{
	LevelProvince: "Cơ quan cấp tỉnh (Cổng DVCQG)",
	LevelCommune:  "UBND cấp xã (Cổng DVCQG)",
}

var periodPattern = regexp.MustCompile(`^[0-9]{4}(-(0[1-9]|1[0-2])|-Q[1-4])?$`)

// CheckPeriod checks a period code of the 766 index: a year ("2026"), a
// quarter ("2026-Q3") or a month ("2026-08"), the periods the portal
// reports on.
func CheckPeriod(period string) error {
	if !periodPattern.MatchString(period) {
		return fmt.Errorf("period %q must be a year (2026), a quarter (2026-Q3) or a month (2026-08)", period)
	}
	return nil
}

var (
	periodLine = regexp.MustCompile(`(?m)^period: .*$`)
	groupLine  = regexp.MustCompile(`(?m)^group: .*$`)
	nameLine   = regexp.MustCompile(`(?m)^name: .*$`)
)

// CriteriaSet returns the 766 criteria set of a period for one group
// (PROVINCE or COMMUNE): the source to store, as `parindex import
// framework` would, and the parsed set.
func CriteriaSet(period, group string) ([]byte, *scoring.Framework, error) {
	if err := CheckPeriod(period); err != nil {
		return nil, nil, fmt.Errorf("portal766: %w", err)
	}
	groupName, ok := GroupNames[group]
	if !ok {
		return nil, nil, fmt.Errorf("portal766: group %q must be PROVINCE or COMMUNE", group)
	}
	name := fmt.Sprintf("Bộ chỉ số phục vụ người dân, doanh nghiệp (QĐ 766/QĐ-TTg) – %s – kỳ %s", groupName, period)
	src := periodLine.ReplaceAll(criteriaSource, []byte("period: "+strconv.Quote(period)))
	src = groupLine.ReplaceAll(src, []byte("group: "+group))
	src = nameLine.ReplaceAll(src, []byte("name: "+strconv.Quote(name)))
	fw, err := scoring.ParseFramework(bytes.NewReader(src))
	if err != nil {
		return nil, nil, fmt.Errorf("portal766: the embedded criteria set does not parse: %w", err)
	}
	return src, fw, nil
}

// leafKeys maps each leaf of the set to the key of Record.Official that
// holds the portal's points for it: the metric code, or for a group the
// portal scores as one (progress, online, payment) the item's code.
func leafKeys(fw *scoring.Framework) map[string]string {
	keys := map[string]string{}
	for _, l := range fw.Leaves() {
		if l.Metric != "" {
			keys[l.Code] = l.Metric
		} else {
			keys[l.Code] = l.Code
		}
	}
	return keys
}
