#!/usr/bin/env bash
# test_unit_part_allowed.sh - the actions a refused unit is offered are
# those its part lets it run. Checks: in lead_co mode a co unit refused an
# action in handling is offered sign and opinion, not reply (the lead
# unit's), in the error's allowed list and in its message; the lead unit
# is offered reply, not opinion (a co unit's); in single and separate mode
# a unit is offered reply and no opinion; a unit that has signed is not
# offered sign again (a unit signs once); in separate mode a unit that has
# replied while the others are awaited is not offered reply (a unit replies
# once a round) and the units still to answer are; the office, which runs
# every action, still gets the state's whole list.
set -u
. "$(dirname "$0")/lib.sh"
pt_init
pt_config '{}'
pt_start

# refused TOKEN ID WHO: a return in handling (a 409) as TOKEN; checks that
# it is refused and sets OFFERED to the allowed list, then the message's end.
refused() {
    req "tcp:$1" POST "/v1/proposals/$2/actions/return" '{"reason": "不属于本单位职责"}'
    check_error "$3 returns a proposal in handling" 409 invalid_transition
    OFFERED="$(jv '",".join(j["error"]["allowed"])') | $(jv 'j["error"]["message"].split("; ")[-1]')"
}
WATER="$(pt_unit_token 水利厅联络员 水利厅)"
MONEY="$(pt_unit_token 财政厅联络员 财政厅)"

pt_step "lead_co: the co unit is not offered the reply, nor the lead the opinion"
P1="$(pt_assigned 关于加强农村饮水安全保障的建议 lead_co \
    '[{"name": "水利厅", "role": "lead"}, {"name": "财政厅", "role": "co"}]')"
pt_act "$P1" sign '{"unit": "水利厅"}'
check_eq "the proposal is handling" handling "$(jv 'j["status"]')"
refused "$MONEY" "$P1" 财政厅
check_eq "the co unit may sign and give its opinion" "sign,opinion | you may: sign, opinion" "$OFFERED"
refused "$WATER" "$P1" 水利厅
check_eq "the lead unit, which has signed, may reply" "reply | you may: reply" "$OFFERED"
pt_act "$P1" sign '{"unit": "财政厅"}'
refused "$MONEY" "$P1" 财政厅
check_eq "the co unit, once it has signed, may give its opinion" "opinion | you may: opinion" \
    "$OFFERED"
api POST "/v1/proposals/$P1/actions/return" '{"unit": "财政厅", "reason": "不属于本单位职责"}'
check_error "the office returns it in handling" 409 invalid_transition
check_contains "the office is offered the state's every action" "opinion,extend,reply" \
    "$(jv '",".join(j["error"]["allowed"])')"

pt_step "single and separate: a unit replies and gives no opinion"
P2="$(pt_assigned 关于完善水价补贴的建议 single '[{"name": "财政厅"}]')"
pt_act "$P2" sign '{"unit": "财政厅"}'
refused "$MONEY" "$P2" 财政厅
check_eq "single: the unit, which has signed, may reply" "reply | you may: reply" "$OFFERED"
P3="$(pt_assigned 关于推进节水型社会建设的建议 separate '[{"name": "水利厅"}, {"name": "财政厅"}]')"
pt_act "$P3" sign '{"unit": "水利厅"}'
refused "$MONEY" "$P3" 财政厅
check_eq "separate: a unit yet to sign may sign and reply" "sign,reply | you may: sign, reply" \
    "$OFFERED"
refused "$WATER" "$P3" 水利厅
check_eq "separate: the unit that has signed may reply" "reply | you may: reply" "$OFFERED"
req "tcp:$WATER" POST "/v1/proposals/$P3/actions/reply" \
    '{"doc_no": "水函〔2026〕3号", "category": "A", "text": "已列入年度计划。"}'
check_status "separate: 水利厅 replies for its part" 200
check_eq "separate: the proposal waits for 财政厅" handling "$(jv 'j["status"]')"
refused "$WATER" "$P3" 水利厅
check_eq "separate: the unit that has replied this round is offered nothing" " | you may: none" \
    "$OFFERED"
req "tcp:$WATER" POST "/v1/proposals/$P3/actions/reply" \
    '{"doc_no": "水函〔2026〕4号", "category": "A", "text": "再次答复。"}'
check_error "separate: its second reply in the round is refused, as it was not offered" 422 \
    validation_failed
refused "$MONEY" "$P3" 财政厅
check_eq "separate: the unit still to answer may sign and reply" "sign,reply | you may: sign, reply" \
    "$OFFERED"

pt_stop
pt_finish
