package web

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"strings"

	"github.com/boombuler/barcode/qr"
	"github.com/labstack/echo/v4"
)

// QR codes of a unit's form link, for the poster at the one-stop desk.

// qrQuiet is the quiet zone around a QR code, in modules (the standard's 4).
const qrQuiet = 4

// qrModules encodes text as a QR code (error correction M) and returns its
// modules, true for dark.
func qrModules(text string) ([][]bool, error) {
	code, err := qr.Encode(text, qr.M, qr.Auto)
	if err != nil {
		return nil, fmt.Errorf("web: QR code: %w", err)
	}
	b := code.Bounds()
	m := make([][]bool, b.Dy())
	for y := range m {
		m[y] = make([]bool, b.Dx())
		for x := range m[y] {
			r, _, _, _ := code.At(b.Min.X+x, b.Min.Y+y).RGBA()
			m[y][x] = r < 0x8000
		}
	}
	return m, nil
}

// qrSVG draws the modules as one SVG path, crisp at any print size.
func qrSVG(m [][]bool) []byte {
	n := len(m) + 2*qrQuiet
	var b bytes.Buffer
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="%d" height="%d" shape-rendering="crispEdges">`, n, n, n*8, n*8)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#fff"/><path fill="#000" d="`, n, n)
	for y, row := range m {
		for x := 0; x < len(row); x++ {
			if !row[x] {
				continue
			}
			run := 1
			for x+run < len(row) && row[x+run] {
				run++
			}
			fmt.Fprintf(&b, "M%d %dh%dv1h-%dz", x+qrQuiet, y+qrQuiet, run, run)
			x += run - 1
		}
	}
	b.WriteString(`"/></svg>`)
	return b.Bytes()
}

// qrPNG draws the modules scale pixels each.
func qrPNG(m [][]bool, scale int) ([]byte, error) {
	n := (len(m) + 2*qrQuiet) * scale
	img := image.NewGray(image.Rect(0, 0, n, n))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	for y, row := range m {
		for x, dark := range row {
			if !dark {
				continue
			}
			for dy := range scale {
				for dx := range scale {
					img.SetGray((x+qrQuiet)*scale+dx, (y+qrQuiet)*scale+dy, color.Gray{})
				}
			}
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		return nil, fmt.Errorf("web: QR PNG: %w", err)
	}
	return b.Bytes(), nil
}

// surveyQR returns the modules of the unit's form link.
func (s *server) surveyQR(c echo.Context) ([][]bool, error) {
	camp, u, err := s.publicCampaign(c.Request().Context(), c.Param("survey"), c.Param("unit"))
	if err != nil {
		return nil, err
	}
	return qrModules(s.publicBase(c) + surveyPath(doorLink, camp.Code, u.Code))
}

func (s *server) surveyQRSVG(c echo.Context) error {
	m, err := s.surveyQR(c)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "public, max-age=3600")
	return c.Blob(http.StatusOK, "image/svg+xml", qrSVG(m))
}

func (s *server) surveyQRPNG(c echo.Context) error {
	m, err := s.surveyQR(c)
	if err != nil {
		return err
	}
	scale := 10
	if strings.TrimSpace(c.QueryParam("size")) == "small" {
		scale = 4
	}
	body, err := qrPNG(m, scale)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "public, max-age=3600")
	return c.Blob(http.StatusOK, "image/png", body)
}

// surveyPosterPage is the printable sheet for the one-stop desk.
type surveyPosterPage struct {
	surveyChrome
	SurveyName string
	UnitName   string
	Link       string
	QR         string
	Minutes    int
}

func (s *server) surveyPoster(c echo.Context) error {
	camp, u, err := s.publicCampaign(c.Request().Context(), c.Param("survey"), c.Param("unit"))
	if err != nil {
		return err
	}
	l := s.locale(c)
	path := surveyPath(doorLink, camp.Code, u.Code)
	return s.render(c, http.StatusOK, "survey_poster", surveyPosterPage{
		surveyChrome: s.surveyChrome(c, l.T("survey.poster.title")+" · "+u.Name),
		SurveyName:   camp.Name, UnitName: u.Name, Link: s.publicBase(c) + path, QR: path + "/qr.svg",
		Minutes: minutesFor(camp.Instrument)})
}
