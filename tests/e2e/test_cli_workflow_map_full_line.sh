#!/usr/bin/env bash
# ptrack workflow's map of next states that fits 100 columns to the last
# one keeps its line whole, as it did before long maps wrapped: a map of
# exactly 100 columns was broken at 98, the last state going below, and a
# script that reads an action's map from its line lost it.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
pt_init
python3 - "$PT_SOURCE_DIR/proposals/workflow-default.json" "$PT_TMP/wf.json" <<'PY'
import json, sys
wf = json.load(open(sys.argv[1], encoding="utf-8"))
# transfer_a: status assigned→handling, handling→assigned,
# returned→assigned; from the others it stays: 100 columns.
wf["actions"].append({"name": "transfer_a", "label": {"zh": "转办", "en": "Transfer"},
    "effect": "none", "from": ["assigned", "handling", "returned"],
    "to": {"status": {"assigned": "handling", "handling": "assigned", "returned": "assigned"}},
    "guards": [], "fields": []})
wf["name"] = "office"
json.dump(wf, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
PY
pt_config '{}' ', "workflow": "'"$PT_TMP/wf.json"'"'
pt_start
[ -x "$PTRACK" ] || pt_die "ptrack not found at $PTRACK (set PTRACK)"

pt_cli workflow
check_rc "workflow" 0
line="transfer_a: status assigned→handling, handling→assigned, returned→assigned; from the others it stays"
check_eq "the map's line is 100 columns" 100 "$(printf '%s\n' "$line" | widest)"
check_true "a map of 100 columns keeps its line whole" \
    grep -qxF "$line" <<<"$OUT"
w="$(printf '%s\n' "$OUT" | widest)"
check_true "ptrack workflow fits 100 columns (widest line: $w)" test "$w" -le 100

pt_stop
pt_finish
