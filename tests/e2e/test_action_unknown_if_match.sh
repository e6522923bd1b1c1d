#!/usr/bin/env bash
# An action the workflow does not have is 404 not_found, whatever version
# If-Match names: it was answered 412 version_conflict when the proposal
# had moved on, telling the client to read it again and retry, which only
# met the 404 then (RFC 9110 13.2.1: preconditions are not evaluated for a
# request that fails without them). A known action with a stale If-Match
# is still 412, and neither changes the proposal.
set -u
. "$(dirname "$0")/lib.sh"
pt_init
pt_config '{}'
pt_start

P="$(pt_assigned 关于加强农村饮水安全保障的建议 single '[{"name": "水利厅"}]')"
api GET "/v1/proposals/$P"
check_eq "the proposal is at version 2" 2 "$(jv 'j["version"]')"

api POST "/v1/proposals/$P/actions/sgin" '{"unit": "水利厅"}' -- -H 'If-Match: "1"'
check_error "a misspelt action with a stale If-Match" 404 not_found
check_contains "the answer names the action" 'unknown action \"sgin\"' "$BODY"
api POST "/v1/proposals/$P/actions/sgin" '{"unit": "水利厅"}' -- -H 'If-Match: "2"'
check_error "a misspelt action with the current If-Match" 404 not_found

api POST "/v1/proposals/$P/actions/sign" '{"unit": "水利厅"}' -- -H 'If-Match: "1"'
check_error "a known action with a stale If-Match" 412 version_conflict
api GET "/v1/proposals/$P"
check_eq "nothing changed" "2 assigned" "$(jv 'str(j["version"]) + " " + j["status"]')"

api POST "/v1/proposals/$P/actions/sign" '{"unit": "水利厅"}' -- -H 'If-Match: "2"'
check_status "the sign with the current If-Match" 200

pt_finish
