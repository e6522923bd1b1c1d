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
# line and refused it. A json file (an array, or {"items": [...]}) counts
# its lines so too, where it counted only LF and named every item of a
# CR-only file "line 1": an item's line, the line and column of a fault
# inside it, and the line of a fault of the whole file.
set -u
. "$(dirname "$0")/lib.sh"
pt_init
pt_serve
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

pt_step "json: items of a CR-only file are named by their own lines"
printf '[\r  {"title":"关于庚的建议"},\r  {"title": 3},\r  {"title":"关于辛的建议",\r   "background": \x27x\x27},\r  {"title":"关于壬的建议"}\r]\r' \
    >"$W/mac.json"
BEFORE="$(pt_count)"
pt_import json "$W/mac.json" "partial=true"
check_status "import mac.json?partial=true" 200
check_eq "two imported; items 2 and 3 rejected at lines 3 and 4" \
    '2 ["item 2 (line 3)", "item 3 (line 4)"]' \
    "$(jv '"%d %s" % (j["imported"], json.dumps([r["where"] for r in j["rejected"]]))')"
check_contains "the fault inside item 3 is at its own line and column" "(line 5, column 18)" \
    "$(jv 'j["rejected"][1]["reason"]')"
check_eq "two more proposals" "$((BEFORE + 2))" "$(pt_count)"

pt_step "json: CR, CRLF and LF line ends in one file, each one line"
printf '{"items": [\r\n{"title":"关于癸的建议"},\r{"title": 4},\n\r\n{"title": 5}\r]}\n' >"$W/mixed.json"
pt_import json "$W/mixed.json" "partial=true"
check_status "import mixed.json?partial=true" 200
check_eq "items 2 and 3 rejected at lines 3 and 5" '["item 2 (line 3)", "item 3 (line 5)"]' \
    "$(jv 'json.dumps([r["where"] for r in j["rejected"]])')"

pt_step "json: a line end after a backslash inside a string is still a line end"
# Not JSON (the item is rejected), but the items after it keep their lines:
# the escape took the CR of a CRLF, and its LF was taken for the second
# half of a CRLF, so that no line ended there; nor did an escaped CR or LF.
for nl in '\r\n' '\r' '\n'; do
    printf "[{\"title\":\"关于辰的建议\",\"background\":\"a\\\\$nl b\"},$nl{\"title\": 7}$nl]$nl" \
        >"$W/continued.json"
    pt_import json "$W/continued.json" "partial=true"
    check_status "import continued.json?partial=true (lines ending $nl)" 200
    check_eq "item 2 is named by its line, 3" '["item 1 (line 1)", "item 2 (line 3)"]' \
        "$(jv 'json.dumps([r["where"] for r in j["rejected"]])')"
done

pt_step "json: a missing comma, and text after the array, named by their lines"
printf '[\r{"title":"关于子的建议"}\r{"title":"关于丑的建议"}\r]\r' >"$W/broken.json"
pt_import json "$W/broken.json"
check_status "import broken.json" 422
check_eq "the item without a comma after it is item 1, of line 2" '["item 1 (line 2)"]' \
    "$(jv 'json.dumps([r["where"] for r in j["error"]["rejected"]])')"
check_contains "the missing comma is at line 3, column 1" "(line 3, column 1)" \
    "$(jv 'j["error"]["rejected"][0]["reason"]')"
printf '[\r{"title":"关于寅的建议"}\r]\r\r]' >"$W/after.json"
pt_import json "$W/after.json"
check_status "import after.json" 422
check_contains "the text after the array is at line 5" \
    "line 5: more text after the end of the JSON array" "$(jv 'j["error"]["message"]')"

printf '{"items": [],\r"ne\rxt": null}' >"$W/name.json"
pt_import json "$W/name.json"
check_status "import name.json" 422
check_contains "a CR inside a member name is a line end there, as an LF is" \
    "line 2: not JSON: a member name runs past the end of the line" "$(jv 'j["error"]["message"]')"

pt_step "json: a CRLF split by the end of the first read is one line end"
python3 - "$W/split.json" <<'PY'
import sys
head = '[{"title":"关于卯的建议","background":"'
item = head + "x" * (65535 - len(head.encode()) - 2) + '"}'
assert len(item.encode()) == 65535
open(sys.argv[1], "wb").write((item + '\r\n,{"title": 6}\r]').encode())
PY
pt_import json "$W/split.json" "partial=true"
check_status "import split.json?partial=true" 200
check_eq "the second item rejected at line 2" '["item 2 (line 2)"]' \
    "$(jv 'json.dumps([r["where"] for r in j["rejected"]])')"

pt_finish
