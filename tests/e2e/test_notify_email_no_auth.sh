#!/usr/bin/env bash
# notify_email with a login (username and password) and a server whose
# greeting offers no AUTH: libcurl sends the mail without logging in and
# says nothing. The instance says so once, when such a mail went, and a
# refusal that follows from it (Postfix's "554 5.7.1 Relay access denied"
# to a client that has not logged in, common where AUTH is offered only
# after STARTTLS) names it, with the hint to set "starttls": true, where
# it said to check from, to and the login. A server that offers AUTH gets
# the login, and nothing is said.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init

MAIL_SO="$(pt_plugin_so notify_email)"
pt_no_proxy

pt_smtp_peer noauth
pt_smtp_peer auth --auth
pt_smtp_peer relay --relay-denied

# instance NAME: the config of an instance mailing through peer NAME.
instance() {
    local port="PORT_$1"
    printf '{"instance": "%s", "path": "%s", "events": ["proposal.created"],
      "config": {"smtp_url": "smtp://127.0.0.1:%s", "from": "office@example.org",
                 "to": ["张科长 <zhang@example.org>"], "username": "office",
                 "password": "口令-1", "timeout": "10s"}}' "$1" "$MAIL_SO" "${!port}"
}
pt_config '{}' ',"plugins": ['"$(instance noauth)"','"$(instance auth)"','"$(instance relay)"']'
pt_start

# status INSTANCE KEY: a counter of the instance's notifier.
status() {
    api GET "/v1/plugins/$1"
    jv "j['notifier']['$2']"
}

pt_step "two proposals, mailed through each server"
api POST /v1/proposals '{"title": "关于加强农村饮水安全保障的建议"}'
check_status "create" 201
api POST /v1/proposals '{"title": "关于推进城乡环卫一体化的建议"}'
check_status "create" 201
done_with() { [ "$(status "$1" delivered)" = "$2" ] && [ "$(status "$1" failed)" = "$3" ]; }
check_true "the server without AUTH took both" wait_for 30 done_with noauth 2 0
check_true "the server with AUTH took both" wait_for 30 done_with auth 2 0
check_true "the relay refused both for good" wait_for 30 done_with relay 0 2

pt_step "a mail sent without the login is said once"
LINES="$(grep -c '\[noauth\] .*offered no AUTH' "$PT_TMP/ptrackd.log" || true)"
check_eq "one line for two mails" 1 "$LINES"
check_contains "it names the login and the hint" \
    'the SMTP server offered no AUTH, so the mail went without logging in as "office"; if it offers AUTH only after STARTTLS, set "starttls": true (said once)' \
    "$(grep '\[noauth\] .*offered no AUTH' "$PT_TMP/ptrackd.log")"
check_eq "the password is never quoted" "" "$(grep '口令-1' "$PT_TMP/ptrackd.log" || true)"

pt_step "a server that offers AUTH gets the login, and nothing is said"
check_true "it logged in" test -s "$PT_TMP/auth/logins"
check_eq "no line of it" "" "$(grep '\[auth\] .*offered no AUTH' "$PT_TMP/ptrackd.log" || true)"

pt_step "a refusal that follows from the missing login names it"
ERR="$(status relay last_error)"
check_contains "last_error has the refusal" "554 5.7.1 Relay access denied" "$ERR"
check_contains "and says why the login was not used" \
    'not retried (the server offered no AUTH, so the login was not used; if it offers AUTH only after STARTTLS, set "starttls": true)' \
    "$ERR"
LINE="$(grep '\[relay\] event 1 ' "$PT_TMP/ptrackd.log" || true)"
check_contains "the log line says it too" "the server offered no AUTH, so the login was not used" "$LINE"
check_eq "neither sends the user to from, to and the login" "" \
    "$( (echo "$LINE"; echo "$ERR") | grep 'check from, to and the login' || true)"

pt_stop
pt_finish
