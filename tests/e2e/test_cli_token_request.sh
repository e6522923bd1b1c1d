#!/usr/bin/env bash
# A token request with a field in error (a binding on the wrong role, a
# missing unit) is refused as a bad request, 422 validation_failed with the
# fields, in words that do not read like the 401 of a bad bearer token; and
# ptrack prints it on one line with every field.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init
pt_config
pt_start
pt_need_cli

pt_step "the API"
api POST /v1/tokens '{"name": "y", "role": "viewer", "unit": "X"}'
check_error "a viewer token bound to a unit" 422 validation_failed
check_eq "the field is named" '[["unit", "only role unit is bound to a unit"]]' \
    "$(jv '[[f["field"], f["message"]] for f in j["error"]["fields"]]')"
MSG="$(jv 'j["error"]["message"]')"
check_true "the message is not the 401's (got: $MSG)" test "$MSG" != "the token is not valid"
check_contains "the message says the request is at fault" "request" "$MSG"

pt_step "ptrack"
pt_cli token create --name y --role viewer --unit X
check_rc "token create --role viewer --unit X" 1
check_eq "one line" 1 "$(printf '%s\n' "$ERR" | grep -c .)"
check_contains "it names the field and what is wrong" "unit: only role unit is bound to a unit" "$ERR"
check_true "it does not say the token is not valid" test "${ERR#*the token is not valid}" = "$ERR"
pt_cli token create --name z --role unit
check_rc "token create --role unit without --unit" 1
check_contains "it says unit is required" "unit: is required for role unit" "$ERR"

pt_finish
