#!/usr/bin/env bash
# ptrack watch whose pipe's reader has gone (watch | head -1, | grep -m1)
# ends then, as the write of its next event would end it (SIGPIPE), rather
# than wait on in long polls that write nothing until another event comes:
# with no event coming, the pipeline never ended. Also while ptrackd is
# away and watch waits to try again.
set -u
. "$(dirname "$0")/lib.sh"
pt_init
pt_config '{}'
pt_start

for t in 关于加强农村饮水安全保障的建议 关于加快农村公路提档升级的建议 关于支持资源型地区经济转型的建议; do
    api POST /v1/proposals '{"title":"'"$t"'","delegation":"山西代表团"}'
    check_status "add $t" 201
done

# watch_to_head ARGS...: ptrack watch ARGS into a pipe that head -n 1
# reads; waits for head to take its line, then for watch to end (15 s),
# which RC gives (timeout: watch still runs, and is killed).
watch_to_head() {
    rm -f "$PT_TMP/pipe" && mkfifo "$PT_TMP/pipe"
    "$PTRACK" --socket "$PT_SOCK" watch "$@" >"$PT_TMP/pipe" 2>"$PT_TMP/watch.err" &
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

pt_step "the reader leaves after the first event, and no other comes"
watch_to_head --after 0 --json
check_contains "head took the first event" '"seq":1' "$(cat "$PT_TMP/head.out")"
check_eq "watch ended as a write to the pipe ends it (SIGPIPE)" 141 "$RC"
check_eq "and said nothing" "" "$(cat "$PT_TMP/watch.err")"

pt_step "as a table too"
watch_to_head --after 1
check_contains "head took the first line" "关于加快农村公路提档升级的建议" "$(cat "$PT_TMP/head.out")"
check_eq "watch ended" 141 "$RC"

pt_step "the reader leaves while ptrackd is away"
rm -f "$PT_TMP/pipe" && mkfifo "$PT_TMP/pipe"
"$PTRACK" --socket "$PT_SOCK" watch --after 2 >"$PT_TMP/pipe" 2>"$PT_TMP/watch.err" &
pid=$!
exec 3<"$PT_TMP/pipe"
head -n 1 <&3 >"$PT_TMP/head.out"
pt_stop
wait_for 15 grep -q "will keep trying" "$PT_TMP/watch.err" || true
check_contains "watch waits for ptrackd" "will keep trying" "$(cat "$PT_TMP/watch.err")"
exec 3<&-
if wait_for 15 eval '! kill -0 "$pid" 2>/dev/null'; then
    wait "$pid"
    RC=$?
else
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    RC=timeout
fi
check_eq "watch ended when the reader left" 141 "$RC"

pt_finish
