#!/usr/bin/env bash
# job_read with a buffer of 0 bytes: an importer (the fixture
# jobs_failing, which says in its reason what the call returned) gets
# PTRACK_EINVAL, not 0, which would say that the file has ended; ptrackd
# logs it with the instance's name.
set -u
. "$(dirname "$0")/lib.sh"
pt_init
pt_fixtures jobs_failing

pt_config '{}' ',"plugins": [
    {"instance": "edges_in", "path": "'"$FIX"'/fixture_jobs_failing.so"}
  ]'
pt_start

printf '{"title":"x"}\n' >"$PT_TMP/one.jsonl"
upload() {
    req "tcp:$CLERK_TOKEN" POST "/v1/imports?$1" -- --data-binary "@$PT_TMP/one.jsonl" \
        -H "Content-Type: application/x-ndjson"
}

pt_step "job_read of 0 bytes"
upload "format=fails&rc=emptyread"
check_error "the importer fails as it was told" 422 validation_failed
check_contains "job_read of 0 bytes is PTRACK_EINVAL, not the end of the file" \
    "job_read of 0 bytes returned -3" "$(jv 'j["error"]["message"]')"
check_contains "the log names the instance and the misuse" \
    "importer edges_in: job_read was given a buffer of 0 bytes; it returns PTRACK_EINVAL" \
    "$(cat "$PT_TMP/ptrackd.log")"

pt_stop
pt_finish
