#!/usr/bin/env bash
# Open files and limits.connections. Each connection holds a descriptor,
# and a service manager's soft limit of open files is often no more than
# limits.connections' default (1024 under systemd). ptrackd ran with the
# limit it was given: past it the kernel's accept failed, and a new client
# (the administrator's `ptrack health` too) was dropped without a word, to
# it or in the log. Now:
#   - with a soft limit of 256 and a higher hard one, ptrackd raises its
#     own: 400 clients that keep their connections open are served, and
#     so are a create and a read beside them;
#   - with a hard limit too low for limits.connections, the start warns,
#     naming both and what to do;
#   - once that limit is reached, a client that ptrackd cannot accept is
#     closed at once (it used to be dropped without a word in the log), the
#     log says so at error, with what to do, and no more than once every
#     few seconds however many clients come; ptrackd does not spin on them,
#     answers on the connections it has, and accepts again, saying so, once
#     files are free.
set -u
. "$(dirname "$0")/lib.sh"
pt_init

hard="$(ulimit -Hn)"
if [ "$hard" != unlimited ] && [ "$hard" -lt 2048 ]; then
    echo "skipped: the hard limit of open files ($hard) is too low to raise"
    pt_finish
fi

# start_limited ULIMIT_ARGS...: starts ptrackd under `ulimit ULIMIT_ARGS`
# and waits until it answers.
start_limited() {
    (
        ulimit "$@"
        exec "$PTRACKD" --config "$PT_CONF" >>"$PT_TMP/ptrackd.log" 2>&1
    ) &
    PT_PID=$!
    PT_PIDS+=("$PT_PID")
    wait_for 10 curl -s -o /dev/null --unix-socket "$PT_SOCK" http://localhost/v1/health ||
        pt_die "ptrackd did not start"
}

pt_config
start_limited -Sn 256

pt_step "400 clients keep their connections open"
env python3 - "$PT_SOCK" 400 "$PT_TMP/held" <<'PY' &
import resource, socket, sys, time
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
held, served = [], 0
for _ in range(int(sys.argv[2])):
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(5)
    try:
        s.connect(sys.argv[1])
        s.sendall(b"GET /v1/health HTTP/1.1\r\nHost: localhost\r\n\r\n")
        if s.recv(4096).startswith(b"HTTP/1.1 200"):
            served += 1
    except OSError:
        pass
    held.append(s)
open(sys.argv[3], "w").write("%d\n" % served)
time.sleep(30)
PY
clients=$!
wait_for 30 test -s "$PT_TMP/held" || pt_die "the clients did not finish"
check_eq "every one of them was served" 400 "$(cat "$PT_TMP/held")"
api POST /v1/proposals '{"title": "关于连接较多时的建议"}'
check_status "a create beside them" 201
api GET /v1/proposals/1
check_status "and a read" 200
kill "$clients" 2>/dev/null
pt_stop
check_eq "ptrackd stops with 0" 0 "$PT_STOP_RC"

pt_step "a hard limit too low for limits.connections"
: >"$PT_TMP/ptrackd.log"
start_limited -n 300
log="$(cat "$PT_TMP/ptrackd.log")"
check_contains "is warned about at the start" \
    "limits.connections is 1024, but ptrackd may have only 300 files open" "$log"
check_contains "saying what to do" "LimitNOFILE=" "$log"
pt_stop

pt_step "the limit of open files reached"
: >"$PT_TMP/ptrackd.log"
start_limited -n 64
# 100 clients, one after the other: each asks for the health and keeps
# its connection when it is answered. The first ones take every file
# ptrackd may open; the rest are closed unanswered. Then one of the
# answered ones asks again, and all wait for the release file.
env python3 - "$PT_SOCK" 100 "$PT_TMP/full" "$PT_TMP/release" <<'PY' &
import os, socket, sys, time
path, n, out, release = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
req = b"GET /v1/health HTTP/1.1\r\nHost: localhost\r\n\r\n"
held, served, closed = [], 0, 0
for _ in range(n):
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(5)
    try:
        s.connect(path)
        s.sendall(req)
        if s.recv(4096).startswith(b"HTTP/1.1 200"):
            served += 1
            held.append(s)
            continue
    except OSError:
        pass
    closed += 1
    s.close()
again = 0
if held:
    held[0].sendall(req)
    again = int(held[0].recv(4096).startswith(b"HTTP/1.1 200"))
open(out, "w").write("%d %d %d\n" % (served, closed, again))
while not os.path.exists(release):
    time.sleep(0.05)
PY
clients=$!
wait_for 60 test -s "$PT_TMP/full" || pt_die "the clients did not finish"
read -r served closed again <"$PT_TMP/full"
pt_log "$served clients served, $closed closed"
check_true "some clients are served ($served)" test "$served" -ge 10
check_true "the others are closed, not left waiting ($closed)" test "$closed" -ge 10
check_eq "a served client is answered again meanwhile" 1 "$again"
log="$(cat "$PT_TMP/ptrackd.log")"
check_contains "the log says that clients are not accepted" \
    "ERROR cannot accept connections: ptrackd has all the files open it may" "$log"
check_contains "and what to do" \
    "raise the limit of open files (LimitNOFILE= in a drop-in of ptrackd.service) or lower limits.connections (1024) below it" \
    "$log"
check_eq "once, however many clients" 1 "$(grep -c 'cannot accept connections' "$PT_TMP/ptrackd.log")"
# More clients keep coming for two seconds: ptrackd closes each, and uses
# little of a processor meanwhile (a loop that spun on them would use all
# of one).
cpu_ticks() { awk '{print $14 + $15}' "/proc/$PT_PID/stat"; }
t0="$(cpu_ticks)"
env python3 - "$PT_SOCK" <<'PY'
import socket, sys, time
end = time.time() + 2
while time.time() < end:
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(1)
    try:
        s.connect(sys.argv[1])
        s.recv(10)
    except OSError:
        pass
    s.close()
    time.sleep(0.01)
PY
used=$(($(cpu_ticks) - t0))
hz="$(getconf CLK_TCK)"
pt_log "ptrackd used $used ticks of $hz a second in those 2 s"
check_true "ptrackd does not spin on them (under half a processor)" test "$used" -lt "$hz"
touch "$PT_TMP/release"
wait "$clients" 2>/dev/null || true
health() { curl -s -o /dev/null --max-time 2 --unix-socket "$PT_SOCK" http://localhost/v1/health; }
check_true "once the clients are gone, ptrackd answers a new one" wait_for 10 health
api GET /v1/health
check_status "the health" 200
check_contains "and the log says that it accepts again" "accepting connections again" \
    "$(cat "$PT_TMP/ptrackd.log")"
api GET /metrics
closed_metric="$(sed -n 's/^ptrack_http_connections_total{closed="accept_failed"} //p' <<<"$BODY")"
check_true "/metrics counts the clients closed unanswered ($closed_metric)" \
    test "${closed_metric:-0}" -ge "$closed"
failures_metric="$(sed -n 's/^ptrack_http_accept_failures_total //p' <<<"$BODY")"
check_true "and the failed accepts ($failures_metric)" test "${failures_metric:-0}" -ge 1
pt_stop
check_eq "ptrackd stops with 0" 0 "$PT_STOP_RC"
pt_finish
