package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/parindex/parindex/domain"
)

// TestReadRetriedOnce: a GET the database failed with a lost connection is
// read once more, and answers if that succeeds; a second loss, or any
// other error, is the answer; a POST is never run twice.
func TestReadRetriedOnce(t *testing.T) {
	lost := fmt.Errorf("store: read: %w", domain.ErrUnavailable)
	for _, c := range []struct {
		method string
		fails  []error // the handler's errors, run after run
		runs   int
		want   error
	}{
		{http.MethodGet, []error{lost, nil}, 2, nil},
		{http.MethodGet, []error{lost, lost}, 2, lost},
		{http.MethodGet, []error{errors.New("other")}, 1, nil},
		{http.MethodPost, []error{lost, nil}, 1, lost},
	} {
		runs := 0
		h := oneStatePerRead(func(echo.Context) error {
			err := c.fails[runs]
			runs++
			return err
		})
		ctx := echo.New().NewContext(httptest.NewRequest(c.method, "/", nil), httptest.NewRecorder())
		err := h(ctx)
		if runs != c.runs || (c.want != nil && !errors.Is(err, c.want)) || (c.want == nil && c.fails[runs-1] == nil && err != nil) {
			t.Errorf("%s failing %v: %d runs, %v; want %d runs", c.method, c.fails, runs, err, c.runs)
		}
	}
}
