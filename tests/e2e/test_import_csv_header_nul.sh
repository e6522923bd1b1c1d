#!/usr/bin/env bash
# test_import_csv_header_nul.sh - a NUL byte in the csv importer's header
# row is refused naming its line and column, as one in a cell is: kept as
# a C string, the header ended at it without a word (代\0表团 gave the
# custom key 代 and imported the rows under it; a UTF-16 sheet without
# its byte order mark, t\0i\0t\0l\0e\0, was refused for a missing title
# column whose columns were "t").
set -u
. "$(dirname "$0")/lib.sh"
pt_init
pt_serve
W="$PT_TMP/work"
mkdir -p "$W"

pt_step "a NUL byte inside a header name"
printf '标题,代\x00表团\n关于戊的建议,戊代表团\n' >"$W/nul.csv"
pt_import csv "$W/nul.csv"
check_status "import nul.csv" 422
check_contains "refused naming line 1, column 2" "line 1, column 2: the header holds a NUL byte" \
    "$(jv 'j["error"]["message"]')"
check_eq "listed at line 1" '["line 1"]' "$(jv 'json.dumps([r["where"] for r in j["error"]["rejected"]])')"
check_eq "nothing was stored" 0 "$(pt_count)"

pt_step "UTF-16 without its byte order mark"
printf 'title,delegation\r\nRoads,Shanxi\r\n' | iconv -f utf-8 -t utf-16le >"$W/u16.csv"
pt_import csv "$W/u16.csv"
check_status "import u16.csv" 422
check_contains "refused naming line 1, column 1, and what the file is" \
    "line 1, column 1: the header holds a NUL byte, which is not text (a file with a NUL byte after each letter is UTF-16 without its byte order mark" \
    "$(jv 'j["error"]["message"]')"

pt_step "the same header without the NUL imports"
printf '标题,代表团\n关于戊的建议,戊代表团\n' >"$W/good.csv"
pt_import csv "$W/good.csv"
check_status "import good.csv" 201
api GET "/v1/proposals?limit=10"
check_eq "its delegation read from 代表团" 戊代表团 "$(jv 'j["items"][0]["delegation"]')"

pt_finish
