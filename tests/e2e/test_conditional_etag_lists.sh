#!/usr/bin/env bash
# If-None-Match and If-Match as RFC 9110 13.1.1 and 13.1.2 have them.
# If-None-Match compares weakly and takes a list: W/"1", "7", "1" and *
# all match a proposal at version 1, and were answered 200 with the whole
# proposal, as only an exact "1" was answered 304. If-Match compares
# strongly (W/"1" is still read as "1", as api.md says) and takes a list:
# "7", "1" holds at version 1, and was refused 400 bad_request; a list
# none of whose versions is current is 412; * holds.
set -u
. "$(dirname "$0")/lib.sh"
pt_init
pt_config '{}'
pt_start

P="$(pt_new_proposal 关于加强农村饮水安全保障的建议)" || exit 1

inm() {
    api GET "/v1/proposals/$P" -- -H "If-None-Match: $1"
    check_status "If-None-Match: $1 at version $2" "$3"
}
inm '"1"' 1 304
inm 'W/"1"' 1 304
inm '"7", "1"' 1 304
inm '"7",W/"1" ' 1 304
inm '*' 1 304
check_eq "a 304 has no body" "" "$BODY"
check_eq "a 304 has the ETag" '"1"' "$(hdr ETag)"
inm '"7"' 1 200
inm 'W/"7", "8"' 1 200
inm '"1' 1 200
inm '"1"x' 1 200
inm '"01x"' 1 200
check_eq "a 200 has the proposal" "$P" "$(jv 'j["id"]')"

api PATCH "/v1/proposals/$P" '{"tags": ["民生"]}' -- -H 'If-Match: "7", "1"'
check_status "If-Match: \"7\", \"1\" at version 1" 200
check_eq "the proposal is at version 2" 2 "$(jv 'j["version"]')"
api PATCH "/v1/proposals/$P" '{"tags": ["水利"]}' -- -H 'If-Match: "1", "3"'
check_error "If-Match: \"1\", \"3\" at version 2" 412 version_conflict
check_eq "the error names the current version" 2 "$(jv 'j["error"]["current_version"]')"
api PATCH "/v1/proposals/$P" '{"tags": ["水利"]}' -- -H 'If-Match: "1", x'
check_error "If-Match with a list one of whose members is no version" 400 bad_request
api PATCH "/v1/proposals/$P" '{"tags": ["水利"]}' -- -H 'If-Match: "1" "2"'
check_error "If-Match with two tags and no comma" 400 bad_request
api PATCH "/v1/proposals/$P" '{"tags": ["水利"]}' -- \
    -H 'If-Match: "1", "3", "4", "5", "6", "7", "8", "9", "2"'
check_error "If-Match with more versions than it takes" 400 bad_request
api GET "/v1/proposals/$P"
check_eq "the refused writes changed nothing" '2 ["民生"]' \
    "$(jv 'str(j["version"]) + " " + json.dumps(j["tags"], ensure_ascii=False)')"
api PATCH "/v1/proposals/$P" '{"tags": ["水利"]}' -- -H 'If-Match: *'
check_status "If-Match: *" 200
api PATCH "/v1/proposals/$P" '{"tags": ["民生"]}' -- -H 'If-Match: 3'
check_status "If-Match: 3, without quotes" 200
api PATCH "/v1/proposals/$P" '{"tags": ["水利"]}' -- -H 'If-Match: W/"4"'
check_status "If-Match: W/\"4\"" 200
api POST "/v1/proposals/$P/actions/review" '{}' -- -H 'If-Match: "9", "5"'
check_status "an action with If-Match: \"9\", \"5\" at version 5" 200

pt_finish
