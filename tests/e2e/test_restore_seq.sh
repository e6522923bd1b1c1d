#!/usr/bin/env bash
# A database restored from a backup (docs/operation.md, "Backups"): the
# events committed after the backup are not in it, and a consumer of the
# change feed has seen their numbers. The change feed must not give those
# numbers again: ptrackd notices from its mark (ptrack.seq) that the store
# is behind what it gave out, records one store.restored event after the
# mark, saying which numbers were lost, and numbers every later event after
# it. A notifier of store.* gets it (a WeCom robot in words), one of
# proposal.* and a unit's feed do not, and `ptrack watch` names the lost
# numbers. The ids of the proposals lost are not given again either. A
# restart without a restore, and a kill -9, record nothing; a
# mark that cannot be opened stops the start.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init
pt_fixtures notify_record
chmod go-w "$FIX"/fixture_notify_record.so
SO="$PT_BUILD_DIR/plugins/notify_webhook.so"
[ -f "$SO" ] || pt_die "$SO not built"
chmod go-w "$SO"
# A WeCom robot on loopback (no proxy of the environment in between).
pt_receiver robot
# Notifiers: two for the store's own events (a record and a WeCom robot),
# one for the proposals'.
pt_config '{}' ',"plugins": [
  {"instance": "store", "path": "'"$FIX"'/fixture_notify_record.so",
   "config": {"path": "'"$PT_TMP/store.txt"'"}, "events": ["store.*"]},
  {"instance": "robot", "path": "'"$SO"'", "events": ["store.restored"],
   "config": {"url": "http://127.0.0.1:'"$PORT_robot"'/cgi-bin/webhook/send?key=k1",
              "format": "wecom"}},
  {"instance": "props", "path": "'"$FIX"'/fixture_notify_record.so",
   "config": {"path": "'"$PT_TMP/props.txt"'"}, "events": ["proposal.*"]}
]'
pt_start

create() { pt_create "{\"title\": \"$1\", \"delegation\": \"山西代表团\"}" >/dev/null; }

health_seq() {
    api GET /v1/health
    jv 'j["last_seq"]'
}

pt_step "three proposals, then the backup (VACUUM INTO while ptrackd runs)"
for t in 关于恢复前的建议一 关于恢复前的建议二 关于恢复前的建议三; do create "$t"; done
KEPT="$(health_seq)"
check_eq "the mark follows the commits" "$KEPT" "$(head -n 1 "$PT_DATA/ptrack.seq")"
python3 - "$PT_DATA/ptrack.db" "$PT_TMP/backup.db" <<'EOF'
import sqlite3, sys
sqlite3.connect(sys.argv[1]).execute("VACUUM INTO ?", (sys.argv[2],))
EOF

pt_step "more writes after the backup, seen by a consumer of the feed"
for t in 关于备份后的建议一 关于备份后的建议二; do create "$t"; done
pt_act 4 supervise '{"key_supervision": true, "supervisor": "督查室"}'
GIVEN="$(health_seq)"
GIVEN_ID="$(api GET '/v1/proposals?limit=500' && jv 'max(p["id"] for p in j["items"])')"
api GET "/v1/events?after=0&limit=500"
check_eq "the consumer has seen up to the last seq" "$GIVEN" "$(jv 'j["items"][-1]["seq"]')"
[ "$GIVEN" -gt "$KEPT" ] || pt_die "no event after the backup ($KEPT, $GIVEN)"

pt_step "ptrackd stopped, the backup restored as the operator's guide says"
pt_stop
mkdir "$PT_TMP/aside"
mv "$PT_DATA/ptrack.db" "$PT_TMP/aside/"
mv "$PT_DATA/ptrack.db-wal" "$PT_DATA/ptrack.db-shm" "$PT_TMP/aside/" 2>/dev/null || true
cp "$PT_TMP/backup.db" "$PT_DATA/ptrack.db"
chmod 600 "$PT_DATA/ptrack.db"
pt_start

check_eq "the restored store has the proposals of the backup" 3 \
    "$(api GET '/v1/proposals?limit=500' && jv 'len(j["items"])')"
check_eq "the feed goes on right after the mark" "$((GIVEN + 1))" "$(health_seq)"
api GET "/v1/events?after=$GIVEN"
check_eq "after what the consumer saw: one store.restored event" \
    "store.restored $((GIVEN + 1)) ptrackd None" \
    "$(jv '" ".join(str(x) for x in (j["items"][0]["type"], j["items"][0]["seq"], j["items"][0]["actor"], j["items"][0]["proposal"])) if len(j["items"]) == 1 else j')"
check_eq "it names the numbers that were lost" "$KEPT $GIVEN" \
    "$(jv '"%s %s" % (j["items"][0]["data"]["last_kept"], j["items"][0]["data"]["last_given"])')"
if grep -q "ptrackd had given up to seq $GIVEN" "$PT_TMP/ptrackd.log"; then
    pt_ok "the start says so in the log"
else
    pt_check_fail "the start says so in the log" "a warning naming seq $GIVEN" \
        "$(tail -n 5 "$PT_TMP/ptrackd.log")"
fi

pt_step "the notifiers: store.* gets it, proposal.* does not"
for i in $(seq 1 300); do
    grep -q "store.restored" "$PT_TMP/store.txt" 2>/dev/null && break
    sleep 0.1
done
check_eq "the store.* notifier got it, with its seq" "$((GIVEN + 1)) store.restored" \
    "$(awk '{print $1, $2}' "$PT_TMP/store.txt" 2>/dev/null | grep store.restored)"
check_eq "the proposal.* notifier did not" "" "$(grep store.restored "$PT_TMP/props.txt" || true)"
for i in $(seq 1 300); do
    [ -s "$PT_TMP/robot.jsonl" ] && break
    sleep 0.1
done
check_eq "the WeCom robot got it in words" \
    "### 建议系统数据已从备份恢复|> 第 $((KEPT + 1)) 至第 $GIVEN 号动态不在恢复后的数据中" \
    "$(python3 -c '
import json, sys
reqs = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
c = json.loads(reqs[0]["body"])["markdown"]["content"] if len(reqs) == 1 else reqs
print("|".join(l.split("：")[0] for l in c.splitlines()) if isinstance(c, str) else c)
' "$PT_TMP/robot.jsonl")"

pt_step "ptrack watch says which numbers were lost"
"${PT_SIGINT_DFL[@]}" "$PTRACK" --socket "$PT_SOCK" watch --after "$GIVEN" >"$PT_TMP/watch.out" 2>&1 &
WATCH_PID=$!
PT_PIDS+=("$WATCH_PID")
for i in $(seq 1 300); do
    grep -q "restored" "$PT_TMP/watch.out" && break
    sleep 0.1
done
kill -INT "$WATCH_PID" 2>/dev/null || true
wait "$WATCH_PID" 2>/dev/null || true
WATCH="$(cat "$PT_TMP/watch.out")"
if grep -q "数据恢复 restored .*第 $((KEPT + 1)) 至第 $GIVEN 号动态不在恢复后的数据中" <<<"$WATCH"; then
    pt_ok "the watch line"
else
    pt_check_fail "the watch line" "数据恢复 restored ... 第 $((KEPT + 1)) 至第 $GIVEN 号..." "$WATCH"
fi

pt_step "a restart before any new write"
pt_stop
pt_start
check_eq "the start after it does not take the ids for lost again" 1 \
    "$(grep -c "ptrackd had given up to id" "$PT_TMP/ptrackd.log")"

pt_step "a new write is numbered after every seq given before"
create 关于恢复后的建议
# The proposals created after the backup are lost, but their ids were
# given out (and their proposal.created events seen): a new proposal is
# another one, and takes none of them.
check_eq "the new proposal's id is after every id given before the restore ($GIVEN_ID)" \
    "$((GIVEN_ID + 1))" "$(jv 'j["id"]')"
if grep -q "ptrackd had given up to id $GIVEN_ID .*the next proposal is $((GIVEN_ID + 1))" \
    "$PT_TMP/ptrackd.log"; then
    pt_ok "the start says so in the log"
else
    pt_check_fail "the start says so in the log" "a warning naming id $GIVEN_ID" \
        "$(grep WARN "$PT_TMP/ptrackd.log" | tail -n 3)"
fi
api GET "/v1/events?after=$GIVEN"
check_eq "the consumer that skips what it has seen gets both" \
    "store.restored proposal.created" "$(jv '" ".join(e["type"] for e in j["items"])')"
check_eq "the new event's seq" "$((GIVEN + 2))" "$(jv 'j["items"][1]["seq"]')"
check_eq "the mark follows" "$((GIVEN + 2))" "$(head -n 1 "$PT_DATA/ptrack.seq")"

pt_step "a unit's feed does not show it (it is of no proposal)"
TOKEN="$(pt_unit_token 水利厅 山西省水利厅)"
req "tcp:$TOKEN" GET "/v1/events?after=0&limit=500"
check_eq "the unit's feed" "" "$(jv '" ".join(e["type"] for e in j["items"] if e["type"] == "store.restored")')"

pt_step "a restart and a kill -9 are not a restore"
pt_stop
pt_start
create 关于重启后的建议
pt_kill9
pt_start
create 关于强制重启后的建议
api GET "/v1/events?after=0&limit=500"
check_eq "one store.restored event in the feed" 1 \
    "$(jv 'len([e for e in j["items"] if e["type"] == "store.restored"])')"
check_eq "the feed's numbers rise" "yes" \
    "$(jv '"yes" if all(a["seq"] < b["seq"] for a, b in zip(j["items"], j["items"][1:])) else [e["seq"] for e in j["items"]]')"
if [ "$(grep -c "ptrackd had given up to seq" "$PT_TMP/ptrackd.log")" = 1 ]; then
    pt_ok "no second warning"
else
    pt_check_fail "no second warning" 1 "$(grep -c "ptrackd had given up to seq" "$PT_TMP/ptrackd.log")"
fi

pt_step "a mark that is not a number is written anew, with a warning"
pt_stop
echo "garbage" >"$PT_DATA/ptrack.seq"
pt_start
LAST="$(health_seq)"
check_eq "the mark is the store's newest seq again" "$LAST" "$(head -n 1 "$PT_DATA/ptrack.seq")"
if grep -q "ptrack.seq does not hold a seq" "$PT_TMP/ptrackd.log"; then
    pt_ok "the start warns about the mark"
else
    pt_check_fail "the start warns about the mark" "a warning" "$(tail -n 3 "$PT_TMP/ptrackd.log")"
fi

pt_step "a mark that cannot be opened stops the start, naming it"
pt_stop
rm -f "$PT_DATA/ptrack.seq"
mkdir "$PT_DATA/ptrack.seq"
rc=0
timeout 10 "$PTRACKD" --config "$PT_CONF" >"$PT_TMP/refused.log" 2>&1 || rc=$?
check_eq "ptrackd exits 1" 1 "$rc"
if grep -q "cannot open $PT_DATA/ptrack.seq, the change feed's mark" "$PT_TMP/refused.log"; then
    pt_ok "the message names the file"
else
    pt_check_fail "the message names the file" "cannot open .../ptrack.seq" "$(tail -n 3 "$PT_TMP/refused.log")"
fi
rmdir "$PT_DATA/ptrack.seq"
pt_start
check_eq "started again, the mark made anew" "$(health_seq)" "$(head -n 1 "$PT_DATA/ptrack.seq")"

pt_stop
pt_finish
