#!/usr/bin/env bash
# test_unit_rehandling.sh - what a handling unit is asked to do in a
# rehandling round (重新办理). Checks: a unit that replied without signing
# (the lead of a lead_co proposal that its co unit's signature moved on; a
# separate-mode unit) is not asked to sign (签收) in the round that
# unsatisfied feedback opens, in its unit_part, its todo=sign list and
# figures, its `ptrack list` and `ptrack show` (未签收 nowhere), while it
# owes the reply again; a unit that has neither signed nor replied still
# has to sign. So in the round a reopen opens.
set -u
. "$(dirname "$0")/lib.sh"
pt_init
pt_config '{}'
pt_start

WATER="$(pt_unit_token 水利厅联络员 水利厅)"
MONEY="$(pt_unit_token 财政厅联络员 财政厅)"
ROADS="$(pt_unit_token 交通厅联络员 交通厅)"
row() { printf '%s\n' "$OUT" | awk -v id="$1" '$1 == id'; }
your_unit() { printf '%s\n' "$OUT" | grep '本单位 Your unit' | sed 's/^ *//'; }

pt_step "lead_co: the lead unit replied without signing; rehandling asks it for a reply only"
P1="$(pt_assigned 关于加强农村饮水安全保障的建议 lead_co \
    '[{"name": "水利厅", "role": "lead"}, {"name": "财政厅", "role": "co"}]')"
pt_act "$P1" sign '{"unit": "财政厅"}'
check_eq "before its reply 水利厅 has still to sign" \
    '{"name": "水利厅", "role": "lead", "todo": ["sign", "reply"], "awaiting": ["财政厅"]}' \
    "$(pt_unit_part "$WATER" "$P1")"
pt_act "$P1" opinion '{"unit": "财政厅", "opinion": "同意主办单位意见"}'
pt_act "$P1" reply "$(pt_reply_body 水利厅 水函〔2026〕1号)"
pt_act "$P1" feedback '{"person": "张代表", "satisfaction": "unsatisfied"}'
check_eq "rehandling" rehandling "$(jv 'j["status"]')"
check_eq "水利厅 owes the reply again, and no signature" \
    '{"name": "水利厅", "role": "lead", "todo": ["reply"], "awaiting": []}' "$(pt_unit_part "$WATER" "$P1")"
check_eq "its todo=sign list does not have it" "" "$(pt_list_ids "tcp:$WATER" "todo=sign")"
check_eq "its todo=reply list does" "$P1" "$(pt_list_ids "tcp:$WATER" "todo=reply")"
pt_as_unit "$WATER" list
check_contains "its list: 主办·待答复" "主办·待答复" "$(row "$P1")"
check_true "its list: not 未签收" "$(row "$P1" | grep -q 未签收 && echo false || echo true)"
pt_as_unit "$WATER" show "$P1"
check_eq "its show: 主办·待答复" "本单位 Your unit       水利厅：主办·待答复" "$(your_unit)"

pt_step "separate: a unit that replied unsigned is not asked to sign after rehandling"
P2="$(pt_assigned 关于完善水价补贴的建议 separate '[{"name": "水利厅"}, {"name": "财政厅"}]')"
pt_act "$P2" sign '{"unit": "水利厅"}'
pt_act "$P2" reply "$(pt_reply_body 财政厅 财函〔2026〕2号)"
check_eq "财政厅 has answered its part, unsigned" \
    '{"name": "财政厅", "role": "separate", "todo": [], "awaiting": []}' "$(pt_unit_part "$MONEY" "$P2")"
pt_act "$P2" reply "$(pt_reply_body 水利厅 水函〔2026〕2号)"
pt_act "$P2" feedback '{"person": "张代表", "satisfaction": "unsatisfied"}'
check_eq "rehandling" rehandling "$(jv 'j["status"]')"
check_eq "财政厅 owes a reply, not a signature" \
    '{"name": "财政厅", "role": "separate", "todo": ["reply"], "awaiting": []}' \
    "$(pt_unit_part "$MONEY" "$P2")"
check_eq "水利厅 too" '{"name": "水利厅", "role": "separate", "todo": ["reply"], "awaiting": []}' \
    "$(pt_unit_part "$WATER" "$P2")"
check_eq "财政厅's todo=sign list" "" "$(pt_list_ids "tcp:$MONEY" "todo=sign")"
pt_as_unit "$MONEY" list
check_contains "its list: 分办·待答复" "分办·待答复" "$(row "$P2")"
check_true "its list: not 未签收" "$(row "$P2" | grep -q 未签收 && echo false || echo true)"
api GET "/v1/stats?unit=$(urlenc 财政厅)&todo=sign"
check_eq "the figures of its todo=sign: none" 0 "$(jv 'j["total"]')"

pt_step "so after a reopen: the round it opens asks for the reply only"
P5="$(pt_assigned 关于农田水利设施建设的建议 separate '[{"name": "水利厅"}, {"name": "财政厅"}]')"
pt_act "$P5" sign '{"unit": "水利厅"}'
pt_act "$P5" reply "$(pt_reply_body 财政厅 财函〔2026〕5号)"
pt_act "$P5" reply "$(pt_reply_body 水利厅 水函〔2026〕5号)"
pt_act "$P5" feedback '{"person": "张代表", "satisfaction": "satisfied"}'
pt_act "$P5" reopen '{"reason": "代表反映问题仍未解决"}'
check_eq "reopened: rehandling" rehandling "$(jv 'j["status"]')"
check_eq "财政厅 owes a reply, not a signature" \
    '{"name": "财政厅", "role": "separate", "todo": ["reply"], "awaiting": []}' \
    "$(pt_unit_part "$MONEY" "$P5")"

pt_step "a unit that has neither signed nor replied still has to sign in rehandling"
P3="$(pt_assigned 关于农村公路养护的建议 separate '[{"name": "交通厅"}, {"name": "水利厅"}]')"
pt_act "$P3" sign '{"unit": "水利厅"}'
pt_act "$P3" reply "$(pt_reply_body 水利厅 水函〔2026〕3号)"
check_eq "交通厅, awaited, has to sign and reply" \
    '{"name": "交通厅", "role": "separate", "todo": ["sign", "reply"], "awaiting": []}' \
    "$(pt_unit_part "$ROADS" "$P3")"

pt_finish
