#!/usr/bin/env bash
# test_access_unseen_action.sh - a unit's or a delegate's action on a
# proposal it may not read answers 404 not_found, with the message of an
# id never given out, whatever its body names: the caller's own unit or
# person, another's (the unit the proposal is assigned to, or the person
# who leads it), a name that is no string, an If-Match of any version.
# Only on a proposal it may read is another unit or person refused with
# 403, saying whom it acts as, and nothing changes. The history of an
# unseen proposal is not found the same way.
set -u
. "$(dirname "$0")/lib.sh"
pt_init
pt_config '{}'
pt_start

WATER="$(pt_unit_token 水利厅联络员 山西省水利厅)"
SCHOOL="$(pt_unit_token 教育厅联络员 山西省教育厅)"
LI="$(pt_delegate_token 李代表本人 李代表)"
ZHANG="$(pt_delegate_token 张代表本人 张代表)"

# 张代表's, assigned to 山西省教育厅 alone.
P="$(pt_assigned 关于改善农村学校办学条件的建议 single '[{"name": "山西省教育厅", "role": "lead"}]')"
NONE=99999999
api GET "/v1/proposals/$P"
BEFORE="$(jv 'j["version"]')"

# unseen WHO TOKEN METHOD SUB BODY [HEADER]: METHOD /v1/proposals/$P/SUB
# answers as /v1/proposals/$NONE/SUB does: 404 not_found, the same
# message but for the id.
unseen() {
    local who="$1" token="$2" method="$3" sub="$4" body="$5" rest=() hidden
    [ -n "$body" ] && rest+=("$body")
    [ $# -ge 6 ] && rest+=(-- -H "$6")
    req "tcp:$token" "$method" "/v1/proposals/$P/$sub" "${rest[@]}"
    check_error "$who: $method $sub $body ${6:+$6 }on a proposal it may not read" 404 not_found
    hidden="$(jv 'j["error"]["message"]' | sed "s/proposal $P /proposal ID /")"
    req "tcp:$token" "$method" "/v1/proposals/$NONE/$sub" "${rest[@]}"
    check_error "$who: $method $sub $body ${6:+$6 }on an id never given out" 404 not_found
    check_eq "$who: $sub $body: the two messages are the same" \
        "$(jv 'j["error"]["message"]' | sed "s/proposal $NONE /proposal ID /")" "$hidden"
}

pt_step "a unit acting on a proposal assigned to another unit"
unseen 水利厅 "$WATER" POST actions/sign '{}'
unseen 水利厅 "$WATER" POST actions/sign '{"unit": "山西省教育厅"}'
unseen 水利厅 "$WATER" POST actions/sign '{"unit": "山西省水利厅"}'
unseen 水利厅 "$WATER" POST actions/sign '{"unit": 5}'
unseen 水利厅 "$WATER" POST actions/return '{"unit": "山西省教育厅", "reason": "不属于本单位职责"}'
unseen 水利厅 "$WATER" POST actions/opinion '{"unit": "山西省教育厅", "opinion": "同意"}'
unseen 水利厅 "$WATER" POST actions/reply "$(pt_reply_body 山西省教育厅 晋教函〔2026〕1号)"
unseen 水利厅 "$WATER" POST actions/follow_up "$(pt_reply_body 山西省教育厅 晋教函〔2026〕2号)"
unseen 水利厅 "$WATER" POST actions/sign '{"unit": "山西省教育厅"}' 'If-Match: "1"'

pt_step "a delegate rating a proposal another leads"
unseen 李代表 "$LI" POST actions/feedback '{"satisfaction": "satisfied"}'
unseen 李代表 "$LI" POST actions/feedback '{"person": "张代表", "satisfaction": "satisfied"}'
unseen 李代表 "$LI" POST actions/feedback '{"person": "李代表", "satisfaction": "satisfied"}'

pt_step "the history of a proposal it may not read"
unseen 水利厅 "$WATER" GET history ''
unseen 李代表 "$LI" GET history ''

pt_step "on a proposal it may read, another unit or person is refused"
req "tcp:$SCHOOL" POST "/v1/proposals/$P/actions/sign" '{"unit": "山西省水利厅"}'
check_error "教育厅 signs as 水利厅" 403 forbidden
check_contains "it is told whom it acts as" '教育厅联络员 acts only as 山西省教育厅: unit must be "山西省教育厅" or left out' \
    "$(jv 'j["error"]["message"]')"
req "tcp:$ZHANG" POST "/v1/proposals/$P/actions/feedback" '{"person": "李代表", "satisfaction": "satisfied"}'
check_error "张代表 rates as 李代表" 403 forbidden
check_contains "it is told whom it acts as" '张代表本人 acts only as 张代表: person must be "张代表" or left out' \
    "$(jv 'j["error"]["message"]')"
api GET "/v1/proposals/$P"
check_eq "nothing changed" "$BEFORE assigned None" \
    "$(jv '" ".join(str(v) for v in (j["version"], j["status"], j["units"][0]["signed_at"]))')"
req "tcp:$SCHOOL" POST "/v1/proposals/$P/actions/sign" '{"unit": " 山西省教育厅 "}'
check_status "教育厅 signs as itself, spaces around its name" 200

pt_stop
pt_finish
