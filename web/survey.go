package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/parindex/parindex/domain"
	"github.com/parindex/parindex/surveys"
)

// SurveyConfig sets the survey area's limits and links. The zero value
// uses the defaults.
type SurveyConfig struct {
	// RatePerMinute and RateBurst limit public submissions without a code
	// per client address (default 10 a minute, bursts of 5); a negative
	// rate disables the limit. Coded submissions are not limited by rate:
	// their failed codes are (surveys.CodeGuard).
	RatePerMinute, RateBurst int
	// KioskRatePerMinute limits the submissions of each kiosk registered
	// by the secretariat, as a device rather than by its address (default
	// 30 a minute, bursts of as many); negative disables it.
	KioskRatePerMinute int
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
	cfg     SurveyConfig
	svc     *surveys.Service
	limiter *surveys.Limiter   // submissions without a code, per address
	kiosks  *surveys.Limiter   // submissions of registered kiosks, per device
	codes   *surveys.CodeGuard // failed codes, per client and per survey
	key     []byte             // signs the time a form was shown
}

func newSurveyServer(cfg SurveyConfig, svc *surveys.Service) *surveyServer {
	if svc == nil {
		return nil
	}
	ss := &surveyServer{cfg: cfg, svc: svc, key: make([]byte, 32)}
	if _, err := rand.Read(ss.key); err != nil {
		panic(err)
	}
	rate, burst := cfg.RatePerMinute, cfg.RateBurst
	if rate == 0 {
		rate = 10
	}
	if burst <= 0 {
		burst = 5
	}
	ss.limiter = surveys.NewLimiter(rate, burst)
	kiosk := cfg.KioskRatePerMinute
	if kiosk == 0 {
		kiosk = 30
	}
	ss.kiosks = surveys.NewLimiter(kiosk, kiosk)
	ss.codes = surveys.NewCodeGuard()
	if ss.cfg.KioskReset <= 0 {
		ss.cfg.KioskReset = 8 * time.Second
	}
	if ss.cfg.KioskIdle <= 0 {
		ss.cfg.KioskIdle = 120 * time.Second
	}
	return ss
}

// clientIP is the address the rate limits and burst rules key on: the
// connection's, or X-Forwarded-For's behind a trusted proxy (the server's
// IPExtractor, set by Config.TrustProxy).
func (s *server) clientIP(c echo.Context) string { return c.RealIP() }

// errTooMany is the answer to a client over its submission limit.
var errTooMany = domain.Keyed(errTooManyKind, "survey.too_many")

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
// one from a registered kiosk or an interviewer by the device's rate; any
// other by its address's rate. A refusal returns a nil admission and the
// 429 to return, with Retry-After set.
func (s *server) admitSubmission(c echo.Context, survey, code string, device *surveys.Device, iv *surveys.Interviewer) (*admission, error) {
	ss, now := s.surveys, time.Now()
	client := submissionClient(s.clientIP(c), device, iv)
	if surveys.NormalizeCode(code) != "" {
		t, ok, wait := ss.codes.Reserve(client, survey, now)
		if !ok {
			return nil, s.refuseSubmission(c, wait)
		}
		return &admission{ss: ss, ticket: t, coded: true}, nil
	}
	limiter := ss.limiter
	if device != nil || iv != nil {
		limiter = ss.kiosks
	}
	if ok, wait := limiter.Allow(client, now); !ok {
		return nil, s.refuseSubmission(c, wait)
	}
	return &admission{ss: ss}, nil
}

// refuseSubmission sets Retry-After and returns the 429 for the central
// error handler (the API's JSON, the device's JSON, or the form's page).
func (s *server) refuseSubmission(c echo.Context, wait time.Duration) error {
	c.Response().Header().Set("Retry-After", strconv.Itoa(max(1, int(wait.Round(time.Second).Seconds()))))
	return errTooMany
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

// actor names who acts on a secretariat page: the logged-in user.
func (s *server) actor(c echo.Context) string { return currentUser(c).Username }

// csrf is the token the forms of a logged-in session carry.
func (s *server) csrf(c echo.Context) string { return csrfToken(c) }

// publicBase is the scheme and host of the links printed in QR codes.
func (s *server) publicBase(c echo.Context) string {
	if u := s.surveys.cfg.PublicURL; u != "" {
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
