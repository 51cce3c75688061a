package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"html/template"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/parindex/parindex/auth"
	"github.com/parindex/parindex/surveys"
)

// SurveyDeps wire the satisfaction surveys: the public form, kiosk, QR
// codes and API, and the secretariat's pages. Nil serves no survey routes.
type SurveyDeps struct {
	Service *surveys.Service
	// RequireSecretariat guards the secretariat's survey pages (instruments,
	// campaigns, codes, paper entry, imports, review, results). When nil
	// those pages are not registered at all: nothing unguarded is served.
	RequireSecretariat echo.MiddlewareFunc
	// Actor names the person behind a request for the audit trail (review
	// decisions, typed-in paper forms); nil records "secretariat".
	Actor func(echo.Context) string
	// CSRFToken is the token the secretariat's forms must carry, if any.
	CSRFToken func(echo.Context) string
	// RatePerMinute and RateBurst limit public submissions without a code
	// per client address (default 10 a minute, bursts of 5); a negative
	// rate disables the limit. Coded submissions are not limited by rate:
	// their failed codes are (surveys.CodeGuard).
	RatePerMinute, RateBurst int
	// KioskRatePerMinute limits the submissions of each kiosk registered
	// by the secretariat, as a device rather than by its address (default
	// 30 a minute, bursts of as many); negative disables it.
	KioskRatePerMinute int
	// TrustProxy takes the client's address from X-Forwarded-For /
	// X-Real-IP (behind a reverse proxy); otherwise from the connection.
	TrustProxy bool
	// PublicURL is the address printed in QR codes and short links, e.g.
	// "https://khaosat.camau.gov.vn"; empty uses the request's host.
	PublicURL string
	// KioskReset is how long the kiosk's thank-you page stays before the
	// form comes back (default 8 s); KioskIdle how long an untouched kiosk
	// form stays (default 120 s).
	KioskReset, KioskIdle time.Duration
}

// surveyServer is the survey area's state, prepared once.
type surveyServer struct {
	deps    SurveyDeps
	svc     *surveys.Service
	limiter *surveys.Limiter   // submissions without a code, per address
	kiosks  *surveys.Limiter   // submissions of registered kiosks, per device
	codes   *surveys.CodeGuard // failed codes, per client and per survey
	key     []byte             // signs the time a form was shown
	pages   map[string]map[string]*template.Template
}

func newSurveyServer(s *server, d *SurveyDeps) *surveyServer {
	if d == nil || d.Service == nil {
		return nil
	}
	ss := &surveyServer{deps: *d, svc: d.Service, key: make([]byte, 32)}
	if _, err := rand.Read(ss.key); err != nil {
		panic(err)
	}
	rate, burst := d.RatePerMinute, d.RateBurst
	if rate == 0 {
		rate = 10
	}
	if burst <= 0 {
		burst = 5
	}
	ss.limiter = surveys.NewLimiter(rate, burst)
	kiosk := d.KioskRatePerMinute
	if kiosk == 0 {
		kiosk = 30
	}
	ss.kiosks = surveys.NewLimiter(kiosk, kiosk)
	ss.codes = surveys.NewCodeGuard()
	if ss.deps.KioskReset <= 0 {
		ss.deps.KioskReset = 8 * time.Second
	}
	if ss.deps.KioskIdle <= 0 {
		ss.deps.KioskIdle = 120 * time.Second
	}
	pages, err := newSurveyPages(s.langs, s.assets)
	if err != nil {
		panic(err)
	}
	ss.pages = pages
	return ss
}

// surveyRoutes registers the survey area: public form, kiosk, QR codes and
// API for everyone; the secretariat's pages only behind RequireSecretariat.
func (s *server) surveyRoutes(e *echo.Echo, api *echo.Group) {
	ss := s.surveys
	if ss == nil {
		return
	}
	// The public form: a short link per unit, the kiosk at the desk, and
	// the QR code that points to the form. Submissions are admitted by
	// admitSubmission, once the handler knows whether they carry a code.
	e.GET("/s/:survey", s.surveyUnits)
	e.GET("/s/:survey/:unit", s.surveyForm)
	e.POST("/s/:survey/:unit", s.surveySubmitForm)
	e.GET("/s/:survey/:unit/thanks", s.surveyThanks)
	e.GET("/s/:survey/:unit/qr.svg", s.surveyQRSVG)
	e.GET("/s/:survey/:unit/qr.png", s.surveyQRPNG)
	e.GET("/s/:survey/:unit/poster", s.surveyPoster)
	e.GET("/k/:survey/:unit", s.kioskForm)
	e.POST("/k/:survey/:unit", s.surveySubmitForm)
	e.GET("/k/:survey/:unit/thanks", s.surveyThanks)

	api.GET("/surveys", s.apiSurveys)
	api.GET("/surveys/:survey", s.apiSurvey)
	api.POST("/surveys/:survey/responses", s.apiSubmitResponse)

	if ss.deps.RequireSecretariat == nil {
		return
	}
	guard := ss.deps.RequireSecretariat
	api.GET("/surveys/:survey/progress", s.apiSurveyProgress, guard)
	api.GET("/surveys/:survey/results", s.apiSurveyResults, guard)

	admin := e.Group("/admin/surveys", guard)
	admin.GET("", s.adminSurveys)
	admin.GET("/instruments/new", s.adminInstrumentNew)
	admin.POST("/instruments", s.adminInstrumentSave)
	admin.GET("/instruments/:id", s.adminInstrumentEdit)
	admin.POST("/campaigns", s.adminCampaignCreate)
	admin.GET("/campaigns/:survey", s.adminCampaign)
	admin.POST("/campaigns/:survey/state", s.adminCampaignState)
	admin.POST("/campaigns/:survey/transactions", s.adminTransactions)
	admin.GET("/campaigns/:survey/codes", s.adminCodes)
	admin.POST("/campaigns/:survey/codes", s.adminCodesCreate)
	admin.POST("/campaigns/:survey/dossiers", s.adminDossiers)
	admin.GET("/campaigns/:survey/entry", s.adminEntry)
	admin.POST("/campaigns/:survey/entry", s.adminEntrySave)
	admin.POST("/campaigns/:survey/import", s.adminImport)
	admin.GET("/campaigns/:survey/import/template.csv", s.adminImportTemplate)
	admin.GET("/campaigns/:survey/review", s.adminReview)
	admin.POST("/campaigns/:survey/responses/:id/review", s.adminReviewSave)
	admin.GET("/campaigns/:survey/results", s.adminResults)
	admin.GET("/campaigns/:survey/kiosks", s.adminKiosks)
	admin.POST("/campaigns/:survey/kiosks", s.adminKioskRegister)
	admin.POST("/campaigns/:survey/kiosks/:id/revoke", s.adminKioskRevoke)
}

// clientIP is the address the rate limits and burst rules key on.
func (s *server) clientIP(c echo.Context) string {
	if s.surveys.deps.TrustProxy {
		return c.RealIP()
	}
	host, _, err := net.SplitHostPort(c.Request().RemoteAddr)
	if err != nil {
		return c.Request().RemoteAddr
	}
	return host
}

// errTooMany is the answer to a client over its submission limit.
var errTooMany = &msgError{kind: errTooManyKind, key: "survey.too_many"}

// errTooManyKind makes statusOf answer 429.
var errTooManyKind = echo.NewHTTPError(http.StatusTooManyRequests)

// admission is a public submission let through by admitSubmission; done
// must be called with the submission's outcome.
type admission struct {
	ss     *surveyServer
	ticket surveys.Ticket
	coded  bool
}

// done counts a refused code against the client and the survey, or gives
// the code check's slots back.
func (a *admission) done(err error) {
	if a.coded {
		a.ss.codes.Settle(a.ticket, surveys.CodeFailed(err))
	}
}

// admitSubmission decides, before anything is checked or stored, whether a
// public submission may go on. A submission with a code is limited only by
// the client's and the survey's failed codes (the code is the control, so
// a desk or a centre behind one address may send as many as it has codes);
// one from a registered kiosk by the kiosk's rate; any other by its
// address's rate. A refusal returns a nil admission: the 429 with
// Retry-After is written (the form's page) or is the error (the API's), and
// the handler returns the error as it is.
func (s *server) admitSubmission(c echo.Context, survey, code string, device *surveys.Device) (*admission, error) {
	ss, now := s.surveys, time.Now()
	client := s.clientIP(c)
	if device != nil {
		client = "kiosk:" + strconv.FormatInt(device.ID, 10)
	}
	if surveys.NormalizeCode(code) != "" {
		t, ok, wait := ss.codes.Reserve(client, survey, now)
		if !ok {
			return nil, s.refuseSubmission(c, wait)
		}
		return &admission{ss: ss, ticket: t, coded: true}, nil
	}
	limiter := ss.limiter
	if device != nil {
		limiter = ss.kiosks
	}
	if ok, wait := limiter.Allow(client, now); !ok {
		return nil, s.refuseSubmission(c, wait)
	}
	return &admission{ss: ss}, nil
}

// refuseSubmission answers 429 with Retry-After: the API's JSON error, or
// the form's page.
func (s *server) refuseSubmission(c echo.Context, wait time.Duration) error {
	c.Response().Header().Set("Retry-After", strconv.Itoa(max(1, int(wait.Round(time.Second).Seconds()))))
	if isAPI(c) {
		return errTooMany
	}
	return s.surveyTooMany(c)
}

func isAPI(c echo.Context) bool {
	p := c.Request().URL.Path
	return len(p) >= 5 && p[:5] == "/api/"
}

// formToken signs the time a form is shown, so that the submission can
// tell how long the person took without trusting the client.
func (ss *surveyServer) formToken(now time.Time) string {
	var b [8 + 16]byte
	binary.BigEndian.PutUint64(b[:8], uint64(now.UnixMilli()))
	mac := hmac.New(sha256.New, ss.key)
	mac.Write(b[:8])
	copy(b[8:], mac.Sum(nil)[:16])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// shownAt reads a form token; a missing or forged one gives the zero time
// (duration unknown).
func (ss *surveyServer) shownAt(token string) time.Time {
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(b) != 24 {
		return time.Time{}
	}
	mac := hmac.New(sha256.New, ss.key)
	mac.Write(b[:8])
	if !hmac.Equal(mac.Sum(nil)[:16], b[8:]) {
		return time.Time{}
	}
	return time.UnixMilli(int64(binary.BigEndian.Uint64(b[:8])))
}

// actor names who acts on a secretariat page.
func (s *server) actor(c echo.Context) string {
	if f := s.surveys.deps.Actor; f != nil {
		if a := f(c); a != "" {
			return a
		}
	}
	return "secretariat"
}

// csrf is the token the secretariat's forms carry.
func (s *server) csrf(c echo.Context) string {
	if f := s.surveys.deps.CSRFToken; f != nil {
		return f(c)
	}
	return ""
}

// publicBase is the scheme and host of the links printed in QR codes.
func (s *server) publicBase(c echo.Context) string {
	if u := s.surveys.deps.PublicURL; u != "" {
		return trimSlash(u)
	}
	return c.Scheme() + "://" + c.Request().Host
}

func trimSlash(s string) string {
	for len(s) > 0 && s[len(s)-1] == '/' {
		s = s[:len(s)-1]
	}
	return s
}

// SecretariatOnly is the guard to pass as SurveyDeps.RequireSecretariat
// when staff log in through Deps.Auth: the secretariat's role (admin).
func SecretariatOnly() echo.MiddlewareFunc { return requireRole(auth.Admin) }

// SessionActor names the logged-in user, for SurveyDeps.Actor.
func SessionActor(c echo.Context) string { return currentUser(c).Username }

// SessionCSRF is the session's CSRF token, for SurveyDeps.CSRFToken.
func SessionCSRF(c echo.Context) string { return csrfToken(c) }
