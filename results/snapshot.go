package results

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/scoring"
)

// SourceStore gives the criteria set files as imported; freezing a period
// keeps them, so that a published result is computed from the set as it
// was. The store implements it.
type SourceStore interface {
	FrameworkSource(ctx context.Context, period, group string) ([]byte, error)
}

// CommentStore gives the comments recorded with a period's points: unit →
// item → stage → text. Freezing a period keeps them with the values, so
// that a published workbook prints the comments of its own values.
type CommentStore interface {
	Comments(ctx context.Context, period string) (map[string]map[string]map[scoring.Stage]string, error)
}

// PeriodStamper describes a whole period's data cheaply (the store
// implements it); the store refuses a publication whose data changed
// between the freeze and the publication's transaction.
type PeriodStamper interface {
	PeriodStamp(ctx context.Context, period string) (string, error)
}

// Freeze reads a period's live data (every group's criteria set as
// imported and every unit's points, inputs and survey ratios) and computes
// the final results from the frozen copy, exactly as every reader will
// compute them once it is published. It returns a publication holding the
// snapshot, the results document and the stamp of the data frozen; the
// workflow adds the decision and stores it.
func (s *Service) Freeze(ctx context.Context, period string) (domain.Publication, error) {
	pub := domain.Publication{Period: period}
	if ps, ok := s.Store.(PeriodStamper); ok {
		stamp, err := ps.PeriodStamp(ctx, period)
		if err != nil {
			return pub, err
		}
		pub.Stamp = stamp
	}
	snap, err := s.snapshotOf(ctx, period)
	if err != nil {
		return pub, err
	}
	if pub.Snapshot, err = json.Marshal(snap); err != nil {
		return pub, fmt.Errorf("results: snapshot: %w", err)
	}
	f, err := thaw(pub.Snapshot)
	if err != nil {
		return pub, err
	}
	if len(f.groups) == 0 {
		return pub, domain.NotFoundf("period %s has no criteria set", period)
	}
	// The document is computed from the frozen data, not from the live
	// data it was copied from: what is stored is what will be served.
	pin := pinnedStore{publishedStore{s}, period, f, ""}
	out, err := s.derive("", pin, false).computeOutput(ctx, period, "", scoring.StageFinal)
	if err != nil {
		return pub, err
	}
	var doc bytes.Buffer
	if err := out.WriteJSON(&doc); err != nil {
		return pub, err
	}
	pub.Document = doc.Bytes()
	return pub, nil
}

// snapshotOf reads every group's set and data of a period from the live
// store.
func (s *Service) snapshotOf(ctx context.Context, period string) (*domain.Snapshot, error) {
	src, ok := s.Store.(SourceStore)
	if !ok {
		return nil, fmt.Errorf("results: freeze %s: the store does not keep criteria set files", period)
	}
	groups, err := s.Store.FrameworkGroups(ctx, period)
	if err != nil {
		return nil, err
	}
	snap := &domain.Snapshot{Period: period}
	var comments map[string]map[string]map[scoring.Stage]string
	if cs, ok := s.Store.(CommentStore); ok {
		if comments, err = cs.Comments(ctx, period); err != nil {
			return nil, err
		}
		snap.WithComments = true
	}
	for _, g := range groups {
		source, err := src.FrameworkSource(ctx, period, g)
		if err != nil {
			return nil, err
		}
		units, err := s.Store.UnitData(ctx, period, g)
		if err != nil {
			return nil, err
		}
		sg := domain.SnapshotGroup{Group: g, Source: string(source)}
		for _, u := range units {
			su := domain.SnapshotUnit{Code: u.Code, Name: u.Name, Points: map[string]map[string]string{}}
			for item, byStage := range u.Points {
				su.Points[item] = map[string]string{}
				for st, v := range byStage.All() {
					su.Points[item][string(st)] = formatValue(v)
				}
			}
			su.Inputs = decimals(u.Inputs)
			su.Surveys = decimals(u.Surveys)
			for item, byStage := range comments[u.Code] {
				if su.Comments == nil {
					su.Comments = map[string]map[string]string{}
				}
				su.Comments[item] = map[string]string{}
				for st, text := range byStage {
					su.Comments[item][string(st)] = text
				}
			}
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
	// comments are the frozen comments (unit → item → stage → text), nil
	// for a snapshot made before comments were frozen.
	comments map[string]map[string]map[scoring.Stage]string
}

func (f *frozen) framework(period, group string) (*scoring.Framework, error) {
	if fw := f.sets[group]; fw != nil {
		return fw, nil
	}
	return nil, domain.NotFoundf("the published result of %s has no group %s", period, group)
}

func thaw(raw []byte) (*frozen, error) {
	var snap domain.Snapshot
	if err := json.Unmarshal(raw, &snap); err != nil {
		return nil, fmt.Errorf("results: read snapshot: %w", err)
	}
	f := &frozen{sets: map[string]*scoring.Framework{}, units: map[string][]scoring.UnitData{}}
	if snap.WithComments {
		f.comments = map[string]map[string]map[scoring.Stage]string{}
	}
	for _, g := range snap.Groups {
		fw, err := scoring.ParseFramework(strings.NewReader(g.Source))
		if err != nil {
			return nil, fmt.Errorf("results: snapshot criteria set %s: %w", g.Group, err)
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
							return nil, fmt.Errorf("results: snapshot %s %s: %w", su.Code, item, err)
						}
						v.Points = d
					}
					if !u.SetPoints(item, scoring.Stage(st), v) {
						return nil, fmt.Errorf("results: snapshot %s %s: unknown stage %q", su.Code, item, st)
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
			for item, byStage := range su.Comments {
				if f.comments == nil {
					break
				}
				if f.comments[su.Code] == nil {
					f.comments[su.Code] = map[string]map[scoring.Stage]string{}
				}
				f.comments[su.Code][item] = map[scoring.Stage]string{}
				for st, text := range byStage {
					f.comments[su.Code][item][scoring.Stage(st)] = text
				}
			}
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
			return nil, fmt.Errorf("results: snapshot %s: %w", k, err)
		}
		out[k] = d
	}
	return out, nil
}

// Comments returns the comments recorded with a period's points as every
// reader sees them: a published period's as frozen with its latest
// publication (when it froze them), another's as stored. The maps may be
// shared: callers must not change them.
func (s *Service) Comments(ctx context.Context, period string) (map[string]map[string]map[scoring.Stage]string, error) {
	if f, err := (publishedStore{s}).snapshot(ctx, period); err != nil {
		return nil, err
	} else if f != nil && f.comments != nil {
		return f.comments, nil
	}
	cs, ok := s.Store.(CommentStore)
	if !ok {
		return map[string]map[string]map[scoring.Stage]string{}, nil
	}
	return cs.Comments(ctx, period)
}
