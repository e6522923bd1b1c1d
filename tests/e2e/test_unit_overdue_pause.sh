#!/usr/bin/env bash
# test_unit_overdue_pause.sh - in separate mode (分办) a unit that has
# answered its part is not late while the proposal waits for the others,
# also when an office's own workflow pauses the handling and resumes it
# (which starts the deadline anew, as rehandling does): the workflow still
# counts that unit's reply (a second one is refused), so the unit is not
# overdue on it, in its own reads or under its name in the figures, while
# the unit still to answer is. Once every unit has answered and a new
# round begins, every unit owes an answer again.
set -u
. "$(dirname "$0")/lib.sh"
pt_init

# The default workflow with a pause: handling -> suspended (no clock) ->
# handling.
pt_county_workflow "$PT_TMP/county.json" resume
pt_config '{"reply": "2s", "rehandle": "2s", "return": "10d"}' ", \"workflow\": \"$PT_TMP/county.json\""
pt_start

api POST /v1/tokens '{"name": "水利厅联络员", "role": "unit", "unit": "水利厅"}'
WATER="$(jv 'j["token"]')"
by_unit() {
    api GET /v1/stats
    jv 'json.dumps(j["overdue_by_unit"], ensure_ascii=False, sort_keys=True)'
}

pt_step "paused and resumed while one unit has answered"
api POST /v1/proposals '{"title": "关于加强农村饮水安全保障的建议", "lead_author": "张代表"}'
P="$(jv 'j["id"]')"
pt_act "$P" assign '{"mode": "separate", "units": [{"name": "水利厅"}, {"name": "财政厅"}]}'
pt_act "$P" sign '{"unit": "水利厅"}'
req "tcp:$WATER" POST "/v1/proposals/$P/actions/reply" "$(pt_reply_body 水利厅 水函〔2026〕1号)"
check_status "水利厅 replies" 200
pt_act "$P" suspend '{}'
pt_act "$P" resume '{}'
check_eq "resumed: the deadline runs anew" handling "$(jv 'j["status"]')"
sleep 2.3
req "tcp:$WATER" POST "/v1/proposals/$P/actions/reply" "$(pt_reply_body 水利厅 水函〔2026〕2号)"
check_status "the workflow counts 水利厅's reply: a second is refused" 422
req "tcp:$WATER" GET "/v1/proposals/$P"
check_eq "so 水利厅 is not overdue on it in its own reads" false "$(jv 'j["overdue"]')"
api GET "/v1/proposals/$P"
check_eq "while the proposal is" true "$(jv 'j["overdue"]')"
check_eq "and only 财政厅 is counted late" '{"财政厅": 1}' "$(by_unit)"

pt_step "a new round after unsatisfied feedback: every unit owes an answer"
pt_act "$P" reply "$(pt_reply_body 财政厅 财函〔2026〕1号)"
check_eq "财政厅's reply ends the round" replied "$(jv 'j["status"]')"
check_eq "nobody is late" '{}' "$(by_unit)"
pt_act "$P" feedback '{"person": "张代表", "satisfaction": "unsatisfied"}'
sleep 2.3
check_eq "past the rehandling deadline both are late" '{"水利厅": 1, "财政厅": 1}' "$(by_unit)"
req "tcp:$WATER" GET "/v1/proposals/$P"
check_eq "水利厅 sees it overdue" true "$(jv 'j["overdue"]')"
pt_act "$P" reply "$(pt_reply_body 水利厅 水函〔2026〕3号)"
check_eq "水利厅's answer moves it on" replied "$(jv 'j["status"]')"
check_eq "nobody is late" '{}' "$(by_unit)"

pt_finish
