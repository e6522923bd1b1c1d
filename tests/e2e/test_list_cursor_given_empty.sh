#!/usr/bin/env bash
# An empty cursor is no first page. GET /v1/proposals?cursor= was answered
# with the first page, while every other empty parameter is 400
# bad_request: a script that lost its cursor (cursor=$NEXT with NEXT
# empty) started again from the first page, for ever. It is 400
# bad_request now, and ptrack list --cursor '' a usage error (exit 2) that
# sends nothing.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init
pt_config
pt_start
pt_need_cli

for i in 1 2 3; do
    pt_create "{\"title\": \"关于空游标测试第${i}件的建议\"}" >/dev/null
done

pt_step "the API"
api GET "/v1/proposals?limit=2&cursor="
check_eq "cursor= is 400" 400 "$ST"
check_eq "bad_request" bad_request "$(jv 'j["error"]["code"]')"
check_contains "it says the cursor is empty and what to do" \
    "cursor: empty; give the next of the page before, or leave the parameter out for the first page" \
    "$(jv 'j["error"]["message"]')"
api GET "/v1/proposals?limit=2"
check_eq "without it, the first page" 200 "$ST"
NEXT="$(jv 'j["next"]')"
api GET "/v1/proposals?limit=2&cursor=$NEXT"
check_eq "with the page's next, the next page" "200 [3]" "$ST $(jv '[p["id"] for p in j["items"]]')"

pt_step "ptrack list --cursor ''"
BEFORE="$(pt_list_requests)"
for extra in "" --all --json; do
    # shellcheck disable=SC2086
    pt_cli list --limit 2 --cursor "" $extra
    check_rc "list --cursor '' $extra" 2
    check_contains "it says the cursor was given empty" \
        "ptrack list: --cursor needs the cursor that the page before named; it was given empty (leave it out for the first page)" \
        "$ERR"
    check_eq "no table of a first page" "" "$OUT"
done
check_eq "nothing was sent" "$BEFORE" "$(pt_list_requests)"

pt_finish
