#!/usr/bin/env bash
# Who did something is never cut: the actor is a token's name (what token
# revoke takes) or a unit's, typed or copied from the output. ptrack
# history cut one past 20 columns with … (内蒙古自治区发展和…); it now
# wraps in its column, every character there, narrower where the line is
# (60 columns). ptrack watch cut one wider than what its second line left
# (33 columns in a pipe); it now goes whole on a line of its own, and one
# wider than the line wraps there. In a pipe and on terminals of 80 and 60
# columns every line of the history fits, and an actor of 20 columns or
# less keeps its place.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init
pt_serve_cli

UNIT=内蒙古自治区发展和改革委员会（自治区粮食和物资储备局）
ACTOR=内蒙古自治区发展和改革委员会驻京联络处收文员
# 82 columns: wider than a line of 80 by itself.
LONGER=内蒙古自治区发展和改革委员会自治区粮食和物资储备局驻京联络处收文登记室夜间值班人员
TITLE=关于支持资源型地区经济转型发展和生态环境保护修复治理的建议

pt_cli --json add --title "$TITLE" --lead-author 张建国 --delegation 内蒙古代表团
ID="$(jv 'j["id"]' "$OUT")"
pt_cli do "$ID" 交办 --unit "$UNIT" --note 请抓紧办理
check_rc "assigned to a unit with a long name" 0
TOKEN="$(pt_unit_token "$ACTOR" "$UNIT")"
pt_as_unit "$TOKEN" do "$ID" 签收
check_rc "signed by the unit's token, its long name the actor" 0
TOKEN2="$(pt_unit_token "$LONGER" "$UNIT")"
pt_as_unit "$TOKEN2" do "$ID" 答复 --set 文号=内发改函〔2026〕158号 --set 类别=B \
    --set 内容=已列入全区规划，逐年推进。
check_rc "replied by a token whose name is wider than a line" 0

# column TEXT: the cells of the history's actor column in TEXT (a table
# whose header names it), from the display column of 操作人 actor to the
# next header's, one a line, without their blanks; the lines of a note
# below its row give what stands there.
column() {
    python3 -c '
import sys, unicodedata
def w(c):
    return 2 if unicodedata.east_asian_width(c) in "WF" else 1
def cut(line, a, b):
    out, at = "", 0
    for c in line:
        if a <= at < b:
            out += c
        at += w(c)
    return out.strip()
lines = sys.argv[1].split("\n")
head = next(l for l in lines if "操作人 actor" in l)
def col(s):
    return sum(w(c) for c in head[:head.index(s)])
a, b = col("操作人 actor"), col("操作 action")
print("\n".join(cut(l, a, b) for l in lines[lines.index(head) + 1:]))' "$1"
}
joined() { tr -d ' \n'; }
# fits COLS TEXT: every line of TEXT within COLS columns.
fits() {
    local w
    w="$(printf '%s\n' "$2" | widest)"
    check_true "every line fits $1 columns (widest $w)" test "$w" -le "$1"
}

pt_step "history: the actor wraps in its column, whole"
for cols in 100 80 60 pipe; do
    if [ "$cols" = pipe ]; then
        pt_cli history "$ID"
        TEXT="$OUT"
        cols=100
    else
        pt_cli_cols "$cols" history "$ID"
        TEXT="$TTY"
    fi
    pt_log "$TEXT"
    fits "$cols" "$TEXT"
    ACTORS="$(column "$TEXT")"
    check_contains "the token's name whole in its column" "$ACTOR" "$(joined <<<"$ACTORS")"
    check_contains "... and the one wider than a line" "$LONGER" "$(joined <<<"$ACTORS")"
    check_true "no actor cut with …" test -z "$(grep '…' <<<"$ACTORS" || true)"
    check_true "a short actor in its row" grep -q '^  1  2026-[0-9-]*  *[0-9:]*  *root  *登记 create' \
        <<<"$TEXT"
done

pt_step "watch: a long actor whole on a line of its own"
for cols in 100 80 60 pipe; do
    set +e
    if [ "$cols" = pipe ]; then
        timeout 3 "$PTRACK" --socket "$PT_SOCK" watch --after 0 >"$PT_TMP/cli.tty"
        cols=100
    else
        python3 "$PT_E2E_DIR/ptyrun.py" --cols "$cols" -- "$(command -v timeout)" --foreground 3 \
            "$PTRACK" --socket "$PT_SOCK" watch --after 0 >"$PT_TMP/cli.tty"
    fi
    set -e
    TTY="$(tr -d '\r' <"$PT_TMP/cli.tty")"
    pt_log "$TTY"
    # The first line of an event keeps 16 columns for its title, past a
    # narrow terminal's edge; the others fit.
    fits "$cols" "$(grep -v '^20[0-9][0-9]-' <<<"$TTY")"
    check_true "the token's name whole on a line" grep -qx " *$ACTOR" <<<"$TTY"
    check_eq "the one wider than a line on lines of its own below the reply's, whole" "$LONGER" \
        "$(sed -n '/答复 reply$/,$p' <<<"$TTY" | sed 1d | joined)"
    check_true "no actor cut with …" test -z "$(grep -v '^20[0-9][0-9]-' <<<"$TTY" | grep '…' || true)"
    if [ "$cols" -gt 60 ]; then
        check_true "a short actor ends the second line as before" \
            grep -q '^  *已提出→已交办  *交办 assign  *root$' <<<"$TTY"
    else
        check_true "a short actor on a line of its own under the state, as before" \
            grep -qx ' \{29\}root' <<<"$TTY"
    fi
done

pt_finish
