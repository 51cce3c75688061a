package main

import (
	"math"
	"math/rand/v2"
	"strings"
)

// dossiersPerYear is the rough yearly number of administrative-procedure
// dossiers of each department; the communes are sized in genInputs.
var dossiersPerYear = map[string]float64{
	"VPUB": 900, "SNV": 14000, "STP": 18000, "STC": 9000, "SCT": 22000,
	"SNNMT": 34000, "SXD": 12000, "SGDDT": 6000, "SYT": 9000, "SVHTTDL": 1500,
	"SKHCN": 1200, "SDTTG": 650, "TTT": 700, "BQLKKT": 750,
}

// publicServiceUnits is the number of public service units (đơn vị sự nghiệp
// công lập) under each department.
var publicServiceUnits = map[string]int{
	"VPUB": 1, "SNV": 3, "STP": 2, "STC": 1, "SCT": 1, "SNNMT": 8, "SXD": 3,
	"SGDDT": 20, "SYT": 18, "SVHTTDL": 6, "SKHCN": 2, "BQLKKT": 1,
}

// noFees lists departments whose procedures carry no fee, so nothing is paid
// online (an empty denominator for the online-payment ratio).
var noFees = map[string]bool{"SDTTG": true, "TTT": true}

type gen struct{ r *rand.Rand }

func (g gen) uni(a, b float64) float64 { return a + (b-a)*g.r.Float64() }
func (g gen) nrm(sd float64) float64   { return g.r.NormFloat64() * sd }
func (g gen) intn(a, b int) float64    { return float64(a + g.r.IntN(b-a+1)) }
func (g gen) chance(p float64) bool    { return g.r.Float64() < p }

// part is round(total × frac) with frac kept within 0..1.
func part(total, frac float64) float64 { return math.Round(total * clamp(frac, 0, 1)) }

// rate is a ratio within lo..hi written with at most four decimals.
func rate(x, lo, hi float64) float64 { return math.Round(clamp(x, lo, hi)*1e4) / 1e4 }

func clamp(x, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, x)) }

// handled counts how many of n cases were handled when each is missed with
// probability miss.
func (g gen) handled(n, miss float64) float64 {
	out := n
	for i := 0; i < int(n); i++ {
		if g.chance(miss) {
			out--
		}
	}
	return out
}

// genInputs draws every measured input the demo knows for one unit and
// period: q is the unit's quality (0 worst, 1 best), year counts the periods
// since the first. Every value is drawn for every unit, in a fixed order, so
// the sequence of random numbers does not depend on which inputs a criteria
// set reads.
func genInputs(u unit, q float64, year int, g gen) map[string]float64 {
	in := map[string]float64{}
	dept := u.group == "SO"
	ward := strings.Contains(u.name, "phường")
	y := float64(year)
	pick := func(so, xa float64) float64 {
		if dept {
			return so
		}
		return xa
	}

	size := dossiersPerYear[u.code] * g.uni(0.85, 1.15)
	switch {
	case dept && size == 0:
		size = g.uni(800, 3000)
	case !dept && ward:
		size = g.uni(3000, 7200)
	case !dept:
		size = g.uni(600, 3500)
	}
	received := math.Round(size * (1 + 0.1*y))
	in["dossiers_received"] = received
	in["dossiers_online"] = part(received, pick(0.30, 0.25)+0.5*q+0.1*y+g.nrm(0.07))
	resolved := part(received, g.uni(0.93, 0.99))
	in["dossiers_resolved"] = resolved
	late := clamp((1-q)*(1-q)*0.04*g.uni(0, 2)-0.004, 0, 0.1)
	in["dossiers_on_time"] = resolved - part(resolved, late)
	in["results_digitized"] = part(resolved, 0.45+0.45*q+0.12*y+g.nrm(0.06))

	due := part(received, g.uni(0.15, 0.45))
	if noFees[u.code] || (!dept && g.chance(0.06)) {
		due = 0
	}
	in["payments_due"] = due
	in["payments_online"] = part(due, 0.15+0.45*q+0.08*y+g.nrm(0.07))

	fb := g.intn(1, int(pick(25, 8)))
	if g.chance(pick(0.1, 0.35)) {
		fb = 0
	}
	in["feedback_received"] = fb
	in["feedback_resolved"] = g.handled(fb, 0.25*(1-q))
	cp := g.intn(1, int(pick(20, 15)))
	if g.chance(pick(0.2, 0.25)) {
		cp = 0
	}
	in["complaints_received"] = cp
	in["complaints_resolved"] = g.handled(cp, 0.3*(1-q))

	tasks := g.intn(int(pick(60, 30)), int(pick(260, 120)))
	in["tasks_assigned"] = tasks
	in["tasks_on_time"] = part(tasks, 0.8+0.2*q+g.nrm(0.03))
	plan := g.intn(12, 30)
	in["par_plan_tasks"] = plan
	in["par_plan_done"] = part(plan, 0.75+0.27*q+g.nrm(0.04))

	legal := g.intn(1, 8)
	switch u.code {
	case "TTT", "SDTTG", "BQLKKT":
		legal = g.intn(0, 2)
	case "VPUB":
		legal = g.intn(0, 3)
	}
	in["legal_docs_planned"] = legal
	in["legal_docs_on_time"] = part(legal, 0.6+0.45*q+g.nrm(0.1))
	findings := g.intn(1, 40)
	if g.chance(0.15) {
		findings = 0
	}
	in["inspection_findings"] = findings
	in["inspection_findings_handled"] = g.handled(findings, 0.3*(1-q))

	in["tthc_published_rate"] = rate(0.9+0.1*q+g.nrm(0.02), 0, 1)
	in["data_reuse_rate"] = rate(0.3+0.55*q+0.1*y+g.nrm(0.06), 0, 1)
	in["staff_reduction_rate"] = rate(0.002+0.025*q+g.nrm(0.004), 0, 0.05)
	train := g.intn(int(pick(20, 8)), int(pick(150, 30)))
	in["training_planned"] = train
	in["training_done"] = part(train, 0.7+0.32*q+g.nrm(0.05))
	in["disbursement_rate"] = rate(0.55+0.45*q+g.nrm(0.08), 0, 1)

	su := float64(publicServiceUnits[u.code])
	in["su_units"] = su
	in["su_units_autonomous"] = su - g.handled(su, 0.15+0.5*q)

	out := g.intn(int(pick(1500, 800)), int(pick(9000, 4000)))
	in["docs_outgoing"] = out
	in["docs_signed_digital"] = part(out, 0.86+0.14*q+g.nrm(0.02))
	in["e_workflow_rate"] = rate(0.72+0.27*q+g.nrm(0.03), 0, 1)
	in["dvc_fullonline_rate"] = rate(0.45+0.45*q+0.08*y+g.nrm(0.05), 0, 1)
	in["sync_rate"] = rate(0.85+0.15*q+g.nrm(0.03), 0, 1)
	in["dti_index"] = rate(0.45+0.45*q+g.nrm(0.05), 0, 1)
	in["online_rating_rate"] = rate(0.86+0.14*q+g.nrm(0.02), 0, 1)

	tg := g.intn(int(pick(3, 14)), int(pick(15, 24)))
	if u.code == "TTT" {
		tg = g.intn(2, 4)
	}
	in["targets_assigned"] = tg
	in["targets_met"] = part(tg, 0.65+0.35*q+g.nrm(0.07))
	in["sipas"] = rate(0.78+0.2*q+g.nrm(0.015), 0.75, 0.99)
	in["officials"] = rate(0.76+0.22*q+g.nrm(0.02), 0.75, 0.99)

	// Commune-level inputs.
	cases := g.intn(1, 25)
	if g.chance(0.1) {
		cases = 0
	}
	in["mediation_cases"] = cases
	in["mediation_success"] = part(cases, 0.6+0.35*q+g.nrm(0.08))
	civil := part(received, g.uni(0.12, 0.3))
	in["civil_dossiers"] = civil
	in["civil_on_time"] = civil - part(civil, late/2)
	land := part(received, g.uni(0.04, 0.15)*(1+y))
	if g.chance(0.08) {
		land = 0
	}
	in["land_dossiers"] = land
	in["land_on_time"] = land - part(land, 2*late+g.nrm(0.005))
	in["e_cert_rate"] = rate(0.05+0.55*q+0.1*y+g.nrm(0.06), 0, 1)
	in["linked_services_rate"] = rate(0.5+0.45*q+g.nrm(0.05), 0, 1)
	staff := g.intn(18, 28)
	if year > 0 {
		staff = g.intn(30, 45) // communes merged in July 2025
	}
	in["staff_total"] = staff
	in["staff_qualified"] = part(staff, 0.86+0.14*q+g.nrm(0.03))
	in["revenue_rate"] = rate(0.8+0.35*q+g.nrm(0.08), 0.5, 1.6)
	in["vneid_rate"] = rate(0.45+0.45*q+0.08*y+g.nrm(0.05), 0, 1)
	in["civil_registry_digitized_rate"] = rate(0.6+0.4*q+g.nrm(0.05), 0, 1)
	in["health_insurance_rate"] = rate(0.83+0.15*q+g.nrm(0.015), 0.7, 0.995)
	return in
}

// addSamples adds the number of respondents of each survey measure: SIPAS
// asks the sample of the usual formula, n = N / (1 + N·e²) with N the
// dossiers received and e = 5 %, of which 80 to 100 % answer; the
// officials' survey asks 20 to 40 people (Nghệ An asks 30 per department).
// They come from a generator of their own, so that the other inputs drawn
// for the unit stay what they were before samples were added.
func addSamples(u unit, period string, in map[string]float64) {
	g := gen{rand.New(rand.NewPCG(seed, hash("sample/"+period+"/"+u.code)))}
	n := in["dossiers_received"]
	in["sipas_sample"] = math.Round(n / (1 + n*0.0025) * g.uni(0.8, 1))
	in["officials_sample"] = g.intn(20, 40)
}
