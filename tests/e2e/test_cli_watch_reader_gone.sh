#!/usr/bin/env bash
# ptrack watch whose pipe's reader has gone (watch | head -1, | grep -m1)
# ends then, as the write of its next event would end it, rather than wait
# on in long polls that write nothing until another event comes: with no
# event coming, the pipeline never ended. With SIGPIPE at its default it
# ends by SIGPIPE, also while ptrackd is away and watch waits to try again.
# Started with SIGPIPE ignored (a systemd service ignores it by default;
# IgnoreSIGPIPE=yes), the write would fail with EPIPE and watch would say
# so, naming the seq to go on from, and end with exit 4: it ends the same
# way, and is not killed by a SIGPIPE of its own without a word. Into a
# socket whose peer closes it, the same; a peer that only shuts down its
# own writing still reads, and watch goes on.
set -u
. "$(dirname "$0")/lib.sh"
pt_init
pt_config '{}'
pt_start

for t in 关于加强农村饮水安全保障的建议 关于加快农村公路提档升级的建议 关于支持资源型地区经济转型的建议; do
    api POST /v1/proposals '{"title":"'"$t"'","delegation":"山西代表团"}'
    check_status "add $t" 201
done

# start_watch ARGS...: ptrack watch ARGS into the fifo pipe, in the
# background (its pid in WATCH), with SIGPIPE ignored when IGNORE_PIPE is 1.
IGNORE_PIPE=0
start_watch() {
    rm -f "$PT_TMP/pipe" && mkfifo "$PT_TMP/pipe"
    (
        [ "$IGNORE_PIPE" = 1 ] && trap '' PIPE
        exec "$PTRACK" --socket "$PT_SOCK" watch "$@" >"$PT_TMP/pipe" 2>"$PT_TMP/watch.err"
    ) &
    WATCH=$!
}

# wait_end: waits for watch to end (15 s), which RC gives (timeout: watch
# still runs, and is killed).
wait_end() {
    if wait_for 15 eval '! kill -0 "$WATCH" 2>/dev/null'; then
        wait "$WATCH"
        RC=$?
    else
        kill -9 "$WATCH" 2>/dev/null
        wait "$WATCH" 2>/dev/null
        RC=timeout
    fi
}

# watch_to_head ARGS...: ptrack watch ARGS into a pipe that head -n 1
# reads; waits for head to take its line, then for watch to end.
watch_to_head() {
    start_watch "$@"
    head -n 1 <"$PT_TMP/pipe" >"$PT_TMP/head.out"
    wait_end
}

pt_step "the reader leaves after the first event, and no other comes"
watch_to_head --after 0 --json
check_contains "head took the first event" '"seq":1' "$(cat "$PT_TMP/head.out")"
check_eq "watch ended as a write to the pipe ends it (SIGPIPE)" 141 "$RC"
check_eq "and said nothing" "" "$(cat "$PT_TMP/watch.err")"

pt_step "as a table too"
watch_to_head --after 1
check_contains "head took the first line" "关于加快农村公路提档升级的建议" "$(cat "$PT_TMP/head.out")"
check_eq "watch ended" 141 "$RC"

IGNORE_PIPE=1
pt_step "SIGPIPE ignored: the reader leaves after the first event, no other comes"
watch_to_head --after 0 --json
check_contains "head took the first event" '"seq":1' "$(cat "$PT_TMP/head.out")"
check_eq "watch ended as a write failing with EPIPE ends it (exit 4)" 4 "$RC"
check_contains "and said why" "Broken pipe" "$(cat "$PT_TMP/watch.err")"
check_contains "and where to go on from" "ptrack watch --after 3 goes on from there" \
    "$(cat "$PT_TMP/watch.err")"

pt_step "SIGPIPE ignored, from now: no event at all"
# The reader leaves once watch has the newest seq: watch asks ptrackd for
# it, then for the workflow's labels (/metrics counts that answer), then
# waits for events. A fixed second is no guarantee on a busy machine, and
# watch, not yet answered when its reader left, had no seq to name but 0.
workflow_reads() {
    curl -sS --max-time 5 --unix-socket "$PT_SOCK" http://localhost/metrics |
        awk '$1 ~ /^ptrack_http_requests_total\{route="\/v1\/workflow",method="GET",/ {n += $2} END {print n + 0}'
}
reads="$(workflow_reads)"
start_watch
exec 3<"$PT_TMP/pipe"
wait_for 30 eval '[ "$(workflow_reads)" -gt "$reads" ]' || true
exec 3<&-
wait_end
check_eq "watch ended (exit 4)" 4 "$RC"
check_contains "naming the newest seq" "ptrack watch --after 3 goes on from there" \
    "$(cat "$PT_TMP/watch.err")"
IGNORE_PIPE=0

# watch_to_socket MODE ARGS...: ptrack watch ARGS with stdout one end of a
# stream socket pair; prints the first line read from the other end, then,
# with MODE close, closes that end and prints how watch ended within 15 s
# (its exit code, 141 for SIGPIPE, or timeout); with MODE half, first shuts
# down only that end's writing (the peer goes on reading), and prints
# whether watch still runs 3 s later, before closing it as above.
watch_to_socket() {
    python3 - "$PTRACK" "$PT_SOCK" "$PT_TMP/watch.err" "$@" <<'PY'
import socket, subprocess, sys, time
ptrack, sock, err, mode = sys.argv[1:5]
mine, its = socket.socketpair()
w = subprocess.Popen([ptrack, "--socket", sock, "watch"] + sys.argv[5:],
                     stdout=its, stderr=open(err, "w"))
its.close()
line = b""
while not line.endswith(b"\n"):
    got = mine.recv(1)
    if not got:
        break
    line += got
print(line.decode().rstrip("\n"))
if mode == "half":
    mine.shutdown(socket.SHUT_WR)
    time.sleep(3)
    print("running" if w.poll() is None else "ended %d" % w.returncode)
mine.close()
try:
    rc = w.wait(15)
    print(128 - rc if rc < 0 else rc)
except subprocess.TimeoutExpired:
    w.kill()
    w.wait()
    print("timeout")
PY
}

pt_step "stdout a socket whose peer closes it after the first event"
OUT=$(watch_to_socket close --after 0 --json)
check_contains "the peer took the first event" '"seq":1' "$(sed -n 1p <<<"$OUT")"
check_eq "watch ended as a write to the socket ends it (SIGPIPE)" 141 "$(sed -n 2p <<<"$OUT")"
check_eq "and said nothing" "" "$(cat "$PT_TMP/watch.err")"

pt_step "a socket's peer that only shuts down its writing still reads"
OUT=$(watch_to_socket half --after 0 --json)
check_contains "the peer took the first event" '"seq":1' "$(sed -n 1p <<<"$OUT")"
check_eq "watch goes on" running "$(sed -n 2p <<<"$OUT")"
check_eq "and ends when the peer closes" 141 "$(sed -n 3p <<<"$OUT")"

pt_step "the reader leaves while ptrackd is away"
start_watch --after 2
exec 3<"$PT_TMP/pipe"
head -n 1 <&3 >"$PT_TMP/head.out"
pt_stop
wait_for 15 grep -q "will keep trying" "$PT_TMP/watch.err" || true
check_contains "watch waits for ptrackd" "will keep trying" "$(cat "$PT_TMP/watch.err")"
exec 3<&-
wait_end
check_eq "watch ended when the reader left" 141 "$RC"

pt_finish
