#!/usr/bin/env bash
# The change feed as an event stream (GET /v1/events, Accept:
# text/event-stream), core/api-feed.c:
#   - a stream that starts behind sends every event up to now at once, page
#     after page, not one page per commit;
#   - clients that do not read hold the daemon's memory to a bound: the
#     stream reads on only once its client has taken what was written;
#   - a stream whose client takes nothing for idle_timeout is closed; one
#     that reads slowly is not;
#   - the store's reads, the page of a stream among them, run on threads
#     named pt-read (docs/architecture.md, "Threads").
set -u
. "$(dirname "$0")/lib.sh"
pt_init

FEED="$PT_SOURCE_DIR/tests/e2e/feedclient.py"
pt_config '{}'
pt_start

pt_step "a stream from far behind catches up at once"
for i in $(seq 1 120); do
    printf '{"title":"关于第%d号测试的建议","delegation":"山西代表团"}\n' "$i"
done >"$PT_TMP/rows.jsonl"
while read -r line; do
    api POST /v1/proposals "$line"
done <"$PT_TMP/rows.jsonl"
api GET /v1/health
LAST=$(jv 'j["last_seq"]')
check_true "the feed holds at least 120 events ($LAST)" [ "$LAST" -ge 120 ]
got=$(python3 "$FEED" "$PT_SOCK" backlog 0 10 "$LAST" 5)
check_eq "a stream from 0 with pages of 10 sends all $LAST events, with no write meanwhile" \
    "$LAST 1 $LAST" "$got"
got=$(python3 "$FEED" "$PT_SOCK" backlog 0 100 "$LAST" 5)
check_eq "and with pages of 100" "$LAST 1 $LAST" "$got"
check_true "the store's reads ran on threads named pt-read" \
    grep -qx pt-read /proc/"$PT_PID"/task/*/comm
check_eq "the loop's thread keeps the process's name" ptrackd "$(cat "/proc/$PT_PID/comm")"

pt_step "streams that do not read hold the daemon's memory to a bound"
# 6 streams that read nothing, while 120 proposals of about 400 kB are
# made: each stream's events come to about 48 MB. Read on regardless,
# they would hold about 290 MB; held back, a few MB each.
out=$(python3 "$FEED" "$PT_SOCK" stalled 6 "$PT_PID" 120 400)
before=${out% *}
after=${out#* }
check_true "VmRSS grew by less than 100 MB ($before kB -> $after kB)" \
    [ $((after - before)) -lt 102400 ]
api GET /v1/health
check_status "the daemon serves on" 200
pt_stop

pt_step "a stream whose client takes nothing for idle_timeout is closed"
pt_config '{}' ',"limits": {"idle_timeout": "2s"}'
pt_start
check_eq "the stream is closed" closed "$(python3 "$FEED" "$PT_SOCK" closed 4)"
# One that reads, slowly (160 kB/s: what is held back takes longer than
# idle_timeout to go), is not: it gets every event.
check_eq "a slow reader gets all 8 events of 200 kB, the stream open" "8 open" \
    "$(python3 "$FEED" "$PT_SOCK" slow 8 200 160)"
check_true "and the log says why" grep -q "an event stream took nothing for 2000 ms; it is closed" \
    "$PT_TMP/ptrackd.log"
api GET /v1/health
check_status "the daemon serves on" 200
pt_stop
pt_finish
