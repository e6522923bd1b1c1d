#!/usr/bin/env bash
# An import() or export() that returns a positive code (1: a plugin that
# returns "true" for a failure, or a count) is answered 500 plugin_error
# naming the code, as any code plugin.h does not define is. ptrackd took 1
# for its own mark of a job it had given up on: the job thread ended
# without a word, the client waited for ever, and so did a stop.
set -u
. "$(dirname "$0")/lib.sh"
pt_init
pt_fixtures jobs_failing
PT_REQ_WAIT=20

pt_config '{}' ',"plugins": [
    {"instance": "fails_one", "path": "'"$FIX"'/fixture_jobs_failing.so"}
  ]'
pt_start

printf '{"title":"x"}\n' >"$PT_TMP/one.jsonl"

pt_step "import() returns 1"
req "tcp:$CLERK_TOKEN" POST "/v1/imports?format=fails&rc=one" -- \
    --data-binary "@$PT_TMP/one.jsonl" -H "Content-Type: application/x-ndjson"
check_error "the import is answered as a plugin's bug" 500 plugin_error
check_contains "... naming the code and set_error's text" \
    "the importer fails_one failed: its import() returned an unknown code (1): the fixture was told to fail with one; nothing was imported" \
    "$(jv 'j["error"]["message"]')"

pt_step "export() returns 1"
as_viewer GET "/v1/exports?format=fails&rc=one"
check_error "the export is answered as a plugin's bug" 500 plugin_error
check_contains "... naming the code and set_error's text" \
    "the exporter fails_one failed: its export() returned an unknown code (1): the fixture was told to fail with one" \
    "$(jv 'j["error"]["message"]')"

as_viewer GET "/v1/health"
check_status "ptrackd goes on" 200
pt_stop
check_eq "ptrackd stops cleanly" "0" "$PT_STOP_RC"
pt_finish
