#!/usr/bin/env bash
# notify_email with "starttls": false and a server that takes mail only
# after STARTTLS ("530 5.7.0 Must issue a STARTTLS command first" to MAIL
# FROM): the event is dropped, and the log line and last_error say to set
# "starttls": true, not to check from, to and the login, which are right.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init

MAIL_SO="$(pt_plugin_so notify_email)"
pt_no_proxy

pt_smtp_peer peer --starttls-first

pt_config '{}' ',"plugins": [
  {"instance": "tls", "path": "'"$MAIL_SO"'", "events": ["proposal.created"],
   "config": {"smtp_url": "smtp://127.0.0.1:'"$PORT_peer"'", "from": "office@example.org",
              "to": ["张科长 <zhang@example.org>"], "timeout": "10s"}}
]'
pt_start

# status KEY: a counter of the instance's notifier.
status() {
    api GET /v1/plugins/tls
    jv "j['notifier']['$1']"
}

pt_step "a mail refused until STARTTLS is issued"
api POST /v1/proposals '{"title": "关于加强农村饮水安全保障的建议"}'
check_status "create" 201
dropped() { [ "$(status failed)" = 1 ]; }
check_true "the 530 drops the event" wait_for 30 dropped
check_eq "no retry, nothing delivered" "0 0" "$(status retries) $(status delivered)"
LINE="$(grep '\[tls\] event 1 ' "$PT_TMP/ptrackd.log" || true)"
check_contains "the log has the server's refusal" \
    "refused the mail for good (530): 530 5.7.0 Must issue a STARTTLS command first" "$LINE"
check_contains "and says to set starttls" \
    'dropped (the server takes mail only after STARTTLS: set "starttls": true)' "$LINE"
ERR="$(status last_error)"
check_contains "last_error says to set starttls" \
    'not retried (the server takes mail only after STARTTLS: set "starttls": true)' "$ERR"
check_eq "neither sends the user to from, to and the login" "" \
    "$( (echo "$LINE"; echo "$ERR") | grep 'check from, to and the login' || true)"

pt_stop
pt_finish
