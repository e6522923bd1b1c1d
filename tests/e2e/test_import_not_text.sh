#!/usr/bin/env bash
# A spreadsheet, a document, a PDF or an archive sent to an importer that
# reads text (csv, text, json, jsonl, decidim) is refused as a file broken
# as a whole (422 validation_failed), in words that say what it looks
# like and what to do: the csv importer called an .xlsx "bytes that are
# not GB18030 text" and sent the clerk to encoding=gbk, the json importer
# said it did not start with '[', the decidim importer spoke of a NUL
# byte. The workbook is ptrack's own xlsx export, as Excel or WPS would
# save it; the .docx and the .ods are ZIPs with their writers' entries,
# the .xls, .doc and .et OLE2 files with their streams (the .et naming
# none that tells); nothing is stored, the csv importer lists no line as
# rejected (the file has none), and a CSV that begins with PK is text.
set -u
. "$(dirname "$0")/lib.sh"
pt_init

PLUGINS="$PT_BUILD_DIR/plugins"
pt_config
pt_start --plugin-dir "$PLUGINS"
W="$PT_TMP/work"
mkdir -p "$W"

# upload FILE FORMAT: the file as the body of POST /v1/imports?format=FORMAT.
upload() {
    api POST "/v1/imports?format=$2" -- --data-binary "@$1" -H "Content-Type: application/octet-stream"
}
message() { jv 'j["error"]["message"]'; }

pt_step "the files"
api POST /v1/proposals '{"title": "关于加强农村饮水安全保障的建议", "lead_author": "王建国"}'
check_status "a proposal to export" 201
api GET "/v1/exports?format=xlsx"
check_status "the xlsx export, a workbook as Excel and WPS write it" 200
cp "$PT_TMP/resp.body" "$W/建议汇总.xlsx"
python3 - "$W" <<'PY'
import gzip, sys, zipfile
w = sys.argv[1]
with zipfile.ZipFile(w + "/建议.docx", "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("[Content_Types].xml", "<Types/>")
    z.writestr("_rels/.rels", "<Relationships/>")
    z.writestr("word/document.xml", "<w:document>关于加强农村饮水安全保障的建议</w:document>")
with zipfile.ZipFile(w + "/建议.ods", "w") as z:
    z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
    z.writestr("content.xml", "<office:document-content/>")
# OLE2: the header, then a directory sector: the root and one stream.
def ole2(stream):
    head = bytearray(512)
    head[:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    d = bytearray(512)
    d[0:20] = "Root Entry".encode("utf-16-le")
    if stream:
        n = stream.encode("utf-16-le")
        d[128:128 + len(n)] = n
    return bytes(head + d) + bytes(1024)
open(w + "/建议.xls", "wb").write(ole2("Workbook"))
open(w + "/建议.doc", "wb").write(ole2("WordDocument"))
open(w + "/建议.et", "wb").write(ole2(None))
open(w + "/建议.pdf", "wb").write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")
open(w + "/建议.csv.gz", "wb").write(gzip.compress("标题\n关于甲的建议\n".encode("utf-8")))
PY
N0="$(api GET /v1/health && jv 'j["proposals"]')"

# refused FILE FORMAT WANT: the import of FILE as FORMAT is refused, 422
# validation_failed, with WANT in its message, and no rejected line.
refused() {
    upload "$W/$1" "$2"
    check_error "$1 as $2" 422 validation_failed
    check_contains "... says what it looks like and what to do" "$3" "$(message)"
    check_eq "... and names no line of it" "0" "$(jv 'len(j["error"].get("rejected") or [])')"
}

pt_step "a workbook"
refused 建议汇总.xlsx csv \
    "could not read the file: the file looks like an Excel or WPS workbook (.xlsx), not CSV text: save the sheet as CSV (另存为 → CSV UTF-8) and import that; nothing was imported"
refused 建议汇总.xlsx text \
    "the file looks like an Excel or WPS workbook (.xlsx), not text: import a sheet with format=csv"
refused 建议汇总.xlsx json \
    "the file looks like an Excel or WPS workbook (.xlsx), not JSON: import a sheet with format=csv"
refused 建议汇总.xlsx jsonl \
    "the file looks like an Excel or WPS workbook (.xlsx), not JSON: import a sheet with format=csv"
refused 建议汇总.xlsx decidim \
    "the file looks like an Excel or WPS workbook (.xlsx), not a Decidim export (CSV or JSON): export the proposals from Decidim as CSV or JSON, not Excel"
refused 建议.ods csv "the file looks like an OpenDocument spreadsheet (.ods), not CSV text: save the sheet as CSV"
refused 建议.xls csv \
    "the file looks like an Excel or WPS workbook of the old kind (.xls, .et), not CSV text: save the sheet as CSV (另存为 → CSV UTF-8) and import that"
refused 建议.xls json "the file looks like an Excel or WPS workbook of the old kind (.xls, .et), not JSON"
refused 建议.et csv \
    "the file looks like an Office or WPS file of the old kind (.xls, .doc, .et, .wps), not CSV text: if it is a workbook, save the sheet as CSV (另存为 → CSV UTF-8) and import that; if a document, import a document's text with format=text"

pt_step "a document and a PDF"
refused 建议.docx csv \
    "the file looks like a Word or WPS document (.docx), not CSV text: import a document's text with format=text, saved as plain text (另存为 → 纯文本 .txt)"
refused 建议.docx text \
    "the file looks like a Word or WPS document (.docx), not text: save the document as plain text (另存为 → 纯文本 .txt, UTF-8) and import that"
refused 建议.doc decidim "the file looks like a Word or WPS document of the old kind (.doc, .wps), not a Decidim export"
refused 建议.pdf csv "the file looks like a PDF, not CSV text: import a PDF's text with format=text"
refused 建议.pdf json "the file looks like a PDF, not JSON"

pt_step "an archive"
refused 建议.csv.gz csv "the file looks like a gzip-compressed file (.gz), not CSV text: unpack it and import the file inside"
refused 建议.csv.gz jsonl "the file looks like a gzip-compressed file (.gz), not JSON"

check_eq "nothing was stored" "$N0" "$(api GET /v1/health && jv 'j["proposals"]')"

pt_step "text that begins with P and K is text"
printf 'PK,标题\nPK-1,关于加强农村公路养护的建议\n' >"$W/pk.csv"
upload "$W/pk.csv" csv
check_status "a CSV whose first column is PK" 201
check_eq "... is imported" 1 "$(jv 'j["imported"]')"

pt_stop
pt_finish
