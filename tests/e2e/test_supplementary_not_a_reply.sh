#!/usr/bin/env bash
# A supplementary reply (follow_up, 补充答复) adds to an answer and is none
# (docs/workflow.md, Effects). Where an office's workflow lets a unit make
# one while the proposal is handled, in separate mode (分办) it does not
# stand for that unit's reply: the proposal waits for the unit's own reply
# (awaiting_replies names it, its unit_part still owes the reply, and it
# is not counted as answered, 办复), the unit's reply is then taken, of
# kind first, and only it moves the proposal on to replied. ptrack do
# names the unit as awaited, as the history does.
set -u
. "$(dirname "$0")/lib.sh"
pt_init

WF="$PT_TMP/office.json"
python3 - "$PT_SOURCE_DIR/proposals/workflow-default.json" "$WF" <<'PY'
import json, sys
wf = json.load(open(sys.argv[1], encoding="utf-8"))
for a in wf["actions"]:
    if a["name"] == "follow_up":
        a["from"] = ["handling", "replied", "closed"]
wf["name"] = "office"
json.dump(wf, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
PY
pt_config '{}' ",
  \"workflow\": \"$WF\""
pt_start
MONEY="$(pt_unit_token 财政厅联络员 财政厅)"

replies() { jv '" ".join(r["unit"] + ":" + r["kind"] for r in j["replies"])'; }

P="$(pt_assigned 关于加快水利建设的建议 separate '[{"name": "水利厅"}, {"name": "财政厅"}]')"
pt_act "$P" sign '{"unit": "水利厅"}'

pt_step "财政厅's supplementary reply before its reply"
pt_act "$P" follow_up "$(pt_reply_body 财政厅 财函〔2026〕补1号)"
check_eq "still handling" handling "$(jv 'j["status"]')"
req "tcp:$MONEY" GET "/v1/proposals/$P"
check_eq "财政厅 still owes its reply" '["sign", "reply"]' "$(jv 'j["unit_part"]["todo"]')"
api GET /v1/stats
check_eq "not answered (办复)" 0 "$(jv 'j["reply_rate"]')"

pt_step "水利厅 replies: the proposal waits for 财政厅"
pt_cli do "$P" reply --unit 水利厅 --set doc_no=水函〔2026〕1号 --set category=A --set text=同意
check_rc "水利厅 replies" 0
check_contains "ptrack do: the proposal stays 办理中" "办理中 handling" "$OUT"
check_contains "ptrack do: 财政厅 is awaited" "待答复单位 awaiting replies: 财政厅" "$OUT"
api GET "/v1/proposals/$P/history"
check_eq "the history names 财政厅 as awaited" 财政厅 \
    "$(jv 'j["items"][-1]["changes"]["awaiting_replies"]["to"]')"
api GET /v1/stats
check_eq "not answered (办复) yet" 0 "$(jv 'j["reply_rate"]')"

pt_step "财政厅's reply is taken, as its first, and ends the round"
pt_act "$P" reply "$(pt_reply_body 财政厅 财函〔2026〕1号)"
check_eq "replied" replied "$(jv 'j["status"]')"
check_eq "the replies" "财政厅:supplementary 水利厅:first 财政厅:first" "$(replies)"
api GET /v1/stats
check_eq "answered (办复)" 1 "$(jv 'j["reply_rate"]')"

pt_finish
