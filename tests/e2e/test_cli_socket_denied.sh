#!/usr/bin/env bash
# A user whom the socket's permissions keep out is told that ptrackd is
# there but will not let this user in, and what to ask for: not "is
# ptrackd running?", which sends the person to look for a daemon that runs.
# A socket that is not there still asks whether ptrackd runs.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init
pt_serve_cli

# Run as ptrack would be by a user outside the socket's mode. Root passes
# any mode unless it drops its right to; a user passes one that is not 000
# when it owns the file, so the mode is taken away for both.
as_outsider() {
    if [ "$(id -u)" = 0 ]; then
        setpriv --bounding-set=-dac_override,-dac_read_search "$@"
    else
        "$@"
    fi
}
if [ "$(id -u)" = 0 ] && ! command -v setpriv >/dev/null; then
    echo "setpriv is needed to run ptrack without root's file rights; skipped"
    exit 0
fi

pt_step "a socket this user may not open"
chmod 000 "$PT_SOCK"
pt_run as_outsider "$PTRACK" --socket "$PT_SOCK" list
chmod 600 "$PT_SOCK"
check_rc "list through a socket of mode 000" 3
check_contains "it says in Chinese that this user may not use the socket" \
    "ptrack: 无权使用 ptrackd 的套接字 $PT_SOCK (Permission denied)" "$ERR"
check_contains "and what to ask for" "add you to socket_users (and socket_group), or use --url" "$ERR"
check_true "it does not ask whether ptrackd runs (stderr: $ERR)" \
    test "${ERR#*is ptrackd running}" = "$ERR"

pt_step "a socket that is not there"
pt_run "$PTRACK" --socket "$PT_TMP/nothing.sock" list
check_rc "list through a socket that does not exist" 3
check_contains "it asks whether ptrackd runs" "(is ptrackd running? use --socket or PTRACK_SOCKET)" "$ERR"

pt_stop
pt_finish
