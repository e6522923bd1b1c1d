#!/usr/bin/env bash
# ptrack workflow prints an action whose next state depends on the state
# it starts from (or on a field) as a map, "sign: status assigned→handling;
# from the others it stays". An office's action of five such states made
# that line 139 columns; it wraps within 100 now, the lines after the
# first indented, and says all it said. A map that fits 100 columns to the
# last one keeps its line whole (one of exactly 100 was broken at 98, and a
# script that reads an action's map from its line lost it).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
pt_init
python3 - "$PT_SOURCE_DIR/proposals/workflow-default.json" "$PT_TMP/wf.json" <<'PY'
import json, sys
wf = json.load(open(sys.argv[1], encoding="utf-8"))
wf["actions"].append({"name": "transfer", "label": {"zh": "转办", "en": "Transfer"},
    "effect": "none", "from": ["assigned", "handling", "rehandling", "returned", "replied"],
    "to": {"status": {"assigned": "handling", "handling": "assigned", "rehandling": "assigned",
                      "returned": "assigned", "replied": "rehandling"}},
    "guards": [], "fields": []})
# transfer_a: status assigned→handling, handling→assigned,
# returned→assigned; from the others it stays: 100 columns.
wf["actions"].append({"name": "transfer_a", "label": {"zh": "改办", "en": "Move"},
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
w="$(printf '%s\n' "$OUT" | widest)"
check_true "ptrack workflow fits 100 columns (widest line: $w)" test "$w" -le 100
map="$(printf '%s\n' "$OUT" | sed -n '/^transfer: /,/^$/p')"
check_contains "the map goes on, indented" "  replied→rehandling" "$map"
check_contains "and says all of it" \
    "transfer: status assigned→handling, handling→assigned, rehandling→assigned, returned→assigned, replied→rehandling; from the others it stays" \
    "$(printf '%s' "$map" | sed 's/^  / /' | tr -d '\n')"
check_contains "a short map keeps its line" \
    "sign: status assigned→handling; from the others it stays" "$OUT"
line="transfer_a: status assigned→handling, handling→assigned, returned→assigned; from the others it stays"
check_eq "the map's line is 100 columns" 100 "$(printf '%s\n' "$line" | widest)"
check_true "a map of 100 columns keeps its line whole" \
    grep -qxF "$line" <<<"$OUT"

pt_stop
pt_finish
