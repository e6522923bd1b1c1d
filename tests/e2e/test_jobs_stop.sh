#!/usr/bin/env bash
# test_jobs_stop.sh - SIGTERM while imports and exports run, among them
# plugins that never ask job_cancelled (tests/plugins/jobs_stubborn.c,
# which sleeps 15 s between two records):
#   - ptrackd waits for them a bounded time (3 s) and exits well within
#     systemd's TimeoutStopSec=10, naming the instance whose job it gave
#     up on;
#   - the clients are answered: 503 shutting_down for a cancelled import
#     (the one that asks job_cancelled too) and for an export before its
#     first byte; an export cut off midway is a failed transfer;
#   - an all-or-nothing import stores nothing, an acknowledged write stays,
#     and a notifier's cursor is saved (no event comes twice after the
#     restart).
set -u
. "$(dirname "$0")/lib.sh"
pt_init
pt_jobs_abandoned_ok
pt_fixtures jobs_stubborn import_slow notify_record

pt_config '{}' ',"plugins": [
    {"instance": "stubborn_jobs", "path": "'"$FIX"'/fixture_jobs_stubborn.so"},
    {"instance": "slow_in", "path": "'"$FIX"'/fixture_import_slow.so"},
    {"instance": "journal", "path": "'"$FIX"'/fixture_notify_record.so",
     "config": {"path": "'"$PT_TMP"'/journal.txt"}}
  ]'
pt_start

# wait_log TEXT: waits (at most 30 s) until ptrackd's log holds TEXT.
wait_log() { wait_for 30 grep -qF -- "$1" "$PT_TMP/ptrackd.log"; }

pt_step "before the stop: an acknowledged write, delivered"
api POST /v1/proposals '{"title": "关于停机前确认写入的建议"}'
check_status "a create before the stop" 201
kept_id="$(jv 'j["id"]')"
wait_for 30 test -s "$PT_TMP/journal.txt" || true
check_eq "the notifier has the create" "1" "$(wc -l <"$PT_TMP/journal.txt" | tr -d ' ')"
count0="$(pt_count)"

pt_step "SIGTERM with a stubborn import, a stubborn export, one cut midway and a polite import"
printf 'anything\n' >"$PT_TMP/in.txt"
curl -sS --max-time 30 --unix-socket "$PT_SOCK" --data-binary "@$PT_TMP/in.txt" \
    -o "$PT_TMP/stub_in.json" -w '%{http_code}' "http://localhost/v1/imports?format=stubborn" \
    >"$PT_TMP/stub_in.code" 2>/dev/null &
wait_log "record 1 emitted" || pt_die "the stubborn import did not start"
curl -sS --max-time 30 --unix-socket "$PT_SOCK" -o "$PT_TMP/stub_out.json" -w '%{http_code}' \
    "http://localhost/v1/exports?format=stubborn" >"$PT_TMP/stub_out.code" 2>/dev/null &
wait_log "export begun" || pt_die "the stubborn export did not start"
curl -sS --max-time 30 --unix-socket "$PT_SOCK" -o "$PT_TMP/midway.txt" \
    "http://localhost/v1/exports?format=stubborn-midway" 2>/dev/null &
midway_pid=$!
wait_log "first line written" || pt_die "the midway export did not start"
jobs0="$(pt_jobs_running)"
curl -sS --max-time 30 --unix-socket "$PT_SOCK" --data-binary "@$PT_TMP/in.txt" \
    -o "$PT_TMP/slow_in.json" -w '%{http_code}' "http://localhost/v1/imports?format=slow" \
    >"$PT_TMP/slow_in.code" 2>/dev/null &
# The polite import runs before the stop (a loaded machine may take more
# than a moment to start it).
wait_for 30 eval '[ "$(pt_jobs_running)" -gt "$jobs0" ]' || true
check_true "the polite import runs ($(pt_jobs_running) jobs, $jobs0 before it)" [ "$(pt_jobs_running)" -gt "$jobs0" ]
pt_stop
ms="$PT_STOP_MS"
check_true "ptrackd exited within 8 s of SIGTERM (took $ms ms)" [ "$ms" -lt 8000 ]
check_true "... and did not leave at once: the jobs had their 3 s ($ms ms)" [ "$ms" -ge 2500 ]
check_eq "ptrackd exited 0" "0" "$PT_STOP_RC"
wait "$midway_pid"
check_eq "the export cut off midway is a failed transfer for curl (exit 18)" "18" "$?"
wait
log="$(cat "$PT_TMP/ptrackd.log")"
check_contains "the log names the stubborn import's instance and what happens" \
    "the import job" "$log"
check_contains "... on plugin instance stubborn_jobs" \
    "on plugin instance stubborn_jobs has not returned from import()" "$log"
check_contains "... and the export's" "on plugin instance stubborn_jobs has not returned from export()" "$log"
check_contains "the notifier's cursor was saved" "notifier journal: stopped after event" "$log"
check_contains "... and that of the stubborn instance, a notifier too, which its jobs keep loaded" \
    "notifier stubborn_jobs: stopped after event" "$log"
check_contains "ptrackd said it stopped" "ptrackd stopped" "$log"
check_eq "the stubborn import was answered 503 shutting_down" "503 shutting_down" \
    "$(cat "$PT_TMP/stub_in.code") $(jv 'j["error"]["code"]' "$(cat "$PT_TMP/stub_in.json")")"
check_contains "... saying nothing was imported" "nothing was imported" \
    "$(jv 'j["error"]["message"]' "$(cat "$PT_TMP/stub_in.json")")"
check_eq "the stubborn export, before its first byte, 503 shutting_down" "503 shutting_down" \
    "$(cat "$PT_TMP/stub_out.code") $(jv 'j["error"]["code"]' "$(cat "$PT_TMP/stub_out.json")")"
check_eq "the import that asks job_cancelled, 503 shutting_down" "503 shutting_down" \
    "$(cat "$PT_TMP/slow_in.code") $(jv 'j["error"]["code"]' "$(cat "$PT_TMP/slow_in.json")")"
check_contains "... saying ptrackd is stopping" "ptrackd is stopping" \
    "$(jv 'j["error"]["message"]' "$(cat "$PT_TMP/slow_in.json")")"

pt_step "after the restart"
pt_start
check_eq "nothing of the cancelled imports was stored" "$count0" "$(pt_count)"
api GET "/v1/proposals/$kept_id"
check_status "the acknowledged create is there" 200
api POST /v1/proposals '{"title": "关于重启之后的建议"}'
wait_for 30 eval '[ "$(wc -l <"$PT_TMP/journal.txt" | tr -d " ")" -ge 2 ]' || true
check_eq "the notifier got the new event, and the old one not again" "2 2" \
    "$(wc -l <"$PT_TMP/journal.txt" | tr -d ' ') $(cut -d' ' -f1 "$PT_TMP/journal.txt" | sort -u | wc -l | tr -d ' ')"
pt_stop
pt_finish
