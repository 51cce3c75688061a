// Package xlsxtest builds hostile workbooks for tests: zip bombs and sheets
// of any content, made in memory so that no large binary is kept in the
// repository.
package xlsxtest

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"hash/crc32"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync/atomic"
	"time"
)

// Bomb returns a workbook whose only sheet, "Sheet1", unzips to about
// unzipped bytes of tiny rows (four cells each, about 90 bytes a row) from a
// file some hundreds of times smaller.
func Bomb(unzipped int64) []byte {
	return Workbook(Part{Name: "Sheet1", Bomb: unzipped})
}

// Part is one sheet of a test workbook: either Data (the content of
// <sheetData>) or, when Bomb > 0, about Bomb bytes of tiny rows. The bomb is
// cheap to build because its deflate stream is one compressed chunk
// repeated: each chunk is flushed by a fresh compressor, so it refers to
// nothing before it and the copies can be concatenated.
type Part struct {
	Name string
	Data string
	Bomb int64
}

// Sheet returns a small workbook whose one sheet holds sheetData.
func Sheet(sheetData string) []byte { return Workbook(Part{Name: "Sheet1", Data: sheetData}) }

const (
	sheetHead = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
		`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`
	sheetTail = `</sheetData></worksheet>`
)

// Workbook zips the minimal parts of a workbook with the sheets in order.
func Workbook(sheets ...Part) []byte {
	var types, list, rels strings.Builder
	for i, sh := range sheets {
		fmt.Fprintf(&types, `<Override PartName="/xl/worksheets/sheet%d.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`, i+1)
		fmt.Fprintf(&list, `<sheet name="%s" sheetId="%d" r:id="rId%d"/>`, sh.Name, i+1, i+1)
		fmt.Fprintf(&rels, `<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet%d.xml"/>`, i+1, i+1)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	add := func(name, body string) {
		w, _ := zw.Create(name)
		_, _ = w.Write([]byte(body))
	}
	add("[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">`+
		`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>`+
		`<Default Extension="xml" ContentType="application/xml"/>`+
		`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>`+
		types.String()+`</Types>`)
	add("_rels/.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`+
		`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`)
	add("xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" `+
		`xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>`+list.String()+`</sheets></workbook>`)
	add("xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`+
		rels.String()+`</Relationships>`)
	for i, sh := range sheets {
		name := fmt.Sprintf("xl/worksheets/sheet%d.xml", i+1)
		if sh.Bomb <= 0 {
			add(name, sheetHead+sh.Data+sheetTail)
			continue
		}
		hdr, data := bomb(name, sh.Bomb)
		w, err := zw.CreateRaw(hdr)
		if err != nil {
			panic(fmt.Sprintf("xlsxtest: %v", err))
		}
		_, _ = w.Write(data)
	}
	_ = zw.Close()
	return buf.Bytes()
}

// bomb returns the header and deflate stream of a sheet part of about
// unzipped bytes.
func bomb(name string, unzipped int64) (*zip.FileHeader, []byte) {
	const cell = `<c t="n"><v>1</v></c>`
	row := "<row>" + strings.Repeat(cell, 4) + "</row>"
	chunk := strings.Repeat(row, (1<<20)/len(row))
	n := max(1, unzipped/int64(len(chunk)))
	var stream bytes.Buffer
	compress := func(s string, final bool) []byte {
		var b bytes.Buffer
		w, _ := flate.NewWriter(&b, flate.BestCompression)
		_, _ = w.Write([]byte(s))
		if final {
			_ = w.Close()
		} else {
			_ = w.Flush()
		}
		return b.Bytes()
	}
	crc := crc32.NewIEEE()
	size := int64(0)
	put := func(s string, compressed []byte) {
		stream.Write(compressed)
		crc.Write([]byte(s))
		size += int64(len(s))
	}
	put(sheetHead, compress(sheetHead, false))
	one := compress(chunk, false)
	for range n {
		put(chunk, one)
	}
	put(sheetTail, compress(sheetTail, true))
	return &zip.FileHeader{Name: name, Method: zip.Deflate, CRC32: crc.Sum32(),
		CompressedSize64: uint64(stream.Len()), UncompressedSize64: uint64(size)}, stream.Bytes()
}

// PeakHeap runs fn and returns the largest heap (live and not yet
// collected objects) seen while it ran above the heap before it, sampled
// every millisecond through runtime/metrics, which does not stop the world.
func PeakHeap(fn func()) uint64 {
	const name = "/memory/classes/heap/objects:bytes"
	sample := []metrics.Sample{{Name: name}}
	read := func() uint64 {
		metrics.Read(sample)
		return sample[0].Value.Uint64()
	}
	runtime.GC()
	base := read()
	var peak atomic.Uint64
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		s := []metrics.Sample{{Name: name}}
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				metrics.Read(s)
				if v := s[0].Value.Uint64(); v > peak.Load() {
					peak.Store(v)
				}
			}
		}
	}()
	fn()
	close(done)
	<-stopped
	if v := read(); v > peak.Load() {
		peak.Store(v)
	}
	if peak.Load() < base {
		return 0
	}
	return peak.Load() - base
}
