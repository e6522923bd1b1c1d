#!/usr/bin/env bash
# Stopping notifiers caught inside deliver(), with the blocking fixture:
#   - a SIGHUP that changes such an instance does not hold up the loop: the
#     change waits for deliver() to return and is made then;
#   - an unload refused after its wait (409) changes nothing: the instance
#     goes on delivering; the refusal says how long deliver() has run and
#     how much of that the unload waited;
#   - a SIGHUP's change whose wait for deliver() runs out is logged once,
#     as what it is: the instance goes on with its running configuration;
#   - at SIGTERM, several stuck instances share one wait instead of each
#     waiting in turn;
#   - an unload waiting for deliver() when SIGTERM comes is answered 409 at
#     once, saying that the instance stops with ptrackd: the refusal used
#     to take the stop's own request back and say that the instance goes
#     on delivering, which a stopping ptrackd does not do.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init

pt_fixtures notify_block
chmod go-w "$FIX"/fixture_notify_*.so

GATE="$PT_TMP/gate.txt"       # the events the gate instance entered deliver() with
GATE2="$PT_TMP/gate2.txt"     # the same after its change
OPEN="$PT_TMP/open"           # deliver() returns once this exists

gate_entry() { # gate_entry PATH: the instance's entry with that notes file
    printf '{"instance": "gate", "path": "%s/fixture_notify_block.so", "config": {"path": "%s", "release": "%s"}}' \
        "$FIX" "$1" "$OPEN"
}
pt_config '{}' ',"plugins": ['"$(gate_entry "$GATE")"']'
pt_start

create() { pt_create "{\"title\": \"$1\"}" >/dev/null; } # create TITLE
now_ms() { date +%s%3N; }
lines() { [ -f "$1" ] && grep -c . "$1" || echo 0; }
has_lines() { [ "$(lines "$1")" -ge "$2" ]; } # has_lines FILE N
wait_lines() { wait_for "$3" has_lines "$1" "$2"; } # wait_lines FILE N SECONDS

# ---------------------------------------------------------------------------
pt_step "a SIGHUP that changes an instance inside deliver() does not hold up the loop"
create "关于完善城市排水设施的建议"
check_true "gate is inside deliver()" wait_lines "$GATE" 1 30

python3 - "$PT_CONF" "$(gate_entry "$GATE2")" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["plugins"] = [json.loads(sys.argv[2])]
json.dump(c, open(sys.argv[1], "w"), ensure_ascii=False)
PY
# deliver() returns only once $OPEN exists: whatever the loop does until
# then, it does while gate is stuck, however long it takes.
check_true "the SIGHUP is dealt with while deliver() is stuck" pt_reload
t0="$(now_ms)"
api GET /v1/health
pt_log "health answered after $(($(now_ms) - t0)) ms"
check_status "health, answered while deliver() is stuck" 200
api GET /v1/plugins/gate
check_eq "gate still runs its old configuration meanwhile" "$GATE" "$(jv 'j["config"]["path"]')"

touch "$OPEN"
runs_gate2() {
    api GET /v1/plugins/gate
    [ "$ST" = 200 ] && [ "$(jv 'j["config"]["path"]')" = "$GATE2" ]
}
wait_for 30 runs_gate2 || true
check_eq "once deliver() returned, gate runs its new configuration" "$GATE2" "$(jv 'j["config"]["path"]')"
rm -f "$OPEN"
create "关于加强社区养老服务的建议"
check_true "the changed instance delivers the next event" wait_lines "$GATE2" 1 30
check_true "the old one noted no more" test "$(lines "$GATE")" = 1
sleep 0.5
check_eq "the new one was not offered what the old one delivered (no repeat)" "" \
    "$(grep '^1 blocked$' "$GATE2" || true)"

pt_step "a second SIGHUP that takes the waiting change back leaves the instance running"
# gate is inside deliver() of the event above; a change waits, then the
# next reload names the running entry again.
set_gate() { # set_gate PATH: the config's gate entry notes into PATH
    python3 - "$PT_CONF" "$(gate_entry "$1")" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["plugins"] = [json.loads(sys.argv[2])]
json.dump(c, open(sys.argv[1], "w"), ensure_ascii=False)
PY
}
set_gate "$PT_TMP/gate3.txt"
check_true "a SIGHUP with a change" pt_reload
set_gate "$GATE2"
check_true "a SIGHUP naming the running entry again" pt_reload
api GET /v1/plugins/gate
check_eq "gate runs its entry, not stopping" "$GATE2 False" \
    "$(jv '"%s %s" % (j["config"]["path"], j["notifier"]["stopping"])')"

# ---------------------------------------------------------------------------
pt_step "an unload refused after its wait changes nothing"
# gate is inside deliver() of the event above.
t0="$(now_ms)"
api DELETE /v1/plugins/gate
pt_log "DELETE answered after $(($(now_ms) - t0)) ms"
check_error "DELETE /v1/plugins/gate while deliver() does not return" 409 conflict
check_contains "the refusal says the instance goes on" "goes on delivering" "$(jv 'j["error"]["message"]')"
# deliver() began before the unload, which waited its 5 s (gate has no
# timeout option) of that time: the refusal names both, each for what it is.
check_true "the refusal says how long deliver() has run and how long the unload waited" \
    python3 -c '
import re, sys
m = re.search(r"has been in deliver\(\) for (\d+) s, of which the stop waited (\d+) s for it to return;", sys.argv[1])
sys.exit(not (m and 5 <= int(m.group(2)) <= int(m.group(1))))' "$(jv 'j["error"]["message"]')"
api GET /v1/plugins/gate
check_eq "gate is not left stopping" false "$(jv 'j["notifier"]["stopping"]')"
touch "$OPEN"
create "关于推进乡村振兴的建议"
api GET /v1/health
LAST="$(jv 'j["last_seq"]')"
noted() { grep -q "^$2 blocked$" "$1"; } # noted FILE SEQ: deliver() was offered SEQ
check_true "gate delivers what came after the refused unload (seq $LAST)" \
    wait_for 10 noted "$GATE2" "$LAST"
rm -f "$OPEN"

# ---------------------------------------------------------------------------
pt_step "a SIGHUP whose wait for deliver() runs out logs one true line"
n="$(lines "$GATE2")"
create "关于规范校外培训的建议"
check_true "gate is inside deliver() again" wait_lines "$GATE2" "$((n + 1))" 30
mark="$(wc -l <"$PT_TMP/ptrackd.log")"
set_gate "$PT_TMP/gate4.txt"
kill -HUP "$PT_PID"
# The wait is 10 s; the line comes when it runs out (up to 30 s on a
# loaded machine), and a moment after it anything that would contradict it.
for _ in $(seq 1 300); do
    grep -q "reload: plugin instance gate was not changed" \
        <(tail -n +"$((mark + 1))" "$PT_TMP/ptrackd.log") && break
    sleep 0.1
done
sleep 1
tail -n +"$((mark + 1))" "$PT_TMP/ptrackd.log" >"$PT_TMP/after.log"
check_eq "one line says how the change ended" 1 \
    "$(grep -c 'reload: plugin instance gate was not changed: its deliver() did not return within 10 s of the reload; it goes on delivering with its running configuration' "$PT_TMP/after.log" || true)"
check_eq "and no line says otherwise" 0 \
    "$(grep -c 'stops when it returns\|notifier gate: goes on' "$PT_TMP/after.log" || true)"
api GET /v1/plugins/gate
check_eq "gate runs its running entry, not stopping" "$GATE2 False" \
    "$(jv '"%s %s" % (j["config"]["path"], j["notifier"]["stopping"])')"
set_gate "$GATE2"

# ---------------------------------------------------------------------------
pt_step "SIGTERM with several instances stuck: one shared wait"
for n in 1 2 3; do
    api POST /v1/plugins '{"instance": "stuck'"$n"'", "path": "'"$FIX"'/fixture_notify_block.so", "config": {"path": "'"$PT_TMP/stuck$n.txt"'"}}'
    check_true "stuck$n loads (HTTP $ST)" test "${ST:0:1}" = 2
done
create "关于优化营商环境的建议"
for n in 1 2 3; do
    check_true "stuck$n is inside deliver()" wait_lines "$PT_TMP/stuck$n.txt" 1 30
done
t0="$(now_ms)"
pt_stop
STOP_MS=$(($(now_ms) - t0))
pt_log "ptrackd stopped after $STOP_MS ms"
check_contains "the log names the instances it could not stop" "stuck1 cannot be stopped" \
    "$(cat "$PT_TMP/ptrackd.log")"
# Each instance given up on is logged as the stop gives up on it: with one
# shared wait (3 s) the lines come together, after the first wait; with a
# wait for each, 3 s apart. Judged from the log's own times, not from how
# long the stop took on a busy machine.
GAVE_UP_MS="$(grep -E 'plugin instance (gate|stuck[123]) cannot be stopped' "$PT_TMP/ptrackd.log" |
    python3 -c '
import datetime, sys
ts = [datetime.datetime.fromisoformat(l.split()[0].replace("Z", "+00:00")).timestamp()
      for l in sys.stdin]
print(len(ts), round((max(ts) - min(ts)) * 1000))')"
check_eq "four instances were given up on" 4 "${GAVE_UP_MS% *}"
check_true "all in one wait: the first and last given up on within 3 s (${GAVE_UP_MS#* } ms)" \
    test "${GAVE_UP_MS#* }" -lt 3000

# ---------------------------------------------------------------------------
pt_step "an unload waiting for deliver() when SIGTERM comes"
# gate is offered again the event it was stuck on at the stop, or this one.
n="$(lines "$GATE2")"
pt_start
create "关于加快老旧小区改造的建议"
check_true "gate is inside deliver()" wait_lines "$GATE2" "$((n + 1))" 30
curl -s --max-time 30 --unix-socket "$PT_SOCK" -X DELETE -o "$PT_TMP/unload.body" \
    -w '%{http_code}' http://localhost/v1/plugins/gate >"$PT_TMP/unload.status" &
unload=$!
# The DELETE waits (5 s) for deliver(), which does not return: the stop
# comes once it waits (gate is stopping), not after a fixed time that a
# loaded machine may take to send it.
unloading() {
    api GET /v1/plugins/gate
    [ "$(jv 'j["notifier"]["stopping"]')" = true ]
}
check_true "the DELETE waits for deliver()" wait_for 30 unloading
t0="$(now_ms)"
pt_stop
wait "$unload" || true
pt_log "ptrackd stopped after $(($(now_ms) - t0)) ms"
check_eq "the DELETE is refused" 409 "$(cat "$PT_TMP/unload.status")"
msg="$(jv 'j["error"]["message"]' "$(cat "$PT_TMP/unload.body")")"
check_contains "saying that the instance stops with ptrackd" \
    "ptrackd is stopping, so it delivers nothing more and stops with ptrackd" "$msg"
check_eq "not that it goes on delivering" "" "$(printf %s "$msg" | grep 'as before' || true)"
check_eq "ptrackd exits 0" 0 "$PT_STOP_RC"

pt_finish
