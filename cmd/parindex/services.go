package main

import (
	"github.com/parindex/parindex/auth"
	"github.com/parindex/parindex/results"
	"github.com/parindex/parindex/store"
	"github.com/parindex/parindex/surveys"
	"github.com/parindex/parindex/workflow"
)

// services are the domain services over one store, composed here once:
// every command and the server read results through the same results
// service, which answers for a published period from its latest
// publication, and change the workflow's data through the same workflow
// service.
type services struct {
	results  *results.Service
	workflow *workflow.Service
	surveys  *surveys.Service
}

// resultsCacheSize is the server's cache of group results: sixteen groups'
// results (a period and the one before, for a few groups and stages); a
// 200-unit group's take about 13 MB. Commands run once and cache nothing.
const resultsCacheSize = 16

// newServices wires the services over a store; cached keeps computed
// results while their data do not change (the server).
func newServices(st *store.Store, cached bool) *services {
	res := &results.Service{Store: st, Publications: st}
	if cached {
		res.Cache = results.NewCache(resultsCacheSize)
	}
	sv := surveys.NewService(st)
	wf := workflow.NewService(st, res)
	wf.Surveys = sv
	return &services{results: res, workflow: wf, surveys: sv}
}

// cliUser is who the command line acts as: the secretariat for phases,
// the committee for publications, named after the system user.
func cliUser(e *env, role auth.Role) auth.User {
	return auth.User{Username: currentUser(e), Role: role}
}
