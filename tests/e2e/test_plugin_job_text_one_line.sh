#!/usr/bin/env bash
# The text an importer gives ptrackd (a rejected record's where and
# reason, an ignored passage's, set_error's) has a space for each control
# character, as ptrackd's log has: the client lists them one per line in
# a terminal, where a CR LF or an escape sequence copied from the file
# would split the line or move the cursor (the fixture jobs_failing, with
# rc=ctlreject and rc=ctlerror).
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

upload "format=fails&rc=ctlreject"
check_error "the rejected record fails the import" 422 validation_failed
check_eq "the where and the reason have spaces for their control characters" \
    "line 3  X-Evil: 1 | expected 3 fields, got 2 (a tab)" \
    "$(jv '"%s | %s" % (j["error"]["rejected"][0]["where"], j["error"]["rejected"][0]["reason"])')"
check_eq "... and so does an ignored passage" "lines 1-2  | a heading [2J" \
    "$(jv '"%s | %s" % (j["error"]["ignored"][0]["where"], j["error"]["ignored"][0]["reason"])')"
upload "format=fails&rc=ctlerror"
check_error "set_error's text" 422 validation_failed
check_contains "... is one line too" "line 7:  unterminated [31m quote" "$(jv 'j["error"]["message"]')"

pt_stop
pt_finish
