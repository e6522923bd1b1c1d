#!/usr/bin/env bash
# A job's handle kept past the end of import() or export(): the fixture
# jobs_late calls every job function from a thread of its own 300 ms after
# its job returned, when ptrackd has answered the request and freed the
# job. Each call is refused without touching the job (job_arg NULL,
# job_cancelled 1, the others PTRACK_ECANCELED), the late record is not
# stored, ptrackd logs the misuse and goes on serving.
set -u
. "$(dirname "$0")/lib.sh"
pt_init
pt_fixtures jobs_late

pt_config '{}' ',"plugins": [
    {"instance": "late", "path": "'"$FIX"'/fixture_jobs_late.so"}
  ]'
pt_start

# wait_log TEXT: waits up to 30 s for TEXT in ptrackd's log.
wait_log() {
    local i
    for i in $(seq 1 300); do
        grep -qF "$1" "$PT_TMP/ptrackd.log" && return 0
        sleep 0.1
    done
    return 1
}

count0="$(pt_count)"

pt_step "an importer's thread calls the job functions after import() returned"
printf 'whatever\n' >"$PT_TMP/in.txt"
req "tcp:$CLERK_TOKEN" POST "/v1/imports?format=late_in" -- --data-binary "@$PT_TMP/in.txt" \
    -H "Content-Type: text/plain"
check_status "the import is answered" 201
wait_log "late_in: " || true
check_contains "every call is refused without doing anything" \
    "late_in: job_arg -> null, job_cancelled -> 1, job_read -> -5, import_emit -> -5, import_reject -> -5, import_ignore -> -5" \
    "$(cat "$PT_TMP/ptrackd.log")"
check_true "ptrackd goes on" kill -0 "$PT_PID"
check_eq "the record of the import is stored, the late one is not" "$((count0 + 1))" "$(pt_count)"
check_contains "the log says what the plugin did" \
    "a plugin called job_arg with a job's handle from a thread that is not the job's" \
    "$(cat "$PT_TMP/ptrackd.log")"

pt_step "an exporter's thread calls the job functions after export() returned"
sleep 10 # the refusals are logged at most once in 10 s
as_viewer GET "/v1/exports?format=late_out"
check_status "the export is answered" 200
check_eq "... with what export() wrote" "x" "$BODY"
wait_log "late_out: " || true
check_contains "every call is refused without doing anything" \
    "late_out: job_arg -> null, job_cancelled -> 1, export_begin -> -5, export_next -> -5, job_write -> -5" \
    "$(cat "$PT_TMP/ptrackd.log")"
check_contains "... logged, counting the import's calls it left out" "(and 6 more such calls since the last line)" \
    "$(cat "$PT_TMP/ptrackd.log")"
as_viewer GET "/v1/health"
check_status "ptrackd still answers" 200

pt_stop
check_eq "ptrackd stops cleanly" "0" "$PT_STOP_RC"
pt_finish
