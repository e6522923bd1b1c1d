#!/usr/bin/env bash
# `ptrack watch` outlives a restart of ptrackd: it says once that ptrackd
# went away, keeps trying, and when ptrackd is back says so, naming the seq
# it goes on after (the last event it printed), before the events that
# came since; nothing is lost or printed twice, and SIGTERM ends it with
# exit 0.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init
pt_config
pt_start
pt_need_cli

# stdout and stderr in one file, in the order they were written: watch
# flushes each poll's events, and stderr is not buffered.
"$PTRACK" --socket "$PT_SOCK" watch </dev/null >"$PT_TMP/watch.out" 2>&1 &
watch_pid=$!
PT_PIDS+=("$watch_pid")

pt_step "an event before the restart"
# watch shows what happens once it has read the feed's head, which a busy
# machine may delay: until it shows one, a proposal is made each second.
# A is the last of them.
watching() { grep -q "关于重启之前的建议" "$PT_TMP/watch.out"; }
for _ in $(seq 1 60); do
    api POST /v1/proposals '{"title": "关于重启之前的建议"}'
    A="$(jv 'j["id"]')"
    wait_for 1 watching && break
done
wait_for 30 grep -q "#$A " "$PT_TMP/watch.out" || pt_die "watch did not print #$A"
SEQ_A="$(api GET '/v1/events?after=0' && jv 'j["items"][-1]["seq"]')"

pt_step "ptrackd stops and starts again"
pt_stop
wait_for 30 grep -q "will keep trying" "$PT_TMP/watch.out" ||
    pt_check_fail "watch says that it keeps trying" "will keep trying" "$(cat "$PT_TMP/watch.out")"
pt_start
api POST /v1/proposals '{"title": "关于重启之后的建议"}'
B="$(jv 'j["id"]')"
wait_for 40 grep -q "#$B " "$PT_TMP/watch.out" ||
    pt_check_fail "watch prints the event after the restart" "#$B" "$(cat "$PT_TMP/watch.out")"
kill -TERM "$watch_pid"
set +e
wait "$watch_pid"
RC=$?
set -e
W="$(cat "$PT_TMP/watch.out")"

check_eq "SIGTERM ends watch with exit 0" 0 "$RC"
check_eq "the outage is told once" 1 "$(grep -c "will keep trying" <<<"$W")"
check_contains "the return names the last seq printed" \
    "connected to ptrackd again; continuing after seq $SEQ_A" "$W"
check_eq "and comes before the event that came since" \
    "connected to ptrackd again" "$(grep -e "connected to ptrackd again" -e "#$B " <<<"$W" |
        head -n 1 | grep -o "connected to ptrackd again")"
check_eq "the event before the restart is printed once" 1 "$(grep -c "#$A " <<<"$W")"
check_eq "the event after it is printed once" 1 "$(grep -c "#$B " <<<"$W")"

pt_finish
