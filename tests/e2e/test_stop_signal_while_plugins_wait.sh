#!/usr/bin/env bash
# A second signal while ptrackd stops is logged and otherwise ignored
# (operation.md, Signals), also while the stop waits for a notifier stuck
# in deliver(): that wait (three seconds at most) held the event loop, and
# the signals that came meanwhile were dropped unsaid, at the very moment
# an operator who finds the stop slow sends SIGTERM again. Now:
#   - a SIGTERM and a SIGHUP sent during that wait are each logged, as
#     ignored, once the wait is over;
#   - ptrackd exits 0 all the same, within the stop's bound, and leaves
#     neither its pid file nor its socket.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
pt_init
pt_fixtures notify_block
chmod go-w "$FIX/fixture_notify_block.so"
pt_config '{}' ',"plugins": [{"instance": "stuck", "path": "'"$FIX"'/fixture_notify_block.so",
  "config": {"path": "'"$PT_TMP/blocked.txt"'"}}]'
pt_start --pidfile "$PT_TMP/ptrackd.pid"

pt_step "a notifier stuck in deliver()"
api POST /v1/proposals '{"title": "关于停机信号的建议"}'
check_status "a create" 201
stuck() { [ -s "$PT_TMP/blocked.txt" ]; }
wait_for 10 stuck || pt_die "the notifier did not enter deliver()"

pt_step "SIGTERM, then SIGTERM and SIGHUP again while the stop waits for it"
# The second SIGTERM and the SIGHUP go while the stop waits for the
# notifier (three seconds from the first SIGTERM at most), however slow a
# busy machine makes ptrackd or the test: ptrackd's main thread blocks
# the signals only in the stop's last part, which begins with that wait,
# and once it does, ptrackd is stopped (SIGSTOP) to send them, after
# making sure the wait is not over yet (it is logged when it is). They
# then wait in the kernel, and ptrackd goes on (SIGCONT) with them
# pending. Should the test have come too late all the same (a machine
# that gave it no time for the whole wait), ptrackd stops without them
# and the stop is begun again on a new start, whose notifier is stuck on
# the same event again.
# main_blocks_term: ptrackd's main thread (its task of the same id)
# blocks SIGTERM (signal 15, 0x4000 in the mask).
main_blocks_term() {
    local key mask
    while read -r key mask; do
        [ "$key" = SigBlk: ] && (((16#$mask >> 14) & 1)) && return 0
    done 2>/dev/null <"/proc/$PT_PID/task/$PT_PID/status"
    return 1
}
MARK=0 # the log's lines before the last start
since_mark() { tail -n +"$((MARK + 1))" "$PT_TMP/ptrackd.log"; }
# logged TEXT: the log says TEXT since the last start (grep -c reads it
# all: no SIGPIPE for tail under pipefail).
logged() { [ "$(since_mark | grep -c -- "$1")" -gt 0 ]; }
stopping() { logged 'SIGTERM: stopping after the requests in flight'; }
waited() { logged 'plugin instance stuck cannot be stopped'; }
in_wait() { stopping && main_blocks_term && ! waited; }
gone() { ! kill -0 "$PT_PID" 2>/dev/null; }
for try in 1 2 3; do
    kill -TERM "$PT_PID"
    wait_for 60 eval 'waited || (stopping && main_blocks_term)' ||
        pt_die "ptrackd's stop did not begin its wait for the notifier"
    # (ptrackd may have ended already: then the wait is logged, as over.)
    kill -STOP "$PT_PID" 2>/dev/null || true
    in_wait && break
    kill -CONT "$PT_PID" 2>/dev/null || true
    [ "$try" -lt 3 ] || pt_die "ptrackd's wait for the notifier was over each time before the signals could be sent"
    pt_log "(the wait was over before the signals could be sent; ptrackd is started again)"
    wait_for 60 gone || pt_die "ptrackd did not stop"
    wait "$PT_PID" || true
    MARK=$(wc -l <"$PT_TMP/ptrackd.log")
    rm -f "$PT_TMP/blocked.txt"
    pt_start --pidfile "$PT_TMP/ptrackd.pid"
    wait_for 60 stuck || pt_die "the notifier did not enter deliver() again"
done
kill -TERM "$PT_PID"
kill -HUP "$PT_PID"
kill -CONT "$PT_PID"
start=$(date +%s)
rc=0
wait_for 60 gone || pt_die "ptrackd did not stop"
wait "$PT_PID" || rc=$?
took=$(($(date +%s) - start))
PT_PID=""
check_eq "ptrackd exits 0" 0 "$rc"
check_true "within the stop's bound (took $took s)" test "$took" -le 6
check_true "its pid file is removed" test ! -e "$PT_TMP/ptrackd.pid"
check_true "and its socket" test ! -e "$PT_SOCK"
LOG="$(since_mark)"
check_contains "the wait is logged" "plugin instance stuck cannot be stopped" "$LOG"
check_contains "the second SIGTERM is logged" "WARN  SIGTERM while stopping: ignored" "$LOG"
check_contains "and the SIGHUP" "WARN  SIGHUP while stopping: ignored" "$LOG"
check_eq "the stop is said once" 1 "$(since_mark | grep -c 'SIGTERM: stopping after the requests in flight')"
pt_finish
