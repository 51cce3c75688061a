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
	other := errors.New("other")
	for _, c := range []struct {
		method string
		fails  []error // the handler's errors, run after run
		runs   int
		want   error
	}{
		{http.MethodGet, []error{lost, nil}, 2, nil},
		{http.MethodGet, []error{lost, lost}, 2, lost},
		{http.MethodGet, []error{other}, 1, other},
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
		if runs != c.runs || !errors.Is(err, c.want) {
			t.Errorf("%s failing %v: %d runs, %v; want %d runs", c.method, c.fails, runs, err, c.runs)
		}
	}
}
