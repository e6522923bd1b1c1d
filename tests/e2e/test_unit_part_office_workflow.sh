#!/usr/bin/env bash
# test_unit_part_office_workflow.sh - a unit's part (unit_part) under an
# office's workflow, as its actions allow them. Checks: a lead unit awaits
# the co units' opinions (awaiting) only in a state where every reply of
# the workflow has the co_opinions guard: in a state where the office's own
# reply without it runs, awaiting is [] and the reply is taken; a unit that
# replied unsigned and is then assigned the proposal again (an office's
# reassign from rehandling) is asked to sign, as the assignment cleared its
# signature and only its signature moves the proposal on.
set -u
. "$(dirname "$0")/lib.sh"
pt_init

python3 - "$PT_SOURCE_DIR/proposals/workflow-default.json" "$PT_TMP/wf.json" <<'PY'
import json, sys
wf = json.load(open(sys.argv[1], encoding="utf-8"))
i = next(i for i, s in enumerate(wf["states"]) if s["name"] == "replied")
wf["states"].insert(i, {"name": "urgent", "label": {"zh": "急办", "en": "Urgent"},
                        "terminal": False, "initial": False, "default": False, "clock": True})
for a in wf["actions"]:
    if a["name"] in ("reply", "opinion"):
        a["from"].append("urgent")
reply = next(a for a in wf["actions"] if a["name"] == "reply")
assign = next(a for a in wf["actions"] if a["name"] == "assign")
wf["actions"].append({"name": "escalate", "label": {"zh": "急办", "en": "Escalate"},
                      "from": ["handling"], "to": "urgent", "guards": [], "fields": [],
                      "effect": "none"})
wf["actions"].append({"name": "reply_now", "label": {"zh": "径直答复", "en": "Reply now"},
                      "from": ["urgent"], "to": "replied", "guards": [], "effect": "reply",
                      "fields": reply["fields"]})
wf["actions"].append({"name": "redo", "label": {"zh": "改派", "en": "Redo"},
                      "from": ["rehandling"], "to": "assigned", "guards": [], "effect": "assign",
                      "fields": assign["fields"]})
wf["name"] = "office"
json.dump(wf, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
PY
pt_config '{}' ', "workflow": "'"$PT_TMP/wf.json"'"'
pt_start

WATER="$(pt_unit_token 水利厅联络员 水利厅)"
UNITS='[{"name": "水利厅", "role": "lead"}, {"name": "财政厅", "role": "co"}]'

pt_step "a state where the office's reply without the guard runs: nothing is awaited"
P="$(pt_assigned 关于农田水利设施维护的建议 lead_co "$UNITS")"
pt_act "$P" sign '{"unit": "财政厅"}'
check_eq "in handling 水利厅 awaits 财政厅's opinion" \
    '{"name": "水利厅", "role": "lead", "todo": ["sign", "reply"], "awaiting": ["财政厅"]}' \
    "$(pt_unit_part "$WATER" "$P")"
pt_act "$P" escalate '{}'
check_eq "in urgent it awaits none: reply_now does not wait" \
    '{"name": "水利厅", "role": "lead", "todo": ["reply"], "awaiting": []}' \
    "$(pt_unit_part "$WATER" "$P")"
req "tcp:$WATER" POST "/v1/proposals/$P/actions/reply_now" "$(pt_reply_body 水利厅 水函〔2026〕7号)"
check_eq "and its reply is taken without the opinion" 200 "$ST"

pt_step "a unit that replied unsigned, assigned again, signs"
Q="$(pt_assigned 关于小型水库除险加固的建议 lead_co "$UNITS")"
pt_act "$Q" sign '{"unit": "财政厅"}'
pt_act "$Q" opinion '{"unit": "财政厅", "opinion": "同意"}'
pt_act "$Q" reply "$(pt_reply_body 水利厅 水函〔2026〕8号)"
pt_act "$Q" feedback '{"person": "张代表", "satisfaction": "unsatisfied"}'
check_eq "in rehandling its part is the new reply, not a signature" \
    '{"name": "水利厅", "role": "lead", "todo": ["reply"], "awaiting": []}' \
    "$(pt_unit_part "$WATER" "$Q")"
pt_act "$Q" redo '{"mode": "single", "units": [{"name": "水利厅", "role": "lead"}]}'
check_eq "assigned again, it signs: only that moves the proposal on" \
    '{"name": "水利厅", "role": "lead", "todo": ["sign"], "awaiting": []}' \
    "$(pt_unit_part "$WATER" "$Q")"
req "tcp:$WATER" GET "/v1/proposals?todo=sign"
check_contains "its todo=sign list has it" "\"id\": $Q" "$(jv 'json.dumps(j["items"], ensure_ascii=False)')"

pt_finish
