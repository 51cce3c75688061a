package store_test

import (
	"github.com/parindex/parindex/auth"
	"github.com/parindex/parindex/store"
	"github.com/parindex/parindex/workflow"
)

// The store is the storage of accounts and of the workflow.
var (
	_ auth.Store     = (*store.Store)(nil)
	_ workflow.Store = (*store.Store)(nil)
	_ workflow.Files = (*store.Files)(nil)
)
