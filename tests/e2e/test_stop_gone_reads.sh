#!/usr/bin/env bash
# test_stop_gone_reads.sh - a stop while reads run whose clients have gone.
#
# A client whose connection is reset before its answer (a client killed,
# a proxy that gives up; or a feed's long poll left) is closed at once, but
# the read its request started goes on on the thread pool, with the store,
# and its callback answers into the API. A stop waited only for open
# connections, so a SIGTERM right then found none and closed the store and
# freed the API under the read. ptrackd now waits for those reads, says so, and stops cleanly.
# It waited for them however long they took, each in turn on a busy pool;
# now it gives them a second, then interrupts them (nobody waits for their
# answers), and says so:
#   - the figures of a store of 30,000 proposals asked for on one thread
#     of the pool (UV_THREADPOOL_SIZE=1, so that they queue) by as many
#     clients as make some 10 s of reads, each client's connection reset
#     once its request was read, a create acknowledged, then SIGTERM;
#   - ptrackd says it waits for the reads, then that it interrupts them,
#     naming what they read; it stops within 3 s of the wait's start,
#     exits 0 and says it stopped;
#   - started again, it serves the store whole, with the create.
set -u
. "$(dirname "$0")/lib.sh"
pt_init

N=30000
python3 "$PT_SOURCE_DIR/bench/gen-proposals.py" "$N" "$PT_TMP/p.jsonl" "$PT_TMP/p.csv" \
    >/dev/null || pt_die "gen-proposals.py failed"
pt_config
export UV_THREADPOOL_SIZE=1
pt_start --plugin-dir "$PT_BUILD_DIR/plugins"
pt_import jsonl "$PT_TMP/p.jsonl"
check_eq "the store holds $N proposals" "201 $N" "$ST $(jv 'j["imported"]')"

pt_step "SIGTERM while the reads of clients that have gone still run"
t0=$(date +%s%N)
api GET /v1/stats
ms=$((($(date +%s%N) - t0) / 1000000))
pt_log "one read of the figures takes $ms ms here"
# Enough of them to keep the one thread busy for some 10 s.
READS=$((10000 / (ms > 0 ? ms : 1) + 1))
[ "$READS" -lt 8 ] && READS=8
[ "$READS" -gt 400 ] && READS=400
pt_log "$READS clients ask for them"
mark=$(wc -l <"$PT_TMP/ptrackd.log")
# Each client asks over TCP and, once ptrackd has read every request (and
# at least 50 ms later), resets its connection (as a client killed, or a
# proxy giving up, does): the server reads the reset and closes the
# connection while the read goes on. A request is read when the server's
# end of its connection holds no more bytes (/proc/net/tcp): a reset
# before that, on a busy machine, would leave nothing to wait for.
python3 - "$PT_PORT" "$VIEWER_TOKEN" "$READS" <<'PY'
import socket, struct, sys, time
port, token, n = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
socks = []
for _ in range(n):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(("GET /v1/stats HTTP/1.1\r\nHost: localhost\r\n"
               "Authorization: Bearer %s\r\n\r\n" % token).encode())
    socks.append(s)
clients = {s.getsockname()[1] for s in socks}

def unread():
    # The server's ends: local port `port`, remote a client's port; the
    # fifth field is tx_queue:rx_queue, in hex.
    left = len(clients)
    for line in open("/proc/net/tcp").readlines()[1:]:
        f = line.split()
        local, remote = int(f[1].split(":")[1], 16), int(f[2].split(":")[1], 16)
        if local == port and remote in clients and int(f[4].split(":")[1], 16) == 0:
            left -= 1
    return left

time.sleep(0.05)
deadline = time.time() + 30
while unread() > 0 and time.time() < deadline:
    time.sleep(0.01)
for s in socks:
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()
PY
api POST /v1/proposals '{"title": "关于停机前最后一条建议的建议"}'
check_status "a create acknowledged before the stop" 201
pt_stop
log="$(tail -n +"$((mark + 1))" "$PT_TMP/ptrackd.log")"
# The reads queue on the one thread: $READS of them outlast the moment the
# clients took unless one read takes under 10 ms.
if [ "$ms" -ge 10 ]; then
    check_contains "ptrackd waits for the reads whose clients have gone" \
        "whose client has gone" "$log"
    check_contains "then interrupts them, saying what they read" \
        "whose client has gone (the figures" "$log"
    check_contains "and that nobody waits for them" "interrupted, as nobody waits for" "$log"
    took="$(printf '%s\n' "$log" | env python3 -c '
import datetime, sys
t = {}
for line in sys.stdin:
    for key, text in (("wait", "stopping: waiting for"), ("end", "ptrackd stopped")):
        if text in line and key not in t:
            t[key] = datetime.datetime.fromisoformat(line.split()[0].replace("Z", "+00:00"))
print(round((t["end"] - t["wait"]).total_seconds() * 1000) if len(t) == 2 else "-")')"
    pt_log "the stop's wait for the reads took $took ms"
    check_true "the wait is bounded: under 3 s, not the reads' 10 ($took ms)" test "$took" -lt 3000
else
    pt_ok "a read takes $ms ms: too fast here to be in flight at the stop"
fi
check_eq "it exits 0" 0 "$PT_STOP_RC"
check_contains "and says it stopped" "ptrackd stopped" "$log"

pt_step "started again"
pt_start --plugin-dir "$PT_BUILD_DIR/plugins"
check_eq "the store is whole, with the create acknowledged before the stop" "$((N + 1))" \
    "$(pt_count)"
pt_stop

pt_finish
