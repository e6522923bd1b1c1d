#!/usr/bin/env bash
# A notify_exec command that is ended from outside by SIGTERM or SIGKILL,
# as systemd ends every process of the service at `systemctl stop` or
# `restart` (ptrackd and the command get their SIGTERM together), an
# operator's kill or the OOM killer: its run was cut short, which says
# nothing of the event, and the event is offered again. It was dropped as
# a command's failure is, and the stop then saved the cursor past it: after
# the restart the event never came. A command that dies of another signal
# (SIGABRT, SIGSEGV: it failed on the event) still drops it.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init

EXEC_SO="$(pt_plugin_so notify_exec)"
OUT="$PT_TMP/out"
mkdir -p "$OUT"
# run.sh DIR: notes its event and its pid; while DIR/slow exists it waits
# (a gateway that takes its time), while DIR/abort exists it aborts.
cat >"$PT_TMP/run.sh" <<'SH'
#!/bin/sh
echo "$PTRACK_SEQ" >>"$1/runs"
echo $$ >"$1/pid"
[ -e "$1/abort" ] && kill -ABRT $$
[ -e "$1/slow" ] && exec sleep 300
exit 0
SH
chmod 0755 "$PT_TMP/run.sh"

pt_config '{}' ',"plugins": [
  {"instance": "sms", "path": "'"$EXEC_SO"'", "events": ["proposal.created"],
   "config": {"command": ["'"$PT_TMP"'/run.sh", "'"$OUT"'"], "timeout": "10m"}}
]'
pt_start

runs_of() { grep -c -x "$1" "$OUT/runs" 2>/dev/null || true; }
running() { [ "$(runs_of "$1")" -ge "$2" ] && [ -s "$OUT/pid" ]; }
last_seq() { api GET '/v1/events?after=0&limit=1000' && jv 'j["items"][-1]["seq"]'; }
counts() { api GET /v1/plugins/sms && jv '"%d %d" % (j["notifier"]["delivered"], j["notifier"]["failed"])'; }

pt_step "ptrackd and the command get SIGTERM together, as systemctl stop sends it"
touch "$OUT/slow"
api POST /v1/proposals '{"title": "关于加强农村饮水安全保障的建议"}'
check_status "create" 201
SEQ1="$(last_seq)"
check_true "the command runs for event $SEQ1" wait_for 30 running "$SEQ1" 1
kill -TERM "$(cat "$OUT/pid")" "$PT_PID"
pt_stop
rm -f "$OUT/slow" "$OUT/pid"
pt_start
check_true "after the restart event $SEQ1 is offered again" wait_for 30 running "$SEQ1" 2
check_eq "and taken (delivered 1, failed 0)" "1 0" "$(counts)"

pt_step "a command killed by SIGKILL (the OOM killer) is run again"
rm -f "$OUT/pid"
touch "$OUT/slow"
api POST /v1/proposals '{"title": "关于规范停车收费的建议"}'
check_status "create" 201
SEQ2="$(last_seq)"
check_true "the command runs for event $SEQ2" wait_for 30 running "$SEQ2" 1
rm -f "$OUT/slow"
kill -KILL "$(cat "$OUT/pid")"
check_true "event $SEQ2 is run again" wait_for 30 running "$SEQ2" 2
check_eq "and taken (delivered 2, failed 0)" "2 0" "$(counts)"

pt_step "a command that aborts (it failed on the event) drops it, once"
touch "$OUT/abort"
api POST /v1/proposals '{"title": "关于完善社区养老服务的建议"}'
check_status "create" 201
SEQ3="$(last_seq)"
dropped() { [ "$(counts)" = "2 1" ]; }
check_true "event $SEQ3 is dropped" wait_for 30 dropped
check_eq "its command ran once" 1 "$(runs_of "$SEQ3")"

pt_stop
pt_finish
