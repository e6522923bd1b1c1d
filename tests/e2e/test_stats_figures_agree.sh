#!/usr/bin/env bash
# test_stats_figures_agree.sh - the figures an office reports upward are
# the same number wherever they are shown: GET /v1/stats, the xlsx
# export's sheet 统计, the md and the html report, and `ptrack stats`, for
# the same filters. Chinese proposals made through the API reach the edge
# cases, and the whole store's figures and two units' are worked out by
# hand below: a 分办 (separate) proposal that one of its units has
# answered (not 办复, late only for the unit that owes its reply); a
# lead_co one whose co unit has given its opinion (late for the lead
# only); one rehandled after 不满意 and answered again (answered by its
# latest reply; rated by its latest feedback, 不满意, until the delegate
# rates again); one closed and given a 补充答复 (its category stays the
# formal reply's); one reopened; a merged one, a withdrawn one after its
# assignment, one never assigned (no deadline); a deadline extended to 5
# days on (due within 7 days) and one to 10; a unit given with a zero-width
# space (水利厅<U+200B> is 水利厅); one returned and assigned to another
# unit; one assigned anew after a reply (replies_from), whose reply of
# before counts for nothing.
set -u
. "$(dirname "$0")/lib.sh"
pt_init

pt_office_workflow "$PT_TMP/wf.json"
# A 3 s reply window: what is not answered or extended becomes overdue.
pt_serve_cli '{"reply": "3s", "rehandle": "30d", "max": "180d"}' ', "workflow": "'"$PT_TMP/wf.json"'"'

ZW="$(printf '\u200b')"
# new TITLE SESSION DELEGATION CATEGORY TAGS: a proposal of 张代表's; its id.
new() {
    pt_create "{\"title\": \"$1\", \"lead_author\": \"张代表\", \"session\": \"$2\",
        \"delegation\": \"$3\", \"category\": \"$4\", \"tags\": $5}"
}
assign() { pt_act "$1" assign "{\"mode\": \"$2\", \"units\": $3}"; }
sign() { pt_act "$1" sign "{\"unit\": \"$2\"}"; }
reply() { pt_act "$1" reply "$(printf '{"unit": "%s", "doc_no": "%s", "category": "%s", "text": "答复"}' "$2" "$3" "$4")"; }
rate() { pt_act "$1" feedback "{\"person\": \"张代表\", \"satisfaction\": \"$2\"}"; }
days_on() { python3 -c 'import datetime as d, sys
print((d.datetime.now(d.timezone.utc) + d.timedelta(days=int(sys.argv[1]))).strftime("%Y-%m-%dT%H:%M:%SZ"))' "$1"; }

pt_step "the proposals"
S=十四届四次
A="$(new 关于加强农田水利建设的建议 "$S" 山西代表团 农业农村 '["两会"]')"
assign "$A" single '[{"name": "水利厅"}]'
sign "$A" 水利厅
reply "$A" 水利厅 晋水函〔2026〕1号 A
rate "$A" unsatisfied
reply "$A" 水利厅 晋水函〔2026〕2号 B
B="$(new 关于统筹财政资金的建议 "$S" 山西代表团 财政 '[]')"
assign "$B" single '[{"name": "财政厅"}]'
sign "$B" 财政厅
reply "$B" 财政厅 晋财函〔2026〕1号 C
rate "$B" unsatisfied
reply "$B" 财政厅 晋财函〔2026〕2号 A
C="$(new 关于农村公路建设的建议 "$S" 北京代表团 交通 '["两会"]')"
assign "$C" separate '[{"name": "交通厅"}, {"name": "财政厅"}]'
sign "$C" 交通厅
sign "$C" 财政厅
reply "$C" 交通厅 晋交函〔2026〕1号 A
D="$(new 关于小型水库除险加固的建议 十四届三次 山西代表团 农业农村 '[]')"
assign "$D" lead_co '[{"name": "水利厅", "role": "lead"}, {"name": "财政厅", "role": "co"}]'
sign "$D" 水利厅
sign "$D" 财政厅
pt_act "$D" opinion '{"unit": "财政厅", "opinion": "同意主办单位意见"}'
E="$(new 关于农田灌溉的建议 "$S" 山西代表团 农业农村 '[]')"
pt_act "$E" review '{}'
pt_act "$E" merge "{\"merged_into\": $A}"
F="$(new 关于高速公路收费的建议 "$S" 山西代表团 交通 '[]')"
assign "$F" single '[{"name": "交通厅"}]'
pt_act "$F" withdraw '{"reason": "代表撤回"}'
G="$(new 关于公交线路的建议 "$S" 山西代表团 交通 '[]')"
H="$(new 关于水土保持的建议 "$S" 山西代表团 农业农村 '[]')"
assign "$H" single "[{\"name\": \"水利厅$ZW\"}]"
sign "$H" 水利厅
pt_act "$H" extend "{\"due_at\": \"$(days_on 5)\"}"
I="$(new 关于铁路站场的建议 "$S" 北京代表团 交通 '[]')"
assign "$I" single '[{"name": "交通厅"}]'
sign "$I" 交通厅
pt_act "$I" extend "{\"due_at\": \"$(days_on 10)\"}"
J="$(new 关于城乡供水一体化的建议 "$S" 山西代表团 农业农村 '[]')"
assign "$J" separate '[{"name": "水利厅"}, {"name": "财政厅"}]'
sign "$J" 水利厅
sign "$J" 财政厅
reply "$J" 水利厅 晋水函〔2026〕3号 C
pt_act "$J" redo '{"mode": "separate", "units": [{"name": "水利厅"}, {"name": "住建厅"}]}'
sign "$J" 水利厅
sign "$J" 住建厅
reply "$J" 住建厅 晋建函〔2026〕1号 B
K="$(new 关于水价改革的建议 "$S" 山西代表团 农业农村 '[]')"
assign "$K" single '[{"name": "水利厅"}]'
sign "$K" 水利厅
reply "$K" 水利厅 晋水函〔2026〕4号 A
rate "$K" satisfied
pt_act "$K" follow_up '{"unit": "水利厅", "doc_no": "晋水函〔2026〕5号", "category": "D", "text": "补充答复"}'
L="$(new 关于预算公开的建议 "$S" 山西代表团 财政 '[]')"
assign "$L" single '[{"name": "财政厅"}]'
sign "$L" 财政厅
reply "$L" 财政厅 晋财函〔2026〕3号 B
rate "$L" basically_satisfied
pt_act "$L" reopen '{"reason": "代表再次提出"}'
M="$(new 关于老旧小区道路的建议 "$S" 山西代表团 交通 '[]')"
assign "$M" single '[{"name": "交通厅"}]'
pt_act "$M" return '{"unit": "交通厅", "reason": "不属本单位职责"}'
pt_act "$M" reassign '{"mode": "single", "units": [{"name": "住建厅"}]}'
N="$(new 关于河道治理的建议 "$S" 山西代表团 农业农村 '[]')"
assign "$N" separate '[{"name": "水利厅"}, {"name": "财政厅"}]'
sign "$N" 水利厅
sign "$N" 财政厅
reply "$N" 水利厅 晋水函〔2026〕6号 A
reply "$N" 财政厅 晋财函〔2026〕4号 C
rate "$N" unsatisfied
reply "$N" 水利厅 晋水函〔2026〕7号 B
states=""
for id in $A $B $C $D $E $F $G $H $I $J $K $L $M $N; do
    api GET "/v1/proposals/$id"
    states="$states${states:+ }$(jv 'j["status"]')"
done
check_eq "the states" "replied replied handling handling merged withdrawn submitted handling \
handling handling closed rehandling assigned replied" "$states"
# C, D, J and M keep the 3 s deadline.
sleep 4

# The figures worked out by hand. 办复 (answered): A, B, K, L (reopened,
# its reply still stands) and N (each 分办 unit has replied), of the 12
# ever assigned (F's withdrawal kept, E, G never assigned); not C (财政厅
# has not replied) nor J (水利厅's reply came before the assignment). By
# the latest formal reply: A B, B A, K A (the D is a 补充答复), L B, N B.
# Rated, by the latest feedback: A, B, N 不满意, K 满意, L 基本满意.
# Overdue: C, D, J, M; due within 7 days: H. By unit: C is late for
# 财政厅 only, D for 水利厅 only (财政厅 has given its opinion), J for
# 水利厅 only (住建厅 has replied), M for 住建厅.
api GET /v1/stats
check_eq "GET /v1/stats: the whole store" \
    '{"total": 14, "by_status": {"handling": 5, "replied": 3, "assigned": 1, "closed": 1, "merged": 1, "rehandling": 1, "submitted": 1, "withdrawn": 1}, "by_unit": {"水利厅": 6, "财政厅": 5, "交通厅": 3, "住建厅": 2}, "by_category": {"农业农村": 7, "交通": 5, "财政": 2}, "by_delegation": {"山西代表团": 12, "北京代表团": 2}, "overdue_by_unit": {"水利厅": 2, "住建厅": 1, "财政厅": 1}, "overdue": 4, "due_within_7d": 1, "reply_rate": 0.4166666667, "satisfaction_rate": 0.4, "reply_categories": {"A": 2, "B": 3, "C": 0, "D": 0}}' \
    "$(jv 'json.dumps(j, ensure_ascii=False)')"
# 水利厅: A, D, H, J, K, N; late with D and J, its own parts; answered A,
# K, N (its own latest reply, B); rated A 不满意, K 满意, N 不满意.
api GET "/v1/stats?unit=$(urlenc 水利厅)"
check_eq "GET /v1/stats?unit=水利厅" \
    '{"total": 6, "by_status": {"handling": 3, "replied": 2, "closed": 1}, "by_unit": {"水利厅": 6, "财政厅": 2, "住建厅": 1}, "by_category": {"农业农村": 6}, "by_delegation": {"山西代表团": 6}, "overdue_by_unit": {"水利厅": 2}, "overdue": 2, "due_within_7d": 1, "reply_rate": 0.5, "satisfaction_rate": 0.3333333333, "reply_categories": {"A": 1, "B": 2, "C": 0, "D": 0}}' \
    "$(jv 'json.dumps(j, ensure_ascii=False)')"
# 财政厅 (asked for with a zero-width space): B, C, D, L, N; late with C
# only (D's opinion is given). Its own answers: B A, L B, and N its own C
# (水利厅's B came later); not yet C (its reply is awaited), and D not at
# all, where it is the co unit and owes no reply.
api GET "/v1/stats?unit=$(urlenc "财政厅$ZW")"
check_eq "GET /v1/stats?unit=财政厅<U+200B>" \
    '{"total": 5, "by_status": {"handling": 2, "replied": 2, "rehandling": 1}, "by_unit": {"财政厅": 5, "水利厅": 2, "交通厅": 1}, "by_category": {"农业农村": 2, "财政": 2, "交通": 1}, "by_delegation": {"山西代表团": 4, "北京代表团": 1}, "overdue_by_unit": {"水利厅": 1, "财政厅": 1}, "overdue": 1, "due_within_7d": 0, "reply_rate": 0.75, "satisfaction_rate": 0.3333333333, "reply_categories": {"A": 1, "B": 1, "C": 1, "D": 0}}' \
    "$(jv 'json.dumps(j, ensure_ascii=False)')"
WATER="$(pt_unit_token 水利厅联络员 水利厅)"
api GET "/v1/stats?unit=$(urlenc 水利厅)"
WANT="$BODY"
req "tcp:$WATER" GET /v1/stats
check_eq "水利厅's own token gets the figures of unit=水利厅" "$WANT" "$BODY"

# Reads the figures of the xlsx sheet 统计, the md and html reports and
# ptrack stats' table, and prints every one that differs from the API's.
cat >"$PT_TMP/agree.py" <<'PY'
import json, re, sys, zipfile
import xml.etree.ElementTree as ET
api = json.load(open(sys.argv[1], encoding="utf-8"))
md, html, cli = (open(p, encoding="utf-8").read() for p in sys.argv[3:6])
out = []
def eq(what, want, got):
    if want != got:
        out.append("%s: %r where GET /v1/stats has %r" % (what, got, want))
def tenths(rate):  # as the reports and ptrack stats write a rate
    return "—" if rate is None else "%.1f%%" % (round(rate * 1000 + 1e-6) / 10)
cats = [api["reply_categories"][c] for c in "ABCD"]
# xlsx: sections of two columns, a heading row (数值 or 件数) first.
M = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
root = ET.fromstring(zipfile.ZipFile(sys.argv[2]).read("xl/worksheets/sheet2.xml"))
X, sec = {}, None
for row in root.iter(M + "row"):
    v = []
    for c in row.findall(M + "c"):
        if c.get("t") == "inlineStr":
            v.append("".join(t.text or "" for t in c.iter(M + "t")))
        else:
            e = c.find(M + "v")
            v.append(float(e.text) if e is not None else None)
    if v[1] in ("数值", "件数"):
        sec = X.setdefault(v[0], {})
    else:
        sec[v[0]] = v[1]
f = X["项目"]
eq("xlsx 建议总数", api["total"], int(f["建议总数"]))
eq("xlsx 超期", api["overdue"], int(f["超期"]))
for k, key in (("办复率", "reply_rate"), ("满意率", "satisfaction_rate")):
    eq("xlsx " + k, tenths(api[key]), f[k] if f[k] == "—" else tenths(f[k]))
eq("xlsx 已答复 (the answered, each under one category)", sum(cats), int(f["已答复"]))
eq("xlsx 承办单位", api["by_unit"], {k: int(n) for k, n in X.get("承办单位", {}).items()})
eq("xlsx 办理结果", cats, [int(n) for n in X["办理结果"].values()])
eq("xlsx 状态", sorted(api["by_status"].values()), sorted(int(n) for n in X.get("状态", {}).values()))
# md: "| label | value |" rows under 统计, by section.
body = md.split("## 统计", 1)[1].split("\n## ", 1)[0]
R = dict(re.findall(r"^\| (.+?) \| (.+?) \|$", body, re.M))
eq("md 建议总数", str(api["total"]), R.get("建议总数"))
eq("md 超期", str(api["overdue"]), R.get("超期"))
eq("md 办复率", tenths(api["reply_rate"]), R.get("办复率", "").split("（")[0])
eq("md 满意率", tenths(api["satisfaction_rate"]), R.get("满意率", "").split("（")[0])
units = body.split("### 按承办单位", 1)[1].split("###", 1)[0]
eq("md 按承办单位", api["by_unit"],
   {k: int(n) for k, n in re.findall(r"^\| (.+?) \| (\d+) \|$", units, re.M)})
res = body.split("### 办理结果", 1)[1]
eq("md 办理结果", cats, [int(n) for n in re.findall(r"^\| [ABCD]类.*? \| (\d+) \|$", res, re.M)])
# html: the cells after each label.
def cell(label):
    m = re.search(r">%s</t[dh]>\s*<td[^>]*>([^<]*)<" % re.escape(label), html)
    return m.group(1) if m else None
eq("html 建议总数", str(api["total"]), cell("建议总数"))
eq("html 超期", str(api["overdue"]), cell("超期"))
eq("html 办复率", tenths(api["reply_rate"]), (cell("办复率") or "").split("（")[0])
eq("html 满意率", tenths(api["satisfaction_rate"]), (cell("满意率") or "").split("（")[0])
for u, n in api["by_unit"].items():
    eq("html 承办单位 " + u, str(n), cell(u))
# ptrack stats: "label  value" lines.
def line(label):
    m = re.search(r"^\s*%s\s+(\S+)\s*$" % re.escape(label), cli, re.M)
    return m.group(1) if m else None
eq("ptrack stats total", str(api["total"]), line("总数 total"))
eq("ptrack stats overdue", str(api["overdue"]), line("逾期 overdue"))
eq("ptrack stats due within 7 days", str(api["due_within_7d"]), line("7日内到期 due within 7 days"))
for k, key in (("办复率 reply rate", "reply_rate"), ("满意率 satisfaction rate", "satisfaction_rate")):
    eq("ptrack stats " + k, tenths(api[key]).replace("—", "-"), line(k))
for u, n in api["by_unit"].items():
    eq("ptrack stats by unit " + u, str(n), line(u))
print("; ".join(out) if out else "agree")
PY
# agree QUERY [PTRACK STATS OPTIONS]: the figures of every place agree
# with GET /v1/stats?QUERY.
agree() {
    local q="$1" fmt
    shift
    api GET "/v1/stats?$q"
    [ "$ST" = 200 ] || pt_check_fail "GET /v1/stats?$q" "HTTP 200" "HTTP $ST $BODY"
    printf '%s' "$BODY" >"$PT_TMP/stats.json"
    for fmt in xlsx md html; do
        ST="$(curl -sS --max-time 30 --unix-socket "$PT_SOCK" -o "$PT_TMP/report.$fmt" \
            -w '%{http_code}' "http://localhost/v1/exports?format=$fmt&$q")" || ST=curl-failed
        [ "$ST" = 200 ] || pt_check_fail "GET /v1/exports?format=$fmt&$q" "HTTP 200" "HTTP $ST"
    done
    pt_cli stats "$@"
    printf '%s\n' "$OUT" >"$PT_TMP/cli.txt"
    check_eq "the figures of ?$q agree in the xlsx, md and html reports and ptrack stats" agree \
        "$(python3 "$PT_TMP/agree.py" "$PT_TMP/stats.json" "$PT_TMP/report.xlsx" \
            "$PT_TMP/report.md" "$PT_TMP/report.html" "$PT_TMP/cli.txt" 2>&1)"
}

pt_step "the same figures everywhere, for the same filters"
agree ""
agree "unit=$(urlenc 水利厅)" --unit 水利厅
agree "unit=$(urlenc "财政厅$ZW")" --unit "财政厅$ZW"
agree "session=$(urlenc "$S")" --session "$S"
agree "delegation=$(urlenc 山西代表团)" --delegation 山西代表团
agree "category=$(urlenc 农业农村)" --category 农业农村
agree "tag=$(urlenc 两会)" --tag 两会
agree "status=handling,replied,rehandling" --status handling,replied,rehandling
agree "overdue=true" --overdue
agree "unit=$(urlenc 住建厅)&todo=reply" --unit 住建厅 --todo reply

pt_step "a ledger imported without its 交办时间"
# An office's ledger of an earlier session: answered, its 交办时间 not kept.
# Answered, it was assigned: it counts in 办复率 as in the reply
# categories, where it counted only in the categories (办复率 — beside A类 1).
printf '%s\r\n' '编号,届次,标题,领衔代表,主办单位,状态,答复文号,办理结果' \
    '0042,十三届五次,关于往届水利建设的建议,王代表,水利厅,已答复,晋水函〔2022〕9号,A' \
    >"$PT_TMP/ledger.csv"
ST="$(curl -sS --max-time 30 --unix-socket "$PT_SOCK" -o "$PT_TMP/import.json" -w '%{http_code}' \
    -H 'Content-Type: text/csv' --data-binary "@$PT_TMP/ledger.csv" \
    "http://localhost/v1/imports?format=csv")" || ST=curl-failed
check_eq "the ledger is imported" 201 "$ST"
api GET "/v1/stats?session=$(urlenc 十三届五次)"
check_eq "its 办复率 and its category" '1 {"A": 1, "B": 0, "C": 0, "D": 0}' \
    "$(jv 'json.dumps(j["reply_rate"]) + " " + json.dumps(j["reply_categories"])')"
agree "session=$(urlenc 十三届五次)" --session 十三届五次

pt_finish
