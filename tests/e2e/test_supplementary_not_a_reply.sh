#!/usr/bin/env bash
# A supplementary reply (follow_up, 补充答复) adds to an answer and is none
# (docs/workflow.md, Effects). Where an office's workflow lets a unit make
# one while the proposal is handled, in separate mode (分办) it does not
# stand for that unit's reply: the proposal waits for the unit's own reply
# (awaiting_replies names it, its unit_part still owes the reply, and it
# is not counted as answered, 办复), the unit's reply is then taken, of
# kind first, and only it moves the proposal on to replied. ptrack do
# names the unit as awaited, as the history does. The md, html and xlsx
# reports and the csv count it as GET /v1/stats does: not answered, in no
# reply category, no 答复文号 yet, and grouped by unit late for the unit
# that owes its reply, not for the one that has replied; the calendar of
# the unit that has replied leaves it out, as it does its other done parts.
set -u
. "$(dirname "$0")/lib.sh"
pt_init

WF="$PT_TMP/office.json"
python3 - "$PT_SOURCE_DIR/proposals/workflow-default.json" "$WF" <<'PY'
import json, sys
wf = json.load(open(sys.argv[1], encoding="utf-8"))
for a in wf["actions"]:
    if a["name"] == "follow_up":
        a["from"] = ["handling", "replied", "closed"]
wf["name"] = "office"
json.dump(wf, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
PY
# A 2 s reply window: late by the time the reports are read.
pt_config '{"reply": "2s"}' ",
  \"workflow\": \"$WF\""
pt_start --plugin-dir "$PT_BUILD_DIR/plugins"
MONEY="$(pt_unit_token 财政厅联络员 财政厅)"

replies() { jv '" ".join(r["unit"] + ":" + r["kind"] for r in j["replies"])'; }

P="$(pt_assigned 关于加快水利建设的建议 separate '[{"name": "水利厅"}, {"name": "财政厅"}]')"
pt_act "$P" sign '{"unit": "水利厅"}'

pt_step "财政厅's supplementary reply before its reply"
pt_act "$P" follow_up "$(pt_reply_body 财政厅 财函〔2026〕补1号)"
check_eq "still handling" handling "$(jv 'j["status"]')"
req "tcp:$MONEY" GET "/v1/proposals/$P"
check_eq "财政厅 still owes its reply" '["sign", "reply"]' "$(jv 'j["unit_part"]["todo"]')"
api GET /v1/stats
check_eq "not answered (办复)" 0 "$(jv 'j["reply_rate"]')"

pt_step "水利厅 replies: the proposal waits for 财政厅"
pt_cli do "$P" reply --unit 水利厅 --set doc_no=水函〔2026〕1号 --set category=A --set text=同意
check_rc "水利厅 replies" 0
check_contains "ptrack do: the proposal stays 办理中" "办理中 handling" "$OUT"
check_contains "ptrack do: 财政厅 is awaited" "待答复单位 awaiting replies: 财政厅" "$OUT"
api GET "/v1/proposals/$P/history"
check_eq "the history names 财政厅 as awaited" 财政厅 \
    "$(jv 'j["items"][-1]["changes"]["awaiting_replies"]["to"]')"
api GET /v1/stats
check_eq "not answered (办复) yet" 0 "$(jv 'j["reply_rate"]')"

pt_step "the reports count it as GET /v1/stats does"
sleep 2
# What a report says of the proposal: 已答复, 办复率 and the count of
# A类..D类 from its figures, and the cells 超期 and 办理结果 of its rows
# (under each unit when grouped by unit), or the 答复文号 and 办理结果 of
# the csv.
cat >"$PT_TMP/says.py" <<'PY'
import csv, re, sys, zipfile
import xml.etree.ElementTree as ET
fmt, path = sys.argv[1:3]
if fmt == "csv":
    row = next(csv.DictReader(open(path, encoding="utf-8-sig")))
    print("答复文号 %r 办理结果 %r" % (row["答复文号"], row["办理结果"]))
    sys.exit()
if fmt == "xlsx":
    M = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    sheet = zipfile.ZipFile(path).read("xl/worksheets/sheet2.xml")
    rows = {}
    for row in ET.fromstring(sheet).iter(M + "row"):
        c = row.findall(M + "c")
        v = c[1].find(M + "v") if len(c) == 2 else None
        if v is not None:
            rows["".join(t.text or "" for t in c[0].iter(M + "t"))] = v.text
else:
    text = open(path, encoding="utf-8").read()
    if fmt == "html":
        text = re.sub(r"</t[dh]>\s*<t[dh][^>]*>", " | ", text)
        text = re.sub(r"<tr[^>]*>\s*<t[dh][^>]*>", "| ", text)
        text = re.sub(r"</t[dh]>\s*</tr>", " |", text)
    rows = dict(re.findall(r"^\| (.+?) \| (.*?) \|$", text, re.M))
cats = " ".join(v for k, v in rows.items() if re.match(r"[ABCD]类", k))
out = ["已答复 %s 办复率 %s ABCD %s" % (rows.get("已答复"), rows.get("办复率"), cats)]
if fmt == "md":
    for part in re.split(r"^### ", text, flags=re.M)[1:]:
        for line in part.splitlines():
            if "关于加快水利建设的建议" in line:
                cells = [c.strip() for c in line.strip("|").split("|")]
                out.append("%s 超期 %r 办理结果 %r" % (part.split("（")[0], cells[6], cells[7]))
print("; ".join(out))
PY
# says FORMAT [QUERY]: what the export of FORMAT (with QUERY) says.
says() {
    local st
    st="$(curl -sS --max-time 30 --unix-socket "$PT_SOCK" -o "$PT_TMP/report.$1" \
        -w '%{http_code}' "http://localhost/v1/exports?format=$1${2:+&$2}")" || st=curl-failed
    [ "$st" = 200 ] || pt_check_fail "GET /v1/exports?format=$1${2:+&$2}" "HTTP 200" "HTTP $st"
    python3 "$PT_TMP/says.py" "$1" "$PT_TMP/report.$1" 2>&1
}
check_eq "md: not answered, no category; late, 办理结果 none yet" \
    "已答复 0 办复率 0.0%（0/1） ABCD 0 0 0 0; 办理中 超期 '超期' 办理结果 ''" "$(says md)"
check_eq "html: not answered, no category" "已答复 0 办复率 0.0%（0/1） ABCD 0 0 0 0" "$(says html)"
check_eq "xlsx: not answered, no category" "已答复 0 办复率 0 ABCD 0 0 0 0" "$(says xlsx)"
check_eq "csv: no 答复文号 nor 办理结果 yet" "答复文号 '' 办理结果 ''" "$(says csv)"
# Under 水利厅 its own reply's category; late under 财政厅 only, as
# overdue_by_unit counts it.
api GET /v1/stats
check_eq "overdue_by_unit: 财政厅" '{"财政厅": 1}' "$(jv 'j["overdue_by_unit"]')"
check_eq "md, grouped by unit: late for 财政厅, not for 水利厅, which has replied" \
    "已答复 0 办复率 0.0%（0/1） ABCD 0 0 0 0; 水利厅 超期 '' 办理结果 'A'; 财政厅 超期 '超期' 办理结果 ''" \
    "$(says md group=unit)"
# A unit's calendar leaves out what it has done while others work on it.
todos() {
    curl -sS --max-time 30 --unix-socket "$PT_SOCK" \
        "http://localhost/v1/exports?format=ics&unit=$(urlenc "$1")" | grep -c '^BEGIN:VTODO' || true
}
check_eq "ics: the to-do in 财政厅's calendar, not in 水利厅's" "财政厅 1 水利厅 0" \
    "财政厅 $(todos 财政厅) 水利厅 $(todos 水利厅)"

pt_step "财政厅's reply is taken, as its first, and ends the round"
pt_act "$P" reply "$(pt_reply_body 财政厅 财函〔2026〕1号)"
check_eq "replied" replied "$(jv 'j["status"]')"
check_eq "the replies" "财政厅:supplementary 水利厅:first 财政厅:first" "$(replies)"
api GET /v1/stats
check_eq "answered (办复)" 1 "$(jv 'j["reply_rate"]')"

pt_finish
