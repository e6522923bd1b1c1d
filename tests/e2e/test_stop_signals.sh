#!/usr/bin/env bash
# Signals that keep coming while ptrackd stops (an impatient operator, a
# script that sends SIGTERM again and again until the process is gone). A
# second signal is logged and otherwise ignored, but libuv gives a signal
# back its default action once its last handle closes, at the end of the
# stop: a SIGTERM then ended ptrackd with 143 instead of 0, sometimes
# before it removed its pid file. Now, with SIGTERM sent every fraction of
# a millisecond from the first until the process is gone, five times over:
#   - ptrackd exits 0, and leaves neither its pid file nor its socket.
set -u
. "$(dirname "$0")/lib.sh"
pt_init
pt_config

for round in 1 2 3 4 5; do
    pt_start --pidfile "$PT_TMP/ptrackd.pid"
    api POST /v1/proposals "{\"title\": \"关于第${round}次停机的建议\"}"
    env python3 - "$PT_PID" <<'PY'
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
pt_finish
