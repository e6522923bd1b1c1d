#!/usr/bin/env bash
# test_token_idempotency_key.sh - an Idempotency-Key is kept per identity
# (api.md, Idempotency), not per name. A revoked token's name may be given
# to a new token, and a socket user may have a token's name; both shared
# the keys of the other, so that the new 教育部 liaison's sign under a key
# that the revoked 财政部 liaison had used was answered 200 as a replay
# (Idempotent-Replayed: true) and 教育部 was not signed. Now:
#   - a new token under a revoked token's name, for another unit, signs
#     under the old one's key, and is no replay;
#   - a token named as a socket user acts under the socket user's key;
#   - the same token sending the same request again is still a replay.
set -u
. "$(dirname "$0")/lib.sh"
pt_init
pt_config '{"digest_at": null}'
pt_start

P="$(pt_assigned 关于合办事项的建议 lead_co '[{"name": "财政部", "role": "lead"}, {"name": "教育部", "role": "co"}]')"

pt_step "a revoked token's name, given to another unit's token"
OLD="$(pt_unit_token 联络员 财政部)"
req "tcp:$OLD" POST "/v1/proposals/$P/actions/sign" '{}' -- -H 'Idempotency-Key: sign-1'
check_status "财政部's liaison signs" 200
req "tcp:$OLD" POST "/v1/proposals/$P/actions/sign" '{}' -- -H 'Idempotency-Key: sign-1'
check_eq "the same token's same request again is a replay" "true" "$(hdr Idempotent-Replayed)"
api DELETE "/v1/tokens/%E8%81%94%E7%BB%9C%E5%91%98"
check_status "the token is revoked" 204
NEW="$(pt_unit_token 联络员 教育部)"
req "tcp:$NEW" POST "/v1/proposals/$P/actions/sign" '{}' -- -H 'Idempotency-Key: sign-1'
check_status "教育部's new liaison, of the same name, signs under the same key" 200
check_eq "and that is no replay of the revoked token's sign" "" "$(hdr Idempotent-Replayed)"
check_eq "教育部 has signed" "true" "$(jv '[u for u in j["units"] if u["name"] == "教育部"][0]["signed_at"] is not None')"
api GET "/v1/proposals/$P/history"
check_eq "the history holds both signatures" "2" "$(jv 'len([h for h in j["items"] if h["action"] == "sign"])')"

pt_step "a token named as the socket's user"
ME="$(id -un)"
Q="$(pt_assigned 关于单办事项的建议 single '[{"name": "财政部", "role": "lead"}]')"
api POST "/v1/proposals/$Q/actions/supervise" '{"key_supervision": true}' -- -H 'Idempotency-Key: sup-1'
check_status "the socket's user puts the proposal under supervision" 200
api POST /v1/tokens "{\"name\": \"$ME\", \"role\": \"clerk\"}"
check_status "a clerk token is made under the socket user's name" 201
TWIN="$(jv 'j["token"]')"
api POST "/v1/proposals/$Q/actions/supervise" '{"key_supervision": false}'
req "tcp:$TWIN" POST "/v1/proposals/$Q/actions/supervise" '{"key_supervision": true}' -- \
    -H 'Idempotency-Key: sup-1'
check_status "the token sends the socket user's request under its key" 200
check_eq "and that is no replay of the socket user's" "" "$(hdr Idempotent-Replayed)"
check_eq "the proposal is under supervision again" "true" "$(jv 'j["key_supervision"]')"

pt_finish
