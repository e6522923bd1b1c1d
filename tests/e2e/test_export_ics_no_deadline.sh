#!/usr/bin/env bash
# An ics export with no deadline that runs (an office that has assigned
# nothing yet, a filter that matches none) is still a calendar that
# strict readers take: RFC 5545 has no VCALENDAR without a component
# (icalbody = calprops component), so it holds the VTIMEZONE of UTC, the
# zone its times are written in, and no to-do or event. A calendar with
# deadlines is as it was, without it. Each file is read by icscheck.py, a
# checker of the format's grammar: CRLF, lines of at most 75 octets folded
# outside UTF-8 characters (Chinese titles folded at every byte offset),
# BEGIN and END nested, the properties each component must have.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init
pt_serve

# ics QUERY NAME: exports into $PT_TMP/NAME.ics and reads it; sets ICS.
ics() {
    local st
    st="$(curl -sS --max-time 30 --unix-socket "$PT_SOCK" -o "$PT_TMP/$2.ics" -w '%{http_code}' \
        "http://localhost/v1/exports?format=ics&$1")" || st="curl-failed"
    check_eq "$2: 200" 200 "$st"
    ICS="$(python3 "$PT_E2E_DIR/icscheck.py" "$PT_TMP/$2.ics" 2>&1)" || ICS="{\"problems\": [\"checker: $ICS\"]}"
}

pt_step "no proposal at all"
ics "" empty
check_eq "empty: a valid calendar" "[]" "$(jv 'j["problems"]' "$ICS")"
check_eq "empty: its one component is UTC's VTIMEZONE" '["VTIMEZONE"] ["UTC"]' \
    "$(jv 'json.dumps(j["components"]) + " " + json.dumps(j["tzids"])' "$ICS")"
ics "as=event&tz=%2B08:00" empty-events
check_eq "empty, as=event: a valid calendar" "[]" "$(jv 'j["problems"]' "$ICS")"
check_eq "empty, as=event: UTC's VTIMEZONE, no event" '["VTIMEZONE"]' "$(jv 'j["components"]' "$ICS")"

pt_step "proposals, none with a running deadline"
api POST /v1/proposals '{"title":"关于完善农村养老服务体系的建议","delegation":"太原代表团","lead_author":"张建军"}'
check_status "a submitted proposal" 201
ics "" submitted
check_eq "submitted only: a valid calendar" "[]" "$(jv 'j["problems"]' "$ICS")"
check_eq "submitted only: no to-do, UTC's VTIMEZONE" '["VTIMEZONE"]' "$(jv 'j["components"]' "$ICS")"

pt_step "deadlines, and a filter that matches none of them"
# Titles of 3-byte characters after 0, 1 and 2 ASCII letters: the folds
# fall at every offset inside a character.
for lead in "" "a" "ab"; do
    title="${lead}关于加快推进城镇老旧小区改造、完善社区养老托育和便民服务设施，提升居民生活品质;建议,逐步\\推进的建议"
    body="$(python3 -c 'import json, sys; print(json.dumps({"title": sys.argv[1], "delegation": "山西代表团", "lead_author": "李国华"}, ensure_ascii=False))' "$title")"
    api POST /v1/proposals "$body"
    check_status "create 「$title」" 201
    id="$(jv 'j["id"]')"
    api POST "/v1/proposals/$id/actions/assign" '{"mode":"single","units":[{"name":"市住建局","role":"lead"}]}'
    check_status "assign #$id" 200
done
ics "" assigned
check_eq "assigned: a valid calendar" "[]" "$(jv 'j["problems"]' "$ICS")"
check_eq "assigned: three to-dos and no VTIMEZONE" '["VTODO", "VTODO", "VTODO"]' \
    "$(jv 'j["components"]' "$ICS")"
check_eq "assigned: the titles escaped, and read back as they are" \
    '关于加快推进城镇老旧小区改造、完善社区养老托育和便民服务设施，提升居民生活品质;建议,逐步\推进的建议' \
    "$(jv 'j["summaries"][0]' "$ICS")"
ics "as=event" assigned-events
check_eq "assigned, as=event: a valid calendar of three events" '[] ["VEVENT", "VEVENT", "VEVENT"]' \
    "$(jv 'json.dumps(j["problems"]) + " " + json.dumps(j["components"])' "$ICS")"
ics "status=handling" handling
check_eq "status=handling (none): a valid calendar" "[]" "$(jv 'j["problems"]' "$ICS")"
check_eq "status=handling (none): UTC's VTIMEZONE only" '["VTIMEZONE"]' "$(jv 'j["components"]' "$ICS")"

pt_stop
pt_finish
