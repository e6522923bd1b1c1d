#!/usr/bin/env bash
# test_import_cr_line_ends.sh - files whose lines end with a lone CR (a
# sheet saved as "CSV (Macintosh)", an old Mac's text): the csv importer
# names a refused row by its own line also after a quoted cell that holds
# such line breaks, where it counted only LF and named an earlier line,
# and keeps such a line break in the cell's text as an LF, where it kept
# the CR, which runs the lines together on a terminal or a page;
# the decidim importer reads each line as a row, where it dropped every
# CR and read the whole file as its header (201, nothing imported), and
# a lone CR in a cell is a line break of its text, as an LF is. Bytes
# that are not GBK text at the start of a line after a CR are named by
# that line (it named the one before when the CR ended what was read
# before them) and by their column's header (the first line, held for an
# LF after its CR, left the columns unnamed: "column 1"); a file that
# ends inside a GBK character after CR-only lines names its last line,
# not line 1. A jsonl file reads a lone CR as a line end, as it reads an
# LF or a CRLF (also one that the upload splits, its CR the last byte of
# a read), and counts such lines, where it read the whole file as one
# line and refused it.
set -u
. "$(dirname "$0")/lib.sh"
pt_init
pt_config
pt_start --plugin-dir "$PT_BUILD_DIR/plugins"
W="$PT_TMP/work"
mkdir -p "$W"

pt_step "csv: a quoted cell over three CR-only lines, then a row with a field too many"
printf '编号,标题,背景\r甲-1,关于加强农村公路养护的建议,"第一行\r第二行\r第三行"\r甲-2,关于多一列的建议,背景,多余\r' \
    >"$W/mac.csv"
pt_import csv "$W/mac.csv"
check_status "import mac.csv" 422
check_eq "the row with a field too many is named by its own line (5), nothing else" \
    '["line 5"]' "$(jv 'json.dumps([r["where"] for r in j["error"]["rejected"]])')"
check_eq "nothing was stored" 0 "$(pt_count)"

pt_step "csv: the same with CRLF inside the quotes and CR between the rows"
printf '编号,标题,背景\r甲-1,关于加强农村公路养护的建议,"第一行\r\n第二行"\r甲-2,关于多一列的建议,背景,多余\r' \
    >"$W/mixed.csv"
pt_import csv "$W/mixed.csv"
check_status "import mixed.csv" 422
check_eq "a CRLF inside the quotes is one line end: the row is line 4" \
    '["line 4"]' "$(jv 'json.dumps([r["where"] for r in j["error"]["rejected"]])')"

pt_step "csv: a CR-only file that is good imports every row, the line breaks kept"
printf '编号,标题,背景\r甲-3,关于加强农村公路养护的建议,"第一行\r第二行"\r甲-4,关于支持老区发展的建议,背景\r' \
    >"$W/good.csv"
pt_import csv "$W/good.csv"
check_status "import good.csv" 201
check_eq "two proposals" 2 "$(jv 'j["imported"]')"
api GET "/v1/proposals?limit=100"
check_eq "the quoted cell's lone CR is its line break, an LF" '"第一行\n第二行"' \
    "$(jv 'json.dumps(next(p["background"] for p in j["items"] if p.get("number") == "甲-3"), ensure_ascii=False)')"

# gbk FILE ROWS TAIL: FILE as GBK with CR-only line ends: the header
# 编号,标题,代表团, ROWS rows, then the bytes TAIL (Python bytes).
gbk() {
    python3 - "$@" <<'PY'
import ast, sys
rows = ["编号,标题,代表团"] + ["甲-%d,关于第%d件事的建议,甲代表团" % (i, i) for i in range(1, int(sys.argv[2]) + 1)]
open(sys.argv[1], "wb").write(("\r".join(rows) + "\r").encode("gbk") + ast.literal_eval(sys.argv[3]))
PY
}

pt_step "csv, GBK: bytes that are no GBK at the start of a line after CR-only lines"
gbk "$W/gbk-short.csv" 2 'b"\xff\xff,\xb9\xd8,x\r"'
pt_import csv "$W/gbk-short.csv" "encoding=gbk"
check_status "import gbk-short.csv" 422
check_contains "named by line 4 and the column's header" \
    "line 4, column 编号: bytes that are not GBK text (FF FF)" "$(jv 'j["error"]["message"]')"
gbk "$W/gbk-long.csv" 4000 'b"\xff\xff,\xb9\xd8,x\r"'
pt_import csv "$W/gbk-long.csv" "encoding=gbk"
check_status "import gbk-long.csv (150 KB: the bytes in a later chunk)" 422
check_contains "named by their own line, 4002" \
    "line 4002, column 编号: bytes that are not GBK text (FF FF)" "$(jv 'j["error"]["message"]')"
gbk "$W/gbk-cut.csv" 3 'b"\xb9"'
pt_import csv "$W/gbk-cut.csv" "encoding=gbk"
check_status "import gbk-cut.csv" 422
check_contains "the end inside a character is named at line 5" \
    "line 5: the file ends inside a GBK character" "$(jv 'j["error"]["message"]')"

pt_step "decidim: a CR-only export is read row by row"
printf 'id;title/en;body/en;reference\r501;Night buses;"More buses\rat night";DD-CR-501\r502;;No title;DD-CR-502\r503;Shade trees;Plant them;DD-CR-503\r' \
    >"$W/mac-decidim.csv"
pt_import decidim "$W/mac-decidim.csv" "partial=true"
check_status "import mac-decidim.csv?partial=true" 200
check_eq "two rows imported, the one without a title rejected at its line (4)" \
    '2 ["line 4"]' "$(jv '"%d %s" % (j["imported"], json.dumps([r["where"] for r in j["rejected"]]))')"
api GET "/v1/proposals?limit=100"
check_eq "the titles, and the quoted body over two lines, its CR a line break as an LF is" \
    '["Night buses", "More buses\nat night", "Shade trees"]' \
    "$(jv 'json.dumps([x for p in sorted(j["items"], key=lambda p: p["id"]) if (p.get("source") or {}).get("format") == "decidim" for x in ([p["title"], p.get("background")] if p["title"] == "Night buses" else [p["title"]])])')"

pt_step "jsonl: lines that end with a CR, a CRLF or an LF are each a line, and counted"
printf '{"title":"关于甲的建议"}\r{"title":"关于乙的建议"}\r\n\r{"title": 1}\r{"title":"关于丙的建议"}\n{"title":"关于丁的建议"}\r' \
    >"$W/mac.jsonl"
BEFORE="$(pt_count)"
pt_import jsonl "$W/mac.jsonl" "partial=true"
check_status "import mac.jsonl?partial=true" 200
check_eq "four imported, the one whose title is a number rejected at its line (4)" \
    '4 ["line 4"]' "$(jv '"%d %s" % (j["imported"], json.dumps([r["where"] for r in j["rejected"]]))')"
check_eq "four more proposals" "$((BEFORE + 4))" "$(pt_count)"

pt_step "jsonl: a CRLF split by the end of the first read is one line end"
# The first read is 64 KiB: the first line's CR is its last byte, its LF
# the next read's first.
python3 - "$W/split.jsonl" <<'PY'
import sys
head = '{"title":"关于戊的建议","background":"'
line = head + "x" * (65535 - len(head.encode()) - 2) + '"}'
assert len(line.encode()) == 65535
open(sys.argv[1], "wb").write((line + '\r\n{"title":"关于己的建议"}\r{"title": 2}\r').encode())
PY
pt_import jsonl "$W/split.jsonl" "partial=true"
check_status "import split.jsonl?partial=true" 200
check_eq "two imported, the third line rejected as line 3" \
    '2 ["line 3"]' "$(jv '"%d %s" % (j["imported"], json.dumps([r["where"] for r in j["rejected"]]))')"

pt_finish
