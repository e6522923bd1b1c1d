#!/usr/bin/env bash
# An export whose client stops reading: once the daemon's queue for it is
# full, a client that takes nothing for idle_timeout is cut off (the job
# ends and lets go of its read snapshot), and a client that reads slowly,
# but reads, gets the whole file.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init

pt_serve '{}' ',"limits": {"idle_timeout": "2s"}'

pt_step "four proposals of 900 KB each"
python3 -c 'import json; print(json.dumps({"title": "关于制定地方立法条例草案的议案", "kind": "motion", "background": "第一条　为了规范地方立法活动。" * 20000}, ensure_ascii=False))' >"$PT_TMP/big.json"
for i in 1 2 3 4; do
    api POST /v1/proposals "$(cat "$PT_TMP/big.json")"
    check_status "create #$i" 201
done

# client.py SOCKET MODE [LOG]: GET the jsonl export over the socket;
# "stall" reads nothing until ptrackd's log LOG says it cut the client off
# (60 s at most: a loaded machine may take its time to fill the queue) and
# then says how the connection ended; "slow" reads 64 KiB every 0.2 s and
# prints how many bytes the body had.
cat >"$PT_TMP/client.py" <<'EOF'
import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
s.connect(sys.argv[1])
s.sendall(b"GET /v1/exports?format=jsonl HTTP/1.1\r\nHost: localhost\r\n\r\n")
if sys.argv[2] == "stall":
    end = time.time() + 60
    while time.time() < end:
        with open(sys.argv[3], encoding="utf-8", errors="replace") as log:
            if "it is cut off" in log.read():
                break
        time.sleep(0.1)
    got = 0
    s.settimeout(30)
    try:
        while True:
            b = s.recv(1 << 20)
            if not b:
                break
            got += len(b)
    except (socket.timeout, ConnectionResetError) as e:
        print("not ended: %s" % type(e).__name__)
        sys.exit(0)
    print("ended after %d bytes" % got)
else:
    data = b""
    s.settimeout(10)
    while True:
        b = s.recv(65536)
        if not b:
            break
        data += b
        if b"\r\n0\r\n\r\n" in data[-16:]:
            break
        time.sleep(0.2)
    head, _, body = data.partition(b"\r\n\r\n")
    # The body is chunked: count the lines of JSON it holds.
    print(body.count(b'"title":"\xe5\x85\xb3\xe4\xba\x8e'))
EOF

pt_step "a client that reads nothing is cut off after idle_timeout"
STALL="$(python3 "$PT_TMP/client.py" "$PT_SOCK" stall "$PT_TMP/ptrackd.log")"
pt_log "stalled client: $STALL"
check_contains "the connection was ended" "ended after" "$STALL"
check_true "before the whole file (3.6 MB) was sent" test "$(echo "$STALL" | awk '{print $3}')" -lt 3000000
check_contains "the log says why" "the client took nothing for 2000 ms; it is cut off" \
    "$(cat "$PT_TMP/ptrackd.log")"
check_eq "no job is left running" 0 "$(pt_jobs_running)"
check_contains "the export's line in the log says where and why it was cut off" \
    "an export by root was cut off after " "$(cat "$PT_TMP/ptrackd.log")"
check_contains "... the client took nothing" "(format jsonl of plugin instance export_json, " \
    "$(grep -F "was cut off after" "$PT_TMP/ptrackd.log")"

pt_step "a client that reads slowly gets the whole export"
SLOW="$(python3 "$PT_TMP/client.py" "$PT_SOCK" slow 2>&1)"
check_eq "all four proposals arrive, 64 KiB every 0.2 s" 4 "$SLOW"
wait_for 10 grep -q "root exported 4 proposals" "$PT_TMP/ptrackd.log" || true
check_contains "the log has the whole export, 3.x MiB" "root exported 4 proposals (format jsonl of plugin instance export_json, 3." \
    "$(cat "$PT_TMP/ptrackd.log")"

pt_finish
