package main

import (
	"github.com/parindex/parindex/reports"
)

// demoSigner is the (fictitious) vice-chairman who signs the demo's
// documents.
const demoSigner = "Nguyễn Văn Mẫu"

// documentFlags are the settings of the documents the committee signs: who
// issues them, where, who signs and who receives them. Defaults come from
// the province's name (reports.DefaultDocumentConfig); PARINDEX_…
// variables override them and flags override both.
type documentFlags struct {
	province                                                       *string
	issuer, issuerName, place, signerTitle, signerName, recipients *string
}

// addDocumentFlags registers the flags on f; province is the command's
// --province flag, or nil to register one.
func addDocumentFlags(f *flags, e *env, province *string) *documentFlags {
	if province == nil {
		province = f.String("province", e.getenv("PARINDEX_PROVINCE"), "the province, e.g. \"Tỉnh Cà Mau\": names the issuing body and the place of the documents")
	}
	return &documentFlags{
		province:    province,
		issuer:      f.String("issuer", e.getenv("PARINDEX_ISSUER"), "the issuing body's lines, separated by |, e.g. \"ỦY BAN NHÂN DÂN|TỈNH CÀ MAU\" (default from --province)"),
		issuerName:  f.String("issuer-name", e.getenv("PARINDEX_ISSUER_NAME"), "the issuing body in running text, e.g. \"Ủy ban nhân dân tỉnh Cà Mau\" (default from --province)"),
		place:       f.String("place", e.getenv("PARINDEX_PLACE"), "the place of the place-date line, e.g. \"Cà Mau\" (default from --province)"),
		signerTitle: f.String("signer-title", e.getenv("PARINDEX_SIGNER_TITLE"), "the signature's authority lines, separated by | (default \"TM. ỦY BAN NHÂN DÂN|KT. CHỦ TỊCH|PHÓ CHỦ TỊCH\")"),
		signerName:  f.String("signer-name", e.getenv("PARINDEX_SIGNER_NAME"), "the signer's name under the signature (default: blank)"),
		recipients:  f.String("recipients", e.getenv("PARINDEX_RECIPIENTS"), "the \"Nơi nhận\" lines, separated by | (default: the usual list of a provincial decision)"),
	}
}

// config is the documents' configuration; demo fills in the demo
// province's signer where no one set one.
func (d *documentFlags) config(demo bool) (reports.DocumentConfig, error) {
	cfg := reports.DefaultDocumentConfig(*d.province)
	if lines := reports.SplitLines(*d.issuer); len(lines) > 0 {
		cfg.Issuer = lines
	}
	if *d.issuerName != "" {
		cfg.IssuerName = *d.issuerName
	}
	if *d.place != "" {
		cfg.Place = *d.place
	}
	if lines := reports.SplitLines(*d.signerTitle); len(lines) > 0 {
		cfg.SignerTitle = lines
	}
	cfg.SignerName = *d.signerName
	if cfg.SignerName == "" && demo {
		cfg.SignerName = demoSigner
	}
	if lines := reports.SplitLines(*d.recipients); len(lines) > 0 {
		cfg.Recipients = lines
	}
	if err := cfg.Check(); err != nil {
		return cfg, usagef("%v", err)
	}
	return cfg, nil
}
