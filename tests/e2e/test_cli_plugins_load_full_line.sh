#!/usr/bin/env bash
# ptrack plugins load's first line (已加载 loaded NAME (plugin version,
# kinds)) that fits 100 columns to the last one keeps its line, as it did
# before long ones wrapped: one of 99 or 100 columns was broken at 98, the
# kinds going to a line of their own, and a script that read the plugin
# and its kinds from the line lost them.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init
pt_serve_cli
HOOK_SO="$(pt_plugin_so notify_webhook)"
DEAD="$(pt_free_port)"

pt_step "a first load measures the line's width without the name"
pt_cli plugins load --instance a --path "$HOOK_SO" --set "url=http://127.0.0.1:$DEAD/hook"
check_rc "loaded" 0
first="$(printf '%s\n' "$OUT" | head -n 1)"
w="$(printf '%s\n' "$first" | widest)"
n=$((100 - (w - 1)))
check_true "a name can make the line 100 columns ($n letters)" test "$n" -ge 2 -a "$n" -le 64
name="$(printf 'b%.0s' $(seq 1 "$n"))"

pt_step "a line of exactly 100 columns"
pt_cli plugins load --instance "$name" --path "$HOOK_SO" --set "url=http://127.0.0.1:$DEAD/hook"
check_rc "loaded" 0
line="${first/ a (/ $name (}"
check_eq "the line is 100 columns" 100 "$(printf '%s\n' "$line" | widest)"
check_true "it keeps its line whole" grep -qxF "$line" <<<"$OUT"
w="$(printf '%s\n' "$OUT" | widest)"
check_true "and every line fits 100 columns (widest line: $w)" test "$w" -le 100

pt_finish
