#!/usr/bin/env bash
# An ics export with no deadline that runs (an office that has assigned
# nothing yet, a filter that matches none) is still a calendar that
# strict readers take: RFC 5545 has no VCALENDAR without a component
# (icalbody = calprops component), so it holds the VTIMEZONE of UTC, the
# zone its times are written in, and no to-do or event. A calendar with
# deadlines is as it was, without it. Each file is read by a checker of
# the format's grammar: CRLF, lines of at most 75 octets folded outside
# UTF-8 characters (Chinese titles folded at every byte offset), BEGIN and
# END nested, the properties each component must have.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init
pt_config
pt_start --plugin-dir "$PT_BUILD_DIR/plugins"

cat >"$PT_TMP/strict.py" <<'PY'
import json, sys
raw = open(sys.argv[1], "rb").read()
problems = []
if not raw.endswith(b"\r\n"):
    problems.append("does not end in CRLF")
lines = raw.split(b"\r\n")[:-1]
for l in lines:
    if b"\n" in l or b"\r" in l:
        problems.append("a bare LF or CR")
    if len(l) > 75:
        problems.append("a line of %d octets" % len(l))
    try:
        l.decode("utf-8")
    except UnicodeDecodeError:
        problems.append("a fold inside a UTF-8 character")
logical = []
for l in lines:
    if l[:1] in (b" ", b"\t") and logical:
        logical[-1] += l[1:]
    else:
        logical.append(l)
text = [l.decode("utf-8", "replace") for l in logical]
# Components as nested dicts: name, props {NAME: [values]}, subs.
root = {"name": None, "props": {}, "subs": []}
stack = [root]
tzids_used, tzids_defined = set(), set()
for l in text:
    head, _, value = l.partition(":")
    name, *params = head.split(";")
    for p in params:
        if p.upper().startswith("TZID="):
            tzids_used.add(p[5:])
    if name == "BEGIN":
        comp = {"name": value, "props": {}, "subs": []}
        stack[-1]["subs"].append(comp)
        stack.append(comp)
    elif name == "END":
        if len(stack) < 2 or stack[-1]["name"] != value:
            problems.append("END:%s does not close %s" % (value, stack[-1]["name"]))
            break
        stack.pop()
    else:
        stack[-1]["props"].setdefault(name, []).append(value)
if len(stack) != 1:
    problems.append("%s not closed" % stack[-1]["name"])
cals = root["subs"]
if len(cals) != 1 or cals[0]["name"] != "VCALENDAR" or root["props"]:
    problems.append("not one VCALENDAR")
    cals = [{"name": "VCALENDAR", "props": {}, "subs": []}]
cal = cals[0]
def once(comp, *names):
    for n in names:
        if len(comp["props"].get(n, [])) != 1:
            problems.append("%s has %d %s" % (comp["name"], len(comp["props"].get(n, [])), n))
once(cal, "VERSION", "PRODID")
if not cal["subs"]:
    problems.append("a VCALENDAR with no component")
for c in cal["subs"]:
    if c["name"] in ("VTODO", "VEVENT"):
        once(c, "UID", "DTSTAMP")
    elif c["name"] == "VTIMEZONE":
        once(c, "TZID")
        tzids_defined.update(c["props"].get("TZID", []))
        rules = [s for s in c["subs"] if s["name"] in ("STANDARD", "DAYLIGHT")]
        if not rules:
            problems.append("a VTIMEZONE with no STANDARD or DAYLIGHT")
        for s in rules:
            once(s, "DTSTART", "TZOFFSETFROM", "TZOFFSETTO")
for t in sorted(tzids_used - tzids_defined):
    problems.append("TZID %s has no VTIMEZONE" % t)
print(json.dumps({"problems": problems,
                  "components": [c["name"] for c in cal["subs"]],
                  "tzids": [c["props"].get("TZID", [""])[0] for c in cal["subs"] if c["name"] == "VTIMEZONE"],
                  "summaries": [c["props"].get("SUMMARY", [""])[0] for c in cal["subs"]]},
                 ensure_ascii=False))
PY
# ics QUERY NAME: exports into $PT_TMP/NAME.ics and reads it; sets ICS.
ics() {
    local st
    st="$(curl -sS --max-time 30 --unix-socket "$PT_SOCK" -o "$PT_TMP/$2.ics" -w '%{http_code}' \
        "http://localhost/v1/exports?format=ics&$1")" || st="curl-failed"
    check_eq "$2: 200" 200 "$st"
    ICS="$(python3 "$PT_TMP/strict.py" "$PT_TMP/$2.ics" 2>&1)" || ICS="{\"problems\": [\"checker: $ICS\"]}"
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
check_eq "assigned: the titles escaped" \
    '关于加快推进城镇老旧小区改造、完善社区养老托育和便民服务设施，提升居民生活品质\;建议\,逐步\\推进的建议' \
    "$(jv 'j["summaries"][0]' "$ICS")"
ics "as=event" assigned-events
check_eq "assigned, as=event: a valid calendar of three events" '[] ["VEVENT", "VEVENT", "VEVENT"]' \
    "$(jv 'json.dumps(j["problems"]) + " " + json.dumps(j["components"])' "$ICS")"
ics "status=handling" handling
check_eq "status=handling (none): a valid calendar" "[]" "$(jv 'j["problems"]' "$ICS")"
check_eq "status=handling (none): UTC's VTIMEZONE only" '["VTIMEZONE"]' "$(jv 'j["components"]' "$ICS")"

pt_stop
pt_finish
