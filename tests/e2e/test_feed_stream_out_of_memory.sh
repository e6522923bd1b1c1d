#!/usr/bin/env bash
# An event stream (GET /v1/events, Accept: text/event-stream) that runs out
# of memory in the middle of a page ends there, so that its client
# reconnects from the last id it got and is sent the event again: it went
# on with the next event, and its client never had that one and could not
# know (core/api-feed.c).
#
# How it runs out: ptrackd with tests/shims/failalloc.so, which fails
# every allocation of at least FAILALLOC_MIN bytes while $FLAG exists, in
# the loop's thread alone (FAILALLOC_THREAD=ptrackd): the store's readers
# (named pt-read) build the page, an event of a proposal with a background
# of 600 kB in it, as ever. The loop's copy of that event's text (about
# 600 kB) fails with FAILALLOC_MIN=300000, its rendering (a buffer of
# twice that) with 900000.
set -u
. "$(dirname "$0")/lib.sh"
pt_init

FEED="$PT_SOURCE_DIR/tests/e2e/feedclient.py"
# AddressSanitizer has its own malloc, which the shim cannot stand in
# front of: under it there is nothing to test here.
pt_skip_under_asan "whose malloc the failalloc shim cannot replace"
pt_shim failalloc
FLAG="$PT_TMP/fail-large-allocations"
pt_config '{}'

# start_failing MIN: ptrackd whose loop fails allocations of MIN bytes and
# more while $FLAG exists.
start_failing() {
    LD_PRELOAD="$SHIM" FAILALLOC_MIN="$1" FAILALLOC_FLAG="$FLAG" FAILALLOC_THREAD=ptrackd pt_start
}

# stream_and_resume LIMIT: a stream from $BASE with pages of LIMIT while
# $FLAG exists, then, without it, the stream picked up again as an
# EventSource does (the same address, and Last-Event-ID). Sets FIRST and
# AGAIN to what each got (feedclient.py ids).
stream_and_resume() {
    touch "$FLAG"
    FIRST=$(python3 "$FEED" "$PT_SOCK" ids "$BASE" "$1" "$C" 3)
    rm -f "$FLAG"
    local ids=${FIRST% *} last=""
    [ "$ids" != "-" ] && last=${ids##*,}
    AGAIN=$(python3 "$FEED" "$PT_SOCK" ids "$BASE" "$1" "$C" 10 $last)
}

start_failing 900000
api GET /v1/health
BASE=$(jv 'j["last_seq"]')
api POST /v1/proposals '{"title": "关于内存不足之前的建议", "lead_author": "张代表"}'
check_status "a small proposal is stored" 201
A=$((BASE + 1))
python3 -c '
import json, sys
json.dump({"title": "关于一份很长背景的建议", "lead_author": "李代表",
           "background": "很长的背景说明。" * 25600}, open(sys.argv[1], "w"), ensure_ascii=False)
' "$PT_TMP/big.json"
api POST /v1/proposals -- --data-binary "@$PT_TMP/big.json" -H "Content-Type: application/json"
check_status "a proposal with a background of 600 kB is stored" 201
B=$((BASE + 2))
api POST /v1/proposals '{"title": "关于内存不足之后的建议", "lead_author": "王代表"}'
check_status "another small proposal is stored" 201
C=$((BASE + 3))
api GET /v1/health
check_eq "one event each" "$C" "$(jv 'j["last_seq"]')"

pt_step "the store's readers are named pt-read, the loop's thread ptrackd"
api GET "/v1/events?after=$BASE"
check_status "a read of the feed" 200
check_eq "the loop's thread" ptrackd "$(cat "/proc/$PT_PID/comm")"
check_true "a thread named pt-read" grep -qx pt-read /proc/"$PT_PID"/task/*/comm

pt_step "out of memory rendering an event: the stream ends before it"
stream_and_resume 100
check_eq "the stream ends after the event before it" "$A ended" "$FIRST"
check_eq "picked up again, it brings that event and the next" "$B,$C open" "$AGAIN"
check_contains "the log says why" \
    "ended: out of memory writing event $B; its client gets it when it reconnects" \
    "$(cat "$PT_TMP/ptrackd.log")"
api GET /v1/health
check_status "the daemon serves on" 200
pt_stop

pt_step "out of memory reading a page (of one event): the stream ends before it"
start_failing 300000
stream_and_resume 1
check_eq "the stream ends after the event before it" "$A ended" "$FIRST"
check_eq "picked up again, it brings that event and the next" "$B,$C open" "$AGAIN"
check_contains "the log says why" \
    "ended: out of memory reading the events after $A; its client gets them when it reconnects" \
    "$(cat "$PT_TMP/ptrackd.log")"
api GET /v1/health
check_status "the daemon serves on" 200
pt_stop

pt_finish
