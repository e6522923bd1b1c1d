#!/usr/bin/env bash
# A deliver() that drops an event without a reason (set_error) is shown
# with the code it returned, named: last_error in GET /v1/plugins and the
# log line say "returned 7 (an unknown code)" or "PTRACK_ENOMEM", so that
# a plugin that returns 1 for success, or ENOMEM where it meant
# PTRACK_RETRY, is found without its source (the fixture bad_create, whose
# deliver() returns its option deliver_rc).
set -u
. "$(dirname "$0")/lib.sh"
pt_init
pt_fixtures bad_create
cp "$FIX/fixture_bad_create.so" "$PT_TMP/codes.so"
chmod 0755 "$PT_TMP/codes.so"

pt_config '{}' ',"plugins": [
    {"instance": "seven", "path": "'"$PT_TMP"'/codes.so", "config": {"fail": false, "deliver_rc": 7}},
    {"instance": "nomem", "path": "'"$PT_TMP"'/codes.so", "config": {"fail": false, "deliver_rc": -4}}
  ]'
pt_start

api POST /v1/proposals '{"title": "关于返回码的建议"}'
check_status "a proposal is created" 201
for i in $(seq 1 300); do
    [ "$(grep -c 'the event was dropped' "$PT_TMP/ptrackd.log")" -ge 2 ] && break
    sleep 0.1
done

api GET /v1/plugins/seven
check_eq "an unknown code is named in last_error" \
    "event 1 (proposal.created): deliver() returned 7 (an unknown code) and gave no reason; the event was dropped" \
    "$(jv 'j["notifier"]["last_error"]')"
api GET /v1/plugins/nomem
check_eq "... and a code of plugin.h by its name" \
    "event 1 (proposal.created): deliver() returned -4 (PTRACK_ENOMEM) and gave no reason; the event was dropped" \
    "$(jv 'j["notifier"]["last_error"]')"
check_true "the log line names it too" \
    grep -q "notifier seven: deliver() failed (7, an unknown code) on event 1 (proposal.created); the event was dropped" \
    "$PT_TMP/ptrackd.log"

pt_stop
pt_finish
