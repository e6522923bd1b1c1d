#!/usr/bin/env bash
# An action the workflow does not have is 404 not_found for every role: a
# unit's or a delegate's token was answered 403 "may not nosuch: a unit may
# only ...", as if the action existed and were the office's, where a clerk
# is told the action is unknown (the workflow is public, GET /v1/workflow,
# so the 404 reveals nothing). On a proposal outside the token's scope it
# is the 404 of an id never given out, as every action there is. A
# viewer's token was answered 403 "needs the role clerk" for it too; it is
# told the action is unknown, and a known action is still 403. Nothing
# changes.
set -u
. "$(dirname "$0")/lib.sh"
pt_init
pt_config '{}'
pt_start

WATER="$(pt_unit_token 水利厅联络员 山西省水利厅)"
ZHANG="$(pt_delegate_token 张代表本人 张代表)"
api POST /v1/tokens '{"name": "查询岗", "role": "viewer"}'
[ "$ST" = 201 ] || pt_die "making a viewer token: HTTP $ST $BODY"
VIEWER="$(jv 'j["token"]')"

P="$(pt_assigned 关于加强农村饮水安全保障的建议 single '[{"name": "山西省水利厅", "role": "lead"}]')"
OTHER="$(pt_assigned 关于改善农村学校办学条件的建议 single '[{"name": "山西省教育厅", "role": "lead"}]')"
api GET "/v1/proposals/$P"
BEFORE="$(jv 'j["version"]')"

api POST "/v1/proposals/$P/actions/nosuch" '{}'
check_error "the office's unknown action" 404 not_found
check_contains "the office is told the action is unknown" 'unknown action \"nosuch\"' "$BODY"

req "tcp:$WATER" POST "/v1/proposals/$P/actions/nosuch" '{}'
check_error "a unit's unknown action on its own proposal" 404 not_found
check_contains "the unit is told the action is unknown" 'unknown action \"nosuch\"' "$BODY"
req "tcp:$WATER" POST "/v1/proposals/$P/actions/nosuch" '{}' -- -H 'If-Match: "1"'
check_error "a unit's unknown action with a stale If-Match" 404 not_found

req "tcp:$ZHANG" POST "/v1/proposals/$P/actions/nosuch" '{}'
check_error "a delegate's unknown action on their own proposal" 404 not_found
check_contains "the delegate is told the action is unknown" 'unknown action \"nosuch\"' "$BODY"

req "tcp:$VIEWER" POST "/v1/proposals/$P/actions/nosuch" '{}'
check_error "a viewer's unknown action" 404 not_found
check_contains "the viewer is told the action is unknown" 'unknown action \"nosuch\"' "$BODY"

# Outside the scope: the answer of an id never given out.
req "tcp:$WATER" POST "/v1/proposals/99999999/actions/nosuch" '{}'
NEVER_ST="$ST"
NEVER_MSG="$(jv 'j["error"]["message"]' | sed 's/99999999/ID/')"
req "tcp:$WATER" POST "/v1/proposals/$OTHER/actions/nosuch" '{}'
check_error "a unit's unknown action on another unit's proposal" 404 not_found
check_eq "it is answered as an id never given out" "$NEVER_ST $NEVER_MSG" \
    "$ST $(jv 'j["error"]["message"]' | sed "s/$OTHER/ID/")"

# A known action outside the role is still refused as before.
req "tcp:$WATER" POST "/v1/proposals/$P/actions/close" '{}'
check_error "a unit's close, an office's action" 403 forbidden
req "tcp:$VIEWER" POST "/v1/proposals/$P/actions/close" '{}'
check_error "a viewer's close" 403 forbidden
check_contains "the viewer is told the role it needs" 'needs the role clerk' "$BODY"

api GET "/v1/proposals/$P"
check_eq "nothing changed" "$BEFORE" "$(jv 'j["version"]')"

pt_finish
