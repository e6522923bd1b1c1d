#!/usr/bin/env bash
# The md report's headings show their text whole, # included: at the end
# of an ATX heading a run of # after a space is the heading's closing
# sequence (CommonMark 4.2), which a renderer does not show, so the text of
# a heading escapes it (\#). A report titled 第一季度报告 # is headed so,
# not 第一季度报告; one titled # is not headed with nothing; a unit named
# with a # keeps it in its group's heading. In a table cell # is written
# as it is (#12 names a proposal without a number). Each heading is read
# as CommonMark reads it, and each cell as a GFM table cell.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init
pt_serve

cat >"$PT_TMP/md.py" <<'PY'
import json, re, sys
PUNCT = r"""[!-/:-@\[-`{-~]"""
def unescape(t):
    return re.sub(r"\\(" + PUNCT + ")", r"\1", t)
headings, cells = [], []
for line in open(sys.argv[1], encoding="utf-8").read().split("\n"):
    m = re.match(r"^ {0,3}(#{1,6})(?:[ \t]+(.*))?$", line)
    if m:
        text = m.group(2) or ""
        # The closing sequence: # after a space (or alone), then spaces.
        text = re.sub(r"(?:^|[ \t]+)#+[ \t]*$", "", text).strip()
        headings.append(unescape(text))
    elif line.startswith("|") and not re.match(r"^\|( -+:? \|)+$", line):
        # A GFM row: cells split at pipes that no backslash escapes.
        parts = re.split(r"(?<!\\)((?:\\\\)*)\|", line)
        row, cur = [], ""
        for i, p in enumerate(parts):
            if i % 2 == 0:
                cur += p
            else:
                row.append(cur + p)
                cur = ""
        cells.append([unescape(c.strip()) for c in row[1:]])
print(json.dumps({"headings": headings, "cells": cells}, ensure_ascii=False))
PY
# md QUERY NAME: exports the md report into $PT_TMP/NAME.md and reads it; sets MD.
md() {
    local st
    st="$(curl -sS --max-time 30 --unix-socket "$PT_SOCK" -o "$PT_TMP/$2.md" -w '%{http_code}' \
        "http://localhost/v1/exports?format=md&$1")" || st="curl-failed"
    check_eq "$2: 200" 200 "$st"
    MD="$(python3 "$PT_TMP/md.py" "$PT_TMP/$2.md" 2>&1)" || MD="{\"headings\": [\"checker: $MD\"]}"
}

TITLE='关于在 C# 课程中加强 * _ ` [链接] <标签> | 管道 \ 反斜杠 的建议 #'
body="$(python3 -c 'import json, sys; print(json.dumps({"title": sys.argv[1], "delegation": "山西代表团", "lead_author": "李国华"}, ensure_ascii=False))' "$TITLE")"
api POST /v1/proposals "$body"
check_status "a proposal" 201
ID="$(jv 'j["id"]')"
api POST "/v1/proposals/$ID/actions/assign" '{"mode":"single","units":[{"name":"市住建局 ##","role":"lead"}]}'
check_status "assigned to 市住建局 ##" 200

pt_step "the report's title"
md "title=$(urlenc '第一季度报告 #')" hash
check_eq "title 第一季度报告 #: the heading reads so" "第一季度报告 #" "$(jv 'j["headings"][0]' "$MD")"
md "title=$(urlenc '#')" only
check_eq "title #: the heading reads #" "#" "$(jv 'j["headings"][0]' "$MD")"
md "title=$(urlenc '## 二〇二六 ##')" runs
check_eq "title ## 二〇二六 ##: the heading reads so" "## 二〇二六 ##" "$(jv 'j["headings"][0]' "$MD")"

pt_step "a unit's group, and the rows"
md "group=unit" unit
check_contains "group=unit: the unit's heading keeps its #" "市住建局 ##（1件）" "$(jv '"\n".join(j["headings"])' "$MD")"
check_eq "the title cell reads as the title" "$TITLE" \
    "$(jv '[r for r in j["cells"] if len(r) > 1 and r[0] == "#'"$ID"'"][0][1]' "$MD")"
check_contains "a proposal without a number is #$ID in its row, as written" "| #$ID |" "$(cat "$PT_TMP/unit.md")"

pt_stop
pt_finish
