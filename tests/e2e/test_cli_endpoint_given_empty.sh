#!/usr/bin/env bash
# An address of ptrackd that names nothing is a usage error (exit 2) that
# says so, found before anything is tried: --url http:// (no host), where
# the API's /v1 was taken for the host ("Could not resolve host: v1",
# exit 3, as if ptrackd were away), and --socket= (an empty variable
# expanded there), where "" was tried ("Connection refused", exit 3). An
# empty PTRACK_SOCKET is as good as unset, as before.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init
pt_serve_cli

pt_step "--url without a host"
for url in http:// https:// http://:8470 "http://?x" http:///v2; do
    pt_run "$PTRACK" --url "$url" health
    check_rc "--url $url" 2
    check_contains "it says $url names no host" \
        "ptrack health: --url (or PTRACK_URL) names no host: give ptrackd's address such as http://127.0.0.1:8470, not \"$url\"" "$ERR"
    check_true "not that a host v1 cannot be found (stderr: $ERR)" test "${ERR#*v1}" = "$ERR"
done
PTRACK_URL=http:// pt_run "$PTRACK" list
check_rc "PTRACK_URL=http://" 2
check_contains "the same for the variable" "names no host" "$ERR"
pt_run "$PTRACK" --url "$PT_URL" --token "$VIEWER_TOKEN" health
check_rc "an address with its host" 0

pt_step "--socket given empty"
pt_run "$PTRACK" --socket= health
check_rc "--socket=" 2
check_contains "it says the path is empty" \
    "ptrack health: --socket needs the path of ptrackd's socket, such as var/ptrack.sock; it was given empty" "$ERR"
pt_run "$PTRACK" list --socket ""
check_rc "list --socket ''" 2
check_contains "after the command too" "ptrack list: --socket needs the path" "$ERR"
PTRACK_SOCKET="" pt_run "$PTRACK" --socket "$PT_SOCK" health
check_rc "an empty PTRACK_SOCKET with --socket given" 0
(cd "$PT_TMP" && PTRACK_SOCKET="" pt_run "$PTRACK" health && printf '%s\n' "$RC" >rc.txt)
check_eq "an empty PTRACK_SOCKET is unset: var/ptrack.sock, not there (exit 3)" 3 "$(cat "$PT_TMP/rc.txt")"

pt_finish
