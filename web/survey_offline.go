package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/parindex/parindex/domain"
)

// Offline collection. The public form, the kiosk and an interviewer's form
// keep working without a network: a service worker (static/survey-sw.js,
// served from the site's root so that it may control /s/, /k/ and /i/)
// keeps the pages and their assets, and the form's script
// (static/survey-offline.js) puts each answer in the device's queue
// (IndexedDB) with a key made on the device, then sends it to the form's
// own address as JSON until the server acknowledges it — when the network
// returns, without a reload. The server stores each key once
// (surveys.Service.Submit), so a retry whose acknowledgement was lost
// stores nothing twice, and it tells the device per answer what became of
// it: stored, code already used, survey closed. Without JavaScript the
// form posts as it always did.

// deviceAck is the answer to an answer sent from a device's queue: the
// stored response, and a fresh form token for the next answer (the time the
// next form is shown, for the speed rule).
type deviceAck struct {
	ID        int64  `json:"id"`
	Survey    string `json:"survey"`
	Unit      string `json:"unit"`
	FormToken string `json:"form_token"`
}

// jsonBody reports whether a request's body is JSON (an answer sent from
// the queue) rather than a form.
func jsonBody(c echo.Context) bool {
	return strings.HasPrefix(c.Request().Header.Get(echo.HeaderContentType), echo.MIMEApplicationJSON)
}

// wantsJSON reports whether an error should be answered as JSON: the API,
// and the device's queue, which asks for JSON.
func wantsJSON(c echo.Context) bool {
	return isAPI(c) || jsonBody(c) || strings.HasPrefix(c.Request().Header.Get(echo.HeaderAccept), echo.MIMEApplicationJSON)
}

// parseAnsweredAt reads when a device says an answer was given (RFC 3339);
// empty is unknown.
func parseAnsweredAt(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, domain.Errorf(domain.ErrInvalid, "survey.err.answered_at",
			"answered_at %q must be a time like 2026-09-07T08:10:00+07:00", s)
	}
	return t, nil
}

// surveyWorker serves the service worker. It is not versioned like the
// other assets: the browser checks it for changes on every visit.
func (s *server) surveyWorker(c echo.Context) error {
	f, ok := s.assets.files["survey-sw.js"]
	if !ok {
		return echo.ErrNotFound
	}
	h := c.Response().Header()
	h.Set(echo.HeaderCacheControl, "no-cache")
	h.Set("Service-Worker-Allowed", "/")
	return c.Blob(http.StatusOK, "text/javascript; charset=utf-8", f.body)
}

// manifestPath is the web app manifest of a form's door: a kiosk or an
// interviewer's phone installs the form as an app.
func manifestPath(door surveyDoor, survey, unit string) string {
	if door == doorInterviewer {
		return interviewerHomePath(survey) + "/app.webmanifest"
	}
	return surveyPath(door, survey, unit) + "/app.webmanifest"
}

type manifestIcon struct {
	Src     string `json:"src"`
	Sizes   string `json:"sizes"`
	Type    string `json:"type"`
	Purpose string `json:"purpose,omitempty"`
}

type webManifest struct {
	Name            string         `json:"name"`
	ShortName       string         `json:"short_name"`
	Lang            string         `json:"lang"`
	StartURL        string         `json:"start_url"`
	Scope           string         `json:"scope"`
	Display         string         `json:"display"`
	BackgroundColor string         `json:"background_color"`
	ThemeColor      string         `json:"theme_color"`
	Icons           []manifestIcon `json:"icons"`
}

// surveyManifest serves the manifest of a form (or an interviewer's home):
// the app opens where it was installed from.
func (s *server) surveyManifest(c echo.Context) error {
	ctx, l := c.Request().Context(), s.locale(c)
	door := doorOf(c)
	camp, err := s.surveys.svc.Campaign(ctx, c.Param("survey"))
	if err != nil {
		return notFound("survey.not_found", c.Param("survey"))
	}
	m := webManifest{Name: camp.Name, ShortName: l.T("survey.app.short"), Lang: l.code, Display: "standalone",
		BackgroundColor: "#ffffff", ThemeColor: "#a51d24", Scope: "/" + string(door) + "/",
		Icons: []manifestIcon{
			{Src: s.assets.url("icon-192.png"), Sizes: "192x192", Type: "image/png"},
			{Src: s.assets.url("icon-512.png"), Sizes: "512x512", Type: "image/png"},
			{Src: s.assets.url("favicon.svg"), Sizes: "any", Type: "image/svg+xml"},
		}}
	if door == doorInterviewer {
		m.StartURL = interviewerHomePath(camp.Code)
		m.ShortName = l.T("survey.app.interviewer")
	} else {
		u := camp.Unit(c.Param("unit"))
		if u == nil {
			return notFound("survey.unit_not_found", c.Param("unit"))
		}
		m.StartURL = surveyPath(door, camp.Code, u.Code)
		m.Name = camp.Name + " · " + u.Name
	}
	body, err := json.Marshal(m)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderCacheControl, "no-cache")
	return c.Blob(http.StatusOK, "application/manifest+json", body)
}

// interviewerHomePath is an interviewer's home in a survey.
func interviewerHomePath(survey string) string { return "/i/" + url.PathEscape(survey) }
