#!/usr/bin/env bash
# notify_exec passes ptrackd's TZ on to the command, so that its local time
# is ptrackd's; a ptrackd without TZ passes none (both then read
# /etc/localtime). The command had no TZ either way.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init

EXEC_SO="$(pt_plugin_so notify_exec)"
cat >"$PT_TMP/env.sh" <<'SH'
#!/bin/sh
env >"$1/env.$PTRACK_SEQ"
SH
chmod +x "$PT_TMP/env.sh"
pt_config '{}' ',"plugins": [
  {"instance": "env", "path": "'"$EXEC_SO"'", "events": ["proposal.created"],
   "config": {"command": ["'"$PT_TMP/env.sh"'", "'"$PT_TMP"'"]}}
]'

ran() { [ -s "$PT_TMP/env.$1" ]; }
# child_tz TITLE: creates a proposal, waits for the command's run for its
# event and sets TZ_LINE to the TZ line of the run's environment ("" for
# none).
child_tz() {
    api POST /v1/proposals "{\"title\": \"$1\"}"
    check_status "create" 201
    api GET /v1/health
    local seq
    seq="$(jv 'j["last_seq"]')"
    check_true "the command ran for event $seq" wait_for 30 ran "$seq"
    TZ_LINE="$(grep '^TZ=' "$PT_TMP/env.$seq" || true)"
}

pt_step "a ptrackd started with TZ passes it on"
TZ=Asia/Shanghai pt_start
child_tz "关于统一办理时区的建议"
check_eq "the command's TZ is ptrackd's" "TZ=Asia/Shanghai" "$TZ_LINE"
pt_stop

pt_step "a ptrackd without TZ passes none"
unset TZ
pt_start
child_tz "关于系统时区的建议"
check_eq "the command has no TZ" "" "$TZ_LINE"
pt_stop
pt_finish
