#!/usr/bin/env bash
# A stop that gives up on a partial import whose importer never asks
# job_cancelled (tests/plugins/jobs_stubborn.c with first=2000: it emits
# 2,000 proposals, which ptrackd stores as one batch, then sleeps) answers
# its client with what the import stored, as every other answer of a
# partial import cut short does: the message names the 2,000 proposals and
# their ids and says to send again only the records not stored, and the
# error carries imported, first_id, last_id and id_ranges. Before, the
# batch stored while the importer slept was not counted: the client read
# "0 were stored ... send it again once ptrackd is back", and the file sent
# again would have stored those 2,000 proposals twice.
set -u
. "$(dirname "$0")/lib.sh"
pt_init
pt_jobs_abandoned_ok
pt_fixtures jobs_stubborn

pt_config '{}' ',"plugins": [
    {"instance": "stubborn_jobs", "path": "'"$FIX"'/fixture_jobs_stubborn.so",
     "config": {"first": 2000}}
  ]'
pt_start

pt_step "a partial import that stored a batch, then sleeps without asking job_cancelled"
printf 'anything\n' >"$PT_TMP/in.txt"
curl -sS --max-time 60 --unix-socket "$PT_SOCK" --data-binary "@$PT_TMP/in.txt" \
    -o "$PT_TMP/in.json" -w '%{http_code}' \
    "http://localhost/v1/imports?format=stubborn&partial=true" >"$PT_TMP/in.code" 2>/dev/null &
wait_for 60 grep -qF "record 2000 emitted" "$PT_TMP/ptrackd.log" ||
    pt_die "the importer did not emit its 2000 records"
# The batch is stored while the importer sleeps; the stop comes after.
wait_for 60 eval '[ "$(pt_count)" = 2000 ]' || pt_die "the batch of 2000 was not stored"

pt_step "the stop gives up on it"
pt_stop
wait
answer="$(cat "$PT_TMP/in.json")"
check_eq "the import was answered 503 shutting_down" "503 shutting_down" \
    "$(cat "$PT_TMP/in.code") $(jv 'j["error"]["code"]' "$answer")"
msg="$(jv 'j["error"]["message"]' "$answer")"
check_contains "the message names what was stored" \
    "2000 proposals imported (ids 1 to 2000)" "$msg"
check_contains "... and says to send again only the records not stored" \
    "send again only the records not stored" "$msg"
check_true "... not to send it all again ($msg)" \
    eval '! printf %s "$msg" | grep -qF "send it again"'
check_eq "imported, first_id, last_id and id_ranges say so too" "2000 1 2000 [[1, 2000]]" \
    "$(jv '"%s %s %s %s" % (j["error"]["imported"], j["error"]["first_id"], j["error"]["last_id"], j["error"]["id_ranges"])' "$answer")"

pt_step "after the restart"
pt_start
check_eq "the store holds the 2000 the answer named" "2000" "$(pt_count)"
pt_stop
pt_finish
