#!/usr/bin/env bash
# `ptrack token list` never cuts a token's name, which revoke takes: where
# the table fits the line (100 columns in a pipe, a terminal's width) with
# every name whole, the unit or person a token is bound to may wrap in its
# column, on lines below its row; where it does not (a name of 22 Chinese
# characters beside a unit of 31, a terminal of 40 or 60 columns), each
# token is a card, its name on a line of its own and the other columns
# labelled below it, every line within the line's width but for a name
# wider than it by itself. The name's column wrapped as narrow as its
# header instead, and a name in pieces cannot be copied for revoke. A
# token whose name and unit fit (the config's 报表机) keeps its row on one
# line.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init
pt_serve_cli

NAME=内蒙古自治区发展和改革委员会驻京联络处收文员
UNIT=内蒙古自治区发展和改革委员会（自治区粮食和物资储备局）
LATIN=office-reports-robot-for-the-standing-committee

pt_step "short names: the table"
pt_cli token create --name 收文员 --role unit --unit "$UNIT"
check_rc "a unit's token with a short name and a long unit" 0
pt_cli token list
check_rc "token list" 0
printf '%s\n' "$OUT"
W="$(printf '%s\n' "$OUT" | widest)"
check_true "token list fits 100 columns (widest line: $W)" test "$W" -le 100
check_true "a table: its header row" grep -q '^名称 name  *角色 role' <<<"$OUT"
check_true "the short name's row is one line" grep -q '^报表机  .*只读 viewer  .*配置 config  ' <<<"$OUT"
pt_whole_names "$OUT" 收文员 报表机
pt_cli token revoke 收文员
check_rc "revoked" 0

pt_step "long names: cards"
pt_cli token create --name "$NAME" --role unit --unit "$UNIT"
check_rc "a unit's token with a long name" 0
pt_cli token create --name "$LATIN" --role viewer
check_rc "a viewer's token with a long Latin name" 0
pt_cli token list
check_rc "token list" 0
printf '%s\n' "$OUT"
W="$(printf '%s\n' "$OUT" | widest)"
check_true "token list fits 100 columns (widest line: $W)" test "$W" -le 100
pt_whole_names "$OUT" "$NAME" "$LATIN" 报表机
check_true "below a name, its role labelled" grep -q '^  角色 role  *承办单位 unit$' <<<"$OUT"
check_true "and its unit, whole" grep -qx "  绑定 unit/person  *$UNIT" <<<"$OUT"
check_true "no name is cut with …" test -z "$(printf '%s\n' "$OUT" | grep '…' || true)"
for cols in 60 40; do
    pt_cli_cols "$cols" token list
    check_eq "token list at $cols columns" 0 "$RC"
    pt_whole_names "$TTY" "$NAME" "$LATIN" 报表机
    W="$(printf '%s\n' "$TTY" | grep -vxF -e "$NAME" -e "$LATIN" | widest)"
    check_true "every line but a name wider by itself fits $cols columns (widest $W)" \
        test "$W" -le "$cols"
done

pt_step "revoke takes the name as list shows it"
pt_cli token revoke "$NAME"
check_rc "revoke the long name" 0
pt_cli token list
check_true "it is gone" test -z "$(grep -F "$NAME" <<<"$OUT" || true)"

pt_stop
pt_finish
