package reports

import (
	"fmt"
	"io"
	"time"

	"github.com/signintech/gopdf"
)

// Sizes of the appendix's texts, in points: Decree 30/2020/NĐ-CP sets the
// heading at 12–14 and running text at 13–14; the ranking, a table, is
// smaller so that a row holds every field.
const (
	sizeHeading = 13
	sizeTitle   = 14
	sizeGroup   = 13
	sizeNote    = 10.5
	sizeCell    = 9
	sizeHead    = 8
	cellPad     = 2.5
)

// WriteAppendixPDF renders the appendix as a PDF on A4 landscape pages:
// the issuing body and the national heading side by side, the number and
// the place-date line, the title and "Kèm theo Quyết định …", then each
// group's ranking with its header rows repeated on every page and its key,
// and the signature block with "Nơi nhận". A draft carries the watermark
// on every page. The PDF embeds only the glyphs it uses.
func WriteAppendixPDF(w io.Writer, a *Appendix) error {
	p, err := newPDFWriter(a.Watermark)
	if err != nil {
		return err
	}
	info := gopdf.PdfInfo{Title: a.DocumentTitle, Subject: a.Title, Author: a.Config.IssuerName, Creator: "parindex", Producer: "parindex"}
	if !a.Draft {
		// Dated by the decision, so that the same publication always
		// gives the same file.
		info.CreationDate = a.DecisionDate
	} else {
		info.CreationDate = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	p.gp.SetInfo(info)
	p.newPage()
	writeHeading(p, a)
	for i := range a.Groups {
		writeGroup(p, &a.Groups[i], a.NoUnits)
	}
	writeSignature(p, a)
	if p.err != nil {
		return fmt.Errorf("reports: appendix: %w", p.err)
	}
	if _, err := p.gp.WriteTo(w); err != nil {
		return fmt.Errorf("reports: write appendix: %w", err)
	}
	return nil
}

// writeHeading writes the first page's heading: two columns, the issuing
// body left and the national heading right, each line centred in its
// column with a short rule under the last; then the number and the
// place-date line; then the title.
func writeHeading(p *pdfWriter, a *Appendix) {
	leftW := 105 * mm
	rightX := marginLeft + leftW
	rightW := p.textWidth() - leftW
	lh := lineHeight(sizeHeading)
	y := p.y
	for i, line := range a.Config.Issuer {
		face := faceRegular
		if i == len(a.Config.Issuer)-1 {
			face = faceBold
		}
		p.setFont(face, sizeHeading)
		p.text(marginLeft, y, leftW, alignCenter, line)
		if i == len(a.Config.Issuer)-1 {
			half := p.width(line) / 3
			p.rule(marginLeft+leftW/2-half, marginLeft+leftW/2+half, y+lh+1)
		}
		y += lh
	}
	leftEnd := y
	y = p.y
	p.setFont(faceBold, sizeHeading)
	p.text(rightX, y, rightW, alignCenter, a.NationalName)
	y += lh
	p.setFont(faceBold, sizeTitle)
	p.text(rightX, y, rightW, alignCenter, a.Motto)
	mw := p.width(a.Motto)
	p.rule(rightX+rightW/2-mw/2, rightX+rightW/2+mw/2, y+lineHeight(sizeTitle)+1)
	y += lineHeight(sizeTitle)
	y = max(y, leftEnd) + 8
	p.setFont(faceRegular, sizeHeading)
	p.text(marginLeft, y, leftW, alignCenter, a.Number)
	p.setFont(faceItalic, sizeTitle)
	p.text(rightX, y, rightW, alignCenter, a.PlaceDate)
	p.y = y + lineHeight(sizeTitle) + 14
	p.paragraph(faceBold, sizeTitle, alignCenter, a.Kicker, 0)
	p.paragraph(faceBold, sizeTitle, alignCenter, a.Title, 0)
	p.paragraph(faceItalic, sizeTitle, alignCenter, a.Attached, 0)
	p.y += 10
}

// writeSignature writes "Nơi nhận" on the left and the signature block on
// the right, on a new page when they do not fit together.
func writeSignature(p *pdfWriter, a *Appendix) {
	const sizeRecipient = 11
	leftW := 105 * mm
	rightX := marginLeft + leftW
	rightW := p.textWidth() - leftW
	signH := float64(len(a.Config.SignerTitle))*lineHeight(sizeHeading) + 70 + lineHeight(sizeHeading)
	recipH := lineHeight(12) + float64(len(a.Config.Recipients))*lineHeight(sizeRecipient)
	p.y += 12
	if !p.fits(max(signH, recipH)) {
		p.onPage = nil
		p.newPage()
	}
	y := p.y
	p.setFont(faceBoldItalic, 12)
	p.text(marginLeft, y, leftW, alignLeft, a.RecipientsHeading)
	y += lineHeight(12)
	p.setFont(faceRegular, sizeRecipient)
	for _, r := range a.RecipientLines() {
		for _, line := range p.wrap(r, leftW-10) {
			p.text(marginLeft, y, leftW-10, alignLeft, line)
			y += lineHeight(sizeRecipient)
		}
	}
	recipEnd := y
	y = p.y
	p.setFont(faceBold, sizeHeading)
	for _, line := range a.Config.SignerTitle {
		p.text(rightX, y, rightW, alignCenter, line)
		y += lineHeight(sizeHeading)
	}
	y += 70
	p.text(rightX, y, rightW, alignCenter, a.Config.SignerName)
	p.y = max(y+lineHeight(sizeHeading), recipEnd)
}
