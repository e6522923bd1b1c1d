#!/usr/bin/env bash
# On a terminal narrower than 100 columns, what ptrack prints for people
# fits the terminal: list's, history's and show's tables, the workflow's,
# the options' help and a message on stderr. It was drawn 100 columns wide
# whatever the window, and an 80-column terminal wrapped every long line
# into the next. A terminal of 100 columns or more, a pipe and a file get
# 100 columns, as before; a terminal narrower than 40 gets 40; --width
# still says.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init
pt_serve_cli

LONG="关于加快推进太行山区农村饮水安全巩固提升工程和乡村道路提档升级以促进山区群众增收致富的建议"
pt_cli add --title "$LONG" --delegation 山西代表团 --session 十四届五次 --number 第0001号 \
    --co-signer 王某某 --co-signer 李某某 --co-signer 赵某某 --co-signer 孙某某 \
    --background "$(printf '背景说明%.0s' $(seq 1 30))"
check_rc "a proposal with a long title" 0
ID="$(sed -n 's/^#\([0-9]*\) .*/\1/p' <<<"$OUT")"
pt_cli do "$ID" review --note "$(printf '请尽快审查并交办相关单位%.0s' $(seq 1 6))"
check_rc "submitted with a long note" 0

# on COLS CMD...: runs ptrack on a terminal COLS columns wide; TTY gets
# what it showed, W its widest line.
on() {
    local cols="$1"
    shift
    set +e
    python3 "$PT_E2E_DIR/ptyrun.py" --cols "$cols" -- "$PTRACK" --socket "$PT_SOCK" "$@" \
        >"$PT_TMP/cli.tty"
    RC=$?
    set -e
    TTY="$(tr -d '\r' <"$PT_TMP/cli.tty")"
    W="$(printf '%s\n' "$TTY" | widest)"
}

pt_step "a terminal of 80 columns: every table fits it"
for cmd in "list" "show $ID" "workflow"; do
    # shellcheck disable=SC2086
    on 80 $cmd
    check_eq "$cmd: exit 0" 0 "$RC"
    check_true "$cmd: every line fits 80 columns (widest $W)" test "$W" -le 80
done
on 80 list
check_contains "... the title cut to fit, not dropped" "关于加快推进" "$TTY"
# The history's note keeps 20 columns, and the columns before it take 63
# here: its line is as narrow as it can be, wider than 80.
pt_cli history "$ID"
PIPED="$(printf '%s\n' "$OUT" | widest)"
on 80 history "$ID"
check_eq "history: exit 0" 0 "$RC"
check_true "history: narrower than on a pipe ($W, $PIPED)" test "$W" -lt "$PIPED"
NOTE="$(printf '%s\n' "$TTY" | sed -n '3p' | python3 -c '
import sys, unicodedata
line = sys.stdin.read().rstrip("\n")
at = line.index("请尽快")
print(sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line[at:]))')"
check_true "... the note wrapped in 20 columns, its least ($NOTE)" test "$NOTE" -le 20
on 80 add --help
OPTS="$(printf '%s\n' "$TTY" | grep '^  --' | widest)"
check_true "add --help: the options fit 80 columns (widest $OPTS)" test "$OPTS" -le 80

pt_step "a terminal of 60 columns: the card and the workflow fit it"
for cmd in "show $ID" "workflow"; do
    # shellcheck disable=SC2086
    on 60 $cmd
    check_eq "$cmd: exit 0" 0 "$RC"
    check_true "$cmd: every line fits 60 columns (widest $W)" test "$W" -le 60
done

pt_step "a message on stderr wraps at the terminal's width"
on 60 list --status "$(printf '没有这种状态%.0s' $(seq 1 8))"
check_true "a refusal: exit not 0" test "$RC" -ne 0
check_contains "... says what was wrong" "is not a state" "$TTY"
check_true "... every line fits 60 columns (widest $W)" test "$W" -le 60
check_true "... on more than one line" test "$(printf '%s\n' "$TTY" | grep -c .)" -gt 1

pt_step "a wide terminal, a pipe: 100 columns, as before"
on 160 list
WIDE="$W"
check_true "a terminal of 160 columns: the list wider than 60 ($WIDE)" test "$WIDE" -gt 60
check_true "... and no wider than 100" test "$WIDE" -le 100
pt_cli list
check_eq "a pipe: the list as on a wide terminal" "$WIDE" "$(printf '%s\n' "$OUT" | widest)"
pt_cli show "$ID"
SHOWN="$(printf '%s\n' "$OUT" | widest)"
check_true "a pipe: the card wider than 60 ($SHOWN)" test "$SHOWN" -gt 60

pt_step "a terminal of 20 columns: lines of 40"
on 20 list
check_eq "list: exit 0" 0 "$RC"
check_true "list: wider than 20, as at 40 ($W)" test "$W" -gt 20
on 40 list
AT40="$TTY"
on 20 list
check_eq "... the same list as at 40 columns" "$AT40" "$TTY"

pt_step "--width says, whatever the terminal"
on 60 show "$ID" --width 90
check_true "show --width 90 on 60 columns: wider than 60 ($W)" test "$W" -gt 60
check_true "... within 90" test "$W" -le 90

pt_finish
