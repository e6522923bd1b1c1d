#!/usr/bin/env bash
# Where a new notifier instance starts: after the newest event when it is
# loaded, its starting place saved at once, so that a restart neither takes
# it back to the oldest event nor skips what came after; and when saving
# that place fails (here a trigger makes the store refuse it), the instance
# asks again until the store takes it, and then delivers what came after
# (meanwhile it shows as running at that place, not as retrying at seq 0);
# and a notifier loaded at run time has its place saved before any write
# that comes after its load, so a kill -9 right after such a write loses
# none of it for the notifier.
set -u
. "$(dirname "$0")/lib.sh"
pt_init

pt_fixtures notify_record
chmod go-w "$FIX"/fixture_notify_*.so
REC="$PT_TMP/rec.txt"
DB="$PT_DATA/ptrack.db"

pt_step "events before the notifier exists"
pt_config '{}'
pt_start
api POST /v1/proposals '{"title":"关于加强河道治理的建议"}'
check_status "a proposal before the notifier" 201
pt_stop

pt_step "its starting place cannot be saved at first"
sqlite3 "$DB" "CREATE TRIGGER refuse_rec BEFORE INSERT ON notifier_cursors
               WHEN NEW.instance = 'rec' BEGIN SELECT RAISE(ABORT, '磁盘已满'); END;"
pt_config '{}' ',"plugins": [{"instance": "rec", "path": "'"$FIX"'/fixture_notify_record.so",
                             "config": {"path": "'"$REC"'"}}]'
pt_start
wait_for 30 grep -q 'notifier rec: saving its starting place (after event 1) failed' "$PT_TMP/ptrackd.log" || true
check_true "the failure is logged, saying it is tried again" \
    grep -q 'notifier rec: saving its starting place (after event 1) failed.*(it is tried again)' \
    "$PT_TMP/ptrackd.log"
# Waiting for its place to be saved, it retries no event: its status says
# so, and its cursor is that place, not 0.
api GET /v1/plugins
check_eq "a starting notifier is not retrying, and its cursor is its starting place" \
    "false 1" "$(jv '" ".join(json.dumps(i["notifier"][k]) for i in j["items"] if i["instance"] == "rec" for k in ("retrying", "cursor"))')"
check_contains "its last_error says why it delivers nothing yet" \
    "saving its starting place (after event 1) failed: saving a notifier cursor: 磁盘已满; nothing is delivered until it is saved" \
    "$(jv '" ".join(str(i["notifier"]["last_error"]) for i in j["items"] if i["instance"] == "rec")')"
if [ -x "$PTRACK" ]; then
    pt_cli plugins list
    check_contains "ptrack plugins list says it runs, at its starting place (below its row)" \
        "running, queue 0, delivered 0, failed 0, at seq 1" "$(grep -A1 '^rec ' <<<"$OUT" | tail -n 1)"
fi
sqlite3 -cmd ".timeout 5000" "$DB" "DROP TRIGGER refuse_rec;"
api POST /v1/proposals '{"title":"关于完善社区养老服务的建议"}'
check_status "a proposal after the load" 201
wait_for 30 test -s "$REC" || true
check_eq "once saved, the notifier delivers the event after its load, not the one before" \
    "2 proposal.created" "$(cat "$REC" 2>/dev/null)"
check_eq "its saved cursor" 2 "$(sqlite3 "$DB" "SELECT seq FROM notifier_cursors WHERE instance = 'rec'")"

pt_step "a restart goes on from the cursor"
pt_stop
pt_start
api POST /v1/proposals '{"title":"关于推进垃圾分类的建议"}'
wait_for 30 eval '[ "$(grep -c . "$REC")" -ge 2 ]' || true
check_eq "after the restart: the new event only" "2 proposal.created
3 proposal.created" "$(cat "$REC")"

pt_step "a notifier loaded at run time, then a write, then a crash"
# The load queues the starting place ahead of the write that follows it,
# so once that write is answered the place is saved, and a kill -9 cannot
# make the restart start the instance after that write.
REC2="$PT_TMP/rec2.txt"
api POST /v1/plugins '{"instance": "rec2", "path": "'"$FIX"'/fixture_notify_record.so",
                       "config": {"path": "'"$REC2"'"}}'
check_status "POST /v1/plugins loads it" 201
api POST /v1/proposals '{"title":"关于改善农村公路的建议"}'
check_status "a proposal right after the load" 201
saved=$(sqlite3 -cmd ".timeout 5000" "$DB" "SELECT seq FROM notifier_cursors WHERE instance = 'rec2'")
check_true "its starting place (3, or later once delivered) is saved by then: '$saved'" \
    [ "${saved:-0}" -ge 3 ]
pt_kill9
pt_config '{}' ',"plugins": [{"instance": "rec", "path": "'"$FIX"'/fixture_notify_record.so",
                             "config": {"path": "'"$REC"'"}},
                            {"instance": "rec2", "path": "'"$FIX"'/fixture_notify_record.so",
                             "config": {"path": "'"$REC2"'"}}]'
pt_start
wait_for 30 test -s "$REC2" || true
# Delivered before the kill, after the restart, or both (at least once).
check_eq "the write after its load is delivered, before the crash or after the restart" \
    "4 proposal.created" "$(sort -u "$REC2" 2>/dev/null)"
pt_stop
pt_finish
