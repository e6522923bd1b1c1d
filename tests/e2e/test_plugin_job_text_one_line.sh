#!/usr/bin/env bash
# The text an importer gives ptrackd (a rejected record's where and
# reason, an ignored passage's, set_error's) has a space for each control
# character, as ptrackd's log has: the client lists them one per line in
# a terminal, where a CR LF or an escape sequence copied from the file
# would split the line or move the cursor (the fixture jobs_failing, with
# rc=ctlreject and rc=ctlerror). A where and a reason are cut, on a
# character's boundary and with "…", to 255 and 511 bytes: a thousand
# rejected records with a reason of a megabyte each made an answer of a
# gigabyte (rc=longreject).
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

upload "format=fails&rc=longreject"
check_error "the long passages fail the import" 422 validation_failed
for list in rejected ignored; do
    check_eq "the $list passage's where is cut to 255 bytes with …" \
        "255 第 3 行 True" \
        "$(jv '(lambda w: "%d %s %s" % (len(w.encode()), w[:5], w.endswith("…")))(j["error"]["'$list'"][0]["where"])')"
    check_eq "... and its reason to 511 bytes, whole characters" \
        "510 True True" \
        "$(jv '(lambda r: "%d %s %s" % (len(r.encode()), r.endswith("…"), set(r[:-1]) == {"办"}))(j["error"]["'$list'"][0]["reason"])')"
done

pt_stop
pt_finish
