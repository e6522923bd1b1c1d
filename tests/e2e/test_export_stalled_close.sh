#!/usr/bin/env bash
# An export whose client takes nothing (GET /v1/exports, core/plugin-jobs.c):
# once it has taken nothing of what waits for it for idle_timeout, its
# connection is closed then, not held for another idle_timeout while what
# was queued waits to go.
set -u
. "$(dirname "$0")/lib.sh"
pt_init
pt_serve '{}' ',"limits": {"idle_timeout": "20s"}'

# The daemon's sockets: its listeners and its clients' connections.
sockets() { find "/proc/$PT_PID/fd" -lname 'socket:*' 2>/dev/null | wc -l; }

pt_step "four proposals of 900 KB each"
python3 -c 'import json; print(json.dumps({"title": "关于制定地方立法条例草案的议案", "kind": "motion", "background": "第一条　为了规范地方立法活动。" * 20000}, ensure_ascii=False))' >"$PT_TMP/big.json"
for i in 1 2 3 4; do
    api POST /v1/proposals "$(cat "$PT_TMP/big.json")"
    check_status "create #$i" 201
done
# BASE is taken once ptrackd has closed the connections of the creates:
# taken at once, it could count the last one on a busy machine.
wait_for 10 eval '[ "$(pt_conns)" = 0 ]' || true
BASE=$(sockets)

pt_step "an export of 3.6 MB whose client reads nothing"
cat >"$PT_TMP/stall.py" <<'EOF2'
import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
s.connect(sys.argv[1])
s.sendall(b"GET /v1/exports?format=jsonl HTTP/1.1\r\nHost: localhost\r\n\r\n")
print("asked", flush=True)
time.sleep(300)
EOF2
"$PY" "$PT_TMP/stall.py" "$PT_SOCK" >"$PT_TMP/stall.out" 2>&1 &
STALL_PID=$!
asked() { grep -q asked "$PT_TMP/stall.out"; }
wait_for 60 asked || pt_die "the export was not asked for: $(cat "$PT_TMP/stall.out")"
open() { [ "$(sockets)" -gt "$BASE" ]; }
wait_for 60 open || true
check_eq "the export's connection is open" $((BASE + 1)) "$(sockets)"

pt_step "it is closed once it has taken nothing for idle_timeout"
logged() { grep -q "the client took nothing for 20000 ms; it is cut off" "$PT_TMP/ptrackd.log"; }
wait_for 120 logged || pt_die "the export was not found stalled"
# Closed as it is logged: well within another idle_timeout.
closed() { [ "$(sockets)" -le "$BASE" ]; }
wait_for 10 closed || true
check_eq "its connection is closed within 10 s of the log line" "$BASE" "$(sockets)"
kill "$STALL_PID" 2>/dev/null
wait "$STALL_PID" 2>/dev/null
check_eq "no job is left running" 0 "$(pt_jobs_running)"
check_contains "the export's line in the log says it was cut off" \
    "an export by root was cut off after " "$(cat "$PT_TMP/ptrackd.log")"
api GET /v1/health
check_status "the daemon serves on" 200
pt_stop
pt_finish
