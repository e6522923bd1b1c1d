#!/usr/bin/env bash
# test_unit_todo.sh - what a handling unit still has to do (todo=sign,
# opinion, reply), through the API. Checks: in lead_co mode a co unit that
# has not signed finds the proposal under todo=sign after the lead unit's
# signature moved it on to handling (where status=assigned no longer
# shows it), under todo=opinion until it gives its opinion, never under
# reply, while the lead unit finds it under reply until it replies and
# again after rehandling; in separate mode a unit that has replied no
# longer finds it under reply while the other does; in single mode the
# unit signs and replies; a unit's token is judged for its own unit, and
# a unit's list items, and one proposal a unit reads, carry its part
# (unit_part); /v1/stats and
# /v1/exports take the filter too; bad values and a todo without a unit
# are refused with 400 bad_request.
set -u
. "$(dirname "$0")/lib.sh"
pt_init
pt_serve

W="$(urlenc 水利厅)"
M="$(urlenc 财政厅)"
WATER="$(pt_unit_token 水利厅联络员 水利厅)"
MONEY="$(pt_unit_token 财政厅联络员 财政厅)"

pt_step "lead_co: the co unit signs after the lead unit, and gives its opinion"
P1="$(pt_new_proposal 关于加强农村饮水安全保障的建议)"
pt_act "$P1" assign '{"mode": "lead_co", "units": [{"name": "水利厅", "role": "lead"}, {"name": "财政厅", "role": "co"}]}'
check_eq "assigned: both units have to sign" "$P1 $P1" \
    "$(pt_list_ids sock "unit=$W&todo=sign") $(pt_list_ids sock "unit=$M&todo=sign")"
pt_act "$P1" sign '{"unit": "水利厅"}'
check_eq "the lead unit's signature starts the handling" handling "$(jv 'j["status"]')"
check_eq "status=assigned no longer shows it to 财政厅" "" "$(pt_list_ids sock "unit=$M&status=assigned")"
check_eq "todo=sign does" "$P1" "$(pt_list_ids sock "unit=$M&todo=sign")"
check_eq "and not to 水利厅, which has signed" "" "$(pt_list_ids sock "unit=$W&todo=sign")"
check_eq "财政厅 owes its opinion" "$P1" "$(pt_list_ids sock "unit=$M&todo=opinion")"
check_eq "a co unit does not reply" "" "$(pt_list_ids sock "unit=$M&todo=reply")"
check_eq "水利厅 owes the reply" "$P1" "$(pt_list_ids sock "unit=$W&todo=reply")"
check_eq "and no opinion" "" "$(pt_list_ids sock "unit=$W&todo=opinion")"
check_eq "any of several" "$P1" "$(pt_list_ids sock "unit=$M&todo=reply,sign")"
check_eq "财政厅's part in its list: co, to sign and give its opinion" \
    '{"name": "财政厅", "role": "co", "todo": ["sign", "opinion"], "awaiting": []}' \
    "$(pt_list_ids sock "unit=$M" >/dev/null; jv 'j["items"][0]["unit_part"]')"
check_eq "a list without a unit has no unit_part" "false" \
    "$(pt_list_ids sock "" >/dev/null; jv '"unit_part" in j["items"][0]')"

pt_act "$P1" sign '{"unit": "财政厅"}'
check_eq "财政厅 has signed" "" "$(pt_list_ids sock "unit=$M&todo=sign")"
pt_act "$P1" opinion '{"unit": "财政厅", "opinion": "同意水利厅意见"}'
check_eq "财政厅 has given its opinion" "" "$(pt_list_ids sock "unit=$M&todo=opinion,sign,reply")"
check_eq "its part says so" '{"name": "财政厅", "role": "co", "todo": [], "awaiting": []}' \
    "$(pt_list_ids sock "unit=$M" >/dev/null; jv 'j["items"][0]["unit_part"]')"
pt_act "$P1" reply "$(pt_reply_body 水利厅 水函〔2026〕1号)"
check_eq "replied: 水利厅 owes nothing" "" "$(pt_list_ids sock "unit=$W&todo=sign,opinion,reply")"
pt_act "$P1" feedback '{"person": "张代表", "satisfaction": "unsatisfied"}'
check_eq "rehandling" rehandling "$(jv 'j["status"]')"
check_eq "after rehandling 水利厅 owes a reply again" "$P1" "$(pt_list_ids sock "unit=$W&todo=reply")"
check_eq "and 财政厅 nothing (its opinion stands)" "" "$(pt_list_ids sock "unit=$M&todo=sign,opinion,reply")"

pt_step "separate: a unit that has replied owes nothing while the other still does"
P2="$(pt_new_proposal 关于完善水价补贴的建议)"
pt_act "$P2" assign '{"mode": "separate", "units": [{"name": "水利厅"}, {"name": "财政厅"}]}'
pt_act "$P2" sign '{"unit": "财政厅"}'
check_eq "水利厅 has still to sign after 财政厅 did" "$P2" "$(pt_list_ids sock "unit=$W&todo=sign")"
pt_act "$P2" sign '{"unit": "水利厅"}'
check_eq "both owe a reply" "$P2 $P2" \
    "$(pt_list_ids sock "unit=$W&todo=reply&status=handling") $(pt_list_ids sock "unit=$M&todo=reply&status=handling")"
pt_act "$P2" reply "$(pt_reply_body 水利厅 水函〔2026〕2号)"
check_eq "the round waits for 财政厅" handling "$(jv 'j["status"]')"
check_eq "水利厅 has answered its part" "" "$(pt_list_ids sock "unit=$W&todo=reply&status=handling")"
check_eq "财政厅 has not" "$P2" "$(pt_list_ids sock "unit=$M&todo=reply&status=handling")"
check_eq "水利厅's part: separate, nothing to do" '{"name": "水利厅", "role": "separate", "todo": [], "awaiting": []}' \
    "$(pt_list_ids sock "unit=$W&status=handling" >/dev/null; jv 'j["items"][0]["unit_part"]')"

pt_step "a unit that replied without signing has nothing left to sign for"
P4="$(pt_new_proposal 关于水库移民后期扶持的建议)"
pt_act "$P4" assign '{"mode": "separate", "units": [{"name": "水利厅"}, {"name": "财政厅"}]}'
pt_act "$P4" sign '{"unit": "财政厅"}'
check_eq "水利厅 has to sign" "$P4" "$(pt_list_ids sock "unit=$W&todo=sign&q=$(urlenc 水库移民)")"
pt_act "$P4" reply "$(pt_reply_body 水利厅 水函〔2026〕4号)"
check_eq "it replied unsigned" handling "$(jv 'j["status"]')"
check_eq "and is no longer asked to sign" "" "$(pt_list_ids sock "unit=$W&todo=sign&q=$(urlenc 水库移民)")"
check_eq "财政厅 still owes its reply" "$P4" "$(pt_list_ids sock "unit=$M&todo=sign,reply&q=$(urlenc 水库移民)")"
pt_act "$P4" reply "$(pt_reply_body 财政厅 财函〔2026〕4号)"

pt_step "single: sign, then reply"
P3="$(pt_new_proposal 关于山区道路养护的建议)"
pt_act "$P3" assign '{"mode": "single", "units": [{"name": "水利厅"}]}'
check_eq "assigned: to sign, not to reply yet" "$P3 " \
    "$(pt_list_ids sock "unit=$W&todo=sign&status=assigned") $(pt_list_ids sock "unit=$W&todo=reply&status=assigned")"
pt_act "$P3" sign '{"unit": "水利厅"}'
check_eq "handling: to reply" "$P3" "$(pt_list_ids sock "unit=$W&todo=sign,reply&status=handling&q=$(urlenc 山区道路)")"
pt_act "$P3" reply "$(pt_reply_body 水利厅 水函〔2026〕3号)"
check_eq "replied: nothing" "" "$(pt_list_ids sock "unit=$W&todo=sign,opinion,reply&q=$(urlenc 山区道路)")"

pt_step "a unit's own token is judged for its own unit"
check_eq "水利厅's token: todo=reply" "$P1" "$(pt_list_ids "tcp:$WATER" "todo=reply")"
check_eq "财政厅's token: todo=reply" "$P2" "$(pt_list_ids "tcp:$MONEY" "todo=reply")"
req "tcp:$MONEY" GET "/v1/proposals?todo=reply"
check_eq "its items carry its part" '{"name": "财政厅", "role": "separate", "todo": ["reply"], "awaiting": []}' \
    "$(jv 'j["items"][0]["unit_part"]')"
req "tcp:$MONEY" GET "/v1/proposals/$P2"
check_status "财政厅 reads #$P2" 200
check_eq "one proposal read by a unit carries its part too" \
    '{"name": "财政厅", "role": "separate", "todo": ["reply"], "awaiting": []}' "$(jv 'j["unit_part"]')"
req "tcp:$WATER" GET "/v1/proposals/$P2"
check_eq "and another unit's read its own" '{"name": "水利厅", "role": "separate", "todo": [], "awaiting": []}' \
    "$(jv 'j["unit_part"]')"
api GET "/v1/proposals/$P2"
check_eq "a read that is no unit's has none" false "$(jv '"unit_part" in j')"
req "tcp:$MONEY" GET "/v1/proposals?todo=reply&unit=$W"
check_error "another unit's todo" 403 forbidden
check_eq "the clerk with unit=" "$P2" "$(pt_list_ids "tcp:$CLERK_TOKEN" "todo=reply&unit=$M")"

pt_step "statistics and exports take it too"
req "tcp:$WATER" GET "/v1/stats?todo=reply"
check_status "水利厅's statistics of what it owes" 200
check_eq "one proposal" 1 "$(jv 'j["total"]')"
api GET "/v1/stats?todo=sign,opinion,reply&unit=$M"
check_eq "财政厅's" 1 "$(jv 'j["total"]')"
api GET "/v1/exports?format=json&todo=reply&unit=$W"
check_status "an export of 水利厅's replies owed" 200
check_eq "holds #$P1" "$P1" "$(jv '",".join(str(i["id"]) for i in (j["items"] if isinstance(j, dict) else j))')"

pt_step "bad values"
api GET "/v1/proposals?todo=reply"
check_error "todo without a unit" 400 bad_request
check_contains "the message asks for unit=" "unit=NAME" "$(jv 'j["error"]["message"]')"
api GET "/v1/stats?todo=reply"
check_error "in the statistics too" 400 bad_request
api GET "/v1/exports?format=json&todo=reply"
check_error "and an export" 400 bad_request
api GET "/v1/proposals?todo=answer&unit=$W"
check_error "todo=answer" 400 bad_request
check_contains "names what it takes" '"answer" is not sign, opinion or reply' "$(jv 'j["error"]["message"]')"
api GET "/v1/proposals?todo=sign,,reply&unit=$W"
check_error "an empty part" 400 bad_request
api GET "/v1/proposals?todo=&unit=$W"
check_error "todo empty" 400 bad_request
api GET "/v1/proposals?todo=sign&todo=reply&unit=$W"
check_error "todo twice" 400 bad_request

pt_finish
