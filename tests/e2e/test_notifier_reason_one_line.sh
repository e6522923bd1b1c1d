#!/usr/bin/env bash
# A notifier's reason (set_error(NULL, ...) in deliver()) is one line, as
# plugin.h says of set_error's text: a line break, a tab or an escape of
# the receiver's answer becomes a space in GET /v1/plugins' last_error
# and in ptrackd's log. It kept them, where an importer's or exporter's
# reason had them as spaces. A reason longer than the 383 bytes a
# notifier's holds is cut at a character and ends in "…", as set_error's
# own cut does; it was cut without a sign.
set -u
. "$(dirname "$0")/lib.sh"
pt_init
pt_fixtures notify_flaky

FLAKY="$PT_TMP/flaky.txt"
LONG="$(printf '答%.0s' $(seq 1 200))" # 600 bytes
pt_config '{}' ',"plugins": [
  {"instance": "gateway2", "path": "'"$FIX"'/fixture_notify_flaky.so",
   "config": {"path": "'"$PT_TMP/flaky2.txt"'", "fail": 1000, "retry_in": "100ms",
              "reason": "'"$LONG"'", "events": ["proposal.created"]}},
  {"instance": "gateway", "path": "'"$FIX"'/fixture_notify_flaky.so",
   "config": {"path": "'"$FLAKY"'", "fail": 1000, "retry_in": "100ms",
              "reason": "HTTP 502\r\n<html>\tBad Gateway\u001b[31m",
              "events": ["proposal.created"]}}
]'
pt_start
LOG="$PT_TMP/ptrackd.log"

api POST /v1/proposals '{"title": "关于通知网关答复换行的建议"}'
check_status "a create" 201
tried() { [ -s "$FLAKY" ]; }
check_true "the notifier tries the event" wait_for 20 tried
# failing NAME: the instance NAME shows a last_error (left in BODY).
failing() {
    api GET "/v1/plugins/$1"
    [ -n "$(jv 'j["notifier"]["last_error"] or ""')" ]
}
check_true "it fails" wait_for 20 failing gateway
check_contains "last_error has the reason on one line" \
    'HTTP 502  <html> Bad Gateway [31m' "$(jv 'j["notifier"]["last_error"]')"
check_eq "... with no control character" 0 \
    "$(jv 'sum(1 for c in j["notifier"]["last_error"] if ord(c) < 32 or ord(c) == 127)')"
warned() { grep -q "notifier gateway: delivering event" "$LOG"; }
check_true "the failure is logged" wait_for 20 warned
check_contains "... the reason on one line, without its tab" \
    'failed: HTTP 502  <html> Bad Gateway [31m; it is offered again' "$(cat "$LOG")"

check_true "the second notifier fails too" wait_for 20 failing gateway2
check_contains "a long reason is cut at a character, ending in …" \
    "$(printf '答%.0s' $(seq 1 126))…; next try in" "$(jv 'j["notifier"]["last_error"]')"

pt_stop
check_eq "ptrackd stops cleanly" "0" "$PT_STOP_RC"
pt_finish
