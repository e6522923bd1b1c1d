#!/usr/bin/env bash
# What an operator sees of a notifier that does not keep up
# (docs/plugins.md, GET /v1/plugins): `retrying` is true from the first
# refusal of an event until it is taken or dropped, also while an attempt
# runs (a receiver that hangs until the timeout), not only between
# attempts; `behind` counts the events committed after its cursor (and
# /metrics has ptrack_notifier_behind); ptrack plugins list shows both. A
# notifier that drops every event logs one line, not one an event, and
# counts the others in the next line.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init

HOOK_SO="$PT_BUILD_DIR/plugins/notify_webhook.so"
EXEC_SO="$PT_BUILD_DIR/plugins/notify_exec.so"
for f in "$HOOK_SO" "$EXEC_SO"; do
    [ -f "$f" ] || pt_die "$f not built"
done
chmod go-w "$HOOK_SO" "$EXEC_SO"

# A receiver that takes the request and never answers.
PORT="$(pt_free_port)"
env python3 "$PT_E2E_DIR/receivers/stall_http.py" "$PORT" >"$PT_TMP/stall.log" 2>&1 &
PT_PIDS+=("$!")
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; }
wait_for 10 listening || pt_die "the stalling receiver did not start"

# A command that drops every event (exit 3) until $OK exists.
OK="$PT_TMP/ok"
cat >"$PT_TMP/drop.sh" <<EOF
#!/bin/sh
cat >/dev/null
[ -e "$OK" ] && exit 0
exit 3
EOF
chmod 755 "$PT_TMP/drop.sh"

pt_config '{}' ',"plugins": [
  {"instance": "hang", "path": "'"$HOOK_SO"'",
   "config": {"url": "http://127.0.0.1:'"$PORT"'/hook", "timeout": "2s"}}]'
pt_start

pt_step "a receiver that hangs: retrying all along, and how far behind"
api POST /v1/proposals '{"title": "关于通知接收方无响应的建议"}'
check_status "a create" 201
status() { # status FIELD: the hang instance's notifier field
    api GET /v1/plugins/hang
    jv "j[\"notifier\"][\"$1\"]"
}
# The first attempt times out after 2 s; from then on every look, during
# the attempts as between them, says retrying.
failed_once() { [ "$(status retries)" -ge 1 ]; }
wait_for 10 failed_once || pt_die "the first attempt did not fail"
looks=""
for i in $(seq 1 12); do
    looks="$looks$(status retrying) "
    sleep 0.5
done
check_eq "retrying at every look, attempts included" \
    "true true true true true true true true true true true true " "$looks"
for n in 1 2; do
    api POST /v1/proposals '{"title": "关于积压第'"$n"'件的建议"}'
done
api GET /v1/health
last="$(jv 'j["last_seq"]')"
api GET /v1/plugins/hang
check_eq "behind: the events after its cursor" "$((last - $(jv 'j["notifier"]["cursor"]')))" \
    "$(jv 'j["notifier"]["behind"]')"
check_true "at least the three proposals' events" test "$(jv 'j["notifier"]["behind"]')" -ge 3
api GET /metrics
check_contains "/metrics has ptrack_notifier_behind" \
    "ptrack_notifier_behind{instance=\"hang\"} $(jv 'j["notifier"]["behind"]' "$(api GET /v1/plugins/hang; echo "$BODY")")" "$BODY"
pt_cli plugins list
check_contains "ptrack plugins list says retrying and how far behind" "retrying, queue" "$OUT"
# What an instance is doing is on the line below its row.
check_true "... with the count behind, below hang's row" grep -qE "^  retrying.*[0-9] behind" \
    <<<"$(grep -A1 '^hang ' <<<"$OUT" | tail -n 1)"

pt_step "a notifier that drops every event logs a line, not one an event"
# Loaded now, it starts after the newest event: it drops only these.
api POST /v1/plugins '{"instance": "drop", "path": "'"$EXEC_SO"'", "config": {"command": ["'"$PT_TMP"'/drop.sh"]}}'
check_status "load it" 201
mark="$(wc -l <"$PT_TMP/ptrackd.log")"
for n in $(seq 1 20); do
    api POST /v1/proposals '{"title": "关于丢弃第'"$n"'件的建议"}'
done
dropped() {
    api GET /v1/plugins/drop
    [ "$(jv 'j["notifier"]["failed"]')" -ge 20 ]
}
check_true "every event dropped" wait_for 30 dropped
since() { tail -n +"$((mark + 1))" "$PT_TMP/ptrackd.log"; }
check_eq "one line for the drops of the last seconds" 1 \
    "$(since | grep -c 'notifier drop: deliver() failed .* the event was dropped' || true)"
counted() {
    since | grep -Eq 'notifier drop: [0-9]+ more events were dropped since the last such line \(the last: event [0-9]+ \(proposal\.'
}
check_true "a line counts the drops not logged one by one, naming the last, with no event after them" \
    wait_for 20 counted
touch "$OK"
api POST /v1/proposals '{"title": "关于恢复投递的建议"}'
delivered() {
    api GET /v1/plugins/drop
    [ "$(jv 'j["notifier"]["delivered"]')" -ge 1 ]
}
check_true "the next event is delivered" wait_for 30 delivered

pt_finish
