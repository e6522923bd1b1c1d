#!/usr/bin/env bash
# A title or a name holding a bidirectional formatting character (U+202E
# RLO, an isolate U+2067, a mark U+200F) was written into the md and html
# reports as it is: printed, the html report showed the rest of the cell
# backwards (关于议建的理管路公村农强加), and the md, read as text, the
# rest of the table's row, its deadline and units with it. The reports
# drop them, as ptrack's tables do, and keep the text around them whole;
# the json export keeps the text exactly as ptrackd holds it.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init
pt_serve

ID="$(pt_create '{"title": "关于\u202e加强农村\u061c公路管理的建议", "delegation": "山西\u2067代表团", "lead_author": "王\u200f秀\u061c英"}')" || exit 1
pt_act "$ID" assign '{"mode": "single", "units": [{"name": "省交通\u202d运输厅"}]}'

# The bidirectional formatting characters of a file: U+061C, U+200E, U+200F,
# U+202A..U+202E, U+2066..U+2069, by their code points in order ("none").
bidi() {
    python3 -c '
import re, sys
t = open(sys.argv[1], encoding="utf-8").read()
print(" ".join(sorted("U+%04X" % ord(c) for c in re.findall("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]", t))) or "none")' "$1"
}
# export FORMAT QUERY: the export, into $PT_TMP/out.FORMAT.
export_to() {
    ST="$(curl -sS --max-time 30 --unix-socket "$PT_SOCK" -o "$PT_TMP/out.$1" -w '%{http_code}' \
        "http://localhost/v1/exports?format=$1&$2")" || ST=curl-failed
    check_eq "GET /v1/exports?format=$1&$2" 200 "$ST"
}

TITLE="$(urlenc "$(printf '第一季度\u202e报告')")"
for fmt in md html; do
    for group in status unit; do
        export_to "$fmt" "group=$group&title=$TITLE"
        check_eq "$fmt, group=$group: no bidirectional formatting character" none "$(bidi "$PT_TMP/out.$fmt")"
        OUT="$(cat "$PT_TMP/out.$fmt")"
        check_contains "$fmt, group=$group: the title whole" "关于加强农村公路管理的建议" "$OUT"
        check_contains "$fmt, group=$group: the delegation whole" "山西代表团" "$OUT"
        check_contains "$fmt, group=$group: the lead author whole" "王秀英" "$OUT"
        check_contains "$fmt, group=$group: the unit whole" "省交通运输厅" "$OUT"
        check_contains "$fmt, group=$group: the report's title whole" "第一季度报告" "$OUT"
    done
done

export_to json ""
check_eq "json: the text as ptrackd holds it" "U+061C U+061C U+200F U+202D U+202E U+2067" "$(bidi "$PT_TMP/out.json")"

pt_stop
pt_finish
