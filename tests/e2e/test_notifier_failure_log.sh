#!/usr/bin/env bash
# What ptrackd's log says, at its default level, of a notifier whose
# deliver() keeps asking to retry (docs/plugins.md, Retries): one warning
# when it starts failing (the instance, the event, the plugin's reason and
# when it is tried again), no line per retry, and one info line when it
# delivers again (after how long and how many retries). The next failure
# after that is warned of again. The fixture asks for 100 ms between
# tries (retry_in), so that eight refusals take about a second.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init
pt_fixtures notify_flaky
chmod go-w "$FIX/fixture_notify_flaky.so"

FLAKY="$PT_TMP/flaky.txt"
pt_config '{}' ',"plugins": [
  {"instance": "gateway", "path": "'"$FIX"'/fixture_notify_flaky.so",
   "config": {"path": "'"$FLAKY"'", "fail": 8, "retry_in": "100ms",
              "events": ["proposal.created"]}}
]'
pt_start
LOG="$PT_TMP/ptrackd.log"

# taken SEQ: the fixture noted an attempt of event SEQ that was ok.
taken() { grep -q "^$1 proposal.created [0-9]* ok$" "$FLAKY" 2>/dev/null; }
lines() { grep -c -- "$1" "$LOG" || true; }

pt_step "a notifier that starts failing is warned of once, and its recovery at info"
api POST /v1/proposals '{"title": "关于通知网关中断的建议"}'
check_status "a create" 201
api GET /v1/health
seq1="$(jv 'j["last_seq"]')"
check_true "event $seq1 is taken after its refusals" wait_for 20 taken "$seq1"
check_eq "the fixture refused it 8 times" 8 \
    "$(grep -c "^$seq1 proposal.created [0-9]* retry$" "$FLAKY")"
delivers_again() { grep -q "INFO  notifier gateway: delivers again" "$LOG"; }
check_true "the recovery is logged" wait_for 10 delivers_again
check_eq "one warning that it fails, naming the event and the plugin's reason" 1 \
    "$(lines "WARN  notifier gateway: delivering event $seq1 (proposal.created) failed: the fixture refuses attempt 1 of event $seq1; it is offered again in 100 ms (the wait deliver() asked for)")"
check_eq "no other line of the instance at warn (none per retry)" 1 \
    "$(lines "WARN  notifier gateway:")"
check_eq "one info line: delivered again, after how long and how many retries" 1 \
    "$(lines "INFO  notifier gateway: delivers again: event $seq1 (proposal.created) was taken after [0-9.]* [ms]* of failing and 8 retries")"

pt_step "after a recovery, the next failure is warned of again"
api POST /v1/proposals '{"title": "关于通知网关再次中断的建议"}'
check_status "another create" 201
api GET /v1/health
seq2="$(jv 'j["last_seq"]')"
check_true "event $seq2 is taken after its refusals" wait_for 20 taken "$seq2"
recovered_twice() { [ "$(lines "INFO  notifier gateway: delivers again")" = 2 ]; }
check_true "its recovery is logged too" wait_for 10 recovered_twice
check_eq "one more warning, for event $seq2" 1 \
    "$(lines "WARN  notifier gateway: delivering event $seq2 (proposal.created) failed")"
check_eq "two warnings in all" 2 "$(lines "WARN  notifier gateway:")"

pt_finish
