#!/usr/bin/env bash
# A --url with a query (http://127.0.0.1:8470?x), a fragment (#top) or a
# path other than none or / was sent before the API's path, and ptrackd
# answered 404 "there is nothing at /", as if the request were wrong and
# not the address. It is a usage error (exit 2) that names what is wrong
# and the address to give, found before anything is sent.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init
pt_serve_cli

pt_step "a query or a fragment"
for extra in '?x' '?' '#top' '/?x=1' '/#'; do
    url="$PT_URL$extra"
    pt_run "$PTRACK" --url "$url" --token "$VIEWER_TOKEN" health
    check_rc "--url $url" 2
    what=query
    case "$extra" in *'#'*) what=fragment ;; esac
    check_contains "it names the $what and the address to give" \
        "ptrack health: --url (or PTRACK_URL) is ptrackd's address without a $what (${extra#/}): give ${PT_URL}${extra%%[?#]*}, not \"$url\"" "$ERR"
    check_true "not that there is nothing at / (stderr: $ERR)" test "${ERR#*nothing at}" = "$ERR"
done
PTRACK_URL="$PT_URL?x" PTRACK_TOKEN="$VIEWER_TOKEN" pt_run "$PTRACK" list
check_rc "PTRACK_URL with a query" 2
check_contains "the same for the variable" "without a query (?x)" "$ERR"

pt_step "a path"
for p in /ptrack /ptrack/ /a/b; do
    url="$PT_URL$p"
    pt_run "$PTRACK" --url "$url" --token "$VIEWER_TOKEN" list
    check_rc "--url $url" 2
    check_contains "it names the path and the address to give" \
        "ptrack list: --url (or PTRACK_URL) is ptrackd's address without a path (${p%/}): give $PT_URL, not \"$url\"" "$ERR"
done

pt_step "what is taken"
for url in "$PT_URL" "$PT_URL/" "$PT_URL//"; do
    pt_run "$PTRACK" --url "$url" --token "$VIEWER_TOKEN" health
    check_rc "--url $url" 0
done

pt_finish
