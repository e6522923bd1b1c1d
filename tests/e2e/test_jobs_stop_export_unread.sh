#!/usr/bin/env bash
# A stop ends exports whose clients take nothing, also one whose exporter
# has returned and whose last blocks wait for the client (the fixture
# export_slow with bytes=N writes N bytes at once and returns): such an
# export is cut off, and ptrackd exits within its bound. Before, the stop
# cancelled it without waking the loop's side of it, which a stalled
# client no longer cut off once the export was cancelled, so ptrackd
# waited for the client for good. The exports are of several sizes, from
# less than the socket and ptrackd's buffers hold to more, so that some of
# them end with blocks still queued whatever the kernel's buffers are.
set -u
. "$(dirname "$0")/lib.sh"
pt_init
pt_fixtures export_slow

pt_config '{}' ',"plugins": [
    {"instance": "slow_out", "path": "'"$FIX"'/fixture_export_slow.so", "config": {"pause": 0}}
  ]'
pt_start

pt_step "exports whose clients read nothing"
cat >"$PT_TMP/noread.py" <<'PY'
import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall(("GET /v1/exports?format=slow&bytes=%s HTTP/1.1\r\nHost: localhost\r\n\r\n"
           % sys.argv[2]).encode())
s.recv(64)
time.sleep(60)
PY
sizes="$(seq 100000 100000 2000000)"
clients=()
for n in $sizes; do
    "$PY" "$PT_TMP/noread.py" "$PT_SOCK" "$n" >/dev/null 2>&1 &
    clients+=($!)
done
wait_for 30 grep -qF "100000 bytes written" "$PT_TMP/ptrackd.log" ||
    pt_die "the exports did not start"
# The exporters that can return have returned: those that cannot wait in
# job_write.
wait_for 30 eval '[ "$(grep -c "bytes written" "$PT_TMP/ptrackd.log")" -ge 4 ]' || true
sleep 1
written="$(grep -c "bytes written" "$PT_TMP/ptrackd.log")"
check_true "some exporters returned ($written of 20), some wait" \
    eval '[ "$written" -ge 1 ] && [ "$written" -lt 20 ]'

pt_step "SIGTERM"
pt_stop
check_true "ptrackd exited within 8 s of SIGTERM (took $PT_STOP_MS ms)" [ "$PT_STOP_MS" -lt 8000 ]
check_eq "ptrackd exited 0" "0" "$PT_STOP_RC"
check_contains "the exports were cut off" "was cut off after" "$(cat "$PT_TMP/ptrackd.log")"
kill -9 "${clients[@]}" 2>/dev/null
wait 2>/dev/null
pt_finish
