package scoring

import "iter"

// StageValues holds the values recorded for one leaf, at most one per
// stage. It is a small array rather than a map: a province's points are
// hundreds of thousands of leaves with one to four values each, and a map
// per leaf cost several times the memory of the values themselves.
type StageValues struct {
	has  uint8 // bit i: Stages[i] has a value
	vals [4]Value
}

func stageIndex(st Stage) int {
	switch st {
	case StageSelf:
		return 0
	case StageAppraisal:
		return 1
	case StageExplanation:
		return 2
	case StageFinal:
		return 3
	}
	return -1
}

// Get returns the value recorded at a stage.
func (s StageValues) Get(st Stage) (Value, bool) {
	i := stageIndex(st)
	if i < 0 || s.has&(1<<i) == 0 {
		return Value{}, false
	}
	return s.vals[i], true
}

// Set records the value of a stage; it reports false, changing nothing,
// for a name that is not a stage.
func (s *StageValues) Set(st Stage, v Value) bool {
	i := stageIndex(st)
	if i < 0 {
		return false
	}
	s.has |= 1 << i
	s.vals[i] = v
	return true
}

// Len counts the stages that have a value.
func (s StageValues) Len() int {
	n := 0
	for i := range s.vals {
		if s.has&(1<<i) != 0 {
			n++
		}
	}
	return n
}

// All yields the recorded values in workflow order.
func (s StageValues) All() iter.Seq2[Stage, Value] {
	return func(yield func(Stage, Value) bool) {
		for i, st := range Stages {
			if s.has&(1<<i) != 0 && !yield(st, s.vals[i]) {
				return
			}
		}
	}
}

// ValuesOf collects a map of values by stage; names that are not stages
// are left out.
func ValuesOf(m map[Stage]Value) StageValues {
	var s StageValues
	for st, v := range m {
		s.Set(st, v)
	}
	return s
}

// SetPoints records a leaf's value at a stage, creating Points when nil; it
// reports false, changing nothing, for a name that is not a stage.
func (u *UnitData) SetPoints(item string, st Stage, v Value) bool {
	if u.Points == nil {
		u.Points = map[string]StageValues{}
	}
	sv := u.Points[item]
	if !sv.Set(st, v) {
		return false
	}
	u.Points[item] = sv
	return true
}
