// Package surveys runs satisfaction surveys: the citizens' SIPAS survey and
// the officials' survey whose results feed the survey leaves of the PAR
// Index.
//
// It holds the instruments (questionnaires as data: sections, questions,
// answer scales, Vietnamese and English texts), campaigns (an instrument
// asked of a set of units in a period, with each unit's target sample),
// the validation and compact encoding of answers, the satisfaction indices
// with their Wilson intervals, one-time codes, and the integrity rules that
// flag suspicious submissions. Service ties them to storage through the
// small Store interface the package declares.
//
// The package is pure: the standard library, an exact decimal type and file
// readers only. It never imports gorm or echo and never logs.
package surveys
