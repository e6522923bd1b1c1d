#!/usr/bin/env bash
# `ptrack show` keeps within 100 columns whatever the names: a unit's name
# too long for its column wraps in it, on lines below its row, the other
# columns aligned and nothing of the name lost; and the card is the same
# on a terminal as in a file.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init
pt_serve_cli

UNIT=内蒙古自治区发展和改革委员会（自治区粮食和物资储备局）
OPINION=同意主办单位意见，建议加大中央财政转移支付力度，支持少数民族地区粮食储备设施建设。

pt_cli --json add --title 关于支持资源型地区经济转型发展的建议 --lead-author 张建国
ID="$(jv 'j["id"]' "$OUT")"
pt_cli do "$ID" 交办 --unit "$UNIT" --unit 财政部
pt_cli do "$ID" 签收 --unit "$UNIT"
pt_cli do "$ID" 签收 --unit 财政部
pt_cli do "$ID" 协办意见 --unit 财政部 --set 意见="$OPINION"
check_rc "the co unit's opinion" 0

# block TITLE: the lines of the last show from the section TITLE to the
# next empty line.
block() { printf '%s\n' "$OUT" | sed -n "/^$1\$/,/^\$/p"; }
# widest: the widest line of stdin in display columns.
widest() {
    python3 -c '
import sys, unicodedata
print(max((sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in l)
           for l in sys.stdin.read().split("\n")), default=0))'
}
# column HEADER ANCHOR: for the table on stdin (its first line a title,
# its second the header row), the cells under HEADER of each row, joined
# over the lines the row takes; a row starts on a line with a cell under
# ANCHOR, a column that does not wrap. "not aligned" when a line has text
# across the two blanks before a header's column.
column() {
    python3 -c '
import re, sys, unicodedata
def cols(s):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
def at(line, col):
    """The index of line where display column col starts, or None."""
    i, w = 0, 0
    while i < len(line) and w < col:
        w += cols(line[i])
        i += 1
    return i if w == col else None
want, anchor = sys.argv[1], sys.argv[2]
lines = [l for l in sys.stdin.read().split("\n") if l.strip()]
head = lines[1]
names = re.split(r" {2,}", head.strip())
starts, i = [], 0
for h in names:
    i = head.index(h, i)
    starts.append(cols(head[:i]))
    i += len(h)
rows, ok = [], True
for line in lines[2:]:
    cells = []
    for k, s in enumerate(starts):
        i = at(line, s)
        e = at(line, starts[k + 1]) if k + 1 < len(starts) else len(line)
        if k > 0 and i is not None and line[max(i - 2, 0):i].strip():
            ok = False
        if i is None and cols(line) > s:
            ok = False
        cells.append(line[i:e].strip() if i is not None and e is not None else
                     line[i:].strip() if i is not None else "")
    if cells[names.index(anchor)]:
        rows.append("")
    if rows:
        rows[-1] += cells[names.index(want)]
print("\n".join(rows) if ok else "not aligned")
' "$1" "$2"
}

pt_step "a unit's name too long for its column"
pt_cli show "$ID"
check_rc "show" 0
pt_log "$OUT"
UNITS="$(block '承办单位 Units')"
W="$(widest <<<"$UNITS")"
check_true "the units fit 100 columns (widest line: $W)" test "$W" -le 100
# The table, without the opinions that follow it.
TABLE="$(sed '/的意见 opinion:$/,$d' <<<"$UNITS")"
check_eq "each unit's name is whole, wrapped in its column" "$(printf '%s\n财政部' "$UNIT")" \
    "$(column '单位 unit' '角色 role' <<<"$TABLE")"
check_eq "the roles stay on the units' rows" "$(printf '主办\n协办')" \
    "$(column '角色 role' '角色 role' <<<"$TABLE")"
check_contains "the long opinion follows the table whole" "$OPINION" \
    "$(printf '%s\n' "$OUT" | sed -n '/的意见 opinion:/,/^$/p' | tr -d ' \n')"

pt_step "the same card when stdout is a terminal"
TTY="$(python3 "$PT_E2E_DIR/ptyrun.py" -- "$PTRACK" --socket "$PT_SOCK" show "$ID" | tr -d '\r')"
check_eq "a terminal shows what a file gets" "$OUT" "$TTY"

pt_stop
pt_finish
