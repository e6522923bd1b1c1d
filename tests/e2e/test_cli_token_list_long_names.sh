#!/usr/bin/env bash
# `ptrack token list` keeps within 100 columns whatever the tokens' names:
# a name too long for its column wraps in it, on lines below its row, and
# so does a unit's long name beside it; neither is cut (revoke takes the
# name whole), the other columns stay aligned, and a token whose name and
# unit fit (the config's 报表机) keeps its row on one line.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init
pt_serve_cli

NAME=内蒙古自治区发展和改革委员会驻京联络处收文员
UNIT=内蒙古自治区发展和改革委员会（自治区粮食和物资储备局）
LATIN=office-reports-robot-for-the-standing-committee

# column HEADER: for the table on stdin (its first line the header row),
# the cells under HEADER of each row, joined over the lines the row takes;
# a row starts on a line with a cell under 角色 role, which does not wrap.
# "not aligned" when a line has text across the two blanks before a
# header's column.
column() {
    python3 -c '
import re, sys, unicodedata
def cols(s):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" or unicodedata.category(c) == "Co"
               else 1 for c in s)
def at(line, col):
    """The index of line where display column col starts, or None."""
    i, w = 0, 0
    while i < len(line) and w < col:
        w += cols(line[i])
        i += 1
    return i if w == col else None
want = sys.argv[1]
lines = [l for l in sys.stdin.read().split("\n") if l.strip()]
head = lines[0]
names = re.split(r" {2,}", head.strip())
starts, i = [], 0
for h in names:
    i = head.index(h, i)
    starts.append(cols(head[:i]))
    i += len(h)
rows, ok = [], True
for line in lines[1:]:
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
    if cells[names.index("角色 role")]:
        rows.append("")
    if rows:
        rows[-1] += cells[names.index(want)]
print("\n".join(rows) if ok else "not aligned")
' "$1"
}

pt_step "tokens with long names"
pt_cli token create --name "$NAME" --role unit --unit "$UNIT"
check_rc "a unit's token with a long name" 0
pt_cli token create --name "$LATIN" --role viewer
check_rc "a viewer's token with a long Latin name" 0

pt_step "token list"
pt_cli token list
check_rc "token list" 0
printf '%s\n' "$OUT"
W="$(printf '%s\n' "$OUT" | widest)"
check_true "token list fits 100 columns (widest line: $W)" test "$W" -le 100
NAMES="$(printf '%s\n' "$OUT" | column "名称 name")"
check_contains "the long name is whole in its column" "$NAME" "$NAMES"
check_contains "the long Latin name is whole in its column" "$LATIN" "$NAMES"
check_contains "the short name of the config's token too" 报表机 "$NAMES"
check_contains "the unit is whole in its column" "$UNIT" "$(printf '%s\n' "$OUT" | column "绑定 unit/person")"
check_true "no name is cut with …" test -z "$(printf '%s\n' "$OUT" | grep '…' || true)"
check_true "the short name's row is one line" grep -q '^报表机  .*只读 viewer  .*配置 config  ' <<<"$OUT"

pt_step "revoke takes the name as list shows it, joined"
pt_cli token revoke "$NAME"
check_rc "revoke the long name" 0
pt_cli token list
check_true "it is gone" test -z "$(printf '%s\n' "$OUT" | column "名称 name" | grep -F "$NAME" || true)"

pt_stop
pt_finish
