#!/usr/bin/env bash
# ptrack workflow prints an action whose next state depends on the state
# it starts from (or on a field) as a map, "sign: status assigned→handling;
# from the others it stays". An office's action of five such states made
# that line 139 columns; it wraps within 100 now, the lines after the
# first indented, and says all it said. A map that fits 100 columns to the
# last one keeps its line whole (one of exactly 100 was broken at 98, and a
# script that reads an action's map from its line lost it). So do an
# action's lines of the states it runs in and of its fields, which an
# office's urging of ten states and twelve channels made 122 and 114.
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
# An urging that runs in ten states, two of them the office's own, and
# records a channel of many: its "from → to" line and its fields line are
# longer than 100 columns.
i = next(i for i, s in enumerate(wf["states"]) if s["name"] == "replied")
wf["states"][i:i] = [
    {"name": "suspended", "label": {"zh": "暂缓办理", "en": "Suspended"}},
    {"name": "coordinating", "label": {"zh": "协调中", "en": "Coordinating"}, "clock": True}]
wf["actions"] += [
    {"name": "suspend", "label": {"zh": "暂缓", "en": "Suspend"}, "effect": "none",
     "from": ["handling"], "to": "suspended"},
    {"name": "coordinate", "label": {"zh": "协调", "en": "Coordinate"}, "effect": "none",
     "from": ["handling"], "to": "coordinating"}]
wf["actions"].append({"name": "urge", "label": {"zh": "催办", "en": "Urge"},
    "effect": "none", "from": ["submitted", "reviewing", "filed", "assigned", "returned",
                               "handling", "suspended", "coordinating", "replied",
                               "rehandling"], "to": None,
    "fields": [{"name": "channel", "type": "enum", "required": True,
                "values": ["电话", "函件", "现场督查", "座谈会", "短信", "微信", "电子邮件",
                           "视频会议", "联合督查", "书面通知", "约谈", "上门走访"]},
               {"name": "reason", "type": "text", "required": True},
               {"name": "contact", "type": "string", "required": True}]})
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

urge="$(printf '%s\n' "$OUT" | sed -n '/^urge /,/^$/p')"
check_contains "an action of many states goes on below, indented" \
    "  submitted, reviewing, filed, assigned, returned, handling, suspended, coordinating, replied, rehandling → (不变 same)" \
    "$(printf '%s' "$urge" | sed -n 2,3p | sed 's/^    / /' | tr -d '\n')"
check_contains "and so does a field of many values" \
    "channel*(电话|函件|现场督查|座谈会|短信|微信|电子邮件|视频会议|联合督查|书面通知|约谈|上门走访) reason* contact*" \
    "$(printf '%s' "$urge" | sed -n '4,$p' | sed 's/^    / /; s/^  //' | tr -d '\n')"

pt_stop
pt_finish
