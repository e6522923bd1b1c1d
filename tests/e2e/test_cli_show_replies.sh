#!/usr/bin/env bash
# `ptrack show` lines up the replies in columns (the unit, 文号, kind, time
# and category of each start at one column whatever the widths of the
# others), and each reply's text follows its line, wrapped under the unit.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init
pt_serve_cli

pt_cli --json add --title 关于加强农村饮水安全保障的建议
ID="$(jv 'j["id"]' "$OUT")"
pt_cli do "$ID" assign --set mode=separate --unit 省水利厅 --unit 山西省农业农村厅 --unit 省财政厅
check_rc "assign to three units, 分办" 0
pt_cli do "$ID" sign --unit 省水利厅
pt_cli do "$ID" reply --unit 省水利厅 --set doc_no=晋水函〔2026〕15号 --set category=A \
    --set text=已纳入全省农村供水保障规划。
pt_cli do "$ID" reply --unit 山西省农业农村厅 --set doc_no=晋农函〔2026〕7号 --set category=C \
    --set text="$(printf '受资金条件限制，需以后逐步解决。%.0s' 1 2 3 4 5)"
pt_cli do "$ID" reply --unit 省财政厅 --set doc_no=财函2026-1 --set category=B --set text=正在解决。
check_rc "the third reply" 0

pt_cli show "$ID"
check_rc "show" 0
REPLIES="$(printf '%s\n' "$OUT" | sed -n '/^答复 Replies$/,$p')"
# Where each cell of a reply's line starts, in display columns: a set of
# starts for each column, one start in each when they line up.
starts() {
    printf '%s\n' "$REPLIES" | python3 -c '
import re, sys, unicodedata
def cols(s):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
seen = {}
for line in sys.stdin.read().split("\n"):
    if not re.match(r" *\[\d+\]", line):
        continue
    for k, m in enumerate(re.finditer(r"\S+(?: \S+)*", line)):
        seen.setdefault(k, set()).add(cols(line[:m.start()]))
print(" ".join(str(len(seen[k])) for k in sorted(seen)))'
}
check_eq "the [n], unit, 文号, kind, time and category of each reply start at one column" \
    "1 1 1 1 1 1" "$(starts)"
check_contains "the first reply's text follows its line, under the unit" \
    "$(printf '  [1]  省水利厅          晋水函〔2026〕15号  首次答复   ')" "$REPLIES"
check_contains "... wrapped under the unit" "$(printf '\n       已纳入全省农村供水保障规划。\n  [2]')" "$REPLIES"
# Wrapped in its column when the line is too long for it: its lines joined.
check_contains "the category with its meaning" "C类（因条件限制需以后解决）" \
    "$(printf '%s\n' "$REPLIES" | awk '/\[2\]/ {on = 1} /\[3\]/ {on = 0} on {print $NF}' |
        tr -d '\n')"

pt_stop
pt_finish
