#!/usr/bin/env bash
# POST /v1/proposals sent again with its Idempotency-Key, after the draft
# it made was deleted, was answered "proposal 38 does not exist": a 404 of
# the create itself, naming a proposal the client never asked about. It
# now says that the key made that proposal, deleted since, and that nothing
# was created again (api.md, Idempotency); still 404 not_found, and still
# nothing created.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
pt_init
pt_config
pt_start

body='{"title":"关于城市社区助餐服务的建议","status":"draft"}'
api POST /v1/proposals "$body" -- -H 'Idempotency-Key: draft-1'
check_status "the draft is made" 201
id="$(jv 'j["id"]')"
api DELETE "/v1/proposals/$id"
check_status "the draft is deleted" 204

api POST /v1/proposals "$body" -- -H 'Idempotency-Key: draft-1'
check_error "the create sent again" 404 not_found
msg="$(jv 'j["error"]["message"]')"
check_contains "the message names the key" 'Idempotency-Key "draft-1"' "$msg"
check_contains "the message says the proposal it made was deleted" \
    "made proposal $id, which has been deleted since" "$msg"
check_contains "the message says nothing was created" "nothing was created again" "$msg"
api GET /v1/proposals
check_eq "no proposal was created" 0 "$(jv 'len(j["items"])')"

api POST /v1/proposals "$body" -- -H 'Idempotency-Key: draft-2'
check_status "a new key makes a new draft" 201

pt_stop
pt_finish
