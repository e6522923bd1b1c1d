#!/usr/bin/env bash
# notify_exec gives the command the event's JSON as one line ended by a
# newline, so that a shell script's `while read -r line` loop, the way an
# office's SMS script is often written, reads it: without the newline the
# loop saw nothing, and the script sent nothing for every event.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init

EXEC_SO="$(pt_plugin_so notify_exec)"
cat >"$PT_TMP/sms.sh" <<'SH'
#!/bin/sh
while read -r line; do
    printf '%s\n' "$line" >>"$1/lines"
done
echo "$PTRACK_SEQ" >>"$1/runs"
SH
chmod +x "$PT_TMP/sms.sh"
pt_config '{}' ',"plugins": [
  {"instance": "sms", "path": "'"$EXEC_SO"'", "events": ["proposal.created"],
   "config": {"command": ["'"$PT_TMP/sms.sh"'", "'"$PT_TMP"'"]}}
]'
pt_start

api POST /v1/proposals '{"title": "关于短信提醒的建议"}'
check_status "create" 201
ran() { [ -s "$PT_TMP/runs" ]; }
check_true "the command ran" wait_for 30 ran
check_eq "its read loop took one line" "1" "$(wc -l <"$PT_TMP/lines" 2>/dev/null || echo 0)"
check_eq "the line is the event's JSON" "proposal.created 关于短信提醒的建议" \
    "$(python3 -c 'import json, sys
e = json.loads(open(sys.argv[1], encoding="utf-8").readline())
print(e["type"], e["proposal"]["title"])' "$PT_TMP/lines" 2>&1)"

pt_stop
pt_finish
