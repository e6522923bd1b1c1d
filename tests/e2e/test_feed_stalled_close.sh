#!/usr/bin/env bash
# An event stream whose client takes nothing (GET /v1/events, Accept:
# text/event-stream), core/api-feed.c: once it has taken nothing of what
# waits for it for idle_timeout, its connection is closed then, not held
# for another idle_timeout while what was queued waits to go.
set -u
. "$(dirname "$0")/lib.sh"
pt_init
pt_config '{}' ',"limits": {"idle_timeout": "20s"}'
pt_start

# The daemon's sockets: its listeners and its clients' connections. BASE
# is taken once ptrackd has closed the connection of pt_start's last
# request: taken at once, it could count it on a busy machine.
sockets() { find "/proc/$PT_PID/fd" -lname 'socket:*' 2>/dev/null | wc -l; }
wait_for 10 eval '[ "$(pt_conns)" = 0 ]' || true
BASE=$(sockets)

pt_step "a stream that reads nothing of 40 events of 200 kB"
# The 40 proposals are made first, and the stream then asks for every
# event (after=0): made while the stream was open, as before, the last of
# them could come after its idle_timeout on a machine that gives ptrackd
# little time (20 s for 40 requests of 200 kB), the stream then closed
# before the test looked at it. Its client reads the answer's head, to
# know the stream is open, and nothing more.
cat >"$PT_TMP/stall.py" <<'EOF'
import json, socket, sys, time
sock = sys.argv[1]
bg = "测" * 70000
for i in range(40):
    c = socket.socket(socket.AF_UNIX)
    c.connect(sock)
    body = json.dumps({"title": "大建议%d" % i, "delegation": "山西代表团", "background": bg},
                      ensure_ascii=False).encode()
    c.sendall(b"POST /v1/proposals HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
              b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
    while c.recv(65536):
        pass
    c.close()
s = socket.socket(socket.AF_UNIX)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
s.connect(sock)
s.sendall(b"GET /v1/events?after=0 HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n")
head = b""
while b"\r\n\r\n" not in head:
    got = s.recv(1)
    if not got:
        sys.exit("the stream was closed before its head")
    head += got
print("made", head.split(b"\r\n")[0].decode(), flush=True)
time.sleep(300)
EOF
"$PY" "$PT_TMP/stall.py" "$PT_SOCK" >"$PT_TMP/stall.out" 2>&1 &
made() { grep -q made "$PT_TMP/stall.out"; }
wait_for 120 made || pt_die "the 40 proposals were not made: $(cat "$PT_TMP/stall.out")"
# The connections of the 40 requests count until ptrackd has closed them.
wait_for 30 eval '[ "$(pt_conns)" = 1 ]' || true
check_eq "the stream is open" $((BASE + 1)) "$(sockets)"

pt_step "it is closed once it has taken nothing for idle_timeout"
logged() { grep -q "an event stream took nothing for 20000 ms; it is closed" "$PT_TMP/ptrackd.log"; }
wait_for 120 logged || pt_die "the stream was not found stalled"
# Closed as it is logged: well within another idle_timeout.
closed() { [ "$(sockets)" -le "$BASE" ]; }
wait_for 10 closed || true
check_eq "its connection is closed within 10 s of the log line" "$BASE" "$(sockets)"
api GET /v1/health
check_status "the daemon serves on" 200
pt_stop
pt_finish
