package workflow

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/parindex/parindex/auth"
	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/results"
	"github.com/parindex/parindex/scoring"
)

// Snapshot is the frozen data a published result is computed from: each
// group's criteria set as imported and every unit's recorded points, inputs
// and survey ratios. The engine is deterministic, so the result computed
// from a snapshot never changes, whatever is edited afterwards.
type Snapshot struct {
	Period string          `json:"period"`
	Groups []SnapshotGroup `json:"groups"`
}

// SnapshotGroup is one group's frozen criteria set and data.
type SnapshotGroup struct {
	Group  string         `json:"group"`
	Source string         `json:"criteria_set"`
	Units  []SnapshotUnit `json:"units"`
}

// SnapshotUnit is one unit's frozen data; numbers are decimal strings and
// "na" marks a not-applicable value.
type SnapshotUnit struct {
	Code    string                       `json:"code"`
	Name    string                       `json:"name"`
	Points  map[string]map[string]string `json:"points"`
	Inputs  map[string]string            `json:"inputs,omitempty"`
	Surveys map[string]string            `json:"surveys,omitempty"`
}

// Publish approves and publishes a period's result (the steering
// committee): it freezes the data, computes the final result from the
// frozen data, and records the committee's decision number and date with
// them, moving the period to the published phase. The period must be in the
// final appraisal phase.
func (s *Service) Publish(ctx context.Context, user auth.User, period, decisionNo string, decisionDate time.Time) (Publication, error) {
	if user.Role != auth.Committee {
		return Publication{}, domain.Errorf(domain.ErrForbidden, "wf.publish.forbidden", "only the steering committee publishes a result")
	}
	decisionNo = strings.TrimSpace(decisionNo)
	if decisionNo == "" || len([]rune(decisionNo)) > 100 {
		return Publication{}, domain.Errorf(domain.ErrInvalid, "wf.publish.decision_no", "the decision number is required (at most 100 characters), e.g. 123/QĐ-UBND")
	}
	if decisionDate.IsZero() {
		return Publication{}, domain.Errorf(domain.ErrInvalid, "wf.publish.decision_date", "the decision date is required")
	}
	p, err := s.Store.Period(ctx, period)
	if err != nil {
		return Publication{}, err
	}
	if p.Phase != domain.PhaseFinalAppraisal {
		return Publication{}, domain.Errorf(domain.ErrConflict, "wf.publish.phase", "period %s can be published only from the final appraisal phase (it is in %s)", period, p.Phase)
	}
	snap, err := s.freeze(ctx, period)
	if err != nil {
		return Publication{}, err
	}
	raw, err := json.Marshal(snap)
	if err != nil {
		return Publication{}, fmt.Errorf("workflow: snapshot: %w", err)
	}
	// The published document is computed from the frozen data, exactly as
	// the public pages will compute it.
	frozen, err := thaw(raw)
	if err != nil {
		return Publication{}, err
	}
	pr := &PublishedResults{Live: s.Store, Publications: s.Store}
	out, err := (&results.Service{Store: overlay{pr, period, frozen}}).Compute(ctx, period, "", scoring.StageFinal)
	if err != nil {
		return Publication{}, err
	}
	var doc bytes.Buffer
	if err := out.WriteJSON(&doc); err != nil {
		return Publication{}, err
	}
	pub := Publication{Period: period, DecisionNo: decisionNo, DecisionDate: decisionDate.UTC(), ApprovedBy: user.Username,
		PublishedAt: s.now(), Snapshot: raw, Document: doc.Bytes()}
	if err := s.Store.Publish(ctx, pub); err != nil {
		return Publication{}, err
	}
	pubs, err := s.Store.Publications(ctx, period)
	if err != nil || len(pubs) == 0 {
		return pub, err
	}
	return pubs[len(pubs)-1], nil
}

// freeze reads every group's set and data of a period.
func (s *Service) freeze(ctx context.Context, period string) (*Snapshot, error) {
	groups, err := s.Store.FrameworkGroups(ctx, period)
	if err != nil {
		return nil, err
	}
	snap := &Snapshot{Period: period}
	for _, g := range groups {
		src, err := s.Store.FrameworkSource(ctx, period, g)
		if err != nil {
			return nil, err
		}
		units, err := s.Store.UnitData(ctx, period, g)
		if err != nil {
			return nil, err
		}
		sg := SnapshotGroup{Group: g, Source: string(src)}
		for _, u := range units {
			su := SnapshotUnit{Code: u.Code, Name: u.Name, Points: map[string]map[string]string{}}
			for item, byStage := range u.Points {
				su.Points[item] = map[string]string{}
				for st, v := range byStage.All() {
					su.Points[item][string(st)] = formatValue(v)
				}
			}
			su.Inputs = decimals(u.Inputs)
			su.Surveys = decimals(u.Surveys)
			sg.Units = append(sg.Units, su)
		}
		sort.Slice(sg.Units, func(i, j int) bool { return sg.Units[i].Code < sg.Units[j].Code })
		snap.Groups = append(snap.Groups, sg)
	}
	return snap, nil
}

func formatValue(v scoring.Value) string {
	if v.NA {
		return "na"
	}
	return v.Points.String()
}

func decimals(m map[string]scoring.Decimal) map[string]string {
	if len(m) == 0 {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v.String()
	}
	return out
}

// frozen is a parsed snapshot.
type frozen struct {
	groups []string
	sets   map[string]*scoring.Framework
	units  map[string][]scoring.UnitData
}

func thaw(raw []byte) (*frozen, error) {
	var snap Snapshot
	if err := json.Unmarshal(raw, &snap); err != nil {
		return nil, fmt.Errorf("workflow: read snapshot: %w", err)
	}
	f := &frozen{sets: map[string]*scoring.Framework{}, units: map[string][]scoring.UnitData{}}
	for _, g := range snap.Groups {
		fw, err := scoring.ParseFramework(strings.NewReader(g.Source))
		if err != nil {
			return nil, fmt.Errorf("workflow: snapshot criteria set %s: %w", g.Group, err)
		}
		f.groups = append(f.groups, g.Group)
		f.sets[g.Group] = fw
		for _, su := range g.Units {
			u := scoring.UnitData{Code: su.Code, Name: su.Name, Points: map[string]scoring.StageValues{}}
			for item, byStage := range su.Points {
				for st, raw := range byStage {
					v := scoring.Value{NA: raw == "na"}
					if !v.NA {
						d, err := scoring.ParseDecimal(raw)
						if err != nil {
							return nil, fmt.Errorf("workflow: snapshot %s %s: %w", su.Code, item, err)
						}
						v.Points = d
					}
					if !u.SetPoints(item, scoring.Stage(st), v) {
						return nil, fmt.Errorf("workflow: snapshot %s %s: unknown stage %q", su.Code, item, st)
					}
				}
			}
			var err error
			if u.Inputs, err = parseDecimals(su.Inputs); err != nil {
				return nil, err
			}
			if u.Surveys, err = parseDecimals(su.Surveys); err != nil {
				return nil, err
			}
			f.units[g.Group] = append(f.units[g.Group], u)
		}
	}
	sort.Strings(f.groups)
	return f, nil
}

func parseDecimals(m map[string]string) (map[string]scoring.Decimal, error) {
	out := make(map[string]scoring.Decimal, len(m))
	for k, v := range m {
		d, err := scoring.ParseDecimal(v)
		if err != nil {
			return nil, fmt.Errorf("workflow: snapshot %s: %w", k, err)
		}
		out[k] = d
	}
	return out, nil
}

// PublishedResults is a results.Store that answers for a published period
// from its latest publication's frozen data, and for any other period from
// the live data. Public pages and the public API compute through it, so a
// published result never changes.
type PublishedResults struct {
	Live         results.Store
	Publications interface {
		Publications(ctx context.Context, period string) ([]Publication, error)
		PublicationHeads(ctx context.Context, period string) ([]Publication, error)
	}

	mu    sync.Mutex
	cache map[string]*frozen // by period and publication number
}

// snapshot returns the frozen data of a period's latest publication, or nil.
func (p *PublishedResults) snapshot(ctx context.Context, period string) (*frozen, error) {
	// A cheap look at the latest number; the snapshot itself is read and
	// parsed once per publication.
	heads, err := p.Publications.PublicationHeads(ctx, period)
	if err != nil || len(heads) == 0 {
		return nil, err
	}
	key := fmt.Sprintf("%s#%d", period, heads[len(heads)-1].Number)
	p.mu.Lock()
	defer p.mu.Unlock()
	if f := p.cache[key]; f != nil {
		return f, nil
	}
	pubs, err := p.Publications.Publications(ctx, period)
	if err != nil || len(pubs) == 0 {
		return nil, err
	}
	last := pubs[len(pubs)-1]
	key = fmt.Sprintf("%s#%d", period, last.Number)
	f, err := thaw(last.Snapshot)
	if err != nil {
		return nil, err
	}
	if p.cache == nil {
		p.cache = map[string]*frozen{}
	}
	p.cache[key] = f
	return f, nil
}

// Framework implements results.Store.
func (p *PublishedResults) Framework(ctx context.Context, period, group string) (*scoring.Framework, error) {
	f, err := p.snapshot(ctx, period)
	if err != nil || f == nil {
		if err != nil {
			return nil, err
		}
		return p.Live.Framework(ctx, period, group)
	}
	if fw := f.sets[group]; fw != nil {
		return fw, nil
	}
	return nil, domain.NotFoundf("the published result of %s has no group %s", period, group)
}

// FrameworkGroups implements results.Store.
func (p *PublishedResults) FrameworkGroups(ctx context.Context, period string) ([]string, error) {
	f, err := p.snapshot(ctx, period)
	if err != nil {
		return nil, err
	}
	if f == nil {
		return p.Live.FrameworkGroups(ctx, period)
	}
	return f.groups, nil
}

// ResultsStamp implements results.Stamper: a published period's data are
// its latest publication's, which never change; another period's are
// stamped by the live store when it can, else not cached.
func (p *PublishedResults) ResultsStamp(ctx context.Context, period, group string) (string, error) {
	heads, err := p.Publications.PublicationHeads(ctx, period)
	if err != nil {
		return "", err
	}
	if len(heads) > 0 {
		return fmt.Sprintf("published %s#%d", period, heads[len(heads)-1].Number), nil
	}
	if st, ok := p.Live.(results.Stamper); ok {
		return st.ResultsStamp(ctx, period, group)
	}
	return "", nil
}

// FrameworkPeriods implements results.Store: periods never disappear, so the
// live list serves.
func (p *PublishedResults) FrameworkPeriods(ctx context.Context, group string) ([]string, error) {
	return p.Live.FrameworkPeriods(ctx, group)
}

// UnitData implements results.Store.
func (p *PublishedResults) UnitData(ctx context.Context, period, group string) ([]scoring.UnitData, error) {
	f, err := p.snapshot(ctx, period)
	if err != nil {
		return nil, err
	}
	if f == nil {
		return p.Live.UnitData(ctx, period, group)
	}
	// A copy of the cached slice: callers may drop its elements (the
	// workbook does, as it writes them) without touching the cache.
	return slices.Clone(f.units[group]), nil
}

// overlay answers for one period from frozen data not yet stored (the
// publication being made) and for the others through PublishedResults.
type overlay struct {
	*PublishedResults
	period string
	f      *frozen
}

func (o overlay) Framework(ctx context.Context, period, group string) (*scoring.Framework, error) {
	if period != o.period {
		return o.PublishedResults.Framework(ctx, period, group)
	}
	if fw := o.f.sets[group]; fw != nil {
		return fw, nil
	}
	return nil, domain.NotFoundf("period %s has no criteria set for group %s", period, group)
}

func (o overlay) FrameworkGroups(ctx context.Context, period string) ([]string, error) {
	if period != o.period {
		return o.PublishedResults.FrameworkGroups(ctx, period)
	}
	return o.f.groups, nil
}

// ResultsStamp is never cached for the period being published: its data
// are not stored yet.
func (o overlay) ResultsStamp(ctx context.Context, period, group string) (string, error) {
	if period == o.period {
		return "", nil
	}
	return o.PublishedResults.ResultsStamp(ctx, period, group)
}

func (o overlay) UnitData(ctx context.Context, period, group string) ([]scoring.UnitData, error) {
	if period != o.period {
		return o.PublishedResults.UnitData(ctx, period, group)
	}
	return slices.Clone(o.f.units[group]), nil
}
