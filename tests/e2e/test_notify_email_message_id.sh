#!/usr/bin/env bash
# notify_email's Message-ID holds the store's id beside the seq and the
# instance: a data directory made anew starts its seqs again at 1, and its
# first mail had the Message-ID of the first mail ever sent from the old
# one, which a mailbox (Gmail, Exchange) takes for that mail and drops.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init

MAIL_SO="$(pt_plugin_so notify_email)"
pt_no_proxy

pt_smtp_peer peer

pt_config '{}' ',"plugins": [
  {"instance": "mail", "path": "'"$MAIL_SO"'", "events": ["proposal.created"],
   "config": {"smtp_url": "smtp://127.0.0.1:'"$PORT_peer"'", "from": "office@example.org",
              "to": ["张科长 <zhang@example.org>"], "timeout": "10s"}}
]'
has_mail() { [ -f "$PT_TMP/peer/mail.$1" ]; }
message_id() { grep -i '^Message-ID:' "$PT_TMP/peer/mail.$1" | tr -d '\r'; }
store_id() { "$PY" -c 'import sqlite3, sys
print(sqlite3.connect(sys.argv[1]).execute("SELECT value FROM store_meta WHERE key = ?", ("store_id",)).fetchone()[0])' \
    "$(ls "$PT_DATA"/*.db | head -1)"; }

pt_step "the first store's first mail"
pt_start
api POST /v1/proposals '{"title": "关于加强农村饮水安全保障的建议"}'
check_status "create" 201
check_true "mailed" wait_for 30 has_mail 1
FIRST="$(message_id 1)"
STORE="$(store_id)"
check_eq "the id holds the seq, the instance and the store" \
    "Message-ID: <ptrack.1.mail.${STORE:0:12}@example.org>" "$FIRST"
pt_stop

pt_step "a data directory made anew: its first mail has another id"
rm -rf "$PT_DATA"
pt_start
api POST /v1/proposals '{"title": "关于推进城乡环卫一体化的建议"}'
check_status "create" 201
check_true "mailed" wait_for 30 has_mail 2
SECOND="$(message_id 2)"
check_true "the new store is another" test "$(store_id)" != "$STORE"
check_true "and so is the id: $SECOND" test "$SECOND" != "$FIRST"
check_contains "of the same seq" "Message-ID: <ptrack.1.mail." "$SECOND"

pt_stop
pt_finish
