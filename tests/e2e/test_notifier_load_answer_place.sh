#!/usr/bin/env bash
# The answer to POST /v1/plugins for a new notifier showed "cursor": 0 and
# "behind" equal to every event in the store, as if it were to deliver them
# all, when its worker had not yet read where it starts (after the newest
# event); a GET moments later showed the right place. Until the worker has
# read it, cursor, saved_cursor and behind are null (and /metrics has no
# sample for them); once read, the place is the newest event at the load.
set -u
. "$(dirname "$0")/lib.sh"
pt_init

pt_fixtures notify_record
chmod go-w "$FIX"/fixture_notify_*.so
pt_config '{}'
pt_start

for t in 关于加强河道治理的建议 关于完善社区养老服务的建议 关于改善农村学校办学条件的建议; do
    api POST /v1/proposals "{\"title\": \"$t\"}"
    check_status "a proposal before the notifiers" 201
done
api GET "/v1/events?after=0"
LAST="$(jv 'j["items"][-1]["seq"]')"
check_true "events are in the store" test "$LAST" -ge 3

for k in 1 2 3 4 5 6; do
    api POST /v1/plugins '{"instance": "rec'"$k"'", "path": "'"$FIX"'/fixture_notify_record.so",
                           "config": {"path": "'"$PT_TMP/rec$k.txt"'"}}'
    check_status "loading notifier rec$k" 201
    check_eq "the answer for rec$k shows its starting place, or none yet" ok \
        "$(jv '"ok" if [(n := j["notifier"])["cursor"], n["saved_cursor"], n["behind"]] == [None] * 3 or [n["cursor"], n["behind"]] == ['"$LAST"', 0] else json.dumps(n)')"
done
ok=0
for _ in $(seq 1 100); do
    api GET /v1/plugins/rec1
    [ "$(jv 'j["notifier"]["cursor"]')" = "$LAST" ] && ok=1 && break
    sleep 0.1
done
check_eq "moments later its cursor is the newest event at the load" 1 "$ok"
check_eq "and nothing is behind" 0 "$(jv 'j["notifier"]["behind"]')"

pt_finish
