#!/usr/bin/env bash
# `ptrack list --all` follows keyset pages, and a proposal that changes
# while it does so can come after the cursor again (api.md): sorted by
# updated_at, one edited between two pages is on both. It was listed
# twice, and counted twice in 共 N 条; it is listed once now, where it was
# first met, in the table and in --json --all alike. A proxy
# (raceproxy.py ... page) edits the first proposal before it passes on
# the request for the second page, every time.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init
pt_config
pt_start
pt_need_cli

# between_pages BODY ID: a proxy before ptrackd that sends the PATCH BODY
# to proposal ID before the first request for a page after a cursor; sets
# PROXY_URL.
between_pages() { pt_race_proxy "$1" page "/v1/proposals/$2"; }
list() { pt_run "$PTRACK" --url "$PROXY_URL" --token "$CLERK_TOKEN" "$@"; }
raced() { grep -c '^raced: 200' "$PT_TMP/proxy.log" || true; }

for i in 1 2 3; do
    pt_create "{\"title\": \"关于翻页重复测试第${i}件的建议\", \"session\": \"翻页会\"}" >/dev/null
done

pt_step "proposal 1 is edited between the first and the second page"
between_pages '{"category": "民生"}' 1
list list --session 翻页会 --sort updated_at --limit 2 --all
check_rc "list --all" 0
check_eq "the edit came between the pages" 1 "$(raced)"
check_eq "each proposal once, where it was first met" "1 2 3" \
    "$(printf '%s\n' "$OUT" | sed -n 's/^ *\([0-9][0-9]*\) .*/\1/p' | tr '\n' ' ' | sed 's/ $//')"
check_contains "counted once" "共 3 条 (3 in all)" "$OUT"

pt_step "so with --json --all"
# Proposal 1 is the last updated now: the first page is 2 and 3, and 2 is
# edited before the second.
between_pages '{"category": "交通"}' 2
list --json list --session 翻页会 --sort updated_at --limit 2 --all
check_rc "list --json --all" 0
check_eq "the edit came between the pages" 2 "$(raced)"
check_eq "each id once" "[2, 3, 1]" "$(jv '[p["id"] for p in j["items"]]' "$OUT")"
check_eq "no next" null "$(jv 'j["next"]' "$OUT")"

pt_step "the API's pages do list it twice: the pages are as they were"
api GET "/v1/proposals?session=%E7%BF%BB%E9%A1%B5%E4%BC%9A&sort=updated_at&limit=2"
NEXT="$(jv 'j["next"]')"
EDITED="$(jv 'j["items"][0]["id"]')"
api PATCH "/v1/proposals/$EDITED" '{"category": "水利"}'
check_eq "edited" 200 "$ST"
api GET "/v1/proposals?session=%E7%BF%BB%E9%A1%B5%E4%BC%9A&sort=updated_at&limit=2&cursor=$NEXT"
check_eq "the one edited is on the second page too" true \
    "$(jv "$EDITED in [p['id'] for p in j['items']]")"

pt_finish
