package main

import "math"

// scored is what one unit gets for one period.
type scored struct {
	rows  [][]string // score rows: period,unit,item,stage,points,comment
	index float64    // the final index the rows and inputs give, for the summary
}

// scoreUnit writes the unit's self-assessment and the council's final points
// for every manual, bonus and penalty leaf. The final points of the manual
// leaves are fitted so that, with the computed leaves (from the inputs), the
// unit's index comes close to target.
func scoreUnit(f *framework, u unit, period string, target, q float64, in map[string]float64, g gen) scored {
	fullCredit := f.NotApplicable == "full_credit"
	var maxC int64
	var fixed float64 // hundredths from computed leaves and not-applicable credit
	na := map[*item]bool{}
	var manual []*item
	var noise []float64
	for _, l := range f.leaves {
		switch {
		case l.extra():
			continue
		case l.manual():
			e := g.nrm(0.14)
			if notApplicable(l, u, in, g) {
				na[l] = true
			} else {
				manual = append(manual, l)
				noise = append(noise, e)
				maxC += l.maxC
				continue
			}
		default:
			pts, ok := l.computed(in)
			if ok {
				maxC += l.maxC
				fixed += pts * 100
				continue
			}
		}
		if fullCredit { // a leaf that does not apply
			maxC += l.maxC
			fixed += float64(l.maxC)
		}
	}

	var bonusSelf, bonusFinal, penalty int64
	var bonusComment, penaltyComment string
	for _, l := range f.leaves {
		switch l.Method {
		case "bonus":
			if g.chance(0.08 + 0.25*q) {
				bonusSelf = min(l.maxC, []int64{50, 75, 100, 150, 200}[g.r.IntN(5)])
				bonusFinal = bonusSelf
				if g.chance(0.35) {
					bonusFinal = bonusSelf / 50 * 25
					bonusComment = bonusCut[g.r.IntN(len(bonusCut))]
				}
			}
		case "penalty":
			if g.chance(0.05 + 0.25*(1-q)) {
				penalty = min(l.maxC, []int64{25, 50, 75, 100, 150}[g.r.IntN(5)])
				penaltyComment = penaltyReason[g.r.IntN(len(penaltyReason))]
			}
		}
	}

	need := target/100*float64(maxC) - fixed - float64(bonusFinal) + float64(penalty)
	finals := fitManual(manual, noise, need)

	var out scored
	row := func(l *item, stage, pts, comment string) {
		out.rows = append(out.rows, []string{period, u.code, l.Code, stage, pts, comment})
	}
	points := fixed + float64(bonusFinal-penalty)
	i := 0
	for _, l := range f.leaves {
		switch {
		case l.Method == "bonus":
			row(l, "self", fmtCents(bonusSelf), "")
			row(l, "final", fmtCents(bonusFinal), bonusComment)
		case l.Method == "penalty":
			row(l, "final", fmtCents(penalty), penaltyComment)
		case na[l]:
			row(l, "self", "na", naSelf)
			row(l, "final", "na", naFinal)
		case l.manual():
			final := finals[i]
			i++
			points += float64(final)
			self, comment := final, ""
			switch {
			case final < l.maxC && g.chance(0.22+0.3*(1-q)):
				self = l.maxC
				if g.chance(0.5) {
					self = min(l.maxC, final+l.stepC*int64(1+g.r.IntN(2)))
				}
				comment = lowerComment(l, final, g)
			case final >= l.stepC && g.chance(0.01):
				self, comment = final-l.stepC, raised
			}
			row(l, "self", fmtCents(self), "")
			row(l, "final", fmtCents(final), comment)
		}
	}
	if maxC > 0 {
		out.index = math.Max(0, math.Min(float64(maxC), points)) / float64(maxC) * 100
	}
	return out
}
