package demo

import "embed"

// Files holds the demo province's data files under data/: groups.csv,
// units.csv, framework-GROUP-PERIOD.yaml, inputs-PERIOD.csv and
// scores-PERIOD.csv, in the formats of contract.md.
//
//go:embed data/*.csv data/*.yaml
var Files embed.FS
