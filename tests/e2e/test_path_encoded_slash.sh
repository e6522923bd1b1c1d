#!/usr/bin/env bash
# A path is routed on its segments as sent, each decoded after the split:
# an encoded slash (%2F) is part of its segment. /v1/proposals/1%2Fhistory
# returned the history and POST /v1/proposals/1/actions%2Freview ran the
# review, the %2F decoded before routing; the first is now the 400 of an
# id that is not one, the second 404 and nothing done, and a %2F in an
# action's name is part of the name. Token names and plugin instance
# names, percent-encoded Chinese and with an encoded % in them, are
# still found, or not found by their decoded names.
set -u
. "$(dirname "$0")/lib.sh"
pt_init
pt_config '{}'
pt_start

P="$(pt_new_proposal 关于加强农村饮水安全保障的建议)" || exit 1

api GET "/v1/proposals/$P/history"
check_status "the history" 200
api GET "/v1/proposals/$P%2Fhistory"
check_error "an id with an encoded slash" 400 bad_request
check_contains "the message names the segment as sent" "\"$P%2Fhistory\" is not a proposal id" \
    "$(jv 'j["error"]["message"]')"
api GET "/v1/proposals/$P%2fhistory"
check_error "an id with an encoded slash, in lower case" 400 bad_request
api GET "/v1/proposals/%31"
check_status "an id with an encoded digit is the id" 200

api POST "/v1/proposals/$P/actions%2Freview" '{}'
check_error "actions and the action's name in one segment" 404 not_found
api POST "/v1/proposals/$P/actions/re%2Fview" '{}'
check_error "an action's name with an encoded slash" 404 not_found
check_contains "the action is named with its slash" 'unknown action \"re/view\"' "$BODY"
api GET "/v1/proposals/$P"
check_eq "nothing was done" "1 submitted" "$(jv 'str(j["version"]) + " " + j["status"]')"
api POST "/v1/proposals/$P/actions/%72eview" '{}'
check_status "an action's name with an encoded letter" 200

for name in 运行时报表 "办复率100%" "a%2Fb"; do
    api POST /v1/tokens "{\"name\": \"$name\", \"role\": \"viewer\"}"
    check_status "a token named $name" 201
    check_eq "its Location" "/v1/tokens/$(python3 -c 'import sys, urllib.parse
print(urllib.parse.quote(sys.argv[1], safe=""))' "$name")" "$(hdr Location)"
    api DELETE "$(hdr Location)"
    check_status "the token named $name is revoked by its Location" 204
    api DELETE "/v1/tokens/$(urlenc "$name")"
    check_error "the token named $name, revoked again" 404 not_found
done
api DELETE "/v1/tokens/%E6%8A%A5%2F%E8%A1%A8"
check_error "a token name with an encoded slash" 404 not_found
check_contains "the message names it decoded" '报/表' "$BODY"

api GET "/v1/plugins/%E4%BC%81%E4%B8%9A%E5%BE%AE%E4%BF%A1"
check_error "a plugin instance named in Chinese" 404 not_found
check_contains "the message names it decoded" '企业微信' "$BODY"
api GET "/v1/plugins/a%2Fb"
check_error "a plugin instance name with an encoded slash" 404 not_found
check_contains "the message names it decoded" 'a/b' "$BODY"

pt_finish
