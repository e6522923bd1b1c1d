#!/usr/bin/env bash
# notify_webhook and a receiver that refuses for a while (a gateway down):
# at the default log level the log has one warning when the instance
# starts failing, with the reason, as operation.md promises ("its retries
# in between are logged only at debug"), and an info line when it delivers
# again. The plugin logged each failed attempt at warn besides
# ("[hook] event 5 (proposal.created): HTTP 503 ...; attempt 3 failed,
# will try again"): with the back-off at its 60 s, a warning a minute for
# as long as the gateway was down, on top of ptrackd's reminder every 10
# minutes. Each attempt is still logged, at debug.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init

HOOK_SO="$(pt_plugin_so notify_webhook)"
pt_receiver down --fail-first 3 --fail-status 503
# Down for maintenance, saying when it is back (503, Retry-After: 1); a
# robot at its limit (WeCom's 45009: 20 messages a minute).
pt_receiver maint --fail-first 3 --fail-status 503 --retry-after 1
pt_receiver robot --fail-first 1 --errcode 45009
pt_config '{}' ',"plugins": [{"instance": "hook", "path": "'"$HOOK_SO"'",
  "events": ["proposal.created"],
  "config": {"url": "http://127.0.0.1:'"$PORT_down"'/hook", "secret": "s3cret-s3cret"}},
  {"instance": "maint", "path": "'"$HOOK_SO"'", "events": ["proposal.created"],
  "config": {"url": "http://127.0.0.1:'"$PORT_maint"'/hook"}},
  '"$(pt_robot_entry robot wecom /cgi-bin/webhook/send?key=k '"proposal.created"')"']'
pt_start
LOG="$PT_TMP/ptrackd.log"
lines() { grep -c -- "$1" "$LOG" || true; }

pt_step "a receiver that refuses three times, at the default level"
api POST /v1/proposals '{"title": "关于通知网关中断的建议"}'
check_status "a create" 201
api GET /v1/health
seq="$(jv 'j["last_seq"]')"
taken() { [ "$(grep -c . "$PT_TMP/down.jsonl")" -ge 4 ]; }
check_true "the receiver takes the event in the end" wait_for 30 taken
delivers_again() { grep -q "INFO  notifier hook: delivers again" "$LOG"; }
check_true "the recovery is logged" wait_for 10 delivers_again
check_eq "one warning that it fails, with the receiver's answer" 1 \
    "$(lines "WARN  notifier hook: delivering event $seq (proposal.created) failed: HTTP 503 from the receiver")"
check_eq "and no other warning of the instance (none per attempt)" 1 "$(lines "WARN .*hook")"

pt_step "a receiver's Retry-After and a robot's limit, at the default level"
maint_taken() { [ "$(grep -c . "$PT_TMP/maint.jsonl")" -ge 4 ]; }
check_true "the receiver down for maintenance takes the event in the end" wait_for 30 maint_taken
maint_back() { grep -q "INFO  notifier maint: delivers again" "$LOG"; }
check_true "its recovery is logged" wait_for 10 maint_back
check_eq "one warning that it fails, and no line per try of the plugin (Retry-After)" \
    "1 0" "$(lines "WARN .*maint") $(lines "\[maint\]")"
robot_refused() { grep -q "WARN  notifier robot: delivering event $seq (proposal.created) failed" "$LOG"; }
check_true "the robot at its limit: ptrackd's warning, with the reason" wait_for 10 robot_refused
check_eq "and no warning of the plugin's own for the wait" 0 "$(lines "\[robot\]")"

pt_step "each attempt is logged at debug"
GONE="$(pt_free_port)"
sed -i -e 's/"log_level": "info"/"log_level": "debug"/' \
    -e "s#127.0.0.1:$PORT_down/hook#127.0.0.1:$GONE/hook#" "$PT_CONF"
pt_reload
api POST /v1/proposals '{"title": "关于通知网关再次中断的建议"}'
check_status "another create" 201
api GET /v1/health
seq2="$(jv 'j["last_seq"]')"
attempts() { [ "$(lines "DEBUG \[hook\] event $seq2 (proposal.created): .*will try again")" -ge 2 ]; }
check_true "the plugin's line for each attempt, at debug" wait_for 20 attempts
check_eq "one warning for this failure too" 1 \
    "$(lines "WARN  notifier hook: delivering event $seq2 (proposal.created) failed")"
check_eq "and none per attempt" 2 "$(lines "WARN .*hook")"

pt_finish
