#!/usr/bin/env bash
# `ptrack do` with an office's own names: a CPPCC office calls its
# assignment 交办 (jiaoban, effect assign), and --unit builds its `units`
# as it does for assign, because the workflow says the field is units.
# A name may have capitals (docs/workflow.md: letters a to z, A to Z):
# ptrack takes the office's Urge, by its code and by its label 催办, and a
# label with a full-width space as typed. The office's long names for its
# signing and its handling state wrap in their columns of `ptrack
# history`, which stays within 100 columns, with --width too (they were
# left whole there, 130 columns with a note of 30); a long note beside
# them starts on the row's first line and goes on beside them (it left
# the lines of the wrapped names blank).
set -u
. "$(dirname "$0")/lib.sh"
pt_init

python3 - "$PT_SOURCE_DIR/proposals/workflow-default.json" "$PT_TMP/wf.json" <<'PY'
import json, sys
wf = json.load(open(sys.argv[1], encoding="utf-8"))
for a in wf["actions"]:
    if a["name"] == "assign":
        a["name"], a["effect"] = "jiaoban", "assign"
wf["actions"].append({"name": "Urge", "label": {"zh": "催办", "en": "Urge"}, "effect": "none",
                      "from": ["assigned", "handling"], "to": None,
                      "fields": [{"name": "method", "type": "enum", "required": True,
                                  "values": ["电话", "函件", "现场"]}]})
# A label with a full-width space between its words, as Chinese is typed.
wf["actions"].append({"name": "visit", "label": {"zh": "现场\u3000督办", "en": "On-site  visit"},
                      "effect": "none", "from": ["assigned", "handling"], "to": None})
wf["states"].insert(next(i for i, s in enumerate(wf["states"]) if s["name"] == "replied"),
                    {"name": "paused", "label": {"zh": "暂缓\u3000办理", "en": "Paused"}})
wf["actions"].append({"name": "pause", "label": {"zh": "暂缓", "en": "Pause"}, "effect": "none",
                      "from": ["handling"], "to": "paused"})
# Long names an office gives its signing and its handling state.
for a in wf["actions"]:
    if a["name"] == "sign":
        a["label"]["zh"] = "承办单位签收登记确认"
for st in wf["states"]:
    if st["name"] == "handling":
        st["label"]["zh"] = "承办单位正在办理中（含协办）"
wf["name"] = "cppcc"
json.dump(wf, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
PY
pt_config '{}' ', "workflow": "'"$PT_TMP/wf.json"'"'
pt_start

pt_step "交办 (jiaoban) with two --unit: a lead and a co unit"
api POST /v1/proposals '{"title": "关于老旧小区加装电梯的提案"}'
check_status "a proposal" 201
ID="$(jv 'j["id"]')"
pt_cli do "$ID" 交办 --unit 市住建局 --unit 市财政局
check_rc "ptrack do $ID 交办 --unit 市住建局 --unit 市财政局" 0
api GET "/v1/proposals/$ID"
check_eq "assigned" assigned "$(jv 'j["status"]')"
check_eq "lead_co, 市住建局 leads, 市财政局 assists" \
    '["lead_co", [["市住建局", "lead"], ["市财政局", "co"]]]' \
    "$(jv '[j["handling_mode"], [[u["name"], u["role"]] for u in j["units"]]]')"

pt_step "by its code, with one unit and a role"
api POST /v1/proposals '{"title": "关于停车场建设的提案"}'
ID2="$(jv 'j["id"]')"
pt_cli do "$ID2" jiaoban --unit 市交通局
check_rc "ptrack do $ID2 jiaoban --unit 市交通局" 0
api GET "/v1/proposals/$ID2"
check_eq "single, 市交通局 leads" '["single", [["市交通局", "lead"]]]' \
    "$(jv '[j["handling_mode"], [[u["name"], u["role"]] for u in j["units"]]]')"

pt_step "an action of one unit still takes one"
pt_cli do "$ID" sign --unit 市住建局:主办
check_rc "a role with sign is a usage error" 2
check_contains "which says sign takes one unit" "sign takes one unit" "$ERR"

pt_step "an action whose name has capitals: Urge (催办)"
pt_cli do "$ID" Urge --set method=电话
check_rc "ptrack do $ID Urge --set method=电话" 0
pt_cli do "$ID" 催办 --set method=现场
check_rc "ptrack do $ID 催办 --set method=现场" 0
api GET "/v1/proposals/$ID/history"
check_eq "both are in the history with their method" '[["Urge", "电话"], ["Urge", "现场"]]' \
    "$(jv '[[e["action"], e["changes"]["method"]["to"]] for e in j["items"] if e["action"] == "Urge"]')"

pt_step "labels with a full-width space (现场　督办, 暂缓　办理), typed as they read"
pt_cli do "$ID" "现场　督办"
check_rc "ptrack do $ID 现场　督办" 0
pt_cli do "$ID" "On-site  visit"
check_rc "ptrack do $ID \"On-site  visit\"" 0
api GET "/v1/proposals/$ID/history"
check_eq "both ran visit" 2 "$(jv 'sum(1 for e in j["items"] if e["action"] == "visit")')"
NOTE="市住建局已签收，由城建处承办，并将于本月内会同市财政局和各区住建部门现场调研后提出办理方案"
pt_cli do "$ID" sign --unit 市住建局 --note "$NOTE"
check_rc "ptrack do $ID sign" 0
pt_cli do "$ID" pause
check_rc "ptrack do $ID pause" 0

pt_step "the history with the office's long names fits 100 columns, and says all of them"
api GET "/v1/proposals/$ID/history"
SEQ="$(jv 'next(e["seq"] for e in j["items"] if e["action"] == "sign")')"
# cell [--lines] TITLE: the cell headed TITLE of the entry SEQ of the last
# history (tablecolumn.py), its lines joined (with --lines, with " / ").
cell() {
    local seqs
    seqs="$(printf '%s\n' "$OUT" | python3 "$PT_E2E_DIR/tablecolumn.py" seq seq)"
    paste -d '\t' <(printf '%s\n' "$seqs") \
        <(printf '%s\n' "$OUT" | python3 "$PT_E2E_DIR/tablecolumn.py" "$@" seq) |
        awk -F '\t' -v seq="$SEQ" '$1 == seq { print $2 }'
}
pt_cli history "$ID"
check_rc "ptrack history $ID" 0
w="$(printf '%s\n' "$OUT" | widest)"
check_true "ptrack history fits 100 columns (widest line: $w)" test "$w" -le 100
check_eq "the signing's action, wrapped in its column, is whole" "承办单位签收登记确认 sign" \
    "$(cell "操作 action")"
check_eq "so is its state change" "已交办→承办单位正在办理中（含协办）" "$(cell "状态 from→to")"
check_eq "the note starts on the row's first line and goes on beside them" \
    "市住建局已签收，由城 / 建处承办，并将于本月 / 内会同市财政局和各… / 签收: 市住建局" \
    "$(cell --lines "备注 note")"

pt_step "with --width 30 too"
pt_cli history "$ID" --width 30
check_rc "ptrack history $ID --width 30" 0
w="$(printf '%s\n' "$OUT" | widest)"
check_true "ptrack history --width 30 fits 100 columns (widest line: $w)" test "$w" -le 100
check_eq "the action wraps in its column, whole" "承办单位签收登记确认 sign" "$(cell "操作 action")"
check_eq "so does the state change" "已交办→承办单位正在办理中（含协办）" "$(cell "状态 from→to")"
check_eq "the note, 30 columns wide, starts on the row's first line" \
    "市住建局已签收，由城建处承办， / 并将于本月内会同市财政局和各区 / 住建部门现场调研后提出办理方案 / 签收: 市住建局" \
    "$(cell --lines "备注 note")"

pt_step "with a --width the line cannot fit in 100 columns, the names stay whole"
pt_cli history "$ID" --width 120
check_rc "ptrack history $ID --width 120" 0
check_eq "the action on one line" "承办单位签收登记确认 sign" "$(cell --lines "操作 action")"
check_eq "the state change on one line" "已交办→承办单位正在办理中（含协办）" "$(cell --lines "状态 from→to")"

pt_stop
pt_finish
