#!/usr/bin/env bash
# test_unit_awaiting.sh - a lead unit's part while its reply waits for
# the co units' opinions (lead_co mode). Checks: unit_part's awaiting
# names the co units still to give their opinion (协办意见), in the order
# they were assigned, in one proposal and in the list items; the reply is
# refused meanwhile; its list and show say 主办·等协办意见 rather than
# 待答复, show with the names; a co unit awaits nothing; once every co
# unit has given its opinion, awaiting is empty and the words are
# 主办·待答复.
set -u
. "$(dirname "$0")/lib.sh"
pt_init
pt_config '{}'
pt_start

WATER="$(pt_unit_token 水利厅联络员 水利厅)"
MONEY="$(pt_unit_token 财政厅联络员 财政厅)"
row() { printf '%s\n' "$OUT" | awk -v id="$1" '$1 == id'; }
your_unit() { printf '%s\n' "$OUT" | grep '本单位 Your unit' | sed 's/^ *//'; }

pt_step "lead_co: the lead unit's reply waits for the co units' opinions, and is told whose"
P4="$(pt_assigned 关于城乡供水一体化的建议 lead_co \
    '[{"name": "水利厅", "role": "lead"}, {"name": "财政厅", "role": "co"}, {"name": "交通厅", "role": "co"}]')"
pt_act "$P4" sign '{"unit": "水利厅"}'
check_eq "水利厅 awaits both co units' opinions, in their order" \
    '{"name": "水利厅", "role": "lead", "todo": ["reply"], "awaiting": ["财政厅", "交通厅"]}' \
    "$(pt_unit_part "$WATER" "$P4")"
req "tcp:$WATER" POST "/v1/proposals/$P4/actions/reply" "$(pt_reply_body 水利厅 水函〔2026〕4号)"
check_eq "and cannot reply yet" 422 "$ST"
pt_act "$P4" opinion '{"unit": "交通厅", "opinion": "同意"}'
check_eq "after 交通厅's opinion it awaits 财政厅's" '["财政厅"]' \
    "$(pt_unit_part "$WATER" "$P4" >/dev/null; jv 'json.dumps(j["unit_part"]["awaiting"], ensure_ascii=False)')"
check_eq "a co unit awaits nothing" '[]' \
    "$(pt_unit_part "$MONEY" "$P4" >/dev/null; jv 'json.dumps(j["unit_part"]["awaiting"], ensure_ascii=False)')"
check_eq "the list items carry it too" '["财政厅"]' \
    "$(pt_list_ids "tcp:$WATER" "todo=reply" >/dev/null
    jv "json.dumps([i for i in j['items'] if i['id'] == $P4][0]['unit_part']['awaiting'], ensure_ascii=False)")"
pt_as_unit "$WATER" list --todo 答复
check_contains "its list: 主办·等协办意见" "主办·等协办意见" "$(row "$P4")"
check_true "its list: not 待答复" "$(row "$P4" | grep -q 待答复 && echo false || echo true)"
pt_as_unit "$WATER" show "$P4"
check_eq "its show names the co unit" "本单位 Your unit       水利厅：主办·等协办意见（财政厅）" "$(your_unit)"
pt_act "$P4" opinion '{"unit": "财政厅", "opinion": "原则同意"}'
check_eq "once both have given theirs, the reply is its own to give" \
    '{"name": "水利厅", "role": "lead", "todo": ["reply"], "awaiting": []}' "$(pt_unit_part "$WATER" "$P4")"
pt_as_unit "$WATER" show "$P4"
check_eq "its show: 主办·待答复" "本单位 Your unit       水利厅：主办·待答复" "$(your_unit)"

pt_finish
