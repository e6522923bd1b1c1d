#!/usr/bin/env bash
# notify_email refuses at load an address that is not ASCII: what an input
# method types in place of < > , and @ (the full-width ＜＞，＠), and two
# addresses in one element joined by a full-width comma. Before, the load
# took "张科长＜zhang@example.org＞" as one address, and the server refused
# it at every event. Two named addresses in one element are refused too.
# "张科长 <zhang@example.org>" loads as before.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init

MAIL_SO="$(pt_plugin_so notify_email)"
pt_config
pt_start

# load NAME FROM TO_JSON: POST /v1/plugins of a mail instance.
load() {
    api POST /v1/plugins '{"instance": "'"$1"'", "path": "'"$MAIL_SO"'",
      "config": {"smtp_url": "smtp://127.0.0.1:25", "from": "'"$2"'", "to": '"$3"'}}'
}

load wide-brackets '建议办公室 <office@example.org>' '["张科长＜zhang@example.org＞"]'
check_error "to: full-width brackets" 422 validation_failed
check_contains "the refusal names the element and says what an address is" \
    'option "to": element 0 is not an address' "$(jv 'j["error"]["message"]')"
check_contains "and that it must be ASCII" "the address in ASCII" "$(jv 'j["error"]["message"]')"

load wide-comma '建议办公室 <office@example.org>' '["li@example.org，wang@example.org"]'
check_error "to: two addresses joined by a full-width comma" 422 validation_failed

# With names, the first address went into the second's name, and only the
# second recipient got the mail.
load named-comma '建议办公室 <office@example.org>' \
    '["李四 <li@example.org>，王五 <wang@example.org>"]'
check_error "to: two named addresses joined by a full-width comma" 422 validation_failed
load named-ascii-comma '建议办公室 <office@example.org>' \
    '["李四 <li@example.org>, 王五 <wang@example.org>"]'
check_error "to: two named addresses joined by a comma" 422 validation_failed

load wide-from '建议办公室＜office@example.org＞' '["li@example.org"]'
check_error "from: full-width brackets" 422 validation_failed
check_contains "the refusal names from" 'option "from" must be an address' \
    "$(jv 'j["error"]["message"]')"

load good '建议办公室 <office@example.org>' \
    '["张科长 <zhang@example.org>", "li@example.org", "\"王科长\" <wang@example.org>"]'
check_status "Chinese names with ASCII addresses load" 201

pt_stop
pt_finish
