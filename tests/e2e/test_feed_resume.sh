#!/usr/bin/env bash
# An event stream picked up again (GET /v1/events, Accept:
# text/event-stream), core/api-feed.c: a browser's EventSource reconnects
# with the address it was opened with, after= and all, and says in
# Last-Event-ID the last id it had. The stream goes on after the later of
# the two: it brings nothing twice and loses nothing.
set -u
. "$(dirname "$0")/lib.sh"
pt_init
pt_config '{}'
pt_start

api GET /v1/health
A=$(jv 'j["last_seq"]')
for i in 1 2 3 4 5 6; do
    api POST /v1/proposals '{"title":"关于第'$i'号续传测试的建议","delegation":"山西代表团"}'
    check_status "proposal $i is made" 201
done
api GET /v1/health
check_eq "the feed holds 6 events more" $((A + 6)) "$(jv 'j["last_seq"]')"

# stream_ids QUERY LAST_EVENT_ID OUT: a stream read until it has brought
# the feed's newest event (or 60 s); its ids, one a line, in OUT.
stream_ids() {
    curl -sSN --max-time 60 --unix-socket "$PT_SOCK" -H 'Accept: text/event-stream' \
        -H "Last-Event-ID: $2" "http://localhost/v1/events?$1" >"$3.raw" 2>/dev/null &
    local pid=$!
    wait_for 60 grep -q "^id: $((A + 6))\$" "$3.raw" || true
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    grep '^id: ' "$3.raw" | sed 's/^id: //' | tr '\n' ' ' >"$3"
}

pt_step "an EventSource opened with after= reconnects with a later Last-Event-ID"
stream_ids "after=$A" $((A + 3)) "$PT_TMP/later"
check_eq "the stream goes on after Last-Event-ID, nothing twice" \
    "$((A + 4)) $((A + 5)) $((A + 6)) " "$(cat "$PT_TMP/later")"

pt_step "after= later than Last-Event-ID"
stream_ids "after=$((A + 5))" $((A + 2)) "$PT_TMP/earlier"
check_eq "the stream goes on after after=" "$((A + 6)) " "$(cat "$PT_TMP/earlier")"

pt_step "Last-Event-ID alone"
stream_ids "" $((A + 4)) "$PT_TMP/alone"
check_eq "the stream goes on after Last-Event-ID" "$((A + 5)) $((A + 6)) " \
    "$(cat "$PT_TMP/alone")"

pt_step "a Last-Event-ID that is no seq is refused, with after= too"
code="$(curl -s --max-time 5 --unix-socket "$PT_SOCK" -H 'Accept: text/event-stream' \
    -H 'Last-Event-ID: abc' -o "$PT_TMP/bad.out" -w '%{http_code}' \
    "http://localhost/v1/events?after=$A" || true)"
check_eq "Last-Event-ID: abc with after= is 400" 400 "$code"
check_eq "bad_request" bad_request "$(jv 'j["error"]["code"]' "$(cat "$PT_TMP/bad.out")")"

pt_stop
pt_finish
