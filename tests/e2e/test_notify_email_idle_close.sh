#!/usr/bin/env bash
# notify_email keeps its SMTP connection from one event to the next; a
# server closes a connection left idle ("421 4.4.2 idle timeout", Postfix
# after 300 s). The next event's mail goes on a new connection at once: it
# is not a failed delivery (no failed attempt logged, no retry counted, no
# last_error) and each mail arrives once.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init

MAIL_SO="$(pt_plugin_so notify_email)"
pt_no_proxy

# A server that closes a connection idle for one second.
pt_smtp_peer smtp --idle 1

pt_config '{}' ',"plugins": [
  {"instance": "mail", "path": "'"$MAIL_SO"'", "events": ["proposal.created"],
   "config": {"smtp_url": "smtp://127.0.0.1:'"$PORT_smtp"'", "from": "建议办公室 <office@example.org>",
              "to": ["张科长 <zhang@example.org>", "li@example.org"], "timeout": "10s"}}
]'
# At debug, where the plugin logs each failed attempt: none is.
sed -i 's/"log_level": "info"/"log_level": "debug"/' "$PT_CONF"
pt_start

mails() { ls "$PT_TMP/smtp" 2>/dev/null | grep -c '^mail\.' || true; }
mails_at_least() { [ "$(mails)" -ge "$1" ]; }

pt_step "the first event: both recipients on one connection"
api POST /v1/proposals '{"title": "关于加强农村饮水安全保障的建议"}'
check_status "create" 201
check_true "two mails arrived" wait_for 30 mails_at_least 2

pt_step "the server closes the idle connection; the next event goes on a new one"
# The next event comes once the server has closed the first event's
# connection (the last made), idle for a second: a fixed wait of 2.5 s is
# no guarantee that the server has got to it on a busy machine, and an
# event that comes before goes on the connection still open.
closed_idle() {
    grep -qx "$(grep -c . "$PT_TMP/smtp/connections")" "$PT_TMP/smtp/idle_closed" 2>/dev/null
}
wait_for 30 closed_idle || true
api POST /v1/proposals '{"title": "关于推进城乡公交一体化的建议"}'
check_status "create" 201
check_true "two more mails arrived" wait_for 30 mails_at_least 4
# The server stores a mail before it answers: the host counts the delivery
# a moment later, and once it has, no mail of the event is left to come.
delivered() {
    api GET /v1/plugins/mail
    [ "$(jv "j['notifier']['delivered']")" = 2 ]
}
check_true "delivered both events" wait_for 30 delivered
check_eq "four mails, none twice" 4 "$(mails)"
check_eq "no retry counted" 0 "$(jv "j['notifier']['retries']")"
check_eq "no last_error" null "$(jv "j['notifier']['last_error']")"
check_eq "no failed attempt in the log" "" \
    "$(grep '\[mail\]' "$PT_TMP/ptrackd.log" | grep 'sending the mail failed' || true)"
check_eq "three connections: the readiness check's, the first event's, and a new one after the close" 3 \
    "$(wc -l <"$PT_TMP/smtp/connections")"

pt_stop
pt_finish
