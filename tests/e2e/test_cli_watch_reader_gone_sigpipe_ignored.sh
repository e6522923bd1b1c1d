#!/usr/bin/env bash
# ptrack watch started with SIGPIPE ignored (a systemd service ignores it
# by default; IgnoreSIGPIPE=yes), whose pipe's reader has gone: the write
# of its next event would fail with EPIPE, and watch would say so, naming
# the seq to go on from, and end with exit 4. Seeing the reader gone while
# it waits, it ends the same way, and is not killed by a SIGPIPE of its
# own without a word.
set -u
. "$(dirname "$0")/lib.sh"
pt_init
pt_config '{}'
pt_start

for t in 关于加强农村饮水安全保障的建议 关于加快农村公路提档升级的建议; do
    api POST /v1/proposals '{"title":"'"$t"'","delegation":"山西代表团"}'
    check_status "add $t" 201
done

# watch_to_head ARGS...: ptrack watch ARGS, SIGPIPE ignored, into a pipe
# that head -n 1 reads; waits for head to take its line, then for watch to
# end (15 s), which RC gives (timeout: watch still runs, and is killed).
watch_to_head() {
    rm -f "$PT_TMP/pipe" && mkfifo "$PT_TMP/pipe"
    (
        trap '' PIPE
        exec "$PTRACK" --socket "$PT_SOCK" watch "$@" >"$PT_TMP/pipe" 2>"$PT_TMP/watch.err"
    ) &
    local pid=$!
    head -n 1 <"$PT_TMP/pipe" >"$PT_TMP/head.out"
    if wait_for 15 eval '! kill -0 "$pid" 2>/dev/null'; then
        wait "$pid"
        RC=$?
    else
        kill -9 "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
        RC=timeout
    fi
}

pt_step "SIGPIPE ignored: the reader leaves after the first event, no other comes"
watch_to_head --after 0 --json
check_contains "head took the first event" '"seq":1' "$(cat "$PT_TMP/head.out")"
check_eq "watch ended as a write failing with EPIPE ends it (exit 4)" 4 "$RC"
check_contains "and said why" "Broken pipe" "$(cat "$PT_TMP/watch.err")"
check_contains "and where to go on from" "ptrack watch --after 2 goes on from there" \
    "$(cat "$PT_TMP/watch.err")"

pt_step "SIGPIPE ignored, from now: no event at all"
watch_to_head_none() {
    rm -f "$PT_TMP/pipe" && mkfifo "$PT_TMP/pipe"
    (
        trap '' PIPE
        exec "$PTRACK" --socket "$PT_SOCK" watch >"$PT_TMP/pipe" 2>"$PT_TMP/watch.err"
    ) &
    local pid=$!
    exec 3<"$PT_TMP/pipe"
    sleep 1
    exec 3<&-
    if wait_for 15 eval '! kill -0 "$pid" 2>/dev/null'; then
        wait "$pid"
        RC=$?
    else
        kill -9 "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
        RC=timeout
    fi
}
watch_to_head_none
check_eq "watch ended (exit 4)" 4 "$RC"
check_contains "naming the newest seq" "ptrack watch --after 2 goes on from there" \
    "$(cat "$PT_TMP/watch.err")"

pt_finish
