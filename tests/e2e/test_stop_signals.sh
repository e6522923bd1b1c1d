#!/usr/bin/env bash
# Signals that keep coming while ptrackd stops (an impatient operator, a
# script that sends SIGTERM again and again until the process is gone). A
# second signal is logged and otherwise ignored, but libuv gives a signal
# back its default action once its last handle closes, at the end of the
# stop: a SIGTERM then ended ptrackd with 143 instead of 0, sometimes
# before it removed its pid file. Now, with SIGTERM sent every fraction of
# a millisecond from the first until the process is gone, five times over:
#   - ptrackd exits 0, and leaves neither its pid file nor its socket.
# The moment between libuv's giving SIGTERM back its default action and
# ptrackd's ignoring it is a few instructions long, and only the loop's
# thread blocked the signal then: one that came to another thread (the
# thread pool's, say) ended ptrackd with 143. With a shim that makes that
# moment 300 ms long, and SIGTERM sent throughout:
#   - ptrackd exits 0 all the same.
set -u
. "$(dirname "$0")/lib.sh"
pt_init
pt_config

# sigterm_until_gone PID: SIGTERM every fraction of a millisecond until
# the process is gone.
sigterm_until_gone() {
    env python3 - "$1" <<'PY'
import os, signal, sys, time
pid = int(sys.argv[1])
while True:
    try:
        os.kill(pid, signal.SIGTERM)
        if open("/proc/%d/stat" % pid).read().split()[2] == "Z":
            break
    except (ProcessLookupError, FileNotFoundError):
        break
    time.sleep(0.0002)
PY
}

for round in 1 2 3 4 5; do
    pt_start --pidfile "$PT_TMP/ptrackd.pid"
    api POST /v1/proposals "{\"title\": \"关于第${round}次停机的建议\"}"
    sigterm_until_gone "$PT_PID"
    rc=0
    wait "$PT_PID" || rc=$?
    PT_PID=""
    check_eq "round $round: ptrackd exits 0" 0 "$rc"
    check_true "round $round: its pid file is removed" test ! -e "$PT_TMP/ptrackd.pid"
    check_true "round $round: and its socket" test ! -e "$PT_SOCK"
done
pt_start
check_eq "every create is there" 5 "$(pt_count)"
pt_stop

pt_shim slowdfl
for round in 1 2 3; do
    LD_PRELOAD="$SHIM" SLOWDFL_MS=300 pt_start
    api GET /v1/proposals
    check_status "round $round with the moment widened: a read on the thread pool" 200
    sigterm_until_gone "$PT_PID"
    rc=0
    wait "$PT_PID" || rc=$?
    PT_PID=""
    check_eq "round $round with the moment widened: ptrackd exits 0" 0 "$rc"
    check_true "round $round with the moment widened: its socket is removed" test ! -e "$PT_SOCK"
done
pt_finish
