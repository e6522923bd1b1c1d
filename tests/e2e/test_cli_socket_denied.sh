#!/usr/bin/env bash
# A user whom the socket's permissions keep out is told that ptrackd is
# there but will not let this user in, and what to ask for: not "is
# ptrackd running?", which sends the person to look for a daemon that runs.
# A socket that is not there, or that no daemon serves, still asks whether
# ptrackd runs; a path that is no socket (the config file, the data
# directory) is said to be one.
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

pt_step "a path that is no socket: the config file, the data directory"
pt_run "$PTRACK" --socket "$PT_CONF" list
check_rc "list through the config file given as the socket" 3
check_contains "it says the path is a file, not a socket" "$PT_CONF is not a socket but a file" "$ERR"
check_true "it does not ask whether ptrackd runs (stderr: $ERR)" \
    test "${ERR#*is ptrackd running}" = "$ERR"
PTRACK_SOCKET="$PT_DATA" pt_run "$PTRACK" health
check_rc "health through the data directory given as PTRACK_SOCKET" 3
check_contains "it says the path is a directory" "$PT_DATA is not a socket but a directory" "$ERR"

pt_step "a socket that ptrackd left behind"
pt_kill9
check_true "a killed ptrackd leaves its socket" test -S "$PT_SOCK"
pt_run "$PTRACK" --socket "$PT_SOCK" list
check_rc "list through a socket no daemon serves" 3
check_contains "it asks whether ptrackd runs" "(is ptrackd running? use --socket or PTRACK_SOCKET)" "$ERR"

pt_finish
