#!/usr/bin/env bash
# A new notifier instance whose starting place the store keeps refusing to
# save (here a trigger refuses it, as a full disk would) looks for it in
# the store less and less often, as a delivery that fails is retried less
# and less often: it looked every 20 ms for as long as the store refused,
# 50 reads of the store a second, for a night if need be. Once the store
# takes the place, the instance delivers what came after it.
#
# The reads are counted by the instance's thread (pt-n-rec) going to
# sleep: it does once after each look (voluntary_ctxt_switches in its
# /proc status), and waits for nothing else while it has no place.
set -u
. "$(dirname "$0")/lib.sh"
pt_init
command -v sqlite3 >/dev/null || pt_die "sqlite3 is needed"

pt_fixtures notify_record
chmod go-w "$FIX"/fixture_notify_*.so
REC="$PT_TMP/rec.txt"
DB="$PT_DATA/ptrack.db"

pt_step "a store whose notifier_cursors refuse the instance rec"
pt_config '{}'
pt_start
api POST /v1/proposals '{"title":"关于加强河道治理的建议"}'
check_status "a proposal before the notifier" 201
pt_stop
sqlite3 "$DB" "CREATE TRIGGER refuse_rec BEFORE INSERT ON notifier_cursors
               WHEN NEW.instance = 'rec' BEGIN SELECT RAISE(ABORT, '磁盘已满'); END;"
pt_config '{}' ',"plugins": [{"instance": "rec", "path": "'"$FIX"'/fixture_notify_record.so",
                             "config": {"path": "'"$REC"'"}}]'
pt_start
wait_for 30 grep -q 'notifier rec: saving its starting place (after event 1) failed' "$PT_TMP/ptrackd.log" || true
check_true "the refusal is logged" \
    grep -q 'notifier rec: saving its starting place (after event 1) failed' "$PT_TMP/ptrackd.log"

# switches: the voluntary context switches of the thread pt-n-rec.
switches() {
    local t
    for t in /proc/"$PT_PID"/task/*; do
        if [ "$(cat "$t/comm" 2>/dev/null)" = pt-n-rec ]; then
            awk '/^voluntary_ctxt_switches/ {print $2}' "$t/status"
            return
        fi
    done
    echo "none"
}

pt_step "while the store refuses it, the instance looks for it less and less often"
first=$(switches)
check_true "the instance's thread is there: $first" [ "$first" != none ]
sleep 4
last=$(switches)
looks=$((last - first))
# Looking every 20 ms is some 200 looks in 4 s; backing off from 20 ms
# after each ask (1 s, 2 s, then 4 s apart) some 20.
check_true "at most 60 looks in 4 s: $looks" [ "$looks" -le 60 ]
api GET /v1/plugins
check_eq "it is not shown retrying an event, at its starting place" "false 1" \
    "$(jv '" ".join(json.dumps(i["notifier"][k]) for i in j["items"] if i["instance"] == "rec" for k in ("retrying", "cursor"))')"

pt_step "once the store takes it, the instance delivers what came after"
sqlite3 -cmd ".timeout 5000" "$DB" "DROP TRIGGER refuse_rec;"
api POST /v1/proposals '{"title":"关于完善社区养老服务的建议"}'
check_status "a proposal after the load" 201
for _ in $(seq 1 900); do
    [ -s "$REC" ] && break
    sleep 0.1
done
check_eq "the event after its load, not the one before" "2 proposal.created" "$(cat "$REC" 2>/dev/null)"
check_eq "its saved cursor" 2 "$(sqlite3 -cmd ".timeout 5000" "$DB" "SELECT seq FROM notifier_cursors WHERE instance = 'rec'")"
pt_stop
pt_finish
