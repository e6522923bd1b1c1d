#!/usr/bin/env bash
# The example notifier (examples/notify-file), built from its source
# against include/ only, says why it asks for a retry, as docs/plugins.md
# asks every notifier to: with a file it cannot open (its directory does
# not exist), GET /v1/plugins shows the reason in last_error, naming the
# file and the error, rather than "it gave no reason"; once the directory
# is there, the event is written and the instance delivers again.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init

"${CC:-cc}" -std=c11 -Wall -Wextra -Werror -fPIC -shared -fvisibility=hidden \
    -Wl,--no-undefined -I"$PT_SOURCE_DIR/include" -o "$PT_TMP/notify_file.so" \
    "$PT_SOURCE_DIR/examples/notify-file/notify_file.c" || pt_die "cannot build notify_file.so"
chmod 0644 "$PT_TMP/notify_file.so"

JOURNAL="$PT_TMP/later/events.jsonl"
pt_config '{}' ',"plugins": [
  {"instance": "journal", "path": "'"$PT_TMP"'/notify_file.so",
   "config": {"path": "'"$JOURNAL"'"}}]'
pt_start

pt_step "a file it cannot open is a retry with its reason"
api POST /v1/proposals '{"title": "关于加强城市排水防涝设施建设的建议"}'
check_status "a proposal is made" 201
last_error() {
    api GET /v1/plugins/journal
    LAST="$(jv 'j["notifier"]["last_error"]')"
    [ "$LAST" != null ] && [ "${LAST:0:1}" != "<" ]
}
check_true "the instance fails on the event" wait_for 30 last_error
check_contains "last_error says which file could not be opened, and why" \
    "cannot open $JOURNAL: No such file or directory" "$LAST"
check_contains "and that it is tried again" "next try in" "$LAST"
check_eq "it is retrying" true "$(jv 'j["notifier"]["retrying"]')"

pt_step "once the directory is there, the event is written"
mkdir "$PT_TMP/later"
written() { [ -s "$JOURNAL" ]; }
check_true "the event reaches the file" wait_for 60 written
check_eq "the line is the event" proposal.created \
    "$(python3 -c 'import json, sys; print(json.loads(open(sys.argv[1]).readline())["type"])' "$JOURNAL")"

pt_finish
