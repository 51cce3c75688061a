package web_test

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
)

// TestOpenAPIDescribesEveryRoute: every API route the server registers
// (with staff accounts, the workflow and every other service wired) is
// described in /api/v1/openapi.json with its method, so the document cannot
// fall behind the code.
func TestOpenAPIDescribesEveryRoute(t *testing.T) {
	p := newProvince(t)
	res, body := p.do(nil, "GET", "/api/v1/openapi.json", "", nil, nil)
	if res.StatusCode != 200 {
		t.Fatalf("openapi.json: %d", res.StatusCode)
	}
	var doc struct {
		Paths map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		t.Fatalf("openapi.json is not JSON: %v", err)
	}
	param := regexp.MustCompile(`:([a-zA-Z_]+)`)
	checked := 0
	for _, r := range p.srv.Routes() {
		if !strings.HasPrefix(r.Path, "/api/v1") || strings.HasSuffix(r.Path, "*") || strings.Contains(r.Name, "NotFound") || strings.HasPrefix(r.Method, "echo_route_") {
			continue
		}
		path := param.ReplaceAllString(r.Path, "{$1}")
		ops, ok := doc.Paths[path]
		if !ok {
			t.Errorf("%s %s is not in openapi.json", r.Method, path)
			continue
		}
		if _, ok := ops[strings.ToLower(r.Method)]; !ok {
			t.Errorf("%s %s: the method is not in openapi.json", r.Method, path)
		}
		checked++
	}
	if checked < 20 {
		t.Errorf("only %d API routes checked; the server is not fully wired", checked)
	}
}
