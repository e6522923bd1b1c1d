#!/usr/bin/env bash
# notify_email warns at load when its password would go in clear text: on
# smtp:// without STARTTLS, whether the password is the `password` option
# or written in the login of `smtp_url` (smtp://user:password@host), which
# libcurl sends all the same. Over smtps://, or with "starttls": true, or
# with no password at all, it says nothing.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init

MAIL_SO="$(pt_plugin_so notify_email)"
# mail NAME URL EXTRA: an instance of notify_email.
mail() {
    printf '{"instance": "%s", "path": "%s", "events": ["proposal.created"],
   "config": {"smtp_url": "%s", "from": "office@example.org", "to": ["zhang@example.org"]%s}}' \
        "$1" "$MAIL_SO" "$2" "${3:-}"
}
pt_config '{}' ',"plugins": [
  '"$(mail option smtp://127.0.0.1:1 ', "username": "office", "password": "口令-1"')"',
  '"$(mail inurl 'smtp://office:口令-2@127.0.0.1:1')"',
  '"$(mail tls 'smtps://office:口令-3@127.0.0.1:1')"',
  '"$(mail starttls 'smtp://office:口令-4@127.0.0.1:1' ', "starttls": true')"',
  '"$(mail nologin smtp://127.0.0.1:1)"'
]'
pt_start

warned() {
    grep -qF "[$1] the SMTP password is sent in clear text" "$PT_TMP/ptrackd.log" &&
        echo yes || echo no
}
check_eq "the password option on smtp:// is warned of" yes "$(warned option)"
check_eq "a password in smtp_url's login on smtp:// is warned of" yes "$(warned inurl)"
check_eq "smtps:// is not" no "$(warned tls)"
check_eq "starttls is not" no "$(warned starttls)"
check_eq "no password is not" no "$(warned nologin)"
check_eq "the password is not in the log" "" "$(grep -e '口令' "$PT_TMP/ptrackd.log" || true)"

pt_stop
pt_finish
