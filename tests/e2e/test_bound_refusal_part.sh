#!/usr/bin/env bash
# test_bound_refusal_part.sh - a unit or a delegate refused an action its
# role does not run, an edit or a delete is told what it may do on that
# proposal now, in its part, not what its role does in general; one it may
# not read is told nothing about. Checks: in lead_co mode a co unit refused
# supervise is offered sign and opinion (no reply, the lead unit's), in the
# 403's allowed and its message; the lead unit that has signed, refused an
# edit and a delete, is offered reply only; a separate-mode unit that has
# replied while the other is awaited is offered nothing; on a closed
# proposal a unit is offered its supplementary reply; a delegate is offered
# feedback on its replied proposal; a proposal outside the caller's scope
# and an id never given out get the same 403, with no allowed list and no
# word of the proposal.
set -u
. "$(dirname "$0")/lib.sh"
pt_init
pt_config '{}'
pt_start

# offered: the 403's allowed list, then the message's end.
offered() {
    printf '%s | %s' "$(jv '",".join(j["error"]["allowed"])')" \
        "$(jv 'j["error"]["message"].split("; ")[-1]')"
}
WATER="$(pt_unit_token 水利厅联络员 水利厅)"
MONEY="$(pt_unit_token 财政厅联络员 财政厅)"
OTHER="$(pt_unit_token 教育厅联络员 教育厅)"
ZHANG="$(pt_delegate_token 张代表本人 张代表)"

pt_step "lead_co: each unit is offered its own part"
P1="$(pt_assigned 关于加强农村饮水安全保障的建议 lead_co \
    '[{"name": "水利厅", "role": "lead"}, {"name": "财政厅", "role": "co"}]')"
pt_act "$P1" sign '{"unit": "水利厅"}'
req "tcp:$MONEY" POST "/v1/proposals/$P1/actions/supervise" '{"key_supervision": true}'
check_error "the co unit runs supervise" 403 forbidden
check_eq "it is offered sign and opinion, not the lead unit's reply" \
    "sign,opinion | you may: sign, opinion" "$(offered)"
check_contains "the message names the proposal and its state" \
    "may not supervise proposal $P1, in state handling (办理中)" "$(jv 'j["error"]["message"]')"
req "tcp:$WATER" PATCH "/v1/proposals/$P1" '{"title": "越权修改"}'
check_error "the lead unit edits" 403 forbidden
check_eq "the lead unit, which has signed, is offered reply" "reply | you may: reply" "$(offered)"
check_contains "the message says it may not edit it" "may not edit proposal $P1" \
    "$(jv 'j["error"]["message"]')"
req "tcp:$WATER" DELETE "/v1/proposals/$P1"
check_error "the lead unit deletes" 403 forbidden
check_eq "and is offered the same" "reply | you may: reply" "$(offered)"
api GET "/v1/proposals/$P1"
check_eq "nothing changed" "关于加强农村饮水安全保障的建议 false" \
    "$(jv 'j["title"] + " " + str(j["key_supervision"]).lower()')"

pt_step "separate: a unit that has replied in the round is offered nothing"
P2="$(pt_assigned 关于推进节水型社会建设的建议 separate '[{"name": "水利厅"}, {"name": "财政厅"}]')"
pt_act "$P2" sign '{"unit": "水利厅"}'
pt_act "$P2" reply "$(pt_reply_body 水利厅 水函〔2026〕3号)"
req "tcp:$WATER" POST "/v1/proposals/$P2/actions/extend" '{"due_at": "2099-01-01"}'
check_error "the unit that has replied asks for an extension" 403 forbidden
check_eq "it is offered nothing" " | you may: none" "$(offered)"
req "tcp:$MONEY" POST "/v1/proposals/$P2/actions/extend" '{"due_at": "2099-01-01"}'
check_error "the unit still to answer asks for an extension" 403 forbidden
check_eq "it is offered sign and reply" "sign,reply | you may: sign, reply" "$(offered)"

pt_step "closed: a unit is offered its supplementary reply; a delegate its feedback"
P3="$(pt_assigned 关于完善水价补贴的建议 single '[{"name": "财政厅"}]')"
pt_act "$P3" sign '{"unit": "财政厅"}'
pt_act "$P3" reply "$(pt_reply_body 财政厅 财函〔2026〕5号)"
req "tcp:$ZHANG" POST "/v1/proposals/$P3/actions/close" '{}'
check_error "the delegate closes its replied proposal" 403 forbidden
check_eq "it is offered feedback" "feedback | you may: feedback" "$(offered)"
req "tcp:$ZHANG" PATCH "/v1/proposals/$P3" '{"title": "改"}'
check_error "the delegate edits it" 403 forbidden
check_eq "and is offered the same" "feedback | you may: feedback" "$(offered)"
pt_act "$P3" feedback '{"person": "张代表", "satisfaction": "satisfied"}'
req "tcp:$MONEY" POST "/v1/proposals/$P3/actions/reopen" '{"reason": "再办"}'
check_error "the unit reopens the closed proposal" 403 forbidden
check_eq "it is offered its supplementary reply" "follow_up | you may: follow_up" "$(offered)"

pt_step "a proposal out of scope reads as an id never given out"
# blind WHO TOKEN METHOD PATH BODY: the 403 of PATH and of the same path
# with an id never given out must be alike.
blind() {
    local who="$1" token="$2" method="$3" path="$4" body="${5:-}" hidden
    if [ -n "$body" ]; then req "tcp:$token" "$method" "$path" "$body"; else req "tcp:$token" "$method" "$path"; fi
    check_error "$who: $method $path out of its scope" 403 forbidden
    hidden="$BODY"
    local none
    none="$(printf %s "$path" | sed -E 's#/proposals/[0-9]+#/proposals/99999999#')"
    if [ -n "$body" ]; then req "tcp:$token" "$method" "$none" "$body"; else req "tcp:$token" "$method" "$none"; fi
    check_error "$who: $method of an id never given out" 403 forbidden
    check_eq "$who: the two answers are the same" "$BODY" "$hidden"
    check_eq "$who: no allowed list" false "$(jv '"allowed" in j["error"]')"
    check_eq "$who: no word of the proposal" false \
        "$(jv 'bool(__import__("re").search(r"proposal [0-9]|state ", j["error"]["message"]))')"
}
blind 教育厅 "$OTHER" POST "/v1/proposals/$P1/actions/supervise" '{"key_supervision": true}'
blind 教育厅 "$OTHER" PATCH "/v1/proposals/$P1" '{"title": "改"}'
blind 教育厅 "$OTHER" DELETE "/v1/proposals/$P1"
api POST /v1/proposals '{"title": "关于别人的建议", "lead_author": "李代表"}'
P4="$(jv 'j["id"]')"
blind 张代表 "$ZHANG" POST "/v1/proposals/$P4/actions/supervise" '{"key_supervision": true}'
blind 张代表 "$ZHANG" PATCH "/v1/proposals/$P4" '{"title": "改"}'

pt_stop
pt_finish
