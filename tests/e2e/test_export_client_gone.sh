#!/usr/bin/env bash
# An export whose client goes away after the exporter has written its last
# byte, while the end of the file still waits for the connection to drain:
# the job ends (ptrack_jobs_running back at 0, its line in the log) and a
# SIGTERM stops ptrackd. The job used to wait for a drain that a closed
# connection never brings: it stayed running for good, with the rest of
# its file and its thread, its instance could not be reloaded, and a stop
# logged "ptrackd stopped" and then never exited.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init

pt_serve

# Exports of 60 KB to 1 MB, in steps of 48 KB: in some of them the job's
# thread writes its last byte (the file all in the kernel's buffers, the
# server's queue and the job's) while a client that reads nothing holds
# the connection, whatever the socket buffers of the machine.
pt_step "170 proposals of 6 KB; the tag 第N批 on the first N"
python3 - "$PT_SOCK" <<'PY'
import json, socket, sys
def post(body):
    s = socket.socket(socket.AF_UNIX)
    s.connect(sys.argv[1])
    data = json.dumps(body, ensure_ascii=False).encode()
    s.sendall(b"POST /v1/proposals HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
              b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(data) + data)
    answer = b""
    while True:
        b = s.recv(65536)
        if not b:
            break
        answer += b
    assert answer.startswith(b"HTTP/1.1 201"), answer[:200]
for i in range(1, 171):
    post({"title": "关于第%d件导出测试的建议" % i,
          "tags": ["第%d批" % n for n in range(10, 171, 8) if i <= n],
          "background": "为了规范地方立法活动，提高立法质量。" * 110})
PY

# client.py SOCK N...: one export of 第N批 for each N, each on its own
# connection, which reads nothing; after 2 s every connection is closed.
cat >"$PT_TMP/client.py" <<'PY'
import socket, sys, time
conns = []
for n in sys.argv[2:]:
    s = socket.socket(socket.AF_UNIX)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
    s.connect(sys.argv[1])
    s.sendall(("GET /v1/exports?format=jsonl&tag=第%s批 HTTP/1.1\r\nHost: localhost\r\n\r\n"
               % n).encode())
    conns.append(s)
time.sleep(2)
for s in conns:
    s.close()
PY

pt_step "21 exports whose clients read nothing and go away"
python3 "$PT_TMP/client.py" "$PT_SOCK" $(seq 10 8 170)
check_true "every export job has ended" wait_for 10 pt_jobs_running_is 0
check_eq "each export has its line in the log (exported, or cut off as its client went away)" 21 \
    "$(grep -c -E 'root exported [0-9]+ proposals|an export by root was cut off after .*the client went away' \
        "$PT_TMP/ptrackd.log" || true)"

pt_step "a SIGTERM stops ptrackd"
pt_stop
check_true "ptrackd exits within 10 s (took $PT_STOP_MS ms)" [ "$PT_STOP_MS" -lt 10000 ]
check_true "and says so" grep -q "ptrackd stopped" "$PT_TMP/ptrackd.log"
check_eq "its exit status" 0 "$PT_STOP_RC"

pt_finish
