#!/usr/bin/env bash
# A notify_exec command dies with ptrackd however ptrackd ends: after a
# kill -9 (no exit code of ptrackd's runs, so no SIGTERM to the command's
# group) the command is gone at once (judged within 30 s, for a loaded
# machine: left alone it sleeps 300 s), rather than running on without a
# parent while the restarted ptrackd runs its event again.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init

EXEC_SO="$(pt_plugin_so notify_exec)"

OUT="$PT_TMP/out"
mkdir -p "$OUT"
# long.sh DIR: records its pid and its event, then becomes a long sleep
# (exec: the pid recorded is the process that sleeps).
cat >"$PT_TMP/long.sh" <<'EOF'
#!/bin/sh
echo "$PTRACK_SEQ" >>"$1/runs"
echo $$ >"$1/pid.$(grep -c . "$1/runs")"
exec sleep 300
EOF
chmod 0755 "$PT_TMP/long.sh"

pt_config '{}' ',"plugins": [
  {"instance": "long", "path": "'"$EXEC_SO"'",
   "config": {"command": ["'"$PT_TMP"'/long.sh", "'"$OUT"'"], "timeout": "10m"}}
]'
pt_start

# A process killed whose new parent has not reaped it yet (a container's
# init may never do so) is a zombie: it runs no more, so it counts as gone.
alive() {
    local stat
    stat="$(ps -o stat= -p "$1" 2>/dev/null)" || return 1
    [[ "$stat" != Z* ]]
}
gone() { ! alive "$1"; }

pt_step "the command runs for an event"
api POST /v1/proposals '{"title": "关于增设社区养老服务站的建议"}'
check_status "create" 201
check_true "the command started" wait_for 30 test -s "$OUT/pid.1"
FIRST="$(cat "$OUT/pid.1" 2>/dev/null || echo 0)"
# However the test ends, the sleep it started does not outlive it.
PT_PIDS+=("$FIRST")
check_true "the command (pid $FIRST) is running" alive "$FIRST"

pt_step "kill -9 of ptrackd ends the command"
pt_kill9
check_true "the command (pid $FIRST) is gone with ptrackd, not after its 300 s sleep" \
    wait_for 30 gone "$FIRST"

pt_step "after the restart the event runs again, alone"
pt_start
check_true "the event's second run started" wait_for 30 test -s "$OUT/pid.2"
SECOND="$(cat "$OUT/pid.2" 2>/dev/null || echo 0)"
PT_PIDS+=("$SECOND")
check_eq "both runs were for the created event" "1 1" "$(tr '\n' ' ' <"$OUT/runs" | sed 's/ $//')"
check_true "the first run is not running beside it" gone "$FIRST"
pt_kill9
check_true "the second run (pid $SECOND) is gone with ptrackd too" \
    wait_for 30 gone "$SECOND"
pt_finish
