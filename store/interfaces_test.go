package store_test

import (
	"github.com/parindex/parindex/auth"
	"github.com/parindex/parindex/results"
	"github.com/parindex/parindex/store"
	"github.com/parindex/parindex/workflow"
)

// The store is the storage of accounts, of the workflow and of the results
// service (the live data, the publications, the criteria sets' files, the
// comments and the stamps of a period's data).
var (
	_ auth.Store            = (*store.Store)(nil)
	_ workflow.Store        = (*store.Store)(nil)
	_ workflow.Files        = (*store.Files)(nil)
	_ results.Store         = (*store.Store)(nil)
	_ results.Stamper       = (*store.Store)(nil)
	_ results.Publications  = (*store.Store)(nil)
	_ results.SourceStore   = (*store.Store)(nil)
	_ results.CommentStore  = (*store.Store)(nil)
	_ results.PeriodStamper = (*store.Store)(nil)
)
