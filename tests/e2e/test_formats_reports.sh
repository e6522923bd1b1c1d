#!/usr/bin/env bash
# test_formats_reports.sh - the report-style exporters, built-in plugins
# loaded from the build tree (--plugin-dir): xlsx, md, html and ics, over
# Chinese proposals in several states made through the API (and a CPPCC
# office's 提案, which every format names so).
#
# xlsx: the file is opened as the zip it is and its XML read: the sheets 建议
# and 统计, the frozen header row, the autofilter, the bold header style,
# the print setup (the header row on every page, the grid, A4 landscape),
# dates as numbers with a date format (and the right value in the zone
# asked for), CJK-aware column widths, a cell up to Excel's 32,767
# characters kept whole and a longer one cut with a note, U+FFFE and
# U+FFFF escaped, and the figures, which must equal GET /v1/stats. md and
# html: the figures (and the filters they cover, due_before in the zone
# asked for), groups by status and by unit, the Chinese labels, escaping
# (a title with <script>, & and " and |; a report title with markup), the
# print style (A4, each group on a page of its own, no heading left at the foot
# of a page), long words broken on screen and in print but a date and the
# mark 超期 kept on one line; a bad group is
# refused. ics: CRLF, no line over 75 octets, UTF-8 intact after
# unfolding, one VTODO per proposal whose deadline runs, stable UIDs, a
# SEQUENCE that rises when a deadline moves, DUE equal to due_at and later
# than DTSTART (none when the deadline is in the second of its assignment),
# as=event: all-day events on the deadlines' dates in the zone asked for; text
# escaping. Export filters narrow every format.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init
# A 3 s reply window: the proposals left without an extension become
# overdue while the test runs; the others get a later deadline by extend.
pt_config '{"reply": "3s", "rehandle": "30d", "max": "180d"}'
# The daemon's temporary directory, to see that the xlsx and report
# exporters leave no file behind.
mkdir "$PT_TMP/tmp"
TMPDIR="$PT_TMP/tmp" pt_start --plugin-dir "$PT_BUILD_DIR/plugins"

# ---------------------------------------------------------------------------
pt_step "the exporters are loaded"
api GET /v1/plugins
check_eq "xlsx, md, html and ics are served" '["html", "ics", "md", "xlsx"]' \
    "$(jv 'sorted(f for i in (j["items"] if isinstance(j, dict) else j) for f in i.get("formats", {}).get("export", []) if f in ("xlsx", "md", "html", "ics"))')"

# ---------------------------------------------------------------------------
pt_step "proposals in several states"
# make TITLE DELEGATION LEAD_AUTHOR: creates a proposal, sets $ID.
make() {
    local body
    body="$(python3 -c 'import json, sys; print(json.dumps({"title": sys.argv[1], "delegation": sys.argv[2], "lead_author": sys.argv[3], "kind": "suggestion", "session": "十四届全国人大四次会议"}, ensure_ascii=False))' "$1" "$2" "$3")"
    api POST /v1/proposals "$body"
    check_status "create 「$1」" 201
    ID="$(jv 'j["id"]')"
}
act() { # ID ACTION BODY
    api POST "/v1/proposals/$1/actions/$2" "$3"
    check_status "$2 on #$1" 200
}
later() { # DAYS: a time that many days ahead, RFC 3339 UTC
    python3 -c 'import sys, datetime; print((datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=int(sys.argv[1]))).strftime("%Y-%m-%dT%H:%M:%SZ"))' "$1"
}

LONG_TITLE="关于加快推进城镇老旧小区改造、完善社区养老托育和便民服务设施、提升居民生活品质的建议"
make "$LONG_TITLE" 山西代表团 李国华
A="$ID"
act "$A" assign '{"mode":"lead_co","units":[{"name":"市住建局","role":"lead"},{"name":"市财政局","role":"co"}]}'
act "$A" sign '{"unit":"市住建局"}'
act "$A" extend "{\"due_at\":\"$(later 60)\"}"
act "$A" supervise '{"key_supervision":true,"supervisor":"王主任"}'

EVIL='关于<script>alert(1)</script> & "引号"，a,b;c|d\e _x0041_ _x0041_x0042_ 的建议'
make "$EVIL" 山西代表团 王秀英
B="$ID"
act "$B" assign '{"mode":"single","units":[{"name":"市交通局","role":"lead"}]}'

make "关于完善农村养老服务体系的建议" 太原代表团 张建军
C="$ID"
act "$C" assign '{"mode":"single","units":[{"name":"市民政局","role":"lead"}]}'
act "$C" sign '{"unit":"市民政局"}'
act "$C" reply '{"unit":"市民政局","doc_no":"民政函〔2026〕5号","category":"A","text":"已解决"}'
act "$C" feedback '{"person":"张建军","satisfaction":"satisfied","comment":"满意"}'

make "关于治理汾河水污染的建议" 太原代表团 赵丽
D="$ID"
act "$D" assign '{"mode":"single","units":[{"name":"市水务局","role":"lead"}]}'
act "$D" sign '{"unit":"市水务局"}'
act "$D" reply '{"unit":"市水务局","doc_no":"水务函〔2026〕9号","category":"B","text":"正在解决"}'
act "$D" feedback '{"person":"赵丽","satisfaction":"unsatisfied","comment":"不满意"}'

make "关于发展职业教育的建议" 大同代表团 刘强
E="$ID"

make "关于加强校园周边交通安全的建议" 大同代表团 陈静
F="$ID"
act "$F" assign '{"mode":"single","units":[{"name":"市交通局","role":"lead"}]}'
act "$F" sign '{"unit":"市交通局"}'
act "$F" reply '{"unit":"市交通局","doc_no":"交通函〔2026〕3号","category":"C","text":"以后解决"}'

make "关于整治城区河道黑臭水体的建议" 山西代表团 孙伟
G="$ID"
act "$G" assign '{"mode":"single","units":[{"name":"市水务局","role":"lead"}]}'
act "$G" sign '{"unit":"市水务局"}'

states=""
for id in $A $B $C $D $E $F $G; do
    api GET "/v1/proposals/$id"
    states="$states${states:+ }$(jv 'j["status"]')"
done
check_eq "the states" "handling assigned closed rehandling submitted replied handling" "$states"

# B and G keep the 3 s deadline and become overdue.
sleep 4
api GET /v1/stats
STATS="$BODY"
check_eq "stats: B and G are overdue" 2 "$(jv 'j["overdue"]')"

# export FORMAT QUERY OUT: GET /v1/exports on the socket; sets ST, HDRS.
export_to() {
    local q="$1" out="$2"
    : >"$PT_TMP/exp.hdrs"
    ST="$(curl -sS --max-time 30 --unix-socket "$PT_SOCK" -D "$PT_TMP/exp.hdrs" -o "$out" \
        -w '%{http_code}' "http://localhost/v1/exports?$q")" || ST="curl-failed"
    HDRS="$PT_TMP/exp.hdrs"
}

# ---------------------------------------------------------------------------
pt_step "xlsx"
export_to "format=xlsx&tz=%2B08:00" "$PT_TMP/p.xlsx"
check_eq "xlsx: 200" 200 "$ST"
check_eq "xlsx: content type" "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" "$(hdr Content-Type)"
check_contains "xlsx: filename" 'proposals.xlsx' "$(hdr Content-Disposition)"

# Reads the workbook's XML into one JSON summary.
cat >"$PT_TMP/xlsx.py" <<'EOF'
import json, re, sys, zipfile
import xml.etree.ElementTree as ET
NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
      "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships"}
z = zipfile.ZipFile(sys.argv[1])
wb = ET.fromstring(z.read("xl/workbook.xml"))
rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
targets = {r.get("Id"): r.get("Target") for r in rels}
sheets = []
for s in wb.find("m:sheets", NS):
    rid = s.get("{%s}id" % NS["r"])
    sheets.append((s.get("name"), "xl/" + targets[rid].lstrip("/").replace("xl/", "")))
styles = ET.fromstring(z.read("xl/styles.xml"))
numfmts = {n.get("numFmtId"): n.get("formatCode") for n in styles.iter("{%s}numFmt" % NS["m"])}
fonts = list(styles.find("m:fonts", NS))
xfs = list(styles.find("m:cellXfs", NS))
def style(s):
    xf = xfs[int(s or 0)]
    font = fonts[int(xf.get("fontId", 0))]
    return {"bold": font.find("m:b", NS) is not None,
            "numfmt": numfmts.get(xf.get("numFmtId"), xf.get("numFmtId"))}
def col_index(ref):
    letters = re.match(r"[A-Z]+", ref).group(0)
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1
out = {"sheets": [n for n, _ in sheets]}
for name, path in sheets:
    root = ET.fromstring(z.read(path))
    rows = []
    for row in root.iter("{%s}row" % NS["m"]):
        cells = {}
        for c in row.findall("m:c", NS):
            t = c.get("t")
            if t == "inlineStr":
                v = "".join(x.text or "" for x in c.iter("{%s}t" % NS["m"]))
                # As Excel reads it: _xHHHH_ is the character HHHH.
                v = re.sub(r"_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m.group(1), 16)), v)
                kind = "s"
            elif t == "s":
                raise SystemExit("shared strings are not expected in constant_memory mode")
            else:
                e = c.find("m:v", NS)
                v = float(e.text) if e is not None else None
                kind = "n"
            cells[col_index(c.get("r"))] = {"v": v, "t": kind, **style(c.get("s"))}
        rows.append([cells.get(i) for i in range(max(cells) + 1)] if cells else [])
    pane = root.find(".//m:pane", NS)
    af = root.find("m:autoFilter", NS)
    cols = {int(c.get("min")) - 1: float(c.get("width")) for c in root.iter("{%s}col" % NS["m"])}
    out[name] = {"rows": rows,
                 "pane": dict(pane.attrib) if pane is not None else None,
                 "autofilter": af.get("ref") if af is not None else None,
                 "widths": cols}
print(json.dumps(out, ensure_ascii=False))
EOF
X="$(python3 "$PT_TMP/xlsx.py" "$PT_TMP/p.xlsx" 2>&1)" || X="<error: $X>"
check_eq "xlsx: the sheets" '["建议", "统计"]' "$(jv 'j["sheets"]' "$X")"
check_eq "xlsx: the header row is frozen" '["1", "A2", "frozen"]' \
    "$(jv '[j["建议"]["pane"].get("ySplit"), j["建议"]["pane"].get("topLeftCell"), j["建议"]["pane"].get("state")]' "$X")"
check_eq "xlsx: an autofilter over the header and the 7 rows" "A1:W8" "$(jv 'j["建议"]["autofilter"]' "$X")"
check_eq "xlsx: every header cell is bold text" "true" \
    "$(jv 'all(c and c["bold"] and c["t"] == "s" for c in j["建议"]["rows"][0])' "$X")"
check_eq "xlsx: the headers begin ID 编号 标题" '["ID", "编号", "标题"]' \
    "$(jv '[c["v"] for c in j["建议"]["rows"][0][:3]]' "$X")"
check_eq "xlsx: data cells are not bold" "false" "$(jv 'j["建议"]["rows"][1][2]["bold"]' "$X")"
check_eq "xlsx: printed, the header row repeats on every page, with the grid, A4 across" \
    "'建议'!\$1:\$1 1 9 landscape" \
    "$(python3 -c '
import re, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
wb = z.read("xl/workbook.xml").decode()
titles = re.findall(r"<definedName name=\"_xlnm.Print_Titles\" localSheetId=\"0\">([^<]*)<", wb)
ws = z.read("xl/worksheets/sheet1.xml").decode()
grid = re.search(r"<printOptions[^>]*gridLines=\"(\w+)\"", ws)
setup = re.search(r"<pageSetup[^>]*>", ws)
attr = lambda n: (re.search(n + r"=\"(\w+)\"", setup.group(0)) or [None, "-"])[1] if setup else "-"
print(titles[0] if titles else "-", grid.group(1) if grid else "-", attr("paperSize"), attr("orientation"))
' "$PT_TMP/p.xlsx" 2>&1)"
check_eq "xlsx: printed, sheet 统计 has its grid too, on A4" "1 9" "$(python3 -c '
import re, sys, zipfile
ws = zipfile.ZipFile(sys.argv[1]).read("xl/worksheets/sheet2.xml").decode()
grid = re.search(r"<printOptions[^>]*gridLines=\"(\w+)\"", ws)
paper = re.search(r"<pageSetup[^>]*paperSize=\"(\w+)\"", ws)
print(grid.group(1) if grid else "-", paper.group(1) if paper else "-")
' "$PT_TMP/p.xlsx" 2>&1)"
check_eq "xlsx: A's row has its title and Chinese status label" "$LONG_TITLE 办理中" \
    "$(jv "(lambda j: ([r for r in j['建议']['rows'][1:] if r[0] and r[0]['v'] == $A][0]))(j)[2]['v'] + ' ' + (lambda j: ([r for r in j['建议']['rows'][1:] if r[0] and r[0]['v'] == $A][0]))(j)[9]['v']" "$X")"
check_eq "xlsx: 办理方式 after the status, in Chinese: A lead and co, B single, E not assigned" \
    "办理方式 主办+协办 单办 -" \
    "$(jv "(lambda rows: ' '.join([rows[0][10]['v']] + [(([r for r in rows[1:] if r[0] and r[0]['v'] == i][0] + [None] * 11)[10] or {'v': '-'})['v'] for i in ($A, $B, $E)]))(j['建议']['rows'])" "$X")"
api GET "/v1/proposals/$A"
DUE_A="$(jv 'j["due_at"]')"
# The serial is compared to the millisecond (a day is 86,400,000 of them),
# not by its printed digits, which round either way at the sixth.
want_serial="$(python3 -c 'import sys, datetime; t = datetime.datetime.fromisoformat(sys.argv[1].replace("Z", "+00:00")); print(repr((t.timestamp() + 8 * 3600) / 86400 + 25569))' "$DUE_A")"
check_eq "xlsx: A's 办理期限 is a number with a date format, its value due_at in +08:00" \
    "n yyyy-mm-dd True" \
    "$(jv "(lambda c: c['t'] + ' ' + str(c['numfmt']) + ' ' + str(abs(c['v'] - $want_serial) * 86400000 < 1))([r for r in j['建议']['rows'][1:] if r[0] and r[0]['v'] == $A][0][15])" "$X")"
check_eq "xlsx: the title column is wide for its Chinese text (CJK counts double), capped at 60" "60" \
    "$(jv 'int(j["建议"]["widths"].get("2"))' "$X")"
check_true "xlsx: the 代表团 column is wider than its longest value's characters" \
    python3 -c 'import sys; sys.exit(0 if float(sys.argv[1]) >= 10 else 1)' "$(jv 'j["建议"]["widths"].get("5")' "$X")"
check_eq "xlsx: B's title is kept whole, its literal _x0041_ too" "$EVIL" \
    "$(jv "[r for r in j['建议']['rows'][1:] if r[0] and r[0]['v'] == $B][0][2]['v']" "$X")"

# The figures sheet: label → value, compared with GET /v1/stats.
figs() { jv "(lambda fig: $1)({r[0]['v']: r[1]['v'] for r in j['统计']['rows'] if len(r) > 1 and r[0] and r[1]})" "$X"; }
check_eq "xlsx 统计: total, overdue" "7 2" "$(figs '"%d %d" % (fig["建议总数"], fig["超期"])')"
check_eq "xlsx 统计: 办复率 and 满意率 as GET /v1/stats" \
    "$(jv '"%.4f %.4f" % (j["reply_rate"], j["satisfaction_rate"])' "$STATS")" \
    "$(figs '"%.4f %.4f" % (fig["办复率"], fig["满意率"])')"
check_eq "xlsx 统计: the rates are percentages" "0.0%" \
    "$(jv "[r[1]['numfmt'] for r in j['统计']['rows'] if r and r[0] and r[0]['v'] == '办复率'][0]" "$X")"
check_eq "xlsx 统计: counts by status under Chinese labels, as GET /v1/stats" \
    "$(jv 'sorted([{"submitted":"已提出","assigned":"已交办","handling":"办理中","replied":"已答复","rehandling":"重新办理","closed":"办结"}[k], v] for k, v in j["by_status"].items())' "$STATS")" \
    "$(figs 'sorted([k, int(v)] for k, v in fig.items() if k in ("已提出","已交办","办理中","已答复","重新办理","办结"))')"
check_eq "xlsx 统计: counts by unit, as GET /v1/stats" \
    "$(jv 'sorted([k, v] for k, v in j["by_unit"].items())' "$STATS")" \
    "$(figs 'sorted([k, int(v)] for k, v in fig.items() if k.startswith("市"))')"
check_eq "xlsx 统计: reply categories A B C D" "1 1 1 0" \
    "$(figs '" ".join(str(int(v)) for k, v in sorted(fig.items()) if k[:2] in ("A类", "B类", "C类", "D类"))')"
check_eq "xlsx 统计: the section headings are bold" "true" \
    "$(jv "[r[0]['bold'] for r in j['统计']['rows'] if r and r[0] and r[0]['v'] == '承办单位'][0]" "$X")"

export_to "format=xlsx&status=handling" "$PT_TMP/h.xlsx"
X="$(python3 "$PT_TMP/xlsx.py" "$PT_TMP/h.xlsx" 2>&1)" || X="<error: $X>"
check_eq "xlsx status=handling: only A and G" "[$A, $G]" "$(jv '[int(r[0]["v"]) for r in j["建议"]["rows"][1:]]' "$X")"
check_eq "xlsx status=handling: the figures cover them only" "2" "$(figs 'int(fig["建议总数"])')"

export_to "format=xlsx&tz=moon" "$PT_TMP/bad.xlsx"
check_true "xlsx tz=moon: refused" test "$ST" != 200
check_contains "xlsx tz=moon: the message says what to write" "tz=+08:00" "$(cat "$PT_TMP/bad.xlsx")"

# ---------------------------------------------------------------------------
pt_step "md"
export_to "format=md" "$PT_TMP/r.md"
check_eq "md: 200" 200 "$ST"
check_eq "md: content type" "text/markdown; charset=utf-8" "$(hdr Content-Type)"
check_contains "md: filename" 'report.md' "$(hdr Content-Disposition)"
MD="$(cat "$PT_TMP/r.md")"
check_eq "md: the default title" "# 建议办理情况报告" "$(head -n 1 "$PT_TMP/r.md")"
check_contains "md: the date" "生成日期：$(date +%Y-%m-%d)" "$MD"
check_contains "md: 办复率 50.0% (3 of 6)" "| 办复率 | 50.0%（3/6） |" "$MD"
check_contains "md: 满意率 50.0% (1 of 2)" "| 满意率 | 50.0%（1/2） |" "$MD"
check_contains "md: overdue count" "| 超期 | 2 |" "$MD"
check_contains "md: by unit" "| 市交通局 | 2 |" "$MD"
check_contains "md: category A explained" "| A类（所提问题已经解决或基本解决） | 1 |" "$MD"
check_contains "md: grouped by status" "## 按办理状态分列" "$MD"
check_contains "md: the 办理中 group with its count" "### 办理中（2件）" "$MD"
check_contains "md: the 重新办理 group" "### 重新办理（1件）" "$MD"
check_eq "md: the groups in the workflow's order" "已提出 已交办 办理中 已答复 重新办理 办结" \
    "$(grep -E '^### .*（[0-9]+件）$' "$PT_TMP/r.md" | sed 's/^### //; s/（.*//' | tr '\n' ' ' | sed 's/ $//')"
check_contains "md: A's row: number, title, delegation, lead author, units" \
    "| #$A | $LONG_TITLE | 山西代表团 | 李国华 | 主办：市住建局；协办：市财政局 |" "$MD"
check_contains "md: G is marked overdue" "| 超期 |" "$(grep "整治城区河道" "$PT_TMP/r.md")"
check_contains "md: C's reply category" "| A |" "$(grep "农村养老" "$PT_TMP/r.md" | tail -n 1)"
check_eq "md: no raw markup from a title" "0" "$(grep -c '<script>' "$PT_TMP/r.md" || true)"
check_contains "md: B's title escaped" '\<script\>alert(1)\</script\> \& "引号"，a,b;c\|d\\e' "$MD"
# Every table row has as many unescaped pipes as its table's header.
check_eq "md: every table row has its header's number of cells" "ok" "$(python3 - "$PT_TMP/r.md" <<'EOF'
import re, sys
bad = []
want = None
for line in open(sys.argv[1], encoding="utf-8"):
    line = line.rstrip("\n")
    if not line.startswith("|"):
        want = None
        continue
    n = len(re.findall(r"(?<!\\)\|", re.sub(r"\\\\", "", line)))
    if want is None:
        want = n
    elif n != want:
        bad.append(line)
print("ok" if not bad else bad)
EOF
)"

export_to "format=md&group=unit" "$PT_TMP/u.md"
check_eq "md group=unit: 200" 200 "$ST"
UMD="$(cat "$PT_TMP/u.md")"
check_contains "md group=unit: the heading" "## 按承办单位分列" "$UMD"
check_contains "md group=unit: 市交通局 with B and F" "### 市交通局（2件）" "$UMD"
check_contains "md group=unit: the unassigned last" "### 未交办（1件）" "$(grep '^### ' "$PT_TMP/u.md" | tail -n 1)"
check_contains "md group=unit: a status column with Chinese labels" "| 重新办理 |" "$UMD"
check_eq "md group=unit: A listed under both its units" "2" "$(grep -c "| #$A |" "$PT_TMP/u.md")"

export_to "format=md&status=handling&title=%E5%8A%9E%E7%90%86%E4%B8%AD" "$PT_TMP/h.md"
HMD="$(cat "$PT_TMP/h.md")"
check_eq "md status=handling: the title= argument" "# 办理中" "$(head -n 1 "$PT_TMP/h.md")"
check_contains "md status=handling: the filter is stated" "筛选条件：状态：办理中" "$HMD"
export_to "format=md&status=handling,rehandling" "$PT_TMP/hr.md"
check_contains "md status=handling,rehandling: both states are stated" "筛选条件：状态：办理中、重新办理" \
    "$(cat "$PT_TMP/hr.md")"
check_eq "md status=handling,rehandling: two groups" "### 办理中（2件） ### 重新办理（1件）" \
    "$(grep '^### .*件）$' "$PT_TMP/hr.md" | tr '\n' ' ' | sed 's/ $//')"
export_to "format=md&status=handling,rehandling,handling&unit=$(urlenc 市水务局)&todo=reply,reply" "$PT_TMP/hrh.md"
check_contains "md status=handling,rehandling,handling&todo=reply,reply: each value stated once" \
    "筛选条件：状态：办理中、重新办理；承办单位：市水务局；待办：答复" "$(cat "$PT_TMP/hrh.md")"
export_to "format=md&overdue=true&key_supervision=0" "$PT_TMP/o.md"
check_contains "md overdue=true&key_supervision=0: yes and no in words" "超期：是" "$(cat "$PT_TMP/o.md")"
# due_before is stated in the report's zone, as its dates are, not in the
# UTC the request gave; a bare date is its midnight UTC, as the API reads it.
export_to "format=md&due_before=2026-06-30T16:00:00Z&tz=%2B08:00" "$PT_TMP/db.md"
check_contains "md due_before=...T16:00:00Z&tz=+08:00: stated in that zone" \
    "期限早于：2026-07-01 00:00:00+08:00" "$(cat "$PT_TMP/db.md")"
export_to "format=html&due_before=2026-07-01&tz=-05:00" "$PT_TMP/db.html"
check_contains "html due_before=2026-07-01&tz=-05:00: its midnight UTC in that zone" \
    "期限早于：2026-06-30 19:00:00-05:00" "$(cat "$PT_TMP/db.html")"
check_contains "md overdue=true&key_supervision=0: and no" "重点督办：否" "$(cat "$PT_TMP/o.md")"
check_contains "md status=handling: the figures cover 2" "| 建议总数 | 2 |" "$HMD"
# todo narrows the figures to what a unit still has to do: the report says so.
export_to "format=md&unit=$(urlenc 市水务局)&todo=reply" "$PT_TMP/t.md"
check_contains "md unit=市水务局&todo=reply: both filters are stated" \
    "筛选条件：承办单位：市水务局；待办：答复" "$(cat "$PT_TMP/t.md")"
check_contains "md unit=市水务局&todo=reply: the figures cover D and G" "| 建议总数 | 2 |" "$(cat "$PT_TMP/t.md")"
# A report of nothing (nothing overdue this week) says so: no table of a
# head and no rows.
export_to "format=md&session=$(urlenc 无此届次)" "$PT_TMP/none.md"
check_eq "md of no proposal: 按状态 says there are none, in place of an empty table" \
    "（没有符合条件的建议）|0" \
    "$(grep -A2 '^### 按状态$' "$PT_TMP/none.md" | sed -n 3p)|$(grep -c '^| 状态 | 件数 |$' "$PT_TMP/none.md" || true)"
export_to "format=html&session=$(urlenc 无此届次)" "$PT_TMP/none.html"
check_eq "html of no proposal: no table without rows" "0" \
    "$(python3 -c 'import re, sys; print(len(re.findall(r"<tbody>\s*</tbody>", open(sys.argv[1], encoding="utf-8").read())))' "$PT_TMP/none.html")"
export_to "format=html&unit=$(urlenc 市财政局)&todo=sign,opinion" "$PT_TMP/t.html"
check_contains "html unit=市财政局&todo=sign,opinion: the parts in words" \
    "筛选条件：承办单位：市财政局；待办：签收、协办意见" "$(cat "$PT_TMP/t.html")"
check_eq "md status=handling: one group" "### 办理中（2件）" "$(grep '^### .*件）$' "$PT_TMP/h.md")"

export_to "format=md&group=delegation" "$PT_TMP/g.md"
check_true "md group=delegation: refused" test "$ST" != 200
check_contains "md group=delegation: the message says what to write" "group=status or group=unit" "$(cat "$PT_TMP/g.md")"

# ---------------------------------------------------------------------------
pt_step "html"
export_to "format=html&title=%3Cscript%3Ealert(2)%3C%2Fscript%3E%20%26%20%22%E6%8A%A5%E5%91%8A%22" "$PT_TMP/r.html"
check_eq "html: 200" 200 "$ST"
check_eq "html: content type" "text/html; charset=utf-8" "$(hdr Content-Type)"
check_contains "html: filename" 'report.html' "$(hdr Content-Disposition)"
cat >"$PT_TMP/parse_html.py" <<'EOF'
import json, sys
from html.parser import HTMLParser
class P(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.stack, self.text = [], [], {}
        self.cells, self.sections, self.links = [], 0, 0
        self.viewport = None
    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.stack.append(tag)
        if tag == "section":
            self.sections += 1
        if tag == "meta" and dict(attrs).get("name") == "viewport":
            self.viewport = dict(attrs).get("content")
        if tag in ("link", "img", "iframe") or (tag == "a" and dict(attrs).get("href", "").startswith("http")):
            self.links += 1
        if tag in ("td", "h1", "h2", "h3", "title", "style"):
            self.text.setdefault(tag, []).append("")
    def handle_endtag(self, tag):
        if self.stack and self.stack[-1] == tag:
            self.stack.pop()
    def handle_data(self, data):
        for t in ("td", "h1", "h2", "h3", "title", "style"):
            if t in self.stack and self.stack[-1] == t:
                self.text[t][-1] += data
p = P()
p.feed(open(sys.argv[1], encoding="utf-8").read())
print(json.dumps({"tags": sorted(set(p.tags)), "text": p.text, "sections": p.sections,
                  "outside": p.links, "viewport": p.viewport}, ensure_ascii=False))
EOF
H="$(python3 "$PT_TMP/parse_html.py" "$PT_TMP/r.html" 2>&1)" || H="<error: $H>"
check_eq "html: no script element from any title" "false" "$(jv '"script" in j["tags"]' "$H")"
check_eq "html: the title= argument, escaped, as <title> and <h1>" \
    '<script>alert(2)</script> & "报告" <script>alert(2)</script> & "报告"' \
    "$(jv 'j["text"]["title"][0] + " " + j["text"]["h1"][0]' "$H")"
check_eq "html: B's title comes through as text" "true" "$(jv "$(printf '%s' "$EVIL" | python3 -c 'import json,sys; print(json.dumps(sys.stdin.read(), ensure_ascii=False))') in j['text']['td']" "$H")"
check_eq "html: laid out for the screen it is read on, a phone's too" "width=device-width, initial-scale=1" \
    "$(jv 'j["viewport"]' "$H")"
check_eq "html: self-contained (inline style, nothing fetched)" "true 0" \
    "$(jv 'str("style" in j["tags"]).lower() + " " + str(j["outside"])' "$H")"
HT="$(cat "$PT_TMP/r.html")"
check_contains "html: a print style" "@media print" "$HT"
check_contains "html: printed on A4" "@page{size:A4;" "$HT"
check_contains "html: page breaks between groups" "page-break-before:always" "$HT"
check_contains "html: table borders" "border:1px solid" "$HT"
# A URL or a long number has no place to break: the cells and paragraphs
# must let it break anywhere, in print as on screen (a rule outside @media,
# or one of @media print that print does not undo), or it runs past the
# page's edge. No browser here: the style's rules are read as text.
cat >"$PT_TMP/css_wrap.py" <<'EOF'
import json, re, sys
css = json.loads(sys.argv[1])["text"]["style"][0]
# Split the style into its rules outside @media and those of @media print.
top, media, i = "", {}, 0
while i < len(css):
    m = re.compile(r"@media\s*([^{]*)\{").match(css, i)
    if not m:
        top += css[i]
        i += 1
        continue
    depth, j = 1, m.end()
    while depth:
        depth += {"{": 1, "}": -1}.get(css[j], 0)
        j += 1
    media[m.group(1).strip()] = media.get(m.group(1).strip(), "") + css[m.end():j - 1]
    i = j
def props(text, tag):
    out = {}
    for sel, body in re.findall(r"([^{}]+)\{([^{}]*)\}", text):
        if tag in [s.strip() for s in sel.split(",")]:
            for decl in body.split(";"):
                if ":" in decl:
                    k, v = decl.split(":", 1)
                    out[k.strip()] = v.strip()
    return out
for medium in ("screen", "print"):
    for tag in ("td", "th", "p"):
        p = props(top, tag)
        if medium == "print":
            p.update(props(media.get("print", ""), tag))
        print(medium, tag, p.get("overflow-wrap", "-"), p.get("word-break", "-"))
EOF
check_eq "html: long words break in cells and paragraphs, on screen and in print" \
    "screen td anywhere break-word|screen th anywhere break-word|screen p anywhere -|print td anywhere break-word|print th anywhere break-word|print p anywhere -" \
    "$(python3 "$PT_TMP/css_wrap.py" "$H" | paste -sd '|')"
# But a date and the mark 超期 stay on one line: a cell that may break
# anywhere may be one character narrow, and a table wider than the page
# (long titles, long units) narrows each column in proportion, which would
# print A's deadline as 2026-0 over 6-30. Each such cell of A's and G's
# rows, by the rules of its classes outside @media and in @media print.
cat >"$PT_TMP/css_keep.py" <<'EOF'
import re, sys
from html.parser import HTMLParser
html = open(sys.argv[1], encoding="utf-8").read()
css = re.search(r"<style>(.*)</style>", html, re.S).group(1)
m = re.search(r"@media\s*print\s*\{", css)
depth, j = 1, m.end()
while depth:
    depth += {"{": 1, "}": -1}.get(css[j], 0)
    j += 1
top, media = css[:m.start()] + css[j:], css[m.end():j - 1]
def white_space(classes, text):
    got = None
    for sel, body in re.findall(r"([^{}]+)\{([^{}]*)\}", text):
        for s in sel.split(","):
            s = s.strip()
            if s == "td" or (s.startswith("td.") and s[3:] in classes):
                for decl in body.split(";"):
                    k, _, v = decl.partition(":")
                    if k.strip() == "white-space":
                        got = v.strip()
    return got
class P(HTMLParser):
    def __init__(self):
        super().__init__()
        self.heads, self.row, self.cell, self.rows = [], None, None, []
    def handle_starttag(self, tag, attrs):
        if tag == "th":
            self.cell = ["th", ""]
        elif tag == "tr":
            self.row = []
        elif tag == "td":
            self.cell = [dict(attrs).get("class", "").split(), ""]
    def handle_endtag(self, tag):
        if tag == "th" and self.cell:
            self.heads.append(self.cell[1])
        elif tag == "td" and self.cell:
            self.row.append(self.cell)
        elif tag == "tr" and self.row:
            self.rows.append(self.row)
        if tag in ("th", "td"):
            self.cell = None
    def handle_data(self, data):
        if self.cell:
            self.cell[1] += data
p = P()
p.feed(html)
heads = p.heads[p.heads.index("编号"):][:8]
out = []
for row in p.rows:
    if len(row) == len(heads) and row[1][1].startswith(tuple(sys.argv[2:])):
        for col in ("办理期限", "超期"):
            classes, text = row[heads.index(col)]
            if text:
                ws = white_space(classes, top)
                print_ws = white_space(classes, media) or ws
                out.append("%s %s %s" % (col, ws, print_ws))
print("|".join(sorted(set(out))))
EOF
check_eq "html: a date and the mark 超期 are kept on one line, on screen and in print" \
    "办理期限 nowrap nowrap|超期 nowrap nowrap" \
    "$(python3 "$PT_TMP/css_keep.py" "$PT_TMP/r.html" "${LONG_TITLE:0:10}" 关于整治城区河道 2>&1)"
check_eq "html: one section per status group" 6 "$(jv 'j["sections"]' "$H")"
# Printed, each group starts a page, and no heading is left at the foot of
# a page with what it heads on the next: the elements of the body in
# order, each with whether the print style forces a page break before it
# (rules of tag, tag.class and A+B, the later winning, as in this style).
cat >"$PT_TMP/print_pages.py" <<'EOF'
import re, sys
from html.parser import HTMLParser
html = open(sys.argv[1], encoding="utf-8").read()
css = re.search(r"<style>(.*)</style>", html, re.S).group(1)
m = re.search(r"@media\s*print\s*\{", css)
depth, j = 1, m.end()
while depth:
    depth += {"{": 1, "}": -1}.get(css[j], 0)
    j += 1
rules = re.findall(r"([^{}]+)\{([^{}]*)\}", css[m.end():j - 1])
class P(HTMLParser):
    def __init__(self):
        super().__init__()
        self.depth, self.body, self.blocks = 0, None, []
    def handle_starttag(self, tag, attrs):
        if tag in ("meta", "br"):
            return
        self.depth += 1
        if tag == "body":
            self.body = self.depth
        elif self.body and self.depth == self.body + 1:
            self.blocks.append((tag, (dict(attrs).get("class") or "").split()))
    def handle_endtag(self, tag):
        if tag not in ("meta", "br"):
            self.depth -= 1
p = P()
p.feed(html)
def simple(sel, block):
    tag, _, cls = sel.partition(".")
    return block[0] == tag and (not cls or cls in block[1])
def forced(i):
    brk = "auto"
    for sels, body in rules:
        decl = dict(d.split(":", 1) for d in body.split(";") if ":" in d)
        val = decl.get("break-before", decl.get("page-break-before"))
        if val is None:
            continue
        for sel in sels.split(","):
            parts = [s.strip() for s in sel.split("+")]
            if simple(parts[-1], p.blocks[i]) and (len(parts) == 1 or (i > 0 and simple(parts[0], p.blocks[i - 1]))):
                brk = val.strip()
    return brk in ("page", "always")
out = []
for i, b in enumerate(p.blocks):
    if forced(i) and i > 0 and p.blocks[i - 1][0] in ("h1", "h2", "h3"):
        out.append("a page ends with the heading %s %s" % (p.blocks[i - 1][0], " ".join(p.blocks[i - 1][1])))
groups = [i for i, b in enumerate(p.blocks) if b[0] == "section"]
starts = [i for i in groups if forced(i) or (i > 0 and p.blocks[i - 1][0] == "h2" and forced(i - 1))]
out.append("%d of %d groups start a page" % (len(starts), len(groups)))
print("; ".join(out))
EOF
check_eq "html, printed: each group starts a page, and no heading ends one" \
    "6 of 6 groups start a page" "$(python3 "$PT_TMP/print_pages.py" "$PT_TMP/r.html" 2>&1)"
check_eq "html: the group headings" '["已提出（1件）", "已交办（1件）", "办理中（2件）", "已答复（1件）", "重新办理（1件）", "办结（1件）"]' \
    "$(jv '[t for t in j["text"]["h3"] if t.endswith("件）")]' "$H")"
check_eq "html: the figures" "50.0%（3/6） 50.0%（1/2）" \
    "$(jv '" ".join(j["text"]["td"][j["text"]["td"].index(k) + 1] for k in ("办复率", "满意率"))' "$H")"
check_contains "html: overdue rows are marked" '<tr class="overdue">' "$HT"
check_contains "html: the overdue mark" '<td class="mark">超期</td>' "$HT"

export_to "format=html&group=unit" "$PT_TMP/u.html"
H="$(python3 "$PT_TMP/parse_html.py" "$PT_TMP/u.html" 2>&1)" || H="<error: $H>"
check_eq "html group=unit: units by count, then the unassigned" \
    '["市交通局（2件）", "市水务局（2件）", "市住建局（1件）", "市民政局（1件）", "市财政局（1件）", "未交办（1件）"]' \
    "$(jv '[t for t in j["text"]["h3"] if t.endswith("件）")]' "$H")"

# ---------------------------------------------------------------------------
pt_step "ics"
export_to "format=ics" "$PT_TMP/a.ics"
check_eq "ics: 200" 200 "$ST"
check_eq "ics: content type" "text/calendar; charset=utf-8" "$(hdr Content-Type)"
check_contains "ics: filename" 'proposals.ics' "$(hdr Content-Disposition)"
export_to "format=ics" "$PT_TMP/b.ics"
# A UID is the proposal's id and the store's, which the store made once
# (schema 19): a calendar that subscribes to two offices' ptrack keeps the
# proposal 7 of each apart.
STORE="$(sqlite3 "$PT_DATA/ptrack.db" "SELECT value FROM store_meta WHERE key = 'store_id'")"
check_true "the store has an id of its own: 32 hex digits" \
    python3 -c 'import re, sys; sys.exit(not re.fullmatch("[0-9a-f]{32}", sys.argv[1]))' "$STORE"
SUF="-$STORE@ptrack"
cat >"$PT_TMP/ics.py" <<'EOF'
import json, sys
raw = open(sys.argv[1], "rb").read()
problems = []
if not raw.endswith(b"\r\n"):
    problems.append("does not end in CRLF")
lines = raw.split(b"\r\n")[:-1]
if any(b"\n" in l or b"\r" in l for l in lines):
    problems.append("a bare LF or CR")
long = [l for l in lines if len(l) > 75]
if long:
    problems.append("%d lines over 75 octets" % len(long))
# Unfold, then decode: a fold inside a UTF-8 sequence would fail here.
logical = []
for l in lines:
    if l[:1] in (b" ", b"\t"):
        logical[-1] += l[1:]
    else:
        logical.append(l)
try:
    text = [l.decode("utf-8") for l in logical]
except UnicodeDecodeError as e:
    problems.append("invalid UTF-8 after unfolding: %s" % e)
    text = []
for l in lines:
    try:
        l.decode("utf-8")
    except UnicodeDecodeError:
        problems.append("a folded line splits a UTF-8 sequence")
        break
def unescape(v):
    out, i = "", 0
    while i < len(v):
        if v[i] == "\\" and i + 1 < len(v):
            out += {"n": "\n", "N": "\n"}.get(v[i + 1], v[i + 1])
            i += 2
        else:
            out += v[i]
            i += 1
    return out
cal, todos, events, cur = {}, [], [], None
for l in text:
    name, _, value = l.partition(":")
    if l in ("BEGIN:VTODO", "BEGIN:VEVENT"):
        cur = {}
    elif l in ("END:VTODO", "END:VEVENT"):
        (todos if l == "END:VTODO" else events).append(cur)
        cur = None
    elif cur is not None:
        cur[name] = unescape(value) if name in ("SUMMARY", "DESCRIPTION") else value
    else:
        cal.setdefault(name, []).append(value)
raw_summaries = [l[len("SUMMARY:"):] for l in text if l.startswith("SUMMARY:")]
print(json.dumps({"problems": problems, "cal": cal, "todos": todos, "events": events, "raw_summaries": raw_summaries,
                  "folded": sum(1 for l in lines if l[:1] == b" ")}, ensure_ascii=False))
EOF
I="$(python3 "$PT_TMP/ics.py" "$PT_TMP/a.ics" 2>&1)" || I="<error: $I>"
I2="$(python3 "$PT_TMP/ics.py" "$PT_TMP/b.ics" 2>&1)" || I2="<error: $I2>"
check_eq "ics: CRLF, lines ≤ 75 octets, UTF-8 whole" "[]" "$(jv 'j["problems"]' "$I")"
check_true "ics: long lines were folded" test "$(jv 'j["folded"]' "$I")" -gt 0
check_eq "ics: the calendar's properties" '[["BEGIN", "VCALENDAR"], ["VERSION", "2.0"], ["CALSCALE", "GREGORIAN"], ["NAME", "建议办理期限"], ["X-WR-CALNAME", "建议办理期限"], ["END", "VCALENDAR"], true]' \
    "$(jv '[[k, j["cal"][k][0]] for k in ("BEGIN", "VERSION", "CALSCALE", "NAME", "X-WR-CALNAME")] + [["END", j["cal"]["END"][-1]], bool(j["cal"].get("PRODID"))]' "$I")"
check_eq "ics: one VTODO per proposal whose deadline runs (A B D G)" \
    "[\"proposal-$A$SUF\", \"proposal-$B$SUF\", \"proposal-$D$SUF\", \"proposal-$G$SUF\"]" \
    "$(jv '[t["UID"] for t in j["todos"]]' "$I")"
check_eq "ics: UIDs stable across two exports" "$(jv '[t["UID"] for t in j["todos"]]' "$I")" \
    "$(jv '[t["UID"] for t in j["todos"]]' "$I2")"
for id in $A $B $D $G; do
    api GET "/v1/proposals/$id"
    want="$(jv 'j["due_at"][:19].replace("-", "").replace(":", "") + "Z"')"
    check_eq "ics: #$id's DUE is its due_at in UTC" "$want" \
        "$(jv "[t['DUE'] for t in j['todos'] if t['UID'] == 'proposal-$id$SUF'][0]" "$I")"
    check_eq "ics: #$id's SUMMARY is its title" "$(jv 'j["title"]')" \
        "$(jv "[t['SUMMARY'] for t in j['todos'] if t['UID'] == 'proposal-$id$SUF'][0]" "$I")"
done
check_eq "ics: STATUS by state" "IN-PROCESS NEEDS-ACTION IN-PROCESS IN-PROCESS" \
    "$(jv '" ".join(t["STATUS"] for t in j["todos"])' "$I")"
check_eq "ics: PRIORITY only for the key-supervision proposal" "[\"1\", null, null, null]" \
    "$(jv '[t.get("PRIORITY") for t in j["todos"]]' "$I")"
check_contains "ics: A's description: units and status label" "状态：办理中
主办：市住建局
协办：市财政局" "$(jv "[t['DESCRIPTION'] for t in j['todos'] if t['UID'] == 'proposal-$A$SUF'][0]" "$I")"
check_contains "ics: TEXT escaping of , ; and \\ in SUMMARY" 'a\,b\;c|d\\e' \
    "$(jv "[s for s in j['raw_summaries'] if 'script' in s][0]" "$I")"
check_eq "ics: DTSTAMP in the basic UTC format" "true" \
    "$(jv 'all(len(t["DTSTAMP"]) == 16 and t["DTSTAMP"].endswith("Z") and t["DTSTAMP"][8] == "T" for t in j["todos"])' "$I")"
# B and G took their 提醒：已超期 when their deadline passed, without a
# change of their own: that is when their to-do last changed.
check_eq "ics: an overdue to-do was last changed at its deadline" "2 true" \
    "$(jv '"%d %s" % (sum("已超期" in t["DESCRIPTION"] for t in j["todos"]), str(all(t["LAST-MODIFIED"] == t["DUE"] == t["DTSTAMP"] for t in j["todos"] if "已超期" in t["DESCRIPTION"])).lower())' "$I")"

export_to "format=ics&status=handling" "$PT_TMP/h.ics"
I="$(python3 "$PT_TMP/ics.py" "$PT_TMP/h.ics" 2>&1)" || I="<error: $I>"
check_eq "ics status=handling: A and G only" "[\"proposal-$A$SUF\", \"proposal-$G$SUF\"]" \
    "$(jv '[t["UID"] for t in j["todos"]]' "$I")"
export_to "format=ics&unit=%E5%B8%82%E6%B0%B4%E5%8A%A1%E5%B1%80" "$PT_TMP/w.ics"
I="$(python3 "$PT_TMP/ics.py" "$PT_TMP/w.ics" 2>&1)" || I="<error: $I>"
check_eq "ics unit=市水务局: D and G" "[\"proposal-$D$SUF\", \"proposal-$G$SUF\"]" \
    "$(jv '[t["UID"] for t in j["todos"]]' "$I")"
# as=event: the same deadlines as all-day events on their dates in the
# zone asked for, for the calendars that show no to-dos.
export_to "format=ics&as=event&tz=%2B08:00" "$PT_TMP/ev.ics"
check_eq "ics as=event: 200" 200 "$ST"
E="$(python3 "$PT_TMP/ics.py" "$PT_TMP/ev.ics" 2>&1)" || E="<error: $E>"
check_eq "ics as=event: CRLF, lines ≤ 75 octets, UTF-8 whole" "[]" "$(jv 'j["problems"]' "$E")"
check_eq "ics as=event: one VEVENT per deadline that runs, and no VTODO" \
    "[\"proposal-$A$SUF\", \"proposal-$B$SUF\", \"proposal-$D$SUF\", \"proposal-$G$SUF\"] 0" \
    "$(jv '"%s %d" % (json.dumps([t["UID"].replace("-due@", "@") for t in j["events"]]), len(j["todos"]))' "$E")"
check_eq "ics as=event: its UID is the deadline's, not the to-do's" "true" \
    "$(jv 'all(t["UID"].endswith("-due@ptrack") for t in j["events"])' "$E")"
for id in $A $G; do
    api GET "/v1/proposals/$id"
    want="$(python3 -c '
import datetime, sys
d = datetime.datetime.fromisoformat(sys.argv[1].replace("Z", "+00:00")).astimezone(datetime.timezone(datetime.timedelta(hours=8))).date()
print(d.strftime("%Y%m%d"), (d + datetime.timedelta(days=1)).strftime("%Y%m%d"))' "$(jv 'j["due_at"]')")"
    check_eq "ics as=event: #$id all day on its deadline's date in +08:00" "$want" \
        "$(jv "(lambda t: t['DTSTART;VALUE=DATE'] + ' ' + t['DTEND;VALUE=DATE'])([t for t in j['events'] if t['UID'] == 'proposal-$id$SUF'.replace('@', '-due@')][0])" "$E")"
    check_eq "ics as=event: #$id says it is a deadline" "办理期限：$(jv 'j["title"]')" \
        "$(jv "[t['SUMMARY'] for t in j['events'] if t['UID'] == 'proposal-$id$SUF'.replace('@', '-due@')][0]" "$E")"
done
check_eq "ics as=event: the events take no one's time" "true" \
    "$(jv 'all(t.get("TRANSP") == "TRANSPARENT" for t in j["events"])' "$E")"
export_to "format=ics&as=calendar" "$PT_TMP/bad.ics"
check_eq "ics as=calendar: refused" 400 "$ST"
check_contains "ics as=calendar: the message says what to write" "must be todo" "$(cat "$PT_TMP/bad.ics")"
# A calendar that has a task takes a changed one (a new DUE) only when its
# SEQUENCE has risen (RFC 5545 3.8.7.4).
seq_due() { jv "[t.get('SEQUENCE', '-') + ' ' + t['DUE'] for t in j['todos'] if t['UID'] == 'proposal-$A$SUF'][0]" "$1"; }
before="$(seq_due "$(python3 "$PT_TMP/ics.py" "$PT_TMP/a.ics")")"
act "$A" extend "{\"due_at\":\"$(later 90)\"}"
export_to "format=ics" "$PT_TMP/x.ics"
after="$(seq_due "$(python3 "$PT_TMP/ics.py" "$PT_TMP/x.ics")")"
api GET "/v1/proposals/$A"
check_eq "ics: A's SEQUENCE is its version" "$(jv 'j["version"]')" "${after%% *}"
check_true "ics: extended, A's SEQUENCE rose ($before, then $after) and its DUE moved" \
    python3 -c 'import sys; b, a = sys.argv[1].split(), sys.argv[2].split(); sys.exit(0 if b[0].isdigit() and a[0].isdigit() and int(a[0]) > int(b[0]) and a[1] != b[1] else 1)' "$before" "$after"

# ---------------------------------------------------------------------------
pt_step "through the CLI"
pt_need_cli
cli() { # ARGS...: ptrack on the socket; sets RC, OUT, ERR
    set +e
    "$PTRACK" --socket "$PT_SOCK" "$@" >"$PT_TMP/cli.out" 2>"$PT_TMP/cli.err"
    RC=$?
    set -e
    OUT="$(cat "$PT_TMP/cli.out")"
    ERR="$(cat "$PT_TMP/cli.err")"
}
cli export --format xlsx --status handling --out "$PT_TMP/cli.xlsx" --quiet
check_eq "ptrack export --format xlsx --status handling: exit 0" 0 "$RC${ERR:+ (stderr: $ERR)}"
X="$(python3 "$PT_TMP/xlsx.py" "$PT_TMP/cli.xlsx" 2>&1)" || X="<error: $X>"
check_eq "ptrack export xlsx: A and G" "[$A, $G]" "$(jv '[int(r[0]["v"]) for r in j["建议"]["rows"][1:]]' "$X")"
cli export --format md --arg group=unit --out - --quiet
check_eq "ptrack export --format md --arg group=unit: exit 0" 0 "$RC${ERR:+ (stderr: $ERR)}"
check_contains "ptrack export md group=unit: grouped by unit" "### 市交通局（2件）" "$OUT"
cli export --out "$PT_TMP/cli.ics" --quiet
check_eq "ptrack export --out cli.ics (the format from the extension): exit 0" 0 "$RC${ERR:+ (stderr: $ERR)}"
I="$(python3 "$PT_TMP/ics.py" "$PT_TMP/cli.ics" 2>&1)" || I="<error: $I>"
check_eq "ptrack export ics: well formed, four to-dos" "[] 4" "$(jv 'json.dumps(j["problems"]) + " " + str(len(j["todos"]))' "$I")"
cli export --format html --arg group=nonsense --out "$PT_TMP/cli-bad.html" --quiet
check_true "ptrack export --arg group=nonsense: fails" test "$RC" -ne 0
check_contains "ptrack export --arg group=nonsense: says what to write" "group=status or group=unit" "$ERR"
check_true "ptrack export --arg group=nonsense: leaves no file" test ! -e "$PT_TMP/cli-bad.html"
cli export --out "$PT_TMP/cli.unknown" --quiet
check_eq "ptrack export --out with no known extension and no --format: usage error" 2 "$RC"
check_contains "and says what to give" "or give --out a file name that ends in one" "$ERR"

# ---------------------------------------------------------------------------
pt_step "control characters in text"
api POST /v1/proposals '{"title":"关于\u0007响铃\u0001控制\u001f字符的建议","status":"draft"}'
check_error "a title with control characters is refused" 422 validation_failed
# A store written before they were refused may hold them: one is put
# there by hand, and every exporter must still write a valid file.
api POST /v1/proposals '{"title":"关于控制字符的建议","status":"draft"}'
check_status "create a draft" 201
CTL_ID="$(jv 'j["id"]')"
pt_stop
sqlite3 "$PT_DATA/ptrack.db" "UPDATE proposals SET doc = json_set(doc, '\$.title',
    '关于' || char(7) || '响铃' || char(1) || '控制' || char(31) || '字符的建议',
    '\$.custom', json_object('旧' || char(27), '值')) WHERE id = $CTL_ID"
TMPDIR="$PT_TMP/tmp" pt_start --plugin-dir "$PT_BUILD_DIR/plugins"
export_to "format=ics&status=handling" "$PT_TMP/restarted.ics"
check_eq "ics: UIDs stable across a restart" "[\"proposal-$A$SUF\", \"proposal-$G$SUF\"]" \
    "$(jv '[t["UID"] for t in j["todos"]]' "$(python3 "$PT_TMP/ics.py" "$PT_TMP/restarted.ics")")"
api GET "/v1/proposals/$CTL_ID"
check_eq "the stored title holds them" '"关于\u0007响铃\u0001控制\u001f字符的建议"' "$(jv 'json.dumps(j["title"], ensure_ascii=False)')"
api PATCH "/v1/proposals/$CTL_ID" '{"background":"另一字段的修改"}'
check_status "an edit of another field is taken" 200
api PATCH "/v1/proposals/$CTL_ID" '{"custom":{"旧\u001b":null}}'
check_status "a custom key stored with one may be removed" 200
check_eq "and is gone" '{}' "$(jv 'json.dumps(j["custom"])')"
api PATCH "/v1/proposals/$CTL_ID" '{"custom":{"新\u001b":"值"}}'
check_error "a new key with one is refused" 422 validation_failed
export_to "format=html&status=draft" "$PT_TMP/ctl.html"
check_eq "html: control characters become spaces" "1 0" \
    "$(grep -c '关于 响铃 控制 字符的建议' "$PT_TMP/ctl.html") $(tr -d '\n\r\t' <"$PT_TMP/ctl.html" | LC_ALL=C grep -c '[[:cntrl:]]' || true)"
export_to "format=md&status=draft" "$PT_TMP/ctl.md"
check_eq "md: control characters become spaces" "1 0" \
    "$(grep -c '关于 响铃 控制 字符的建议' "$PT_TMP/ctl.md") $(tr -d '\n' <"$PT_TMP/ctl.md" | LC_ALL=C grep -c '[[:cntrl:]]' || true)"
export_to "format=xlsx&status=draft" "$PT_TMP/ctl.xlsx"
X="$(python3 "$PT_TMP/xlsx.py" "$PT_TMP/ctl.xlsx" 2>&1)" || X="<error: $X>"
# OOXML writes a control character as _xHHHH_, which Excel reads back (as
# the reader above does).
check_eq "xlsx: the workbook stays valid XML, the title whole" '"关于\u0007响铃\u0001控制\u001f字符的建议"' \
    "$(jv 'json.dumps(j["建议"]["rows"][1][2]["v"], ensure_ascii=False)' "$X")"
# Noncharacters are valid UTF-8, but refused in a client's text; a store
# written before may hold them. XML 1.0 has no place for U+FFFE and
# U+FFFF: Excel reads them back from _xFFFE_ and _xFFFF_. HTML takes none
# (U+FDD0, U+10FFFF neither): spaces there.
api POST /v1/proposals '{"title":"关于\ufffe非字符\uffff的建议","status":"draft"}'
check_error "a title with noncharacters is refused" 422 validation_failed
check_contains "naming the first" "holds the noncharacter U+FFFE (character 3)" "$BODY"
api POST /v1/proposals '{"title":"关于非字符的建议","status":"draft","session":"非字符"}'
check_status "create a draft" 201
NC_ID="$(jv 'j["id"]')"
pt_stop
sqlite3 "$PT_DATA/ptrack.db" "UPDATE proposals SET doc = json_set(doc, '\$.title',
    '关于' || char(65534) || '非字符' || char(65535) || '的建议' || char(64976) || char(1114111)
    || ' _xFFFF_') WHERE id = $NC_ID"
TMPDIR="$PT_TMP/tmp" pt_start --plugin-dir "$PT_BUILD_DIR/plugins"
export_to "format=xlsx&session=$(urlenc 非字符)" "$PT_TMP/nonchar.xlsx"
X="$(python3 "$PT_TMP/xlsx.py" "$PT_TMP/nonchar.xlsx" 2>&1)" || X="<error: $X>"
check_eq "xlsx: the workbook stays valid XML with U+FFFE and U+FFFF, the title whole" "true" \
    "$(jv 'j["建议"]["rows"][1][2]["v"] == "关于\ufffe非字符\uffff的建议\ufdd0\U0010ffff _xFFFF_"' "$X")"
export_to "format=html&session=$(urlenc 非字符)" "$PT_TMP/nonchar.html"
check_eq "html: noncharacters become spaces" "True []" \
    "$(python3 -c 'import sys; t = open(sys.argv[1], encoding="utf-8").read(); print("关于 非字符 的建议   _xFFFF_" in t, [hex(ord(c)) for c in t if (ord(c) & 0xFFFE) == 0xFFFE or 0xFDD0 <= ord(c) <= 0xFDEF])' "$PT_TMP/nonchar.html")"

# ---------------------------------------------------------------------------
pt_step "a long number and a long unit name are kept whole"
LONGNO="A$(printf '编%.0s' $(seq 1 30))"
LONGUNIT="X$(printf '单%.0s' $(seq 1 300))"
api POST /v1/proposals '{"title": "关于长名称的建议", "number": "'"$LONGNO"'", "session": "长名称测试"}'
check_status "create with a number of 91 bytes" 201
ID="$(jv 'j["id"]')"
act "$ID" assign '{"mode": "single", "units": [{"name": "'"$LONGUNIT"'", "role": "lead"}]}'
for g in status unit; do
    for f in md html; do
        export_to "format=$f&group=$g&session=%E9%95%BF%E5%90%8D%E7%A7%B0%E6%B5%8B%E8%AF%95" "$PT_TMP/long.$g.$f"
        check_true "$f by $g: valid UTF-8" python3 -c 'import sys; open(sys.argv[1], "rb").read().decode("utf-8")' "$PT_TMP/long.$g.$f"
        check_true "$f by $g: the number whole" grep -q "$LONGNO" "$PT_TMP/long.$g.$f"
    done
done
check_true "md by unit: the unit's heading whole, with its count" grep -q "$LONGUNIT（1件）" "$PT_TMP/long.unit.md"
# Sheet 统计's label column is as wide as its longest unit name, counted in
# display width (a Chinese character is two), up to the 80 that print
# beside the figures on A4: 30 characters are not clipped at 25.
fig_label_width() { # QUERY: column A's width in sheet 统计 of that export
    export_to "format=xlsx&$1" "$PT_TMP/figw.xlsx"
    jv 'int(j["统计"]["widths"].get("0", 0))' "$(python3 "$PT_TMP/xlsx.py" "$PT_TMP/figw.xlsx" 2>&1)"
}
MIDUNIT="X$(printf '单%.0s' $(seq 1 29))"
api POST /v1/proposals '{"title": "关于中等长度单位名称的建议", "session": "中长名称测试"}'
check_status "create in 中长名称测试" 201
act "$(jv 'j["id"]')" assign '{"mode": "single", "units": [{"name": "'"$MIDUNIT"'", "role": "lead"}]}'
check_eq "xlsx 统计: a unit name of 30 characters (width 59) has its width and some air" 61 \
    "$(fig_label_width "session=$(urlenc 中长名称测试)")"
check_eq "xlsx 统计: one of 301 characters makes column A as wide as A4 takes" 80 \
    "$(fig_label_width "session=$(urlenc 长名称测试)")"

# ---------------------------------------------------------------------------
pt_step "xlsx: a cell up to Excel's 32,767 characters is whole, a longer one cut with a note"
# 1,000 co-signers named NAME0000号 to NAME0999号 in session SESSION;
# sets X to the workbook read. With 某某大学教授代表 the 联名代表 cell has
# 13,999 characters (but 33,997 bytes); with 𠀀 (beyond U+FFFF, as in
# some names: UTF-16 counts it two) and 37 characters a name, 38,999,
# more than a cell holds.
cosigners_xlsx() { # SESSION NAME
    local body
    body="$(python3 -c 'import json, sys; print(json.dumps({"title": "关于联名人数很多的建议", "session": sys.argv[1], "co_signers": [sys.argv[2] + "%04d号" % i for i in range(1000)]}, ensure_ascii=False))' "$1" "$2")"
    api POST /v1/proposals "$body"
    check_status "create in $1 with 1,000 co-signers" 201
    export_to "format=xlsx&session=$(urlenc "$1")" "$PT_TMP/cos.xlsx"
    X="$(python3 "$PT_TMP/xlsx.py" "$PT_TMP/cos.xlsx" 2>&1)" || X="<error: $X>"
}
# The 联名代表 cell: its length in UTF-16 units (as Excel counts), whether
# it is the list whole, or else its start, and its last 13 characters
# (as many as the note has).
cosigners_cell() { # NAME
    jv "(lambda v, full: '%d %s %s %s' % (len(v.encode('utf-16-le')) // 2, v == full, full.startswith(v[:-13]), v[-13:]))(j['建议']['rows'][1][7]['v'], '、'.join('$1%04d号' % i for i in range(1000)))" "$X"
}
cosigners_xlsx 长联名甲 某某大学教授代表
check_eq "xlsx: a cell of 13,999 characters is whole" "13999 True True 某某大学教授代表0999号" \
    "$(cosigners_cell 某某大学教授代表)"
LONGNAME="𠀀某某大学教授代表某某大学教授代表某某大学教授代表某某大学教授代表"
cosigners_xlsx 长联名乙 "$LONGNAME"
check_eq "xlsx: a cell of 38,999 characters is cut to 32,767 UTF-16 units, with a note" \
    "32767 False True ……（内容过长，以下从略）" "$(cosigners_cell "$LONGNAME")"

# ---------------------------------------------------------------------------
pt_step "分办: answered once every unit has answered, as GET /v1/stats counts"
SEP_Q="session=%E5%88%86%E5%8A%9E%E6%B5%8B%E8%AF%95" # 分办测试
for n in 1 2 3; do
    api POST /v1/proposals '{"title": "关于分办答复的建议'"$n"'", "session": "分办测试"}'
    ID="$(jv 'j["id"]')"
    act "$ID" assign '{"mode": "separate", "units": [{"name": "分办甲局", "role": "separate"}, {"name": "分办乙局", "role": "separate"}]}'
    act "$ID" sign '{"unit": "分办甲局"}'
    act "$ID" reply '{"unit": "分办甲局", "doc_no": "甲函〔2026〕'"$n"'号", "category": "A", "text": "甲局部分"}'
    [ "$n" = 2 ] && act "$ID" reply '{"unit": "分办乙局", "doc_no": "乙函〔2026〕'"$n"'号", "category": "A", "text": "乙局部分"}'
done
api GET "/v1/stats?$SEP_Q"
check_eq "stats: one of the three answered" "0.3333333333" "$(jv 'j["reply_rate"]')"
export_to "format=md&$SEP_Q" "$PT_TMP/sep.md"
check_contains "md: 办复率 33.3% (1 of 3)" "| 办复率 | 33.3%（1/3） |" "$(cat "$PT_TMP/sep.md")"
# A row's 办理结果 is its answer's, as the figures count it: none for a
# proposal that one unit of two has answered; grouped by unit, each unit's
# own reply.
cat >"$PT_TMP/md_results.py" <<'EOF'
import sys
group, out = None, []
for line in open(sys.argv[1], encoding="utf-8"):
    if line.startswith("### "):
        group = line[4:].split("（")[0].strip()
    elif line.startswith("| ") and "分办答复的建议" in line:
        cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
        out.append("%s:%s=%s" % (group, cells[1][-1], cells[7] or "-"))
print(" ".join(sorted(out)))
EOF
check_eq "md: 办理结果 only for the answered proposal" "办理中:1=- 办理中:3=- 已答复:2=A" \
    "$(python3 "$PT_TMP/md_results.py" "$PT_TMP/sep.md")"
check_contains "md: and the figures count only it" "| A类（所提问题已经解决或基本解决） | 1 |" "$(cat "$PT_TMP/sep.md")"
check_eq "md: the units of a 分办 proposal are named 分办, as the notifiers name them" "3" \
    "$(grep -c '| 分办：分办甲局、分办乙局 |' "$PT_TMP/sep.md" || true)"
export_to "format=ics&$SEP_Q" "$PT_TMP/sep.ics"
I="$(python3 "$PT_TMP/ics.py" "$PT_TMP/sep.ics" 2>&1)" || I="<error: $I>"
check_eq "ics: and in a to-do's description" "2 of 2" \
    "$(jv '"%d of %d" % (sum("分办：分办甲局、分办乙局" in t["DESCRIPTION"].split("\n") for t in j["todos"]), len(j["todos"]))' "$I")"
# A unit's calendar holds what that unit still owes: not a 分办 proposal
# it has answered its part of, nor one it has given its opinion on as a
# co unit, while the others still work on them.
ics_titles() { # QUERY: the SUMMARYs of the to-dos of an ics export
    export_to "format=ics&$1" "$PT_TMP/unit.ics"
    jv '" ".join(sorted(t["SUMMARY"] for t in j["todos"]))' "$(python3 "$PT_TMP/ics.py" "$PT_TMP/unit.ics" 2>&1)"
}
check_eq "ics unit=分办甲局: nothing left, it has replied to all three" "" \
    "$(ics_titles "$SEP_Q&unit=$(urlenc 分办甲局)")"
check_eq "ics unit=分办乙局: the two it has not replied to" "关于分办答复的建议1 关于分办答复的建议3" \
    "$(ics_titles "$SEP_Q&unit=$(urlenc 分办乙局)")"
# STATUS in a unit's calendar is that unit's: 分办乙局 has not signed, though
# 分办甲局's signature put the proposals in handling (IN-PROCESS in the
# office's calendar); once it signs for #$ID (the third), that one is.
ics_status() { # QUERY: TITLE=STATUS of each to-do of an ics export
    export_to "format=ics&$1" "$PT_TMP/unit.ics"
    jv '" ".join(sorted(t["SUMMARY"][-1] + "=" + t["STATUS"] for t in j["todos"]))' \
        "$(python3 "$PT_TMP/ics.py" "$PT_TMP/unit.ics" 2>&1)"
}
check_eq "ics: the office's calendar, IN-PROCESS from 分办甲局's signature" "1=IN-PROCESS 3=IN-PROCESS" \
    "$(ics_status "$SEP_Q")"
check_eq "ics unit=分办乙局: NEEDS-ACTION, as it has not signed" "1=NEEDS-ACTION 3=NEEDS-ACTION" \
    "$(ics_status "$SEP_Q&unit=$(urlenc 分办乙局)")"
act "$ID" sign '{"unit": "分办乙局"}'
check_eq "ics unit=分办乙局: IN-PROCESS for the one it signed" "1=NEEDS-ACTION 3=IN-PROCESS" \
    "$(ics_status "$SEP_Q&unit=$(urlenc 分办乙局)")"
check_eq "ics unit=市财政局: A, before its opinion as A's co unit" "$LONG_TITLE" \
    "$(ics_titles "unit=$(urlenc 市财政局)")"
act "$A" opinion '{"unit":"市财政局","opinion":"同意主办单位意见"}'
check_eq "ics unit=市财政局: not A, once it has given its opinion" "" \
    "$(ics_titles "unit=$(urlenc 市财政局)")"
check_eq "ics unit=市住建局: A still, which its lead unit has to answer" "true" \
    "$(ics_titles "unit=$(urlenc 市住建局)" | grep -qF "$LONG_TITLE" && echo true || echo false)"
export_to "format=md&group=unit&$SEP_Q" "$PT_TMP/sep-unit.md"
check_eq "md group=unit: each unit's own reply" "分办乙局:1=- 分办乙局:2=A 分办乙局:3=- 分办甲局:1=A 分办甲局:2=A 分办甲局:3=A" \
    "$(python3 "$PT_TMP/md_results.py" "$PT_TMP/sep-unit.md")"
export_to "format=xlsx&$SEP_Q" "$PT_TMP/sep.xlsx"
X="$(python3 "$PT_TMP/xlsx.py" "$PT_TMP/sep.xlsx" 2>&1)" || X="<error: $X>"
check_eq "xlsx 统计: 办复率 is the 33.3% the report shows, not 1/3 for a spreadsheet to round" "0.333" "$(figs 'fig["办复率"]')"

# ---------------------------------------------------------------------------
pt_step "ics: DUE later than DTSTART"
# A deadline in the very second of its assignment, as an import may hold
# it: written to the second, DTSTART would equal DUE, which RFC 5545
# 3.8.2.3 forbids (DUE must be later); the to-do then has no DTSTART.
printf '%s\n' '{"title": "关于同一秒交办和到期的建议", "session": "同秒测试", "status": "handling", "handling_mode": "single", "units": [{"name": "市同秒局", "role": "lead", "signed_at": "2026-12-01T08:00:00.500Z"}], "assigned_at": "2026-12-01T08:00:00.100Z", "due_at": "2026-12-01T08:00:00.900Z", "version": 3, "created_at": "2026-11-01T08:00:00Z", "updated_at": "2026-12-01T08:00:00.500Z"}' \
    >"$PT_TMP/same-second.jsonl"
api POST "/v1/imports?format=jsonl" -- --data-binary "@$PT_TMP/same-second.jsonl"
check_status "import the proposal due in the second it was assigned" 201
export_to "format=ics&session=$(urlenc 同秒测试)" "$PT_TMP/same.ics"
I="$(python3 "$PT_TMP/ics.py" "$PT_TMP/same.ics" 2>&1)" || I="<error: $I>"
check_eq "ics: its DUE, and no DTSTART that is not before it" "20261201T080000Z -" \
    "$(jv '" ".join([j["todos"][0].get("DUE", "-"), j["todos"][0].get("DTSTART", "-")])' "$I")"

# ---------------------------------------------------------------------------
pt_step "a CPPCC office's export says 提案"
# A 政协's proposals are 提案, not 建议: the default titles, the figures
# and what says there are none use the word of their kind.
for t in 关于加强非物质文化遗产保护的提案 关于发展银发经济的提案; do
    api POST /v1/proposals "{\"title\": \"$t\", \"kind\": \"proposal\", \"session\": \"政协测试\"}"
    check_status "create 「$t」" 201
done
CPPCC_Q="session=$(urlenc 政协测试)"
export_to "format=md&$CPPCC_Q" "$PT_TMP/cppcc.md"
check_eq "md of 提案 only: the title and the total say 提案" "# 提案办理情况报告 | 提案总数 | 2 |" \
    "$(head -n 1 "$PT_TMP/cppcc.md") $(grep '总数' "$PT_TMP/cppcc.md")"
check_contains "md of 提案 only: none assigned, in its word" "（尚无交办的提案）" "$(cat "$PT_TMP/cppcc.md")"
export_to "format=html&$CPPCC_Q" "$PT_TMP/cppcc.html"
check_eq "html of 提案 only: its <title>" "提案办理情况报告" \
    "$(jv 'j["text"]["title"][0]' "$(python3 "$PT_TMP/parse_html.py" "$PT_TMP/cppcc.html")")"
export_to "format=md&$CPPCC_Q&title=$(urlenc 年度报告)" "$PT_TMP/cppcc-t.md"
check_eq "md: a title= argument is kept as it is" "# 年度报告" "$(head -n 1 "$PT_TMP/cppcc-t.md")"
export_to "format=md&$CPPCC_Q&kind=motion" "$PT_TMP/motion.md"
check_eq "md of no 议案 (kind=motion): its word all the same" "# 议案办理情况报告 | 议案总数 | 0 | （没有符合条件的议案）" \
    "$(head -n 1 "$PT_TMP/motion.md") $(grep '总数' "$PT_TMP/motion.md") $(grep -A2 '^### 按状态$' "$PT_TMP/motion.md" | sed -n 3p)"
export_to "format=xlsx&$CPPCC_Q&kind=proposal" "$PT_TMP/cppcc.xlsx"
X="$(python3 "$PT_TMP/xlsx.py" "$PT_TMP/cppcc.xlsx" 2>&1)" || X="<error: $X>"
check_eq "xlsx kind=proposal: the sheet 提案 and the figure 提案总数" '["提案", "统计"] 2' \
    "$(jv 'j["sheets"]' "$X") $(figs 'int(fig["提案总数"])')"
export_to "format=ics&kind=proposal" "$PT_TMP/cppcc.ics"
check_eq "ics kind=proposal: the calendar's name" "提案办理期限 提案办理期限" \
    "$(jv 'j["cal"]["NAME"][0] + " " + j["cal"]["X-WR-CALNAME"][0]' "$(python3 "$PT_TMP/ics.py" "$PT_TMP/cppcc.ics")")"

# ---------------------------------------------------------------------------
pt_step "temporary files"
check_eq "no temporary file is left in the daemon's TMPDIR" "" "$(ls -A "$PT_TMP/tmp")"
# That the exporters work in TMPDIR at all shows once it is gone.
rmdir "$PT_TMP/tmp"
export_to "format=xlsx" "$PT_TMP/gone.xlsx"
check_true "xlsx without its TMPDIR: refused" test "$ST" != 200
check_contains "xlsx without its TMPDIR: the message names it" "cannot make a temporary file in $PT_TMP/tmp" "$(cat "$PT_TMP/gone.xlsx")"
export_to "format=html" "$PT_TMP/gone.html"
check_contains "html without its TMPDIR: the message names it" "cannot make a temporary file in $PT_TMP/tmp" "$(cat "$PT_TMP/gone.html")"

# ---------------------------------------------------------------------------
pt_step "ics: another store, other UIDs"
# Another office's store, started afresh: its proposal of A's id is
# another proposal, and its to-do must not take the place of A's in a
# calendar that subscribes to both.
pt_stop
mv "$PT_DATA" "$PT_TMP/first-store"
mkdir "$PT_TMP/tmp"
TMPDIR="$PT_TMP/tmp" pt_start --plugin-dir "$PT_BUILD_DIR/plugins"
for i in $(seq 1 "$A"); do
    make "关于另一机关第$i件的建议" 政协委员 委员甲
done
check_eq "the other store's last proposal has A's id" "$A" "$ID"
act "$A" assign '{"mode":"single","units":[{"name":"市政协提案委","role":"lead"}]}'
STORE2="$(sqlite3 "$PT_DATA/ptrack.db" "SELECT value FROM store_meta WHERE key = 'store_id'")"
check_true "the other store has an id of its own" test -n "$STORE2" -a "$STORE2" != "$STORE"
export_to "format=ics" "$PT_TMP/other.ics"
check_eq "ics: the other store's to-do has a UID of its own" "[\"proposal-$A-$STORE2@ptrack\"]" \
    "$(jv '[t["UID"] for t in j["todos"]]' "$(python3 "$PT_TMP/ics.py" "$PT_TMP/other.ics")")"

pt_finish
