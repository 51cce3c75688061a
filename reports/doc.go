// Package reports assembles what the steering committee, the units and the
// public read about a period — the province overview, a unit's scorecard,
// survey and programme-target summaries — and renders it: chart options
// for ECharts (built with go-echarts, marshalled to JSON so that a page
// needs no inline script), the period's Excel workbook (excelize) and the
// open-data downloads.
//
// It is pure: results come through the small interfaces it declares, and it
// knows nothing of HTTP or the database.
package reports
