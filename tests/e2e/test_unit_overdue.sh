#!/usr/bin/env bash
# test_unit_overdue.sh - in separate mode (分办) a proposal waits for every
# unit, and only the units still to answer are late. Checks, with a 2 s
# reply window and a 2 s rehandling window: once the deadline passes, the
# proposal is overdue for the office and for the unit that has not
# answered, but not for the unit that has, in its own reads (GET, the
# list's overdue filter and field, due_before, statistics, the export) and
# in the lists filtered by unit; /v1/stats counts each unit's overdue part
# (overdue_by_unit); the answer to a unit's reply that comes after the
# deadline says overdue false to that unit, while the change feed keeps
# the proposal's own; after unsatisfied feedback a new round begins, in
# which a reply of the first round no longer counts; in lead_co mode a co
# unit that has given its opinion is not late, the lead unit is.
set -u
. "$(dirname "$0")/lib.sh"
pt_init
pt_serve '{"reply": "2s", "rehandle": "2s", "return": "10d"}'

WATER="$(pt_unit_token 水利厅联络员 水利厅)"
MONEY="$(pt_unit_token 财政厅联络员 财政厅)"
# report_marks: of the md report by unit just fetched, "UNIT:#ID:late" (or
# in-time) for each row, in order.
report_marks() {
    python3 -c '
import sys
group, out = None, []
for line in open(sys.argv[1], encoding="utf-8"):
    if line.startswith("### "):
        group = line[4:].split("（")[0]
    elif group and line.startswith("| #"):
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        out.append("%s:%s:%s" % (group, cells[0], "late" if "超期" in cells else "in-time"))
print(" ".join(out))' "$PT_TMP/resp.body"
}
U_WATER="$(urlenc 水利厅)"
U_MONEY="$(urlenc 财政厅)"

pt_step "a separate-mode proposal, one unit answered, past its deadline"
api POST /v1/proposals '{"title": "关于加强农村饮水安全保障的建议", "lead_author": "张代表"}'
P="$(jv 'j["id"]')"
api POST /v1/proposals '{"title": "关于改善乡村道路养护的建议"}'
Q="$(jv 'j["id"]')"
pt_act "$P" assign '{"mode": "separate", "units": [{"name": "水利厅"}, {"name": "财政厅"}]}'
pt_act "$Q" assign '{"mode": "single", "units": [{"name": "水利厅"}]}'
pt_act "$P" sign '{"unit": "水利厅"}'
pt_act "$Q" sign '{"unit": "水利厅"}'
sleep 2.2
req "tcp:$WATER" POST "/v1/proposals/$P/actions/reply" "$(pt_reply_body 水利厅 水函〔2026〕1号)"
check_status "水利厅 replies after the deadline" 200
check_eq "the round waits for 财政厅" handling "$(jv 'j["status"]')"
check_eq "the answer tells 水利厅 it is not late" false "$(jv 'j["overdue"]')"
api GET "/v1/events?after=0&limit=500"
check_eq "the feed keeps the proposal's own: overdue" true \
    "$(jv '[e for e in j["items"] if e["type"] == "proposal.status_changed" and e.get("action") == "reply"][-1]["proposal"]["overdue"]')"

api GET "/v1/proposals/$P"
check_eq "the office sees it overdue" true "$(jv 'j["overdue"]')"
req "tcp:$WATER" GET "/v1/proposals/$P"
check_eq "水利厅, which answered, does not" false "$(jv 'j["overdue"]')"
req "tcp:$MONEY" GET "/v1/proposals/$P"
check_eq "财政厅, which has not, does" true "$(jv 'j["overdue"]')"

check_eq "the office's overdue list has both" "$P,$Q" "$(pt_list_ids sock 'overdue=true')"
check_eq "filtered by 水利厅: only the single-mode one" "$Q" "$(pt_list_ids sock "unit=$U_WATER&overdue=true")"
check_eq "filtered by 水利厅, not overdue: the one it answered" "$P" \
    "$(pt_list_ids sock "unit=$U_WATER&overdue=false")"
check_eq "filtered by 财政厅: the separate one" "$P" "$(pt_list_ids sock "unit=$U_MONEY&overdue=true")"
check_eq "水利厅's own overdue list" "$Q" "$(pt_list_ids "tcp:$WATER" 'overdue=true')"
check_eq "财政厅's own overdue list" "$P" "$(pt_list_ids "tcp:$MONEY" 'overdue=true')"
FUTURE="$(date -u -d '+1 day' +%Y-%m-%dT%H:%M:%SZ)"
check_eq "水利厅's due_before" "$Q" "$(pt_list_ids "tcp:$WATER" "due_before=$FUTURE")"
check_eq "its list shows the overdue field by its part" "$P:False $Q:True" \
    "$(req "tcp:$WATER" GET /v1/proposals; jv '" ".join("%s:%s" % (i["id"], i["overdue"]) for i in j["items"])')"

api GET /v1/stats
check_eq "stats: 2 overdue" 2 "$(jv 'j["overdue"]')"
check_eq "stats: each unit's overdue part" '{"水利厅": 1, "财政厅": 1}' \
    "$(jv 'json.dumps(j["overdue_by_unit"], ensure_ascii=False, sort_keys=True)')"
req "tcp:$WATER" GET /v1/stats
check_eq "水利厅's stats: 1 overdue" 1 "$(jv 'j["overdue"]')"
req "tcp:$MONEY" GET /v1/stats
check_eq "财政厅's stats: 1 overdue" 1 "$(jv 'j["overdue"]')"
api GET "/v1/stats?unit=$U_WATER"
check_eq "stats filtered by 水利厅: 1 overdue" 1 "$(jv 'j["overdue"]')"
api GET /v1/stats
check_eq "not answered (办复) yet: no reply rate, and no reply category counted" "0 0" \
    "$(jv '"%s %s" % (j["reply_rate"], j["reply_categories"]["A"])')"
api GET "/v1/exports?format=md"
check_contains "the report counts the same" "| A类（所提问题已经解决或基本解决） | 0 |" "$(cat "$PT_TMP/resp.body")"
api GET "/v1/exports?format=md&group=unit"
check_eq "the report by unit marks it late under 财政厅 only, the single-mode one under 水利厅" \
    "水利厅:#$P:in-time 水利厅:#$Q:late 财政厅:#$P:late" "$(report_marks)"
req "tcp:$WATER" GET "/v1/exports?format=md&group=unit"
check_eq "水利厅's own report by unit marks the other unit's late part too" \
    "水利厅:#$P:in-time 水利厅:#$Q:late 财政厅:#$P:late" "$(report_marks)"
pt_cli stats
set +e
check_rc "ptrack stats" 0
check_contains "ptrack stats shows each unit's overdue part" "逾期按承办单位 overdue by unit" "$OUT"
check_contains "with 财政厅's" "$(printf '财政厅  1')" "$(sed -n '/逾期按承办单位/,$p' <<<"$OUT")"

req "tcp:$WATER" GET "/v1/exports?format=jsonl"
check_status "水利厅 exports its proposals" 200
check_eq "the export shows the overdue field by its part" "$P:False $Q:True" \
    "$(python3 -c '
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
print(" ".join("%s:%s" % (r["id"], r["overdue"]) for r in sorted(rows, key=lambda r: r["id"])))' "$PT_TMP/resp.body")"

pt_step "a new round after unsatisfied feedback"
pt_act "$P" reply "$(pt_reply_body 财政厅 财函〔2026〕1号)"
check_eq "财政厅's reply ends the round" replied "$(jv 'j["status"]')"
api GET /v1/stats
check_eq "answered now: its category counts" 1 "$(jv 'j["reply_categories"]["A"]')"
api GET "/v1/stats"
check_eq "stats: only the single-mode one is overdue now" '1 {"水利厅": 1}' \
    "$(jv '"%d %s" % (j["overdue"], json.dumps(j["overdue_by_unit"], ensure_ascii=False))')"
pt_act "$P" feedback '{"person": "张代表", "satisfaction": "unsatisfied"}'
check_eq "unsatisfied: rehandling" rehandling "$(jv 'j["status"]')"
sleep 2.2
check_eq "past the rehandling deadline, 水利厅 owes an answer again" "$P,$Q" \
    "$(pt_list_ids "tcp:$WATER" 'overdue=true')"
check_eq "and so does 财政厅" "$P" "$(pt_list_ids "tcp:$MONEY" 'overdue=true')"
api GET /v1/stats
check_eq "stats: each unit's overdue part" '{"水利厅": 2, "财政厅": 1}' \
    "$(jv 'json.dumps(j["overdue_by_unit"], ensure_ascii=False, sort_keys=True)')"
pt_act "$P" reply "$(pt_reply_body 水利厅 水函〔2026〕2号)"
check_eq "水利厅 answers again: replied" replied "$(jv 'j["status"]')"
check_eq "nobody is late on it now" "$Q" "$(pt_list_ids sock 'overdue=true')"

pt_step "lead_co: a co unit's part is its opinion"
api POST /v1/proposals '{"title": "关于统筹城乡供水一体化的建议"}'
R="$(jv 'j["id"]')"
pt_act "$R" assign '{"mode": "lead_co", "units": [{"name": "水利厅", "role": "lead"}, {"name": "财政厅", "role": "co"}]}'
pt_act "$R" sign '{"unit": "水利厅"}'
sleep 2.2
api GET /v1/stats
check_eq "past the deadline, before the opinion: both late" '{"水利厅": 2, "财政厅": 1}' \
    "$(jv 'json.dumps(j["overdue_by_unit"], ensure_ascii=False, sort_keys=True)')"
req "tcp:$MONEY" POST "/v1/proposals/$R/actions/opinion" '{"unit": "财政厅", "opinion": "同意，资金按年度预算安排"}'
check_status "财政厅 gives its opinion" 200
check_eq "its answer tells it it is not late" false "$(jv 'j["overdue"]')"
api GET /v1/stats
check_eq "then only the lead unit is late on it" '{"水利厅": 2}' \
    "$(jv 'json.dumps(j["overdue_by_unit"], ensure_ascii=False, sort_keys=True)')"
req "tcp:$MONEY" GET "/v1/proposals/$R"
check_eq "财政厅 does not see it overdue" false "$(jv 'j["overdue"]')"
req "tcp:$WATER" GET "/v1/proposals/$R"
check_eq "水利厅, which replies for both, does" true "$(jv 'j["overdue"]')"
pt_act "$R" reply "$(pt_reply_body 水利厅 水函〔2026〕9号)"
check_eq "the lead unit's reply moves it on" replied "$(jv 'j["status"]')"
pt_act "$R" feedback '{"person": "李代表", "satisfaction": "unsatisfied"}'
sleep 2.2
api GET /v1/stats
check_eq "rehandled past its deadline: the lead unit owes the answer again, the co unit not" \
    '{"水利厅": 2}' "$(jv 'json.dumps(j["overdue_by_unit"], ensure_ascii=False, sort_keys=True)')"
req "tcp:$WATER" GET "/v1/proposals/$R"
check_eq "水利厅 sees it overdue again" true "$(jv 'j["overdue"]')"
check_eq "and finds it in its overdue list" "$Q,$R" "$(pt_list_ids "tcp:$WATER" 'overdue=true')"

pt_finish
