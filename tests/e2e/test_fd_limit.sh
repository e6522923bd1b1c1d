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
#     naming both and what to do.
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
pt_finish
