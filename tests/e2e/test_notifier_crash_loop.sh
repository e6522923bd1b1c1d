#!/usr/bin/env bash
# A notifier whose deliver() crashes on an event (the fixture notify_crash
# crashes on every one) ends ptrackd; the event is offered again after the
# restart (at least once), and would end it at every start. ptrackd keeps a
# record of such crashes in its data directory: the crash line names the
# event, the first restart offers it again with a warning, and once it has
# crashed PT_PLUGIN_CRASHES_TO_DROP (2) times, the next start drops it for
# that instance, as a PTRACK_ERROR would, and serves.
set -u
. "$(dirname "$0")/lib.sh"
pt_init
pt_fixtures notify_crash
cp "$FIX/fixture_notify_crash.so" "$PT_TMP/notify_crash.so"
chmod 0755 "$PT_TMP/notify_crash.so"

pt_config '{}' ',"plugins": [
    {"instance": "im-crash", "path": "'"$PT_TMP"'/notify_crash.so", "events": ["proposal.created"]}
  ]'

# ends: waits up to 30 s for ptrackd to end by itself; sets rc.
ends() {
    local i
    for i in $(seq 1 300); do
        kill -0 "$PT_PID" 2>/dev/null || break
        sleep 0.1
    done
    wait "$PT_PID" 2>/dev/null
    rc=$?
    PT_PID=""
}

pt_step "the crash names the event"
pt_start
api POST /v1/proposals '{"title": "关于通知崩溃的建议"}'
# The commit wakes the notifier's thread before the answer is written, and
# its crash ends ptrackd with the request in flight: on a loaded machine
# the crash often comes first and the answer is lost. Either way the
# proposal is stored (checked after the last restart, below).
case "$ST" in
201) pt_ok "the proposal is created -> 201" ;;
curl-failed:*"Empty reply"* | curl-failed:*"reset by peer"* | curl-failed:*"Recv failure"*)
    pt_log "the crash came before the answer ($ST)" ;;
*) pt_check_fail "the proposal is created" "HTTP 201, or no answer: the crash ended the connection" \
    "HTTP $ST, body: ${BODY:0:300}" ;;
esac
ends
check_true "ptrackd ended" test -n "$rc"
check_true "the crash line names the plugin, the instance, the call and the event" \
    grep -q "in the code of plugin notify_crash (instance im-crash), in its deliver() of event 1; ptrackd ends" \
    "$PT_TMP/ptrackd.log"
check_true "... and says what the restart does with it" \
    grep -q "after the restart the event is offered to that instance again, and dropped for it once its deliver() has crashed on it 2 times" \
    "$PT_TMP/ptrackd.log"
check_eq "the crash is recorded in the data directory" "im-crash 1" "$(cat "$PT_DATA/plugin-crashes")"

pt_step "the first restart offers it again"
: >"$PT_TMP/ptrackd.log"
fails=$PT_FAILS
"$PTRACKD" --config "$PT_CONF" >>"$PT_TMP/ptrackd.log" 2>&1 &
PT_PID=$!
PT_PIDS+=("$PT_PID")
ends
check_true "with a warning" \
    grep -q "notifier im-crash: event 1 (proposal.created) is offered again, though its deliver() crashed ptrackd on it 1 time; at 2 it is dropped for this instance" \
    "$PT_TMP/ptrackd.log"
check_true "it crashes again" grep -q "its deliver() has now crashed on that event 2 times: after the restart the event is dropped for that instance" \
    "$PT_TMP/ptrackd.log"
# The next start empties the log, which the EXIT trap shows on a failure.
if [ "$PT_FAILS" -gt "$fails" ]; then
    echo "--- ptrackd's log of the first restart:"
    cat "$PT_TMP/ptrackd.log"
fi

pt_step "the second restart drops it and serves"
: >"$PT_TMP/ptrackd.log"
pt_start
# The drop is logged before the instance's counters move past the event:
# wait (up to 30 s, a loaded machine) for what GET /v1/plugins shows, not
# for the log line alone.
dropped() {
    grep -q "is dropped" "$PT_TMP/ptrackd.log" || return 1
    api GET /v1/plugins/im-crash
    [ "$(jv '"%d %d" % (j["notifier"]["failed"], j["notifier"]["cursor"])')" = "1 1" ]
}
wait_for 30 dropped || true
check_true "ptrackd runs" kill -0 "$PT_PID"
check_true "the log says why the event was dropped" \
    grep -q "notifier im-crash: event 1 (proposal.created) is dropped: its deliver() crashed ptrackd on it 2 times; it is not offered to this instance again (a bug of plugin notify_crash)" \
    "$PT_TMP/ptrackd.log"
api GET /v1/plugins/im-crash
check_eq "the instance counts it as failed, and moved past it" "1 1" \
    "$(jv '"%d %d" % (j["notifier"]["failed"], j["notifier"]["cursor"])')"
check_contains "its last_error says why" "crashed ptrackd on it 2 times" \
    "$(jv 'j["notifier"]["last_error"]')"
api GET /v1/health
check_status "ptrackd answers" 200
api GET /v1/proposals/1
check_eq "the proposal of the first step was stored, whether or not its answer came" \
    "200 关于通知崩溃的建议" "$ST $(jv 'j["title"]')"
pt_stop
check_eq "and stops cleanly" "0" "$PT_STOP_RC"
pt_finish
