#!/usr/bin/env bash
# ptrack workflow prints an action whose next state depends on the state
# it starts from (or on a field) as a map, "sign: status assigned→handling;
# from the others it stays". An office's action of five such states made
# that line 139 columns; it wraps within 100 now, the lines after the
# first indented, and says all it said. A map that fits 100 columns to the
# last one keeps its line whole (one of exactly 100 was broken at 98, and a
# script that reads an action's map from its line lost it). So do an
# action's lines of the states it runs in and of its fields, which an
# office's urging of ten states and twelve channels made 122 and 114; a
# field's values break between two of them, where 视频会议督办 was broken
# as 视频会议督 / 办.
# An office's long labels wrap in their columns: an action's of 28
# characters made its line 119 columns, a state's of 24 its table's 111;
# and where that is not enough, beside a state's name of 64 letters, the
# name wraps too. --width N fits it all to N columns instead of 100.
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
# A field whose 144 columns of values reach the line's end inside one of
# them, 视频会议督办: the line breaks between two values, never inside one.
wf["actions"].append({"name": "press", "label": {"zh": "督促", "en": "Press"},
    "effect": "none", "from": ["handling"], "to": None,
    "fields": [{"name": "method", "type": "enum", "required": True,
                "values": ["电话督办", "书面函件督办", "现场督查督办", "座谈会督办", "短信提醒",
                           "微信群通报", "电子邮件督办", "视频会议督办", "联合督查", "书面通知",
                           "约谈主要负责人", "上门走访"]}]})
# Long labels: an action's of 28 characters, a state's of 24.
wf["actions"].append({"name": "joint_supervision",
    "label": {"zh": "人大代表建议和政协提案办理工作情况联合现场督查督办并通报",
              "en": "Joint on-site supervision of how suggestions are handled"},
    "effect": "none", "from": ["assigned", "handling"],
    "to": "awaiting_joint_review_by_the_standing_committee_and_the_cppcc_no"})
# A name of 64 letters beside a long label, in a state of the clock: the
# labels wrapped down to 14 columns are not enough, the name wraps too.
wf["states"][i:i] = [{"name": "awaiting_joint_review_by_the_standing_committee_and_the_cppcc_no",
                      "label": {"zh": "等待常委会和政协联合审查", "en": "Awaiting joint review"},
                      "clock": True}]
for st in wf["states"]:
    if st["name"] == "handling":
        st["label"] = {"zh": "承办单位和协办单位正在办理中（含会商及现场调研）",
                       "en": "Being handled by the lead and co units"}
wf["name"] = "office"
json.dump(wf, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
PY
pt_config '{}' ', "workflow": "'"$PT_TMP/wf.json"'"'
pt_start
pt_need_cli

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

values="method*(电话督办|书面函件督办|现场督查督办|座谈会督办|短信提醒|微信群通报|电子邮件督办|视频会议督办|联合督查|书面通知|约谈主要负责人|上门走访)"
press="$(printf '%s\n' "$OUT" | sed -n '/^press /,/^$/p' | sed -n '3,$p' | sed '/^$/d')"
check_eq "a field's values break between two of them" \
    "  method*(电话督办|书面函件督办|现场督查督办|座谈会督办|短信提醒|微信群通报|电子邮件督办|
    视频会议督办|联合督查|书面通知|约谈主要负责人|上门走访)" "$press"
check_eq "and say all of them" "$values" "$(printf '%s' "$press" | sed 's/^ *//' | tr -d '\n')"

# The states' table, and the actions' header row with joint_supervision's
# first line and those that go on under it (not the lines of its states,
# indented by 2), for tablecolumn.py.
states="$(printf '%s\n' "$OUT" | sed -n '/^状态 state /,/^$/p')"
joint="$(printf '%s\n' "$OUT" | sed -n '/^操作 action /p; /^joint_supervision /,/^$/p' |
    grep -v '^  [^ ]')"
column() { python3 "$PT_E2E_DIR/tablecolumn.py" "$@"; }
check_contains "a state's long label wraps in its column and says all of it" \
    "承办单位和协办单位正在办理中（含会商及现场调研）" "$(column 中文 "状态 state" <<<"$states")"
check_contains "so does its English one" "Being handled by the lead and co units" \
    "$(column --lines English "状态 state" <<<"$states" | sed 's| / | |g')"
# (Its row is read from its line of flags: its name wraps.)
check_contains "a name of 64 letters too, beside a long label" \
    "awaiting_joint_review_by_the_standing_committee_and_the_cppcc_no" \
    "$(column "状态 state" "属性 flags" <<<"$states")"
check_eq "and an action's" "人大代表建议和政协提案办理工作情况联合现场督查督办并通报" \
    "$(column 中文 "操作 action" <<<"$joint")"
check_eq "and its English one" "Joint on-site supervision of how suggestions are handled" \
    "$(column --lines English "操作 action" <<<"$joint" | sed 's| / | |g')"
pt_cli workflow --help
check_contains "--help says so" "A long label wraps in its column, within 100 columns
or a narrower terminal's width (--width N: within N), and where that is not
enough, a long name too." "$OUT"

pt_step "--width N: within N columns instead of 100"
pt_cli workflow --width 80
check_rc "workflow --width 80" 0
w="$(printf '%s\n' "$OUT" | widest)"
check_true "ptrack workflow --width 80 fits 80 columns (widest line: $w)" test "$w" -le 80
states="$(printf '%s\n' "$OUT" | sed -n '/^状态 state /,/^$/p')"
check_contains "a state's long label wraps in its column and says all of it" \
    "承办单位和协办单位正在办理中（含会商及现场调研）" "$(column 中文 "状态 state" <<<"$states")"
check_contains "the map goes on and says all of it" \
    "transfer: status assigned→handling, handling→assigned, rehandling→assigned, returned→assigned, replied→rehandling; from the others it stays" \
    "$(printf '%s\n' "$OUT" | sed -n '/^transfer: /,/^$/p' | sed 's/^  / /' | tr -d '\n')"
pt_cli workflow --width 200
check_rc "workflow --width 200" 0
check_true "at 200 a map of 139 columns keeps its line" grep -qxF \
    "transfer: status assigned→handling, handling→assigned, rehandling→assigned, returned→assigned, replied→rehandling; from the others it stays" \
    <<<"$OUT"
check_true "and a state's long label its row's" grep -q \
    "^handling  *承办单位和协办单位正在办理中（含会商及现场调研）  *Being handled by the lead and co units" \
    <<<"$OUT"
pt_cli workflow --width 40
check_rc "workflow --width 40" 0
w="$(printf '%s\n' "$OUT" | sed -n '/^状态 state /,/^$/p' | widest)"
check_true "the states' table fits 40 columns, its flags wrapping too (widest line: $w)" \
    test "$w" -le 40
names="$(printf '%s\n' "$OUT" | sed -n '/^字段的中文名/,$p')"
w="$(widest <<<"$names")"
check_true "the field names' heading and lines fit 40 columns too (widest line: $w)" \
    test "$w" -le 40
check_contains "a field's names go on under the first, each whole" \
    "due_at 期限、答复期限、办理期限、截止日期" \
    "$(sed 's/^ *//' <<<"$names" | tr -d '\n' | tr -s ' ')"
pt_cli workflow --width 4
check_rc "workflow --width 4, the least: every column at its least" 0
check_contains "and all of it" "transfer:statusassigned→handling,handling→assigned," \
    "$(tr -d ' \n' <<<"$OUT")"
pt_cli workflow --width 2
check_rc "workflow --width 2" 2
check_contains "it says what --width takes" "--width takes a number of columns from 4 to 1000" "$ERR"

pt_stop
pt_finish
