#!/usr/bin/env bash
# POST /v1/tokens: api.md gives a token's name 1 to 64 characters without
# '/'. A name of spaces alone, one that is not a string, or one of more
# than 500 bytes was refused with the rule of a unit or a person ("must be
# a non-empty string of at most 500 bytes"), which told the user a name of
# 100 characters would do; a role that is not a string was told the same.
# Now each is refused with its own rule, and no token is made.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
pt_init
pt_config
pt_start

long="$(printf '名%.0s' $(seq 200))"
for name in '"   "' '"　"' '42' "\"$long\""; do
    api POST /v1/tokens "{\"name\": $name, \"role\": \"viewer\"}"
    check_error "name ${name:0:12}" 422 validation_failed
    check_eq "name ${name:0:12}: the field is name" name "$(jv 'j["error"]["fields"][0]["field"]')"
    check_contains "name ${name:0:12}: the message gives the name's rule" "1 to 64 characters" \
        "$(jv 'j["error"]["fields"][0]["message"]')"
done

for role in '"  "' '7'; do
    api POST /v1/tokens "{\"name\": \"报表\", \"role\": $role}"
    check_error "role $role" 422 validation_failed
    check_eq "role $role: the field is role" role "$(jv 'j["error"]["fields"][0]["field"]')"
    check_contains "role $role: the message names the roles" "viewer, clerk, unit, delegate, admin" \
        "$(jv 'j["error"]["fields"][0]["message"]')"
done

api POST /v1/tokens "{\"name\": \"u\", \"role\": \"unit\", \"unit\": \"$long$long$long\"}"
check_error "a unit over 500 bytes" 422 validation_failed
check_contains "a unit keeps its rule" "at most 500 bytes" "$(jv 'j["error"]["fields"][0]["message"]')"

api GET /v1/tokens
check_eq "no token was made" 0 "$(jv 'len([t for t in j["items"] if t["source"] == "store"])')"

pt_stop
pt_finish
