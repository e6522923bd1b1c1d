#!/usr/bin/env bash
# Which threads take the signals ptrackd handles. The kernel gives a
# SIGTERM, SIGINT or SIGHUP sent to the process to any thread that does not
# block it; at the end of a stop, once libuv has given SIGTERM back its
# default action and before ptrackd ignores it, one that came to the
# writer, the thread pool, a job or a notifier ended ptrackd with 143. Only
# the notifiers blocked them. Now, with each kind of thread running (the
# store's writer and checkpointer, libuv's thread pool, a notifier inside
# deliver(), an import, and threads that plugins' create() made at the
# start and at run time):
#   - every thread but the loop's (the main one) blocks SIGTERM, SIGINT and
#     SIGHUP, and the main one blocks none of them;
#   - ptrackd still stops on SIGTERM, and reloads on SIGHUP.
set -u
. "$(dirname "$0")/lib.sh"
pt_init
pt_fixtures notify_block notify_thread import_slow
chmod go-w "$FIX"/fixture_*.so

pt_config '{}' ',"plugins": [
    {"instance": "gate", "path": "'"$FIX"'/fixture_notify_block.so",
     "config": {"path": "'"$PT_TMP/gate.txt"'"}},
    {"instance": "threads", "path": "'"$FIX"'/fixture_notify_thread.so"},
    {"instance": "slow_in", "path": "'"$FIX"'/fixture_import_slow.so"}]'
pt_start

pt_step "every kind of thread runs"
api POST /v1/plugins '{"instance": "threads2", "path": "'"$FIX"'/fixture_notify_thread.so"}'
check_status "a plugin that starts a thread is loaded at run time" 201
api POST /v1/proposals '{"title": "关于信号屏蔽的建议"}'
check_status "a create" 201
check_true "gate is inside deliver()" wait_for 10 test -s "$PT_TMP/gate.txt"
api GET /v1/proposals
check_status "a read, on the thread pool" 200
printf 'x\n' >"$PT_TMP/in.txt"
curl -sS --max-time 60 --unix-socket "$PT_SOCK" --data-binary "@$PT_TMP/in.txt" \
    -o /dev/null "http://localhost/v1/imports?format=slow" 2>/dev/null &
import_runs() { [ "$(pt_jobs_running)" -ge 1 ]; }
check_true "an import runs" wait_for 10 import_runs

pt_step "the signals each thread blocks"
# SigBlk in /proc/PID/task/TID/status is the thread's mask in hex: bit
# N-1 for signal N (SIGHUP 1, SIGINT 2, SIGTERM 15): 0x4003.
env python3 - "$PT_PID" >"$PT_TMP/masks.txt" <<'PY'
import os, sys
pid = sys.argv[1]
for tid in sorted(os.listdir("/proc/%s/task" % pid), key=int):
    base = "/proc/%s/task/%s/" % (pid, tid)
    try:
        comm = open(base + "comm").read().strip()
        blk = [l.split()[1] for l in open(base + "status") if l.startswith("SigBlk:")][0]
    except OSError:
        continue  # a thread that ended meanwhile
    print(tid, "main" if tid == pid else "other", int(blk, 16) & 0x4003, comm)
PY
cat "$PT_TMP/masks.txt"
threads="$(awk '$2 == "other"' "$PT_TMP/masks.txt" | wc -l)"
# The writer, the checkpointer, 4 of the pool, 3 notifiers, 2 plugin
# threads and the import's.
check_true "the threads are all there ($threads besides the main one)" test "$threads" -ge 12
check_eq "the plugins' own threads are among them" 2 \
    "$(awk '$2 == "other" && $4 == "plugin-thread"' "$PT_TMP/masks.txt" | wc -l)"
check_eq "the threads that do not block all three" "" \
    "$(awk '$2 == "other" && $3 != 16387 {print $4 " (" $1 ")"}' "$PT_TMP/masks.txt")"
check_eq "the main thread, the loop's, blocks none of them" 0 \
    "$(awk '$2 == "main" {print $3}' "$PT_TMP/masks.txt")"

pt_step "the loop still takes them"
check_true "a SIGHUP reloads" pt_reload
pt_stop
check_eq "a SIGTERM stops ptrackd with 0" 0 "$PT_STOP_RC"
check_contains "after it said so" "SIGTERM: stopping" "$(cat "$PT_TMP/ptrackd.log")"
pt_finish
