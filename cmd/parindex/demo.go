package main

import (
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/parindex/parindex/auth"
	"github.com/parindex/parindex/demo"
	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/scoring"
	"github.com/parindex/parindex/store"
	"github.com/parindex/parindex/workflow"
)

// printDemoLogins says how to log in to the demo.
func printDemoLogins(w io.Writer) {
	fmt.Fprintln(w, "then open http://127.0.0.1:8080/ — the published rankings need no login; staff log in at /login:")
	for _, u := range demoAccounts {
		fmt.Fprintf(w, "  %-9s %-10s %s\n", u.Username, u.Role, u.Name)
	}
	fmt.Fprintf(w, "  password of every demo account: %s\n", demoPassword)
}

// demoProvince is the province name the server shows when it runs the demo.
const demoProvince = "Tỉnh Cà Mau"

func cmdDemo(e *env, args []string) error {
	f := newFlags(e, "demo")
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("unexpected argument %q", pos[0])
	}
	st, err := f.open()
	if err != nil {
		return err
	}
	defer st.Close()
	loaded, err := loadDemo(e, st, e.stdout)
	if err != nil {
		return err
	}
	if !loaded {
		fmt.Fprintf(e.stdout, "the database %s already holds data; the demo was not loaded\n", describeDB(f.db))
		return nil
	}
	fmt.Fprintln(e.stdout, "demo province loaded. Start the server with: parindex serve --db", f.db)
	printDemoLogins(e.stdout)
	fmt.Fprintf(e.stdout, "the decision appendix of 2025, as the committee signs it:\n  parindex --db %s report --period 2025 --out phu-luc-2025.pdf --province %q --signer-name %q\n",
		f.db, demoProvince, demoSigner)
	return nil
}

// loadDemo imports the demo province's files through the same code as
// `parindex import`, then publishes its periods. It does nothing and returns
// false when the database already holds units or periods.
func loadDemo(e *env, st *store.Store, progress io.Writer) (bool, error) {
	units, err := st.Units(e.ctx, "")
	if err != nil {
		return false, err
	}
	periods, err := st.Periods(e.ctx)
	if err != nil {
		return false, err
	}
	if len(units) > 0 || len(periods) > 0 {
		return false, nil
	}
	files, err := fs.Glob(demo.Files, "data/*")
	if err != nil {
		return false, err
	}
	// Dependencies first: groups, units, criteria sets, then inputs and
	// points, and the lineage before the periods are published.
	order := map[string]int{"groups": 0, "units": 1, "framework": 2, "inputs": 3, "scores": 4, "lineage": 5}
	kindOf := func(name string) string {
		base := path.Base(name)
		return strings.SplitN(strings.TrimSuffix(strings.TrimSuffix(base, ".csv"), ".yaml"), "-", 2)[0]
	}
	sort.SliceStable(files, func(i, j int) bool {
		ki, kj := order[kindOf(files[i])], order[kindOf(files[j])]
		if ki != kj {
			return ki < kj
		}
		return files[i] < files[j]
	})
	im := importer{e: e, st: st, author: "demo"}
	for _, name := range files {
		kind := kindOf(name)
		if _, ok := order[kind]; !ok {
			continue
		}
		data, err := fs.ReadFile(demo.Files, name)
		if err != nil {
			return false, err
		}
		msg, err := im.load(kind, "demo/"+name, data)
		if err != nil {
			return false, fmt.Errorf("demo: %w", err)
		}
		fmt.Fprintln(progress, msg)
	}
	if err := demoWorkflow(e, st, progress); err != nil {
		return false, fmt.Errorf("demo: %w", err)
	}
	if err := loadDemoTargets(e, st, progress); err != nil {
		return false, fmt.Errorf("demo: %w", err)
	}
	if err := loadDemoSurveys(e, st, progress); err != nil {
		return false, fmt.Errorf("demo: %w", err)
	}
	return true, nil
}

// demoPassword is the password of every demo account, printed by the demo.
const demoPassword = "demo-parindex-2026"

// demoAccounts are the demo's accounts, one per role.
var demoAccounts = []auth.User{
	{Username: "admin", Name: "Phòng CCHC, Sở Nội vụ", Role: auth.Admin},
	{Username: "stp", Name: "Cán bộ đầu mối CCHC, Sở Tư pháp", Role: auth.Officer, Unit: "STP"},
	{Username: "thamdinh", Name: "Thành viên Hội đồng thẩm định", Role: auth.Appraiser},
	{Username: "bcd", Name: "Ban Chỉ đạo CCHC tỉnh", Role: auth.Committee},
}

// demoPublications are the (fictitious) decisions publishing the demo's
// results.
var demoPublications = []struct {
	period, decision string
	date             time.Time
}{
	{"2024", "215/QĐ-UBND", time.Date(2025, 3, 20, 0, 0, 0, 0, time.UTC)},
	{"2025", "312/QĐ-UBND", time.Date(2026, 3, 25, 0, 0, 0, 0, time.UTC)},
}

// demoOverride is why the demo's periods are published although their
// units never submitted through the workflow.
const demoOverride = "Dữ liệu minh hoạ: điểm được nhập từ tệp, không qua tự đánh giá và thẩm định trên hệ thống"

// demoOpenPeriod is the period the demo leaves open for self-assessment,
// with the 2025 criteria sets and statistics carried over.
const demoOpenPeriod = "2026"

// demoWorkflow creates the demo's accounts, publishes 2024 and 2025 through
// the steering committee's decisions (so their results are frozen
// snapshots), and opens 2026 for self-assessment.
func demoWorkflow(e *env, st *store.Store, progress io.Writer) error {
	authSvc := auth.NewService(st, nil)
	users := map[auth.Role]auth.User{}
	for _, u := range demoAccounts {
		created, err := authSvc.CreateUser(e.ctx, u, demoPassword)
		if err != nil {
			return err
		}
		users[u.Role] = created
	}
	wf := newServices(st, false).workflow
	for _, p := range demoPublications {
		if err := st.SetPhase(e.ctx, p.period, domain.PhaseFinalAppraisal); err != nil {
			return err
		}
		// The demo's data are generated, not submitted and appraised unit
		// by unit: the committee publishes them with an override, which
		// the publication records.
		if _, err := wf.Publish(e.ctx, users[auth.Committee], workflow.PublishRequest{Period: p.period, DecisionNo: p.decision,
			DecisionDate: p.date, Override: demoOverride}); err != nil {
			return err
		}
		fmt.Fprintf(progress, "period %s published by decision %s of %s\n", p.period, p.decision, p.date.Format("02/01/2006"))
	}
	groups, err := st.FrameworkGroups(e.ctx, "2025")
	if err != nil {
		return err
	}
	for _, g := range groups {
		src, err := st.FrameworkSource(e.ctx, "2025", g)
		if err != nil {
			return err
		}
		src = []byte(strings.Replace(strings.Replace(string(src), `period: "2025"`, `period: "`+demoOpenPeriod+`"`, 1), "năm 2025", "năm "+demoOpenPeriod, 1))
		fw, err := scoring.ParseFramework(strings.NewReader(string(src)))
		if err != nil {
			return err
		}
		if _, err := st.SaveFramework(e.ctx, fw, src, false); err != nil {
			return err
		}
	}
	inputs, err := st.Inputs(e.ctx, "2025", "")
	if err != nil {
		return err
	}
	for i := range inputs {
		inputs[i].Period = demoOpenPeriod
	}
	if err := st.RecordInputs(e.ctx, inputs, "demo"); err != nil {
		return err
	}
	if err := st.SetPhase(e.ctx, demoOpenPeriod, domain.PhaseSelfAssessment); err != nil {
		return err
	}
	due := time.Date(2027, 1, 15, 17, 0, 0, 0, time.FixedZone("ICT", 7*3600))
	if err := st.SetDeadline(e.ctx, demoOpenPeriod, domain.PhaseSelfAssessment, due); err != nil {
		return err
	}
	fmt.Fprintf(progress, "period %s open for self-assessment until %s\n", demoOpenPeriod, due.Format("02/01/2006 15:04 (UTC-07)"))
	return nil
}
