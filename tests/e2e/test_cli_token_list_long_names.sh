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
# a row starts on a line with a cell under 角色 role, which does not wrap
# (tablecolumn.py).
column() { python3 "$PT_E2E_DIR/tablecolumn.py" "$1" "角色 role"; }

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
