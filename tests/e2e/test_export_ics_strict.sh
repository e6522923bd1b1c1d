#!/usr/bin/env bash
# The ics export as an office's staff subscribe to it (Outlook, Apple's
# Calendar, Thunderbird, a Chinese calendar app), each file read by
# icscheck.py, a strict reader of RFC 5545: CRLF, lines of 75 octets folded
# outside UTF-8 characters (emoji of four bytes at every offset), TEXT
# escaped and read back to the title itself (full-width and half-width
# punctuation, a backslash, emoji, a title sent with CR LF as ptrackd keeps
# it, a calendar name with CR LF and a tab), VERSION 2.0 and PRODID, no
# METHOD (DTSTAMP is then the proposal's last change, 3.8.7.2), DTSTAMP and
# a UID in each to-do, the UID unique and the same in the next export, DUE
# the deadline in UTC, DTSTART the start of the deadline's round: the
# assignment, or in a rehandling round its start, not the assignment
# before it; an extension raises SEQUENCE and moves DUE. Filters, a unit's
# and a delegate's token and an empty selection give valid calendars of
# their own proposals.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init
pt_serve

# ics AUTH QUERY NAME: exports with AUTH ("sock" or a token) into
# $PT_TMP/NAME.ics and reads it; sets ICS.
ics() {
    local st auth=(--unix-socket "$PT_SOCK") url="http://localhost"
    if [ "$1" != sock ]; then
        auth=(-H "Authorization: Bearer $1")
        url="$PT_URL"
    fi
    st="$(curl -sS --max-time 30 "${auth[@]}" -o "$PT_TMP/$3.ics" -w '%{http_code}' \
        "$url/v1/exports?format=ics&$2")" || st="curl-failed"
    check_eq "$3: 200" 200 "$st"
    ICS="$(python3 "$PT_E2E_DIR/icscheck.py" "$PT_TMP/$3.ics" 2>&1)" ||
        ICS="{\"problems\": [\"checker: $ICS\"]}"
}
# items EXPR: EXPR of each to-do or event of $ICS (i: its properties, each
# a list of values), one a line.
items() { jv "\"\\n\".join(str($1) for i in j[\"items\"])" "$ICS"; }
# basic TIME: an API time (2026-03-15T01:02:03.250Z) as DUE writes it.
basic() { python3 -c 'import sys; t = sys.argv[1]; print(t[:19].replace("-", "").replace(":", "") + "Z")' "$1"; }
# new TITLE LEAD UNIT: a proposal of LEAD assigned to UNIT; prints its id.
new() {
    local body
    body="$(python3 -c 'import json, sys; print(json.dumps({"title": sys.argv[1], "lead_author": sys.argv[2], "delegation": "海淀代表团"}, ensure_ascii=False))' "$1" "$2")"
    local id
    id="$(pt_create "$body")" || exit 1 # pt_die said why
    pt_act "$id" assign "{\"mode\": \"single\", \"units\": [{\"name\": \"$3\", \"role\": \"lead\"}]}" >/dev/null
    printf %s "$id"
}

pt_step "an empty selection"
ics sock "" empty
check_eq "no proposal: a valid calendar" "[]" "$(jv 'j["problems"]' "$ICS")"
check_eq "... VERSION 2.0 and the PRODID, no METHOD" "2.0 -//ptrack//ptrack export_ics 1.0//ZH False" \
    "$(jv 'j["calendar"]["VERSION"][0] + " " + j["calendar"]["PRODID"][0] + " " + str("METHOD" in j["calendar"])' "$ICS")"

pt_step "titles a calendar must escape, fold and give back as they are"
T1='关于“菜篮子”工程（2026—2030年）：稳价、保供；促进,流通;与\冷链建设的建议'
a="$(new "$T1" 李四 市商务局)"
ids=("$a")
# A title of emoji of four bytes after 0 to 3 ASCII letters: the folds
# fall at every offset inside them.
for lead in "" "x" "xy" "xyz"; do
    ids+=("$(new "${lead}关于😀👨‍👩‍👧🀄推进“互联网+政务服务”😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀的建议" 王五 市政务服务局)")
done
crlf="$(new $'关于规范\r\n停车收费的建议' 王五 市发展改革委)"
ids+=("$crlf")
api PATCH "/v1/proposals/$a" '{"key_supervision": true}'
pt_act "$a" supervise '{"key_supervision": true, "supervisor": "赵主任"}' >/dev/null
ics sock "" all
check_eq "all: a valid calendar" "[]" "$(jv 'j["problems"]' "$ICS")"
check_eq "all: a to-do each" "6" "$(jv 'len(j["items"])' "$ICS")"
titles="$(for id in "${ids[@]}"; do api GET "/v1/proposals/$id"; jv 'j["title"]'; done)"
check_eq "each SUMMARY reads back as the proposal's title" "$titles" "$(items 'i["SUMMARY"][0]')"
check_eq "DTSTAMP, once in each" "1 1 1 1 1 1" "$(jv '" ".join(str(len(i["DTSTAMP"])) for i in j["items"])' "$ICS")"
check_eq "key supervision is PRIORITY 1" "['1']" "$(items 'i.get("PRIORITY")' | head -n 1)"
dues="$(for id in "${ids[@]}"; do api GET "/v1/proposals/$id"; basic "$(jv 'j["due_at"]')"; done)"
check_eq "DUE is each deadline in UTC" "$dues" "$(items 'i["DUE"][0]')"
uids="$(items 'i["UID"][0]')"
check_eq "the UIDs are proposal-<id>-<store id>@ptrack, one each" \
    "$(printf '%s\n' "${ids[@]}")" \
    "$(printf '%s\n' "$uids" | sed -nE 's/^proposal-([0-9]+)-[0-9a-f]{32}@ptrack$/\1/p')"
ics sock "" again
check_eq "the next export has the same UIDs" "$uids" "$(items 'i["UID"][0]')"
ics sock "title=$(urlenc $'名\r\n称;,\\x\tY')" named
check_eq "a calendar name with CR LF, ; , \\ and a tab: valid" "[]" "$(jv 'j["problems"]' "$ICS")"
check_eq "... and read back, the line break as one" $'名\n称;,\\x\tY' "$(jv 'j["calendar"]["NAME"][0]' "$ICS")"

pt_step "a rehandling round and an extension"
r="$(new 关于加强河道综合治理的建议 李四 市水务局)"
pt_act "$r" sign '{"unit": "市水务局"}' >/dev/null
pt_act "$r" reply "$(pt_reply_body 市水务局 水函〔2026〕1号)" >/dev/null
sleep 1.1 # the rehandling begins in a later second than the assignment
pt_act "$r" feedback '{"person": "李四", "satisfaction": "unsatisfied", "comment": "不满意"}' >/dev/null
api GET "/v1/proposals/$r"
check_eq "the proposal is in rehandling" rehandling "$(jv 'j["status"]')"
round="$(basic "$(jv 'j["rehandling_at"]')") $(basic "$(jv 'j["due_at"]')")"
ics sock "status=rehandling" rehandling
check_eq "status=rehandling: a valid calendar of the one" "[] 1" \
    "$(jv 'json.dumps(j["problems"]) + " " + str(len(j["items"]))' "$ICS")"
check_eq "DTSTART is the rehandling's start, DUE its deadline" "$round" \
    "$(items 'i["DTSTART"][0] + " " + i["DUE"][0]')"
seq0="$(items 'i["SEQUENCE"][0]')"
pt_act "$r" extend '{"due_at": "2027-03-31T10:00:00+08:00"}' >/dev/null
ics sock "status=rehandling" extended
check_eq "an extension moves DUE" "20270331T020000Z" "$(items 'i["DUE"][0]')"
check_true "... and raises SEQUENCE ($seq0 before)" test "$(items 'i["SEQUENCE"][0]')" -gt "$seq0"

pt_step "a unit's and a delegate's token"
ut="$(pt_unit_token 商务局联络员 市商务局)"
ics "$ut" "" unit
check_eq "the unit's calendar: valid, its one proposal" "[] proposal-$a" \
    "$(jv 'json.dumps(j["problems"]) + " " + " ".join(i["UID"][0].rsplit("-", 1)[0] for i in j["items"])' "$ICS")"
dt="$(pt_delegate_token 李四本人 李四)"
ics "$dt" "" delegate
check_eq "the delegate's calendar: valid, the two proposals of 李四" "[] proposal-$a proposal-$r" \
    "$(jv 'json.dumps(j["problems"]) + " " + " ".join(i["UID"][0].rsplit("-", 1)[0] for i in j["items"])' "$ICS")"
ics "$dt" "as=event&tz=%2B08:00" delegate-events
check_eq "... as events: valid, all-day on dates" "[] DATE DATE" \
    "$(jv 'json.dumps(j["problems"]) + " " + " ".join("DATE" if len(i["DTSTART"][0]) == 8 else "?" for i in j["items"])' "$ICS")"
ics "$ut" "status=closed" unit-none
check_eq "a filter that matches none of the unit's: valid, UTC's VTIMEZONE only" '[] ["VTIMEZONE"]' \
    "$(jv 'json.dumps(j["problems"]) + " " + json.dumps(j["components"])' "$ICS")"

pt_stop
pt_finish
