package domain

import "time"

// Publication is one numbered publication of a period's result: the
// steering committee's decision and the frozen data the result is computed
// from. The first is number 1; a correction is the next number, with the
// reason for it. A publication never changes once stored.
type Publication struct {
	Period       string
	Number       int
	DecisionNo   string
	DecisionDate time.Time // a calendar date, midnight UTC
	ApprovedBy   string
	PublishedAt  time.Time
	// Reason says why this publication corrects the one before it (empty
	// for number 1).
	Reason string
	// Override is the committee's reason to publish although the period
	// was not ready (empty when it was ready); Readiness is the readiness
	// report at the time, as JSON.
	Override  string
	Readiness []byte
	// Snapshot is the frozen data (a Snapshot as JSON); Document is the
	// results document as published (JSON of results.Document).
	Snapshot []byte
	Document []byte
	// Stamp describes the data the snapshot was frozen from; it is not
	// stored: the store refuses the publication when the data changed in
	// between.
	Stamp string
	// Decision is the signed decision attached afterwards, or nil.
	Decision *DecisionDocument
}

// DecisionDocument is the signed decision (a PDF) of a publication, stored
// outside the database by its SHA-256 like evidence.
type DecisionDocument struct {
	FileName   string
	Size       int64
	SHA256     string
	UploadedBy string
	UploadedAt time.Time
}

// Correction is the secretariat's reopening of a published period to
// correct it: it stays open until the committee's next publication.
type Correction struct {
	Period string
	// Publication is the number of the publication being corrected.
	Publication int
	Reason      string
	OpenedBy    string
	OpenedAt    time.Time
}

// Snapshot is the frozen data a published result is computed from: each
// group's criteria set as imported and every unit's recorded points (with
// their comments), inputs and survey ratios. The engine is deterministic, so the result
// computed from a snapshot never changes, whatever is edited afterwards.
type Snapshot struct {
	Period string `json:"period"`
	// WithComments: the units' comments are frozen too (snapshots made
	// before they were have none, and their readers fall back to the
	// stored comments).
	WithComments bool            `json:"with_comments,omitempty"`
	Groups       []SnapshotGroup `json:"groups"`
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
	// Comments are the comments recorded with the points: item → stage →
	// text.
	Comments map[string]map[string]string `json:"comments,omitempty"`
}

// SampleShortfall is a unit of a survey whose valid responses are still
// below its target sample.
type SampleShortfall struct {
	Survey string `json:"survey"`
	Unit   string `json:"unit"`
	Valid  int    `json:"valid"`
	Target int64  `json:"target"`
}
