#!/usr/bin/env bash
# test_unit_separate.sh - a 分办 (separate-mode) proposal that only some of
# its units have answered, as `ptrack show`, `ptrack do`, GET /v1/stats and
# the md report tell it. Checks: show names the units still awaited
# (待答复单位), to the office and to a unit, as `ptrack do` does after the
# reply; the proposal is not counted as answered (办复) yet, by the stats'
# reply_rate and reply_categories and by the report's 办复率 and 办理结果,
# which agree, and the csv and xlsx exports, which leave its 答复文号 and
# 办理结果 empty; once the last unit has replied the row is gone and every
# figure counts it; in the rehandling round that follows, which any one
# unit's answer ends, no unit is named as awaited.
set -u
. "$(dirname "$0")/lib.sh"
pt_init
pt_serve

MONEY="$(pt_unit_token 财政厅联络员 财政厅)"
awaited() { printf '%s\n' "$OUT" | grep '待答复单位 Awaiting' | sed 's/^ *//' | tr -s ' '; }
rate() { # the report's 办复率 row
    pt_cli export --format md --out -
    printf '%s\n' "$OUT" | grep '^| 办复率 |'
}
# answer_cells ID: the csv export's 答复文号, 办理结果 and 答复时间 of the
# proposal, and the xlsx sheet's 答复单位, 答复文号 and 办理结果, each "-"
# when empty (答复时间 "time" when not).
answer_cells() {
    pt_cli export --format csv --out "$PT_TMP/e.csv"
    pt_cli export --format xlsx --out "$PT_TMP/e.xlsx"
    python3 - "$1" "$PT_TMP/e.csv" "$PT_TMP/e.xlsx" <<'PY'
import csv, re, sys, zipfile
pid, csv_path, xlsx_path = sys.argv[1:4]
rows = list(csv.DictReader(open(csv_path, encoding="utf-8-sig", newline="")))
row = next(r for r in rows if r["ID"] == pid)
out = [row[k] or "-" for k in ("答复文号", "办理结果")] + ["time" if row["答复时间"] else "-"]
z = zipfile.ZipFile(xlsx_path)
ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
import xml.etree.ElementTree as ET
shared = []
if "xl/sharedStrings.xml" in z.namelist():
    for si in ET.fromstring(z.read("xl/sharedStrings.xml")).findall("m:si", ns):
        shared.append("".join(t.text or "" for t in si.iter("{%s}t" % ns["m"])))
def value(c):
    if c.get("t") == "s":
        return shared[int(c.find("m:v", ns).text)]
    if c.get("t") == "inlineStr":
        return "".join(t.text or "" for t in c.iter("{%s}t" % ns["m"]))
    v = c.find("m:v", ns)
    return v.text if v is not None else ""
sheet = ET.fromstring(z.read("xl/worksheets/sheet1.xml"))
table = []
for r in sheet.iter("{%s}row" % ns["m"]):
    cells = {}
    for c in r.findall("m:c", ns):
        cells[re.match(r"[A-Z]+", c.get("r")).group(0)] = value(c)
    table.append(cells)
head = {v: k for k, v in table[0].items()}
for cells in table[1:]:
    if cells.get(head["ID"]) in (pid, pid + ".0", str(float(pid))):
        out += [cells.get(head[k], "") or "-" for k in ("答复单位", "答复文号", "办理结果")]
print(" ".join(out))
PY
}

P0="$(pt_assigned 关于加强河道治理的建议 single '[{"name": "水利厅", "role": "lead"}]')"
pt_act "$P0" sign '{"unit": "水利厅"}'
pt_act "$P0" reply "$(pt_reply_body 水利厅 水函〔2026〕9号)"

pt_step "one of two units has replied"
P1="$(pt_assigned 关于完善水价补贴的建议 separate '[{"name": "水利厅"}, {"name": "财政厅"}]')"
pt_act "$P1" sign '{"unit": "财政厅"}'
pt_run "$PTRACK" --url "$PT_URL" --token "$MONEY" do "$P1" 答复 --set doc_no=财函〔2026〕1号 \
    --set category=B --set text=财政厅部分的答复
check_rc "财政厅 replies" 0
check_contains "ptrack do names the unit still awaited" "待答复单位 awaiting replies: 水利厅" "$OUT"
pt_cli show "$P1"
check_eq "show names it too" "待答复单位 Awaiting 水利厅" "$(awaited)"
pt_run "$PTRACK" --url "$PT_URL" --token "$MONEY" show "$P1"
check_eq "as the unit that replied reads it" "待答复单位 Awaiting 水利厅" "$(awaited)"
pt_cli show "$P0"
check_eq "a single-mode proposal has no such row" "" "$(awaited)"
api GET /v1/stats
check_eq "stats: not answered yet, 1 of 2, its B not counted" "0.5 0" \
    "$(jv '"%s %s" % (j["reply_rate"], j["reply_categories"]["B"])')"
check_eq "the report agrees" "| 办复率 | 50.0%（1/2） |" "$(rate)"
check_eq "and has no 办理结果 for it yet" "" \
    "$(printf '%s\n' "$OUT" | grep '^| #'"$P1"' |' | awk -F'|' '{gsub(/ /, "", $9); print $9}')"
check_eq "nor have the csv and the xlsx the one unit's reply as its answer" "- - - - - -" \
    "$(answer_cells "$P1")"

pt_step "the other unit replies"
pt_act "$P1" reply "$(pt_reply_body 水利厅 水函〔2026〕1号)"
check_eq "replied" replied "$(jv 'j["status"]')"
pt_cli show "$P1"
check_eq "show names no one" "" "$(awaited)"
api GET /v1/stats
check_eq "stats: answered, by the category of the latest reply" "1 2 0" \
    "$(jv '"%s %s %s" % (j["reply_rate"], j["reply_categories"]["A"], j["reply_categories"]["B"])')"
check_eq "the report agrees" "| 办复率 | 100.0%（2/2） |" "$(rate)"
check_eq "the csv and the xlsx show the answer, the latest reply" \
    "水函〔2026〕1号 A time 水利厅 水函〔2026〕1号 A" "$(answer_cells "$P1")"

pt_step "rehandling: any one unit's answer ends the round"
pt_act "$P1" feedback '{"person": "张代表", "satisfaction": "unsatisfied"}'
pt_cli show "$P1"
check_eq "show names no one as awaited" "" "$(awaited)"
pt_act "$P1" reply "$(pt_reply_body 财政厅 财函〔2026〕2号)"
check_eq "one reply moves it on" replied "$(jv 'j["status"]')"

pt_finish
