package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/surveys"
)

// Kiosks registered by the secretariat. A kiosk's link carries its device
// token (/k/SURVEY/UNIT?device=TOKEN); the first visit keeps the token in a
// cookie of that kiosk path and comes back to the plain link, so the token
// does not stay in the address bar for the public to see. Submissions from
// the kiosk are then limited as a device (SurveyDeps.KioskRatePerMinute),
// not by the address the desk shares with everyone else.

const kioskCookie = "parindex_kiosk"

// kioskPath is a kiosk form's path, which its cookie is scoped to.
func kioskPath(survey, unit string) string { return surveyPath(doorKiosk, survey, unit) }

// kioskForm shows the kiosk's form; with ?device=TOKEN of a kiosk
// registered for this survey and unit, it keeps the token and comes back to
// the plain link. An unknown or revoked token is ignored: the kiosk works,
// limited by its address.
func (s *server) kioskForm(c echo.Context) error {
	token := c.QueryParam("device")
	if token == "" {
		return s.surveyForm(c)
	}
	camp, u, err := s.publicCampaign(c.Request().Context(), c.Param("survey"), c.Param("unit"))
	if err != nil {
		return err
	}
	d, err := s.surveys.svc.DeviceFor(c.Request().Context(), camp, u.Code, token)
	if err != nil {
		return err
	}
	if d == nil {
		return s.surveyForm(c)
	}
	c.SetCookie(&http.Cookie{
		Name: kioskCookie, Value: token, Path: kioskPath(camp.Code, u.Code), HttpOnly: true,
		Secure: c.Scheme() == "https", SameSite: http.SameSiteLaxMode, MaxAge: int((365 * 24 * time.Hour).Seconds()),
	})
	target := kioskPath(camp.Code, u.Code)
	if lang := c.QueryParam(langParam); lang != "" {
		target += "?lang=" + url.QueryEscape(lang)
	}
	return c.Redirect(http.StatusSeeOther, target)
}

// kioskDevice returns the registered kiosk a kiosk submission comes from,
// by its cookie; nil for an unregistered one.
func (s *server) kioskDevice(c echo.Context, camp *surveys.Campaign, unit string) (*surveys.Device, error) {
	ck, err := c.Cookie(kioskCookie)
	if err != nil {
		return nil, nil
	}
	return s.surveys.svc.DeviceFor(c.Request().Context(), camp, unit, ck.Value)
}

// deviceParam matches a kiosk link's token in a request URI.
var deviceParam = regexp.MustCompile(`([?&]device=)[^&#]*`)

// redactURI hides a kiosk link's device token from the request log: the log
// is read by more people than the secretariat, and the token is a kiosk's
// credential.
func redactURI(uri string) string {
	if !strings.Contains(uri, "device=") {
		return uri
	}
	return deviceParam.ReplaceAllString(uri, "${1}…")
}

// submissionClient is who a submission's limits and integrity rules group
// it under: a registered kiosk or an interviewer by itself, anyone else by
// address.
func submissionClient(addr string, d *surveys.Device, iv *surveys.Interviewer) string {
	switch {
	case d != nil:
		return "kiosk:" + strconv.FormatInt(d.ID, 10)
	case iv != nil:
		return "interviewer:" + strconv.FormatInt(iv.ID, 10)
	}
	return addr
}

// adminKiosksPage lists a campaign's kiosks and registers new ones; a kiosk
// just registered shows its link once.
type adminKiosksPage struct {
	chrome
	CSRF     string
	Campaign *surveys.Campaign
	Tabs     []link
	Kiosks   []kioskRow
	Unit     string
	Name     string
	New      *kioskRow
	Link     string
	Message  string
	Error    string
}

// kioskRow is one kiosk as listed.
type kioskRow struct {
	ID       int64
	Name     string
	Unit     string
	UnitName string
	Created  string
	By       string
	Revoked  string
}

func (s *server) adminKiosks(c echo.Context) error {
	msg := ""
	if c.QueryParam("msg") == "revoked" {
		msg = s.locale(c).T("security.kiosk.revoked")
	}
	return s.renderKiosks(c, http.StatusOK, adminKiosksPage{Message: msg})
}

// renderKiosks fills the page's campaign and list and renders it.
func (s *server) renderKiosks(c echo.Context, status int, page adminKiosksPage) error {
	camp, list, err := s.surveys.svc.Devices(c.Request().Context(), c.Param("survey"))
	if err != nil {
		return err
	}
	l := s.locale(c)
	page.chrome, page.CSRF, page.Campaign = s.chrome(c, l, l.T("security.kiosk.title")+" · "+camp.Name), s.csrf(c), camp
	page.Tabs = campaignTabs(l, camp.Code, "/kiosks")
	for _, d := range list {
		page.Kiosks = append(page.Kiosks, kioskView(l, camp, d))
	}
	return s.render(c, status, "survey_admin_kiosks", page)
}

func kioskView(l *locale, camp *surveys.Campaign, d surveys.Device) kioskRow {
	r := kioskRow{ID: d.ID, Name: d.Name, Unit: d.Unit, Created: formatTime(l, d.CreatedAt), By: d.CreatedBy}
	if u := camp.Unit(d.Unit); u != nil {
		r.UnitName = u.Name
	}
	if d.RevokedAt != nil {
		r.Revoked = formatTime(l, *d.RevokedAt)
	}
	return r
}

// adminKioskRegister registers a kiosk and shows its link, once.
func (s *server) adminKioskRegister(c echo.Context) error {
	ctx, l := c.Request().Context(), s.locale(c)
	unit, name := c.FormValue("unit"), c.FormValue("name")
	token, d, err := s.surveys.svc.RegisterDevice(ctx, c.Param("survey"), unit, name, s.actor(c))
	if err != nil {
		if !errors.Is(err, domain.ErrInvalid) {
			return err
		}
		msg := err.Error()
		if km, ok := keyedMessage(l, err); ok {
			msg = km
		} else if errors.Is(err, surveys.ErrUnitNotCovered) {
			msg = l.T("security.kiosk.unit_not_covered")
		}
		return s.renderKiosks(c, http.StatusUnprocessableEntity, adminKiosksPage{Unit: unit, Name: name, Error: msg})
	}
	camp, err := s.surveys.svc.Campaign(ctx, c.Param("survey"))
	if err != nil {
		return err
	}
	row := kioskView(l, camp, *d)
	link := fmt.Sprintf("%s%s?device=%s", s.publicBase(c), kioskPath(camp.Code, d.Unit), url.QueryEscape(token))
	return s.renderKiosks(c, http.StatusCreated, adminKiosksPage{New: &row, Link: link,
		Message: l.T("security.kiosk.registered", d.Name)})
}

// adminKioskRevoke revokes a kiosk: its link then works as an unregistered
// one.
func (s *server) adminKioskRevoke(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return notFound("security.kiosk.not_found", c.Param("id"))
	}
	if err := s.surveys.svc.RevokeDevice(c.Request().Context(), c.Param("survey"), id); err != nil {
		if errors.Is(err, domain.ErrNotFound) {
			return notFound("security.kiosk.not_found", c.Param("id"))
		}
		return err
	}
	return c.Redirect(http.StatusSeeOther, adminSurveyURL(c.Param("survey"))+"/kiosks?msg=revoked")
}
