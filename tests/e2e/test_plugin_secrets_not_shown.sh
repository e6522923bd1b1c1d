#!/usr/bin/env bash
# The passwords and keys of notify_email and notify_webhook (options of
# type secret, plugin ABI 1.6) are read by the plugins but never shown:
# GET /v1/plugins and GET /v1/plugins/{name}, `ptrack plugins list --json`
# and `ptrack plugins load --json`, whose output operators paste into
# tickets, show "********" in their place; the log never has them; and a
# POST /v1/plugins that gives a password of digits as a number is refused
# naming its type, not its digits. A URL shows the password of its login
# (smtp://user:password@host) and a robot's key in its query as "********",
# and the rest as it is; a refused smtp_url is named by its scheme only.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init

MAIL_SO="$(pt_plugin_so notify_email)"
HOOK_SO="$(pt_plugin_so notify_webhook)"
PASSWORD='app-口令-7Hq2'
SECRET='SEC-signing-9f3e'
DIGITS='8675309123'
URL_PASSWORD='url-口令-5Kd1'
ROBOT_KEY='693a91f6-robot-key'

pt_config '{}' ',"plugins": [
  {"instance": "mail", "path": "'"$MAIL_SO"'", "events": ["proposal.created"],
   "config": {"smtp_url": "smtps://office:'"$URL_PASSWORD"'@127.0.0.1:1", "from": "office@example.org",
              "to": ["zhang@example.org"], "username": "office", "password": "'"$PASSWORD"'"}},
  {"instance": "hook", "path": "'"$HOOK_SO"'", "events": ["proposal.created"],
   "config": {"url": "http://127.0.0.1:1/cgi-bin/webhook/send?key='"$ROBOT_KEY"'&debug=1",
              "secret": "'"$SECRET"'"}}
]'
pt_start

# hidden WHAT TEXT: TEXT holds no password, secret or key.
hidden() {
    check_eq "$1: neither the password nor the secret nor the key" "" \
        "$(printf '%s' "$2" | grep -e "$PASSWORD" -e "$SECRET" -e "$DIGITS" -e "$URL_PASSWORD" \
            -e "$ROBOT_KEY" || true)"
}

pt_step "GET /v1/plugins shows a mask for each secret"
api GET /v1/plugins
check_status "list" 200
hidden "GET /v1/plugins" "$BODY"
MAIL='[i for i in j["items"] if i["instance"] == "mail"][0]'
HOOK='[i for i in j["items"] if i["instance"] == "hook"][0]'
check_eq "the password is shown as the mask" "********" "$(jv "$MAIL[\"config\"][\"password\"]")"
check_eq "the user name is shown" "office" "$(jv "$MAIL[\"config\"][\"username\"]")"
check_eq "the webhook's secret is shown as the mask" "********" "$(jv "$HOOK[\"config\"][\"secret\"]")"
check_eq "the url is shown with the robot's key masked" \
    "http://127.0.0.1:1/cgi-bin/webhook/send?key=********&debug=1" "$(jv "$HOOK[\"config\"][\"url\"]")"
check_eq "the smtp_url is shown with its password masked" "smtps://office:********@127.0.0.1:1" \
    "$(jv "$MAIL[\"config\"][\"smtp_url\"]")"
check_eq "the option table names the type secret" "secret secret" \
    "$(jv "[o['type'] for o in $MAIL['options'] if o['key'] == 'password'][0] + ' ' + [o['type'] for o in $HOOK['options'] if o['key'] == 'secret'][0]")"
api GET /v1/plugins/mail
check_status "one instance" 200
hidden "GET /v1/plugins/mail" "$BODY"
check_eq "... with the mask" "********" "$(jv 'j["config"]["password"]')"

pt_step "the CLI shows what the API shows"
cli() { "$PTRACK" --socket "$PT_SOCK" "$@"; }
out="$(cli plugins list --json)"
hidden "ptrack plugins list --json" "$out"
check_contains "ptrack plugins list --json has the mask" '"password": "********"' "$out"
out="$(cli plugins load --json --instance mail2 --path "$MAIL_SO" \
    --set "smtp_url=smtps://office:$URL_PASSWORD@127.0.0.1:1" \
    --set from=office@example.org --set 'to=["li@example.org"]' --set "password=$PASSWORD" 2>&1)"
hidden "ptrack plugins load --json" "$out"
check_contains "ptrack plugins load --json has the mask" '"password": "********"' "$out"
check_contains "... and the smtp_url's" '"smtp_url": "smtps://office:********@127.0.0.1:1"' "$out"

pt_step "a password given as a number is refused without its digits"
api POST /v1/plugins '{"instance": "mail3", "path": "'"$MAIL_SO"'",
  "config": {"smtp_url": "smtps://127.0.0.1:1", "from": "office@example.org",
             "to": ["li@example.org"], "password": '"$DIGITS"'}}'
check_status "refused" 422
hidden "the refusal" "$BODY"
check_contains "it names the option and the type" \
    'option \"password\" of notify_email must be a string (a secret, which is never shown), not a number' \
    "$BODY"
out="$(cli plugins load --instance mail4 --path "$MAIL_SO" --set smtp_url=smtps://127.0.0.1:1 \
    --set from=office@example.org --set 'to=["li@example.org"]' --set "password=$DIGITS" 2>&1 || true)"
hidden "ptrack plugins load's refusal" "$out"
check_contains "ptrack plugins load says to quote it" "write text that looks like a number in quotes" "$out"

pt_step "a refused smtp_url is named by its scheme, not quoted"
api POST /v1/plugins '{"instance": "mail5", "path": "'"$MAIL_SO"'",
  "config": {"smtp_url": "http://office:'"$URL_PASSWORD"'@127.0.0.1:1", "from": "office@example.org",
             "to": ["li@example.org"]}}'
check_status "refused" 422
hidden "the refusal of the smtp_url" "$BODY"
check_contains "it names the scheme" "must be smtp://host:port or smtps://host:port (it begins with http://)" \
    "$BODY"

pt_stop
hidden "the log" "$(cat "$PT_TMP/ptrackd.log")"
pt_finish
