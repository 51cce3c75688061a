package store

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/scoring"
)

// SetSource is a criteria set with the file it was parsed from.
type SetSource struct {
	Framework *scoring.Framework
	Source    []byte
}

// StatisticsImport is one import of service statistics (say the national
// portal's answers for a period): the groups and units they name, the
// criteria sets to install when missing, and the measured inputs.
type StatisticsImport struct {
	// Groups are created when missing; the names of existing groups stay.
	Groups []domain.Group
	// Units are added, or updated (name, group, parent) when they exist. A
	// parent must exist or come earlier in the list.
	Units []domain.Unit
	// Sets are installed for their period and group only when that period
	// and group have no criteria set yet; an existing set is kept.
	Sets []SetSource
	// Inputs are recorded, one value per period, unit and name, the last
	// row winning.
	Inputs []domain.Input
}

// StatisticsResult says what ImportStatistics changed.
type StatisticsResult struct {
	UnitsCreated, UnitsUpdated int
	// SetsInstalled lists "PERIOD GROUP" for each criteria set installed.
	SetsInstalled []string
	Inputs        int
}

// ImportStatistics applies an import in one transaction: on any problem
// nothing is written.
func (s *Store) ImportStatistics(ctx context.Context, im StatisticsImport, author string) (StatisticsResult, error) {
	var res StatisticsResult
	for i, in := range im.Inputs {
		if in.Period == "" || in.Unit == "" || in.Name == "" {
			return res, domain.Invalidf("input %d: the period, unit and input name must not be empty", i+1)
		}
	}
	for _, set := range im.Sets {
		if set.Framework == nil || len(set.Source) == 0 {
			return res, errors.New("store: import statistics: a criteria set without its source")
		}
	}
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		res = StatisticsResult{}
		if err := s.createGroups(tx, im.Groups); err != nil {
			return err
		}
		created, updated, err := s.upsertUnits(tx, im.Units)
		if err != nil {
			return err
		}
		res.UnitsCreated, res.UnitsUpdated = created, updated
		for _, set := range im.Sets {
			installed, err := s.installSet(tx, set)
			if err != nil {
				return err
			}
			if installed {
				res.SetsInstalled = append(res.SetsInstalled, set.Framework.Period+" "+set.Framework.Group)
			}
		}
		n, err := s.writeInputs(tx, im.Inputs, author, "import", "")
		res.Inputs = n
		return err
	})
	if err != nil {
		return StatisticsResult{}, wrap("import statistics", err)
	}
	return res, nil
}

// createGroups adds the groups that do not exist yet, with their names.
func (s *Store) createGroups(tx *gorm.DB, groups []domain.Group) error {
	rows := make([]groupRow, 0, len(groups))
	for _, g := range groups {
		if strings.TrimSpace(g.Code) == "" {
			return domain.Invalidf("a group has no code")
		}
		name := strings.TrimSpace(g.Name)
		if name == "" {
			name = g.Code
		}
		rows = append(rows, groupRow{Code: strings.TrimSpace(g.Code), Name: name})
	}
	if len(rows) == 0 {
		return nil
	}
	return tx.Clauses(clause.OnConflict{DoNothing: true}).CreateInBatches(rows, s.batch).Error
}

// upsertUnits adds new units and updates changed ones, counting both. The
// groups must exist.
func (s *Store) upsertUnits(tx *gorm.DB, units []domain.Unit) (created, updated int, err error) {
	if len(units) == 0 {
		return 0, 0, nil
	}
	codes := make([]string, 0, len(units)+1)
	for _, u := range units {
		codes = append(codes, u.Code)
		if u.Parent != "" && !slices.Contains(codes, u.Parent) {
			codes = append(codes, u.Parent)
		}
	}
	known := map[string]unitRow{}
	err = inBatches(len(codes), inListSize, func(lo, hi int) error {
		var have []unitRow
		if err := tx.Where("code IN ?", codes[lo:hi]).Find(&have).Error; err != nil {
			return err
		}
		for _, r := range have {
			known[r.Code] = r
		}
		return nil
	})
	if err != nil {
		return 0, 0, err
	}
	now := s.now()
	var (
		write    []unitRow
		problems []string
	)
	inBatch := map[string]bool{}
	for _, u := range units {
		switch {
		case u.Code == "" || u.Name == "" || u.Group == "":
			problems = append(problems, fmt.Sprintf("unit %q (%s): the code, name and group must not be empty", u.Code, u.Name))
			continue
		case inBatch[u.Code]:
			problems = append(problems, fmt.Sprintf("unit %s: appears twice", u.Code))
			continue
		case u.Parent == u.Code:
			problems = append(problems, fmt.Sprintf("unit %s: is its own parent", u.Code))
			continue
		}
		if _, ok := known[u.Parent]; u.Parent != "" && !ok && !inBatch[u.Parent] {
			problems = append(problems, fmt.Sprintf("unit %s: parent unit %s not found", u.Code, u.Parent))
		}
		inBatch[u.Code] = true
		row := unitRow{Code: u.Code, Name: u.Name, GroupCode: u.Group, CreatedAt: now, UpdatedAt: now}
		if u.Parent != "" {
			parent := u.Parent
			row.ParentCode = &parent
		}
		old, ok := known[u.Code]
		switch {
		case !ok:
			created++
		case old.Name != u.Name || old.GroupCode != u.Group || old.domain().Parent != u.Parent:
			updated++
			row.CreatedAt = old.CreatedAt
		default:
			continue
		}
		write = append(write, row)
	}
	if len(problems) > 0 {
		return 0, 0, domain.Invalidf("%s", strings.Join(problems, "\n"))
	}
	if len(write) == 0 {
		return created, updated, nil
	}
	err = tx.Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "code"}},
		DoUpdates: clause.AssignmentColumns([]string{"name", "group_code", "parent_code", "updated_at"}),
	}).CreateInBatches(write, s.batch).Error
	return created, updated, err
}

// installSet stores a criteria set when its period and group have none.
func (s *Store) installSet(tx *gorm.DB, set SetSource) (bool, error) {
	fw := set.Framework
	if err := s.openPeriods(tx, []string{fw.Period}); err != nil {
		return false, err
	}
	if err := s.ensureGroups(tx, []string{fw.Group}); err != nil {
		return false, err
	}
	var n int64
	if err := tx.Model(&frameworkRow{}).Where("period_code = ? AND group_code = ?", fw.Period, fw.Group).Count(&n).Error; err != nil {
		return false, err
	}
	if n > 0 {
		return false, nil
	}
	now := s.now()
	row := frameworkRow{PeriodCode: fw.Period, GroupCode: fw.Group, Name: fw.Name,
		NotApplicable: string(fw.NotApplicable), Source: set.Source, Version: 1, CreatedAt: now, UpdatedAt: now}
	if err := tx.Create(&row).Error; err != nil {
		if errors.Is(err, gorm.ErrDuplicatedKey) {
			return false, domain.Conflictf("criteria set %s %s was saved by someone else at the same time; try again", fw.Period, fw.Group)
		}
		return false, err
	}
	return true, tx.CreateInBatches(itemRows(row.ID, fw), s.batch).Error
}

// targetsRow is a programme's targets file.
type targetsRow struct {
	ID        int64
	Code      string
	Name      string
	Source    []byte
	CreatedAt time.Time
	UpdatedAt time.Time
}

func (targetsRow) TableName() string { return "programme_targets" }

// SaveTargets stores a programme's targets file under its code, replacing
// the one stored before (replaced is then true).
func (s *Store) SaveTargets(ctx context.Context, code, name string, source []byte) (replaced bool, err error) {
	code, name = strings.TrimSpace(code), strings.TrimSpace(name)
	if code == "" || len(source) == 0 {
		return false, domain.Invalidf("a targets file needs a code and a source")
	}
	if name == "" {
		name = code
	}
	err = s.transaction(ctx, func(tx *gorm.DB) error {
		now := s.now()
		res := tx.Model(&targetsRow{}).Where("code = ?", code).
			Updates(map[string]any{"name": name, "source": source, "updated_at": now})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected > 0 {
			replaced = true
			return nil
		}
		return tx.Create(&targetsRow{Code: code, Name: name, Source: source, CreatedAt: now, UpdatedAt: now}).Error
	})
	if err != nil {
		return false, wrap("save the targets of "+code, err)
	}
	return replaced, nil
}

// TargetsSources returns every stored programme's targets file, ordered by
// the programme's code.
func (s *Store) TargetsSources(ctx context.Context) ([][]byte, error) {
	var rows []targetsRow
	if err := s.db.WithContext(ctx).Find(&rows).Error; err != nil {
		return nil, wrap("list programme targets", err)
	}
	slices.SortFunc(rows, func(a, b targetsRow) int { return cmp.Compare(a.Code, b.Code) })
	out := make([][]byte, len(rows))
	for i, r := range rows {
		out[i] = r.Source
	}
	return out, nil
}
