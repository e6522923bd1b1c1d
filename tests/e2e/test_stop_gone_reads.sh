#!/usr/bin/env bash
# test_stop_gone_reads.sh - a stop while reads run whose clients have gone.
#
# A client whose connection is reset before its answer (a client killed,
# a proxy that gives up; or a feed's long poll left) is closed at once, but
# the read its request started goes on on the thread pool, with the store,
# and its callback answers into the API. A stop waited only for open
# connections, so a SIGTERM right then found none and closed the store and
# freed the API under the read. ptrackd now waits for those reads, says so, and stops cleanly:
#   - several figures of a store of 30,000 proposals asked for on one
#     thread of the pool (UV_THREADPOOL_SIZE=1, so that they queue), each
#     client's connection reset after 50 ms, then SIGTERM;
#   - ptrackd says it waits for the reads, exits 0 and says it stopped;
#   - started again, it serves the store whole.
set -u
. "$(dirname "$0")/lib.sh"
pt_init

N=30000
READS=8
python3 "$PT_SOURCE_DIR/bench/gen-proposals.py" "$N" "$PT_TMP/p.jsonl" "$PT_TMP/p.csv" \
    >/dev/null || pt_die "gen-proposals.py failed"
pt_config
export UV_THREADPOOL_SIZE=1
pt_start --plugin-dir "$PT_BUILD_DIR/plugins"
pt_import jsonl "$PT_TMP/p.jsonl"
check_eq "the store holds $N proposals" "201 $N" "$ST $(jv 'j["imported"]')"

pt_step "SIGTERM while the reads of $READS clients that have gone still run"
t0=$(date +%s%N)
api GET /v1/stats
ms=$((($(date +%s%N) - t0) / 1000000))
pt_log "one read of the figures takes $ms ms here"
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
sleep 0.05
pt_stop
log="$(tail -n +"$((mark + 1))" "$PT_TMP/ptrackd.log")"
# The reads queue on the one thread: $READS of them outlast the 50 ms of
# the clients unless one read takes under 10 ms.
if [ "$ms" -ge 10 ]; then
    check_contains "ptrackd waits for the reads whose clients have gone" \
        "whose client has gone" "$log"
else
    pt_ok "a read takes $ms ms: too fast here to be in flight at the stop"
fi
check_eq "it exits 0" 0 "$PT_STOP_RC"
check_contains "and says it stopped" "ptrackd stopped" "$log"

pt_step "started again"
pt_start --plugin-dir "$PT_BUILD_DIR/plugins"
check_eq "the store is whole" "$N" "$(pt_count)"
pt_stop

pt_finish
