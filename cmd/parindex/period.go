package main

import (
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/parindex/parindex/auth"
	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/results"
	"github.com/parindex/parindex/scoring"
	"github.com/parindex/parindex/workflow"
)

// cmdScore prints a period's results: a published period's latest
// publication (as every reader sees it), or with --live the current data,
// or with --publication N an earlier publication.
func cmdScore(e *env, args []string) error {
	f := newFlags(e, "score")
	period := f.String("period", "", "the period to score (required)")
	group := f.String("group", "", "only this unit group")
	stageName := f.String("stage", "final", "final, appraisal or self")
	format := f.String("format", "table", "table, csv or json")
	live := f.Bool("live", false, "compute a published period from the current data (to prepare a correction)")
	number := f.Int("publication", 0, "print publication N of a published period (1 is the first)")
	draws := f.Int("uncertainty", 0, "re-score N times with survey ratios drawn from their samples and add each unit's 90 % rank interval (rank_low, rank_high)")
	seed := f.Uint64("seed", 1, "the random seed of --uncertainty: the same seed gives the same intervals")
	weights := f.Float64("weights", 0, "with --uncertainty, also perturb the fields' weights by up to ± this share (e.g. 0.2)")
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	switch {
	case len(pos) > 0:
		return usagef("unexpected argument %q", pos[0])
	case *period == "":
		return usagef("--period is required")
	case *format != "table" && *format != "csv" && *format != "json":
		return usagef("--format %q must be table, csv or json", *format)
	case *live && *number != 0:
		return usagef("--live and --publication exclude each other")
	case *number < 0:
		return usagef("--publication %d must be 1 or more", *number)
	}
	stage, err := scoring.ScoringStage(*stageName)
	if err != nil {
		return usagef("--stage: %v", err)
	}
	opts := scoring.UncertaintyOptions{Draws: *draws, Seed: *seed, Weights: *weights}
	if *draws != 0 {
		if err := opts.Check(); err != nil {
			return usagef("--uncertainty: %v", err)
		}
	} else if *weights != 0 {
		return usagef("--weights needs --uncertainty N")
	}
	st, err := f.open()
	if err != nil {
		return err
	}
	defer st.Close()
	res := newServices(st, false).results
	var out *results.Output
	switch {
	case *live:
		out, err = res.ComputeLive(e.ctx, *period, *group, stage)
	case *number > 0:
		out, err = res.ComputePublication(e.ctx, *period, *number, *group, stage)
	default:
		out, err = res.Compute(e.ctx, *period, *group, stage)
	}
	if err != nil {
		return err
	}
	if *draws != 0 {
		if err := out.Simulate(opts); err != nil {
			return err
		}
	}
	switch *format {
	case "csv":
		return out.WriteCSV(e.stdout)
	case "json":
		return out.WriteJSON(e.stdout)
	}
	return out.WriteTable(e.stdout)
}

// periodUsage is the period command's usage line.
const periodUsage = "period list | period phase --period P PHASE [--reason TEXT] | " +
	"period publish --period P --decision-no NO --decision-date YYYY-MM-DD [--reason TEXT] [--override TEXT] | " +
	"period publications --period P"

// cmdPeriod lists periods, moves a period between phases (as the
// secretariat: reopening a published period for a correction needs
// --reason), publishes a period (as the steering committee) and lists a
// period's publications with what each correction changed.
func cmdPeriod(e *env, args []string) error {
	f := newFlags(e, "period")
	period := f.String("period", "", "the period")
	reason := f.String("reason", "", "why: a correction's reopening or publication")
	override := f.String("override", "", "publish although the period is not ready, for this reason")
	decisionNo := f.String("decision-no", "", "the province's decision number, e.g. 123/QĐ-UBND")
	decisionDate := f.String("decision-date", "", "the decision's date, YYYY-MM-DD")
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		pos = []string{"list"}
	}
	switch {
	case pos[0] == "list" && len(pos) == 1:
	case pos[0] == "phase" && len(pos) == 2 && *period != "":
	case (pos[0] == "publish" || pos[0] == "publications") && len(pos) == 1 && *period != "":
	default:
		return usagef("%s", periodUsage)
	}
	var phase domain.Phase
	var date time.Time
	switch pos[0] {
	case "phase":
		if phase, err = domain.ParsePhase(pos[1]); err != nil {
			return usagef("%v", err)
		}
	case "publish":
		if *decisionNo == "" || *decisionDate == "" {
			return usagef("--decision-no and --decision-date are required: %s", periodUsage)
		}
		if date, err = time.Parse(time.DateOnly, *decisionDate); err != nil {
			return usagef("--decision-date %q is not a date YYYY-MM-DD", *decisionDate)
		}
	}
	st, err := f.open()
	if err != nil {
		return err
	}
	defer st.Close()
	sv := newServices(st, false)
	// A decision dated after today in the province is refused: today in
	// the province's zone, as the server reckons it.
	if z, err := time.LoadLocation(envOr(e, "PARINDEX_TIME_ZONE", defaultZone)); err == nil {
		sv.workflow.Zone = z
	}
	switch pos[0] {
	case "list":
		periods, err := st.Periods(e.ctx)
		if err != nil {
			return err
		}
		for _, p := range periods {
			fmt.Fprintf(e.stdout, "%s\t%s\n", p.Code, p.Phase)
		}
		return nil
	case "phase":
		// The command line follows the secretariat's rules: a published
		// period moves only to a correction, and only the committee's
		// decision publishes.
		p, err := sv.workflow.SetPhase(e.ctx, cliUser(e, auth.Admin), *period, phase, *reason)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "period %s is now in phase %s\n", p.Code, p.Phase)
		return nil
	case "publish":
		pub, err := sv.workflow.Publish(e.ctx, cliUser(e, auth.Committee), workflow.PublishRequest{Period: *period,
			DecisionNo: *decisionNo, DecisionDate: date, Reason: *reason, Override: *override})
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "period %s: publication %d by decision %s of %s\n", pub.Period, pub.Number, pub.DecisionNo,
			pub.DecisionDate.Format("02/01/2006"))
		return nil
	}
	return printPublications(e, sv, *period)
}

// printPublications lists a period's publications, and after each
// correction the units whose published result it changed.
func printPublications(e *env, sv *services, period string) error {
	pubs, corrections, err := sv.workflow.Publications(e.ctx, period)
	if err != nil {
		return err
	}
	if len(pubs) == 0 {
		return domain.NotFoundf("period %s has no publication", period)
	}
	reopened := map[int]domain.Correction{}
	for _, c := range corrections {
		reopened[c.Publication+1] = c
	}
	for _, p := range pubs {
		fmt.Fprintf(e.stdout, "publication %d: decision %s of %s, by %s at %s\n", p.Number, p.DecisionNo,
			p.DecisionDate.Format("02/01/2006"), p.ApprovedBy, p.PublishedAt.In(workflow.Vietnam).Format("02/01/2006 15:04"))
		if c, ok := reopened[p.Number]; ok {
			fmt.Fprintf(e.stdout, "  reopened by %s: %s\n", c.OpenedBy, c.Reason)
		}
		if p.Reason != "" {
			fmt.Fprintf(e.stdout, "  correction: %s\n", p.Reason)
		}
		if p.Override != "" {
			fmt.Fprintf(e.stdout, "  published although not ready: %s\n", p.Override)
		}
		if p.Number == 1 {
			continue
		}
		changes, err := sv.results.Changes(e.ctx, period, p.Number)
		if err != nil {
			return err
		}
		if len(changes) == 0 {
			fmt.Fprintln(e.stdout, "  no unit's result changed")
			continue
		}
		tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "  group\tunit\tpoints\tindex\trank\tgrade")
		for _, ch := range changes {
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t%s\n", ch.Group, ch.Unit,
				changed(ch, func(s results.Standing) string { return s.Points.String() }),
				changed(ch, func(s results.Standing) string { return s.Index.String() }),
				changed(ch, func(s results.Standing) string { return strconv.Itoa(s.Rank) }),
				changed(ch, func(s results.Standing) string { return s.Grade }))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	return nil
}

// changed writes one column of a unit's change: "old → new", or the value
// alone when it did not change, "–" for no result.
func changed(ch results.UnitChange, field func(results.Standing) string) string {
	before, after := "–", "–"
	if ch.Before != nil {
		before = field(*ch.Before)
	}
	if ch.After != nil {
		after = field(*ch.After)
	}
	if before == after {
		return after
	}
	return strings.Join([]string{before, after}, " → ")
}
