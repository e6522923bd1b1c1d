#!/usr/bin/env bash
# test_formats_csv.sh - the built-in CSV importer and exporter
# (plugins/import_csv, plugins/export_csv), loaded by default from the
# build's plugin directory, with the Chinese files of tests/e2e/data/csv.
# Checks: UTF-8 with and without BOM; GBK, explicit and detected, also in a
# file large enough that characters are cut by the upload's chunks, and one
# whose first 64 KiB are ASCII (refused with a hint to use encoding=gbk); , ; and
# tab separators, sniffed, from sep= or from Excel's first line sep=;; quoted fields with separators, quotes and line breaks;
# Chinese and English headers; map=; recommendations split on 一是…, (一)…,
# 一、… and 1. 2. (on lines or after ；。, full-width digits too; never inside
# quotes, never on one marker alone); co_signers split on 、，; ；; units, replies and feedback from
# the readable columns; unknown columns kept in custom; every broken file
# refused naming line and column, with nothing stored; re-importing skips
# duplicates (number+session, source.ref), and 序号 (a row's serial) is
# not a number; two columns that give one field are refused at the header;
# dates as spreadsheets write them (2026/5/20, 2026年5月20日, a local
# 2026-05-20 10:30), and a bad one named by its column; rows of blank
# cells are skipped; an office column wins over the
# 自定义字段 member of its key; unit columns that no unit could answer
# are refused; the export has a BOM, CRLF,
# Chinese headers and labels (English with lang=en), the formal answer's
# 答复文号, 办理结果 and 答复时间 (not a supplementary reply's), and honours the list
# filters; a cell that a spreadsheet would run as a formula (= + - @ tab CR
# first, or apostrophes and then one of those) is written behind one more
# ', and exactly as stored with formulas=keep; exported (zh and en) and
# imported into an empty ptrackd, every field of every proposal comes back,
# ids included, those cells too, and a merge names the new id of the
# proposal it names (ID and 并入ID); the CLI imports GBK with --encoding and
# --map and exports with --arg lang=en and --arg formulas=keep. The query parameters
# are the plugins' declared ones (ABI 1.1): an unknown one is refused with
# 400 bad_request, on import before the body is read, and so is a sep,
# encoding or map the importer does not take (PTRACK_EBADARG).
set -u
. "$(dirname "$0")/lib.sh"
pt_init

PLUGINS="$PT_BUILD_DIR/plugins"
DATA="$PT_E2E_DIR/data/csv"
[ -f "$PLUGINS/import_csv.so" ] && [ -f "$PLUGINS/export_csv.so" ] ||
    pt_die "built-in plugins missing in $PLUGINS (build import_csv and export_csv)"
command -v iconv >/dev/null || pt_die "iconv is needed"

pt_config
pt_start --plugin-dir "$PLUGINS"
W="$PT_TMP/work"
mkdir -p "$W"
cli() { "$PTRACK" --socket "$PT_SOCK" "$@"; }

# upload FILE [QUERY]: POST /v1/imports?format=csv&QUERY with FILE as body.
# export_to FILE QUERY: GET /v1/exports?QUERY into FILE.
export_to() {
    api GET "/v1/exports?$2"
    cp "$PT_TMP/resp.body" "$1"
}
upload() {
    api POST "/v1/imports?format=csv${2:+&$2}" -- --data-binary "@$1" \
        -H "Content-Type: text/csv"
}
# urlenc TEXT: TEXT percent-encoded for a query.
urlenc() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$1"; }
# pget KEY VALUE EXPR: EXPR (Python, p = the proposal) of the first proposal
# whose KEY is VALUE.
pget() {
    api GET "/v1/proposals?limit=500"
    printf %s "$BODY" | python3 -c '
import json, sys
j = json.load(sys.stdin)
key, val, expr = sys.argv[1:4]
ps = [p for p in j["items"] if str(p.get(key)) == val]
if not ps:
    print("<no proposal with %s=%s>" % (key, val)); sys.exit(0)
p = ps[0]
v = eval(expr)
print(v if isinstance(v, str) else json.dumps(v, ensure_ascii=False))
' "$@"
}

pt_step "the built-in CSV plugins are loaded by default"
api GET /v1/plugins
check_eq "import_csv and export_csv are loaded" "True True" \
    "$(jv '" ".join(str(any(i.get("plugin") == n or i.get("name") == n for i in j["items"])) for n in ("import_csv", "export_csv"))')"
check_eq "each lists the query parameters it declares (ABI 1.1)" '["sep", "map", "encoding"] ["lang", "formulas", "tz"]' \
    "$(jv '" ".join(json.dumps(i["args"][k]) for k, n in (("import", "import_csv"), ("export", "export_csv")) for i in j["items"] if i.get("plugin") == n)')"

pt_step "UTF-8 without BOM, commas, Chinese headers"
upload "$DATA/zh_utf8.csv"
check_status "import zh_utf8.csv" 201
check_eq "three imported" "3 0" "$(jv '"%d %d" % (j["imported"], j["skipped"])')"
check_eq "a title with a comma and doubled quotes" '关于加强农村饮水安全保障的建议，"最后一公里"亟待打通' \
    "$(pget number 晋-001 'p["title"]')"
check_eq "co_signers split on 、 ， and ;" '["李秀英", "张伟", "赵敏", "刘洋"]' \
    "$(pget number 晋-001 'p["co_signers"]')"
check_eq "a background with a line break inside quotes" '"山区群众饮水仍有困难。\n部分管网老化，漏损严重。"' \
    "$(pget number 晋-001 'json.dumps(p["background"], ensure_ascii=False)')"
check_eq "recommendations split on 一是/二是/三是 (not on 统一是), the 。 that ends the list off the last as the ； off the others" \
    '["加大财政投入，统一是关键", "完善管护机制", "强化督查考核"]' "$(pget number 晋-001 'p["recommendations"]')"
check_eq "recommendations split on （一）（二）(三) lines" \
    '["推进垃圾分类地方立法", "建设区域分拣中心", "加强宣传引导"]' "$(pget number 晋-002 'p["recommendations"]')"
check_eq "recommendations split on 1. 2、 3． lines" '["优化公交线路", "增加夜间班次", "完善站台设施"]' \
    "$(pget number 晋-003 'p["recommendations"]')"
check_eq "主办+协办 make lead_co units" 'lead_co [["市水利局", "lead"], ["市财政局", "co"], ["市农业农村局", "co"]]' \
    "$(pget number 晋-001 'p["handling_mode"] + " " + json.dumps([[u["name"], u["role"]] for u in p["units"]], ensure_ascii=False)')"
check_eq "two 主办 make separate units" 'separate [["市城管局", "separate"], ["市住建局", "separate"]]' \
    "$(pget number 晋-002 'p["handling_mode"] + " " + json.dumps([[u["name"], u["role"]] for u in p["units"]], ensure_ascii=False)')"
check_eq "status from its Chinese label (办结, 办理中, none)" "closed handling submitted" \
    "$(pget number 晋-001 'p["status"]') $(pget number 晋-002 'p["status"]') $(pget number 晋-003 'p["status"]')"
check_eq "答复文号/办理结果/答复时间 make a reply from the lead unit" \
    '[{"unit": "市水利局", "doc_no": "水函〔2026〕12号", "category": "A", "text": null, "replied_at": "2026-05-20T00:00:00Z", "kind": "first"}]' \
    "$(pget number 晋-001 'p["replies"]')"
check_eq "满意度 makes a feedback entry" "satisfied" "$(pget number 晋-001 'p["feedback"][0]["satisfaction"]')"
check_eq "重点督办 是/否" "true false" "$(pget number 晋-001 'p["key_supervision"]') $(pget number 晋-002 'p["key_supervision"]')"
check_eq "an unknown column is kept in custom" '{"联系电话": "0351-1234567"}' "$(pget number 晋-001 'p["custom"]')"
check_eq "an empty unknown cell adds nothing" '{}' "$(pget number 晋-002 'p["custom"]')"

pt_step "UTF-8 with BOM, semicolons, 案由/第一提案人/附议代表/案由分析/办法"
upload "$DATA/zh_bom_semicolon.csv"
check_status "import zh_bom_semicolon.csv" 201
check_eq "two imported" "2" "$(jv 'j["imported"]')"
check_eq "the BOM is not part of the first header (编号 read)" "冀-101" "$(pget title 关于支持县域商业体系建设的建议 'p["number"]')"
check_eq "案由 is the title, a quoted ; inside it" "关于加快5G网络覆盖的建议; 含分号的标题" "$(pget number 冀-102 'p["title"]')"
check_eq "a comma is plain text with ; as separator" "偏远地区信号差, 影响生产生活" "$(pget number 冀-102 'p["background"]')"
check_eq "附议代表 split on ；" '["陈红", "黄磊"]' "$(pget number 冀-101 'p["co_signers"]')"
check_eq "办法 split on 1、 2、" '["加快基站建设", "降低资费"]' "$(pget number 冀-102 'p["recommendations"]')"
check_eq "第一提案人 is the lead author" "马建华" "$(pget number 冀-101 'p["lead_author"]')"

pt_step "English headers, tab separated, source.ref"
upload "$DATA/en_tab.csv"
check_status "import en_tab.csv" 201
check_eq "two imported" "2" "$(jv 'j["imported"]')"
check_eq "English status name and units" 'handling lead_co 科技部' \
    "$(pget number 粤-201 'p["status"] + " " + p["handling_mode"] + " " + p["units"][0]["name"]')"
check_eq "key_supervision true, supervisor" "true 常委会办公厅" \
    "$(pget number 粤-201 'json.dumps(p["key_supervision"]) + " " + p["supervisor"]')"
check_eq "ref makes source {csv, ref}" '{"format": "csv", "ref": "GD-2026-202"}' \
    "$(pget title 关于加强海洋生态保护的建议 'p["source"]')"
check_eq "doc_no, reply_category and satisfaction by English names" "自然资函〔2026〕8号 B basically_satisfied" \
    "$(pget title 关于加强海洋生态保护的建议 'p["replies"][0]["doc_no"] + " " + p["replies"][0]["category"] + " " + p["feedback"][0]["satisfaction"]')"

pt_step "map= gives fields to unknown headers"
MAP='{"title":"议题名称","lead_author":"提案人","delegation":"所属界别","custom.联络员":"联系人"}'
upload "$DATA/map.csv" "map=$(urlenc "$MAP")"
check_status "import map.csv with map" 201
check_eq "mapped title, lead_author, delegation" "钱文 民进界" \
    "$(pget title 关于完善社区养老服务体系的提案 'p["lead_author"] + " " + p["delegation"]')"
check_eq "map to custom.联络员, other columns kept in custom" '{"联络员": "王秘书", "备注": "重点关注"}' \
    "$(pget title 关于完善社区养老服务体系的提案 'p["custom"]')"
N0=$(pt_count)
upload "$DATA/map.csv"
check_error "map.csv without map: no title column" 422 validation_failed
check_contains "the message names line 1 and the missing column" "line 1: the required column title is missing" "$BODY"
upload "$DATA/map.csv" "map=$(urlenc '{"titel":"议题名称"}')"
check_error "map naming an unknown field: the request is at fault" 400 bad_request
check_contains "the message names the field" '\"titel\" is not a field' "$BODY"
# The list of fields is cut between two names, saying how many more there
# are, and the whole message fits in ptrackd's, whose own cut falls inside
# a name (delegatio…ions) when it does not; a long field is quoted by its
# first characters.
fields_listed() {
    jv 'j["error"]["message"]' | python3 -c '
import re, sys
m = sys.stdin.read()
names = re.search(r"use one of (.*?)(?: and (\d+) more)?, or custom\.<name>; nothing was imported$", m)
if not names or "\u2026" in names.group(1):
    print("<not a whole list: %s>" % m); sys.exit(0)
known = ["id", "number", "session", "kind", "title", "lead_author", "co_signers", "submitter_type",
         "delegation", "category", "tags", "background", "recommendations", "status",
         "merged_into", "handling_mode", "lead_units", "co_units", "assigned_at", "due_at",
         "rehandling_at", "replies_from", "key_supervision", "supervisor", "doc_no",
         "reply_category", "replied_at", "satisfaction", "source.format", "source.ref",
         "created_at", "updated_at", "units", "replies", "feedback", "custom"]
listed = names.group(1).split(", ")
more = int(names.group(2) or 0)
ok = listed == known[:len(listed)] and len(listed) + more == len(known)
print("whole names, %d more" % more if ok else "<%s>" % m)'
}
check_eq "map naming an unknown field: the fields listed whole, and how many more" \
    "whole names, 12 more" "$(fields_listed)"
upload "$DATA/map.csv" "map=$(urlenc "{\"$(printf '很%.0s' $(seq 100))\":\"议题名称\"}")"
check_error "map naming a field of 100 Chinese characters" 400 bad_request
check_contains "... quoted by its first 20 characters" \
    "\"$(printf '很%.0s' $(seq 20))…\" is not a field the CSV importer fills" "$(jv 'j["error"]["message"]')"
check_eq "... the fields listed whole all the same" "whole names, 16 more" "$(fields_listed)"
upload "$DATA/map.csv" "map=$(urlenc '{"title":"标题名"}')"
check_error "map naming a header the file lacks" 422 validation_failed
check_contains "the message names the header" 'line 1: map: the header has no column \"标题名\"' "$BODY"
upload "$DATA/map.csv" "map=$(urlenc '{"title":')"
check_error "map that is not JSON" 400 bad_request
check_contains "the importer refused the request, naming map" \
    'refused the request: map: not a JSON object of strings' "$(jv 'j["error"]["message"]')"
upload "$DATA/map.csv" "map=$(urlenc 'title')"
check_error "map that is not field=header pairs either" 400 bad_request
upload "$DATA/map.csv" "map=$(urlenc '{"title":""}')"
check_error "map giving a field an empty header" 400 bad_request
check_eq "nothing stored by the refused map imports" "$N0" "$(pt_count)"

pt_step "GBK: explicit, detected, and cut across upload chunks"
iconv -f UTF-8 -t GBK "$DATA/gbk_source.csv" >"$W/gbk.csv" || pt_die "iconv to GBK failed"
check_true "the GBK file is not UTF-8" sh -c "! iconv -f UTF-8 -t UTF-8 '$W/gbk.csv' >/dev/null 2>&1"
upload "$W/gbk.csv"
check_status "import GBK, encoding detected" 201
check_eq "two imported" "2" "$(jv 'j["imported"]')"
check_eq "GBK title, lead author and co-signers read" '关于促进长江经济带绿色发展的建议 蒋红 ["许明", "冯亮"]' \
    "$(pget number 苏-301 'p["title"] + " " + p["lead_author"] + " " + json.dumps(p["co_signers"], ensure_ascii=False)')"
check_eq "GBK recommendations (一)(二) and the 草稿 label" '["建设工业互联网平台", "培育数字化服务商"] draft' \
    "$(pget number 苏-302 'json.dumps(p["recommendations"], ensure_ascii=False) + " " + p["status"]')"
upload "$W/gbk.csv" "encoding=gbk"
check_status "import GBK again with encoding=gbk" 201
check_eq "re-import: nothing new, two skipped" "0 2" "$(jv '"%d %d" % (j["imported"], j["skipped"])')"
sed 's/苏-30/苏-40/' "$DATA/gbk_source.csv" | iconv -f UTF-8 -t GB18030 >"$W/gb18030.csv"
upload "$W/gb18030.csv" "encoding=gb18030"
check_status "import with encoding=gb18030" 201
check_eq "GB18030 title" "关于支持制造业数字化转型的建议" "$(pget number 苏-402 'p["title"]')"
{
    printf '编号,届次,标题\n坏-91,十四届,关于甲的建议\n坏-92,十四届,' | iconv -f UTF-8 -t GBK
    printf '\xff\xff\n'
} >"$W/bad_gbk.csv"
N0=$(pt_count)
upload "$W/bad_gbk.csv" "encoding=gbk"
check_error "bytes that are not GBK" 422 validation_failed
check_contains "named by line and column" "line 3, column 标题: bytes that are not GBK text (FF FF)" "$BODY"
# In the header, before a column has a name, and past the header's last
# column: by the column's number.
{
    printf '编号,届次,标' | iconv -f UTF-8 -t GBK
    printf '\xff\xff\n'
} >"$W/bad_gbk_header.csv"
upload "$W/bad_gbk_header.csv" "encoding=gbk"
check_error "bytes that are not GBK in the header" 422 validation_failed
check_eq "named by line and column number" \
    "line 1, column 3: bytes that are not GBK text (FF FF); say what the file is with encoding=utf-8, gbk or gb18030" \
    "$(jv 'j["error"]["rejected"][0]["reason"]')"
{
    printf '编号,届次,标题\n坏-93,十四届,关于丙的建议,' | iconv -f UTF-8 -t GBK
    printf '\xff\xff\n'
} >"$W/bad_gbk_extra.csv"
upload "$W/bad_gbk_extra.csv" "encoding=gbk"
check_contains "past the header's last column: by number" \
    "line 2, column 4: bytes that are not GBK text (FF FF)" "$BODY"
# A file read as UTF-8 (its BOM, or encoding=utf-8) with a cell that is
# not: the row is rejected naming its line and column and the bytes, not
# the field of the record it would have made.
printf '\xef\xbb\xbf编号,届次,标题,背景\n坏-94,十四届,关于丁的建议,背景\n坏-95,十四届,关于戊的建议,群众\xff\xfe反映\n' \
    >"$W/bad_utf8.csv"
for q in "" "encoding=utf-8"; do
    upload "$W/bad_utf8.csv" "$q"
    check_error "a cell that is not UTF-8${q:+ ($q)}" 422 validation_failed
    check_eq "rejected at line 3, naming its column and the bytes${q:+ ($q)}" \
        '["line 3", "line 3, column 背景: bytes that are not UTF-8 text (FF FE); say what the file is with encoding=utf-8, gbk or gb18030"]' \
        "$(jv 'json.dumps([j["error"]["rejected"][0]["where"], j["error"]["rejected"][0]["reason"]], ensure_ascii=False)')"
done
# Without a BOM, a UTF-8 file with a stray byte in its first 64 KiB is
# judged UTF-8 all the same, and the row rejected so, where the whole file
# was read as GB18030 and refused for its garbled header (title missing).
printf '编号,届次,标题,背景\n坏-96,十四届,关于加强农村饮水安全保障的建议,背景\n坏-97,十四届,关于完善县域医疗服务体系的建议,群众\xff反映\n' \
    >"$W/bad_utf8_nobom.csv"
upload "$W/bad_utf8_nobom.csv"
check_error "a cell that is not UTF-8, in a file without a BOM" 422 validation_failed
check_eq "rejected at line 3, naming its column, read as UTF-8" \
    '["line 3", "line 3, column 背景: bytes that are not UTF-8 text (FF), though the file was read as UTF-8 from its first 64 KiB; if the file is GBK or GB18030 (a \"CSV\" saved by Excel or WPS on Windows), import it with encoding=gbk"]' \
    "$(jv 'json.dumps([j["error"]["rejected"][0]["where"], j["error"]["rejected"][0]["reason"]], ensure_ascii=False)')"
upload "$W/bad_utf8_nobom.csv" "partial=true"
check_eq "partial=true: the good row is stored" 1 "$(jv 'j["imported"]')"
api GET "/v1/proposals?number=$(urlenc 坏-96)"
check_eq "its title intact" "关于加强农村饮水安全保障的建议" "$(jv 'j["items"][0]["title"]')"
N0=$((N0 + 1))
printf '\xef\xbb\xbf编号,届次,标题,备\xe6\n' >"$W/bad_utf8_header.csv"
upload "$W/bad_utf8_header.csv"
check_error "a header that is not UTF-8" 422 validation_failed
check_contains "named by line and column number" \
    "line 1, column 4: bytes that are not UTF-8 text (E6)" "$BODY"
upload "$W/bad_gbk.csv" "encoding=big5"
check_error "an encoding the importer does not read: the request is at fault" 400 bad_request
check_contains "the message lists the encodings" "use utf-8, gbk or gb18030" "$BODY"
check_eq "no rejected record for a bad argument" "0" "$(jv 'len(j["error"].get("rejected") or [])')"
check_eq "nothing stored" "$N0" "$(pt_count)"

pt_step "the query arguments are checked before the body is read"
# first_answer QUERY: sends the head of an upload of 1,000,000 bytes and
# its first two lines, no more, and prints the status line of what
# ptrackd answers and its body, or "no answer" when none has come within
# 30 s (the rest of the file never comes, so only an answer given before
# it can be read; the time is only how long a loaded machine may take).
first_answer() {
    python3 - "$PT_SOCK" "/v1/imports?format=csv&$1" <<'PY'
import re, socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])
s.sendall(("POST %s HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/csv\r\n"
           "Content-Length: 1000000\r\n\r\n" % sys.argv[2]).encode()
          + "标题,背景\n关于甲的建议,乙\n".encode())
end = time.monotonic() + 30
data = b""
while True:
    head, sep, body = data.partition(b"\r\n\r\n")
    m = re.search(rb"(?i)\r\ncontent-length: *(\d+)", head)
    if sep and m and len(body) >= int(m.group(1)):
        break
    left = end - time.monotonic()
    if left <= 0:
        break
    s.settimeout(left)
    try:
        d = s.recv(65536)
    except (socket.timeout, ConnectionResetError):
        break
    if not d:
        break
    data += d
if not data:
    print("no answer")
else:
    answer = data.decode("utf-8", "replace")
    print(answer.split("\r\n")[0])
    print(answer.partition("\r\n\r\n")[2])
PY
}
for q in "encoding=big5" "sep=pipe" "map=$(urlenc '{"title":')"; do
    out="$(first_answer "$q")"
    check_contains "$q: refused before the rest of the file comes" "HTTP/1.1 400 Bad Request" "$out"
    check_contains "... as the request's fault" "the importer import_csv refused the request: ${q%%=*}:" "$out"
done
check_eq "nothing stored" "$N0" "$(pt_count)"

pt_step "sep= overrides the sniffing"
printf 'title;delegation\n"关于甲, 乙的建议";山西代表团\n' >"$W/sep.csv"
upload "$W/sep.csv" "sep=$(urlenc ';')"
check_status "sep=; on a file whose quoted title holds a comma" 201
check_eq "the title and the delegation" "山西代表团" "$(pget title '关于甲, 乙的建议' 'p["delegation"]')"
printf 'title\tdelegation\n关于丙的建议\t山西代表团\n' >"$W/tab.csv"
upload "$W/tab.csv" "sep=tab"
check_status "sep=tab" 201
check_eq "tab-separated delegation" "山西代表团" "$(pget title 关于丙的建议 'p["delegation"]')"
upload "$W/tab.csv" "sep=$(urlenc '|')"
check_error "an unknown separator: the request is at fault" 400 bad_request
check_contains "named, with the separators read" 'sep: \"|\" is not a separator the CSV importer reads' "$BODY"

pt_step "Excel's first line sep=; names the separator"
printf 'sep=;\r\n编号;标题;代表团\r\n分-1;关于分隔行的建议, 含逗号;山西代表团\r\n分-2;关于多一列的建议;山西代表团;多余\r\n' >"$W/sep_line.csv"
upload "$W/sep_line.csv" "partial=true"
check_eq "the line is taken and skipped: the header is line 2" "200 关于分隔行的建议, 含逗号 山西代表团" \
    "$ST $(pget number 分-1 'p["title"] + " " + p["delegation"]')"
check_eq "lines are still counted from the file's first" "line 4" "$(jv 'j["rejected"][0]["where"]')"
upload "$W/sep_line.csv" "partial=true&sep=$(urlenc ';')"
check_eq "sep=; in the request too: the same" "200 0 1" "$ST $(jv '"%d %d" % (j["imported"], j["skipped"])')"
upload "$W/sep_line.csv" "sep=comma"
check_error "the request's sep=comma against the file's sep=;" 422 validation_failed
check_contains "both named" "line 1: the file says sep=; and the request sep=," "$(jv 'j["error"]["message"]')"
printf 'sep=|\n编号|标题\n分-3|关于竖线的建议\n' >"$W/sep_bar.csv"
upload "$W/sep_bar.csv"
check_error "sep=| in the file" 422 validation_failed
check_contains "named, with the separators read" 'line 1: "sep=|" names a separator the CSV importer does not read' \
    "$(jv 'j["error"]["message"]')"

pt_step "query parameters: the importer's declared ones are taken, any other refused"
count0="$(pt_count)"
upload "$W/tab.csv" "sepp=tab"
check_error "a misspelt sepp= is refused" 400 bad_request
check_contains "the message names it, as GET /v1/proposals does" 'unknown query parameter "sepp"' \
    "$(jv 'j["error"]["message"]')"
check_contains "and says what an import of csv takes" "an import of csv takes format, partial, sep, map and encoding" \
    "$(jv 'j["error"]["message"]')"
check_eq "nothing was stored" "$count0" "$(pt_count)"
upload "$W/tab.csv" "sep=tab&encoding=utf-8&partial=false"
check_status "declared sep and encoding with the host's partial" 201
# The head of a 900 KB upload with an unknown parameter and no body: the
# answer must come at once, before the body is read (or sent).
python3 - "$PT_SOCK" <<'PY' >"$W/early.out"
import json, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])
s.sendall(b"POST /v1/imports?format=csv&stauts=closed HTTP/1.1\r\nHost: ptrack\r\n"
          b"Content-Type: text/csv\r\nContent-Length: 900000\r\n\r\n")
s.settimeout(30)
data = b""
try:
    while b"\r\n\r\n" not in data or not data.rstrip().endswith(b"}"):
        d = s.recv(65536)
        if not d:
            break
        data += d
except socket.timeout:
    pass
head, _, body = data.partition(b"\r\n\r\n")
print(head.split(b"\r\n")[0].decode(), json.loads(body)["error"]["code"] if body else "-")
PY
check_eq "an unknown import parameter is refused before the body is read" \
    "HTTP/1.1 400 Bad Request bad_request" "$(cat "$W/early.out")"

pt_step "broken files are refused naming line and column; nothing is stored"
N0=$(pt_count)
upload "$DATA/broken_unterminated.csv"
check_error "an unterminated quote" 422 validation_failed
check_contains "named: line 4, column 背景" "line 4, column 背景: a quoted field is never closed" "$BODY"
check_eq "listed in rejected as line 4" "line 4" "$(jv 'j["error"]["rejected"][0]["where"]')"
# In the header, whose columns have no name yet: by its number.
printf '编号,届次,"标题,背景\n坏-98,十四届,关于己的建议,背景\n' >"$W/unterminated_header.csv"
upload "$W/unterminated_header.csv"
check_error "an unterminated quote in the header" 422 validation_failed
check_contains "named: line 1, column 3" "line 1, column 3: a quoted field is never closed" "$BODY"
upload "$DATA/broken_fields.csv"
check_error "rows with the wrong number of fields" 422 validation_failed
check_eq "both rows named, by the line they start on" \
    '["line 3: 3 fields, the header has 5 (the row ends before column 4, 领衔代表)", "line 6: 7 fields, the header has 5 (field 6 has no column; the last column is 代表团)"]' \
    "$(jv '[r["reason"] for r in j["error"]["rejected"]]')"
upload "$DATA/broken_no_title.csv"
check_error "no title column" 422 validation_failed
check_contains "named: line 1, the columns listed" "its columns are 编号、届次、领衔代表、代表团" "$BODY"
upload "$DATA/broken_cells.csv"
check_error "cells that cannot be read" 422 validation_failed
check_eq "each named by line and column" \
    '[["line 2", "line 2, column 办理结果: \"E\" is not a reply category A, B, C or D"], ["line 3", "line 3, column 满意度: \"一般\" is not a satisfaction: 满意, 基本满意 or 不满意 (satisfied, basically_satisfied, unsatisfied)"], ["line 4", "line 4, column 重点督办: \"也许\" is neither 是 nor 否 (true or false)"], ["line 5", "title: required"]]' \
    "$(jv '[[r["where"], r["reason"]] for r in j["error"]["rejected"]]')"
printf '标题,代表团\n关于空字节\000截断的建议,山西代表团\n' >"$W/nul.csv"
upload "$W/nul.csv"
check_error "a cell with a NUL byte" 422 validation_failed
check_eq "named by line and column, not cut short" "line 2, column 标题: holds a NUL byte, which is not text" \
    "$(jv 'j["error"]["rejected"][0]["reason"]')"
python3 -c 'print("标题," + "备" * 101); print("关于超长表头的建议,值")' >"$W/long_header.csv"
upload "$W/long_header.csv"
check_error "a header of 101 characters that names no field" 422 validation_failed
check_contains "refused once, naming its column" "line 1, column 2: its custom key would be 101 characters long" \
    "$(jv 'j["error"]["message"]')"
upload "$W/long_header.csv" "map=$(urlenc '{"custom.'"$(python3 -c 'print("键" * 101)')"'": "标题"}')"
check_error "map= to a custom key of 101 characters" 422 validation_failed
check_contains "refused the same way" "line 1, column 1: its custom key would be 101 characters long" \
    "$(jv 'j["error"]["message"]')"
printf '' >"$W/empty.csv"
upload "$W/empty.csv"
check_error "an empty file" 422 validation_failed
check_eq "nothing stored by any broken file" "$N0" "$(pt_count)"
printf 'ID,标题,代表团\n7\000x,关于忽略列空字节的建议,山西代表团\n' >"$W/nul_ignored.csv"
upload "$W/nul_ignored.csv"
check_eq "a NUL in a column the importer ignores (ID) does not matter" "201 1" "$ST $(jv 'j["imported"]')"
upload "$DATA/broken_cells.csv" "partial=true"
check_status "broken_cells.csv with partial=true" 200
check_eq "partial keeps the good row (A类, 基本满意, 是)" "A basically_satisfied true" \
    "$(pget number 坏-35 'p["replies"][0]["category"] + " " + p["feedback"][0]["satisfaction"] + " " + json.dumps(p["key_supervision"])')"
# A quote left open near the end: the file cannot be read to its end, and
# partial=true still stores every good row before it (not only full
# batches of 2,000).
N0=$(pt_count)
{
    printf '编号,届次,标题\n'
    for i in 1 2 3; do printf '开引号-%d,十四届,关于开引号之前第%d条的建议\n' "$i" "$i"; done
    printf '开引号-4,十四届,"关于引号未闭合的建议\n'
} >"$W/open_quote.csv"
upload "$W/open_quote.csv" "partial=true"
check_error "partial=true, a quote left open on line 5" 422 validation_failed
first=$(jv 'j["error"]["first_id"]')
check_contains "which names it, and says the rows before were stored, with their ids" \
    "of the records read before that, 3 were stored (ids $first to $((first + 2))) and 0 skipped as already stored" \
    "$(jv 'j["error"]["message"]')"
check_eq "the 3 good rows before it are stored, and counted" "3 3" \
    "$(jv 'j["error"]["imported"]') $(($(pt_count) - N0))"
# A quote left open in the first record: a partial import that stored
# nothing before the fault says so, as an all-or-nothing one does.
printf '编号,届次,标题\n开引号-0,十四届,"关于首行引号未闭合的建议\n' >"$W/open_quote_first.csv"
upload "$W/open_quote_first.csv" "partial=true"
check_error "partial=true, a quote left open in the first record" 422 validation_failed
check_contains "says nothing was imported, not 0 of what was read" \
    'is written ""); nothing was imported' "$(jv 'j["error"]["message"]')"
check_eq "and counts none" "0 0" "$(jv 'j["error"]["imported"]') $(jv 'j["error"]["skipped"]')"
if "$PTRACK" import --help >/dev/null 2>&1; then
    OUT=$(cli import "$W/open_quote.csv" --partial --quiet 2>&1)
    check_contains "ptrack import --partial says what was kept" \
        "已导入 0 条，跳过重复 3 条 (0 imported, 3 skipped)" "$OUT"
fi
upload "$W/open_quote.csv"
check_error "all or nothing, the same file" 422 validation_failed
check_eq "stores nothing more" "3" "$(($(pt_count) - N0))"

pt_step "re-importing the same rows does not duplicate them"
N0=$(pt_count)
for f in zh_utf8 zh_bom_semicolon en_tab; do
    upload "$DATA/$f.csv"
    check_eq "$f.csv again: 0 imported, all skipped" "0 0" \
        "$(jv '"%d %d" % (j["imported"], len(j["rejected"]))')"
done
check_eq "the row without a number is skipped by its source.ref" "2" "$(jv 'j["skipped"]')"
check_eq "count unchanged" "$N0" "$(pt_count)"
# The same numbers typed another way (a space after, full-width digits, an
# ideographic space after the session), in JSON and then in CSV: one each.
cat >"$W/spelt.json" <<'EOF'
[{"title": "关于拼写甲的建议", "number": "1001 ", "session": "拼写测试"},
 {"title": "关于拼写乙的建议", "number": "１００２", "session": "拼写测试"},
 {"title": "关于拼写丙的建议", "number": "1003", "session": "拼写测试　"}]
EOF
api POST "/v1/imports?format=json" -- --data-binary "@$W/spelt.json" -H "Content-Type: application/json"
check_eq "json: 3 imported" "3" "$(jv 'j["imported"]')"
printf '编号,届次,标题\n1001,拼写测试,关于拼写甲的建议\n1002,拼写测试,关于拼写乙的建议\n" 1003",拼写测试,关于拼写丙的建议\n' >"$W/spelt.csv"
upload "$W/spelt.csv"
check_eq "csv of the same rows: all 3 skipped as already stored" "0 3" \
    "$(jv '"%d %d" % (j["imported"], j["skipped"])')"
api GET "/v1/proposals?session=$(urlenc 拼写测试)&sort=id"
check_eq "stored as one spelling" '["1001", "1002", "1003"]' "$(jv '[p["number"] for p in j["items"]]')"

pt_step "序号 numbers rows, not proposals; two columns for one field are refused"
printf '序号,标题,代表团\n1,关于甲市序号的建议,甲代表团\n2,关于甲市第二件的建议,甲代表团\n' >"$W/serial_a.csv"
printf '序号,标题,代表团\n1,关于乙市序号的建议,乙代表团\n2,关于乙市第二件的建议,乙代表团\n' >"$W/serial_b.csv"
upload "$W/serial_a.csv"
check_eq "the first office's sheet numbered 1, 2" "201 2 0" "$ST $(jv '"%d %d" % (j["imported"], j["skipped"])')"
upload "$W/serial_b.csv"
check_eq "the second office's sheet numbered 1, 2 too: both imported, none skipped" "201 2 0" \
    "$ST $(jv '"%d %d" % (j["imported"], j["skipped"])')"
check_eq "序号 is neither the number nor a custom field" 'None {}' \
    "$(pget title 关于乙市序号的建议 'str(p.get("number")) + " " + json.dumps(p["custom"])')"
N0=$(pt_count)
printf '编号,标题,案由\n重-1,关于标题的建议,关于案由的建议\n' >"$W/two_titles.csv"
upload "$W/two_titles.csv"
check_error "标题 and 案由 in one header" 422 validation_failed
check_contains "refused at the header, naming both" \
    "line 1: columns 2 (标题) and 3 (案由) both give the field title" "$(jv 'j["error"]["message"]')"
upload "$W/two_titles.csv" "map=$(urlenc '{"title":"案由"}')"
check_eq "with map= naming one, the other is kept in custom" "201 关于标题的建议" \
    "$ST $(pget number 重-1 'p["custom"]["标题"]')"
printf '编号,标题,备注,联系电话,备注\n重-2,关于重复表头的建议,甲,123,乙\n' >"$W/two_notes.csv"
upload "$W/two_notes.csv"
check_error "备注 twice in one header" 422 validation_failed
check_contains "refused at the header, naming both" \
    "line 1: columns 3 (备注) and 5 (备注) both give custom.备注" "$(jv 'j["error"]["message"]')"
check_eq "nothing stored by the refused headers" "$((N0 + 1))" "$(pt_count)"

pt_step "units that could never be answered are refused, naming the columns"
N0=$(pt_count)
printf '标题,主办单位,协办单位,状态\n关于只有协办的建议,,丙局,办理中\n关于两主一协的建议,"甲局、乙局",丙局,办理中\n关于一主一协的建议,甲局,丙局,办理中\n' >"$W/units.csv"
upload "$W/units.csv"
check_error "a co unit without a lead, two leads with a co" 422 validation_failed
check_eq "both rows named, with the columns and what is wrong" \
    '[["line 2", "line 2, column 协办单位: co units (协办) with no lead unit: 主办单位 is empty; a co unit assists the lead unit, so name the lead unit (主办) in 主办单位"], ["line 3", "line 3, columns 主办单位 and 协办单位: 2 lead units are handled separately (分办), where no unit is a co unit (协办); name one lead unit in 主办单位, or leave 协办单位 empty"]]' \
    "$(jv 'json.dumps([[r["where"], r["reason"]] for r in j["error"]["rejected"]], ensure_ascii=False)')"
check_eq "nothing stored" "$N0" "$(pt_count)"
printf '标题,主办单位,协办单位,办理方式,状态\n关于单办两局的建议,"甲局、乙局",,单办,办理中\n关于分办一局的建议,甲局,,分办,办理中\n' >"$W/modes.csv"
upload "$W/modes.csv" "partial=true"
check_eq "单办 with two units refused, naming 办理方式" \
    'line 2, column 办理方式: 单办 (single) takes one unit, in 主办单位, and none in 协办单位; the row has 2 unit(s) in 主办单位 and 0 in 协办单位' \
    "$(jv 'j["rejected"][0]["reason"]')"
check_eq "分办 with one unit: its role is separate" 'separate [["甲局", "separate"]]' \
    "$(pget title 关于分办一局的建议 'p["handling_mode"] + " " + json.dumps([[u["name"], u["role"]] for u in p["units"]], ensure_ascii=False)')"

pt_step "rows of blank cells (below the data, between blocks) are skipped"
printf '编号,标题,代表团\r\n空-1,关于空行之上的建议,甲代表团\r\n,,\r\n , ,\xe3\x80\x80\r\n空-2,关于空行之下的建议,甲代表团\r\n,,\r\n,,\r\n"",,\r\n' >"$W/blank_rows.csv"
upload "$W/blank_rows.csv"
check_eq "the two rows imported, the blank ones skipped" "201 2 0" \
    "$ST $(jv '"%d %d" % (j["imported"], len(j["rejected"]))')"

pt_step "an office column over 自定义字段 of the same key: the column wins"
cat >"$W/custom_merge.csv" <<'CSV'
编号,标题,备注,自定义字段
合-1,关于合并自定义字段的建议,新备注,"{""备注"": ""旧备注"", ""联系人"": ""王明""}"
合-2,关于备注为空的建议,,"{""备注"": ""旧备注""}"
合-3,关于自定义字段不是对象的建议,新备注,"[""备注""]"
CSV
upload "$W/custom_merge.csv" "partial=true"
check_eq "merged by key, the office column's value kept" '{"联系人": "王明", "备注": "新备注"}' \
    "$(pget number 合-1 'p["custom"]')"
check_eq "an empty office cell leaves the JSON's value" '{"备注": "旧备注"}' "$(pget number 合-2 'p["custom"]')"
check_eq "a 自定义字段 that is not an object of strings is named" \
    'line 4, column 自定义字段: not a JSON object of strings such as {"联系人": "王明"}' \
    "$(jv 'j["rejected"][0]["reason"]')"

pt_step "recommendations: inline 1. 2., 一、 二、, full-width digits, quotes, one marker"
python3 - "$W/recs.csv" <<'PY'
import csv, sys
rows = [
    ("拆-1", "1.加大投入；2.完善机制；3.强化考核"),
    ("拆-2", "一、加大投入\n二、完善机制"),
    ("拆-3", "一、加大投入。二、完善机制。"),
    ("拆-4", "１．加大投入\n２．完善机制"),
    ("拆-5", "一是加强领导，落实\"一是一、二是二\"的原则；二是完善机制"),
    ("拆-6", "一是加强领导，落实“一是一、二是二”的原则；二是完善机制"),
    ("拆-7", "1.只有一条\n分两行写"),
    ("拆-8", "增加1.5亿元；2.5亿元用于统一、协调"),
]
with open(sys.argv[1], "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(["编号", "标题", "建议"])
    for number, recs in rows:
        w.writerow([number, "关于拆分建议%s的建议" % number, recs])
PY
upload "$W/recs.csv"
check_status "import recs.csv" 201
recs() { pget number "$1" 'p["recommendations"]'; }
check_eq "1. 2. 3. after ；" '["加大投入", "完善机制", "强化考核"]' "$(recs 拆-1)"
check_eq "一、 二、 on lines" '["加大投入", "完善机制"]' "$(recs 拆-2)"
check_eq "一、 二、 after 。" '["加大投入。", "完善机制。"]' "$(recs 拆-3)"
check_eq "full-width １． ２．" '["加大投入", "完善机制"]' "$(recs 拆-4)"
check_eq "not inside \"\" quotes" '["加强领导，落实\"一是一、二是二\"的原则", "完善机制"]' "$(recs 拆-5)"
check_eq "not inside “” quotes" '["加强领导，落实“一是一、二是二”的原则", "完善机制"]' "$(recs 拆-6)"
check_eq "one marker is no list: one ask per line" '["1.只有一条", "分两行写"]' "$(recs 拆-7)"
check_eq "numbers and 、 inside a clause are not markers" '["增加1.5亿元；2.5亿元用于统一、协调"]' "$(recs 拆-8)"

pt_step "dates as spreadsheets write them; a bad one is named by its column"
# A proposal in handling has units (an assignment leads there).
printf '%s\n' '编号,标题,状态,主办单位,交办时间,答复时间' \
    '时-1,关于斜杠日期的建议,办理中,市水利局,2026/5/20,2026/05/20 10:30' \
    '时-2,关于短横日期的建议,办理中,市水利局,2026-5-20,2026-05-20 10:30:00' \
    '时-3,关于中文日期的建议,办理中,市水利局,2026年5月20日,2026-05-20T10:30:00+08:00' \
    '时-6,关于全角日期的建议,办理中,市水利局,２０２６年５月２０日,２０２６／５／２０　１０：３０' \
    '时-7,关于全角短横日期的建议,办理中,市水利局,２０２６－０５－２０,２０２６－０５－２０Ｔ１０：３０：００＋０８：００' \
    >"$W/dates.csv"
upload "$W/dates.csv"
check_status "import dates.csv" 201
check_eq "2026/5/20, 2026-5-20 and 2026年5月20日 are the date, also in full-width digits" \
    "2026-05-20T00:00:00Z 2026-05-20T00:00:00Z 2026-05-20T00:00:00Z 2026-05-20T00:00:00Z 2026-05-20T00:00:00Z" \
    "$(pget number 时-1 'p["assigned_at"]') $(pget number 时-2 'p["assigned_at"]') $(pget number 时-3 'p["assigned_at"]') $(pget number 时-6 'p["assigned_at"]') $(pget number 时-7 'p["assigned_at"]')"
LOCAL1030=$(python3 -c 'import datetime; print(datetime.datetime(2026, 5, 20, 10, 30).astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"))')
check_eq "a time without a zone is local; with one, as written; also in full-width digits" \
    "$LOCAL1030 $LOCAL1030 2026-05-20T02:30:00Z $LOCAL1030 2026-05-20T02:30:00Z" \
    "$(pget number 时-1 'p["replies"][0]["replied_at"]') $(pget number 时-2 'p["replies"][0]["replied_at"]') $(pget number 时-3 'p["replies"][0]["replied_at"]') $(pget number 时-6 'p["replies"][0]["replied_at"]') $(pget number 时-7 'p["replies"][0]["replied_at"]')"
printf '%s\n' '编号,标题,状态,交办时间,答复时间' '时-4,关于错日期的建议,办理中,2026/2/30,' \
    '时-5,关于错时间的建议,办理中,,五月二十日' '时-8,关于全角错日期的建议,办理中,２０２６年２月３０日,' \
    >"$W/bad_dates.csv"
upload "$W/bad_dates.csv"
check_error "a date that does not exist, a time that is not one" 422 validation_failed
check_eq "each named by its column" \
    '["line 2, column 交办时间: \"2026/2/30\" is not a date or a time: write 2026-05-20, 2026/5/20, 2026年5月20日, 2026-05-20 10:30 (local time) or 2026-05-20T10:30:00+08:00", "line 3, column 答复时间: \"五月二十日\" is not a date or a time: write 2026-05-20, 2026/5/20, 2026年5月20日, 2026-05-20 10:30 (local time) or 2026-05-20T10:30:00+08:00", "line 4, column 交办时间: \"２０２６年２月３０日\" is not a date or a time: write 2026-05-20, 2026/5/20, 2026年5月20日, 2026-05-20 10:30 (local time) or 2026-05-20T10:30:00+08:00"]' \
    "$(jv 'json.dumps([r["reason"] for r in j["error"]["rejected"]], ensure_ascii=False)')"

pt_step "proposals with every field, through the workflow"
act() {
    api POST "/v1/proposals/$1/actions/$2" "$3"
    [ "$ST" = 200 ] || pt_die "action $2 on $1: HTTP $ST $BODY"
}
P1=$(pt_create '{"number":"RT-1","kind":"suggestion","session":"十四届全国人大四次会议",
  "title":" 关于加强基层医疗卫生服务能力的建议","background":"  基层医生短缺，\n设备老化。\n",
  "recommendations":["第一条，含顿号、和逗号","第二条\n跨两行","（三）自带编号的条目"],"submitter_type":"joint",
  "lead_author":"王建国","co_signers":["欧阳娜娜","李、明"],"delegation":"山西代表团","category":"医疗卫生",
  "tags":["民生","医疗"],"custom":{"联系人":"刘秘书","a.b":"带\"引号\"的值"},"source":{"format":"manual","ref":"晋-2026-001"}}')
act "$P1" assign '{"mode":"lead_co","units":[{"name":"省卫健委","role":"lead"},{"name":"省财政厅","role":"co"},{"name":"省人社厅","role":"co"}]}'
act "$P1" sign '{"unit":"省卫健委"}'
act "$P1" opinion '{"unit":"省财政厅","opinion":"同意加大补助，\"分年度\"落实。"}'
act "$P1" opinion '{"unit":"省人社厅","opinion":"支持定向培养。"}'
act "$P1" supervise '{"key_supervision":true,"supervisor":"常委会办公厅"}'
act "$P1" reply '{"unit":"省卫健委","doc_no":"卫函〔2026〕12号","category":"A","text":"已列入年度计划。\n分三年完成。"}'
act "$P1" feedback '{"person":"王建国","satisfaction":"unsatisfied","comment":"进度偏慢。"}'
act "$P1" reply '{"unit":"省卫健委","doc_no":"卫函〔2026〕30号","category":"B","text":"加快推进。"}'
act "$P1" feedback '{"person":"王建国","satisfaction":"basically_satisfied","comment":"基本满意。"}'
# A supplementary reply after closing: not the formal answer.
act "$P1" follow_up '{"unit":"省卫健委","doc_no":"卫函〔2026〕45号","category":"D","text":"补充说明进展。"}'
P2=$(pt_create '{"number":"RT-2","kind":"proposal","session":"政协十四届四次会议","title":"关于推进“双减”落地的提案",
  "recommendations":["只有一条建议"],"lead_author":"陈红","submitter_type":"individual"}')
act "$P2" assign '{"mode":"separate","units":[{"name":"省教育厅","role":"separate"},{"name":"省体育局","role":"separate"}]}'
P3=$(pt_create '{"title":"关于草拟中的议案","status":"draft","kind":"motion","recommendations":["1. 看似编号\n其实是一条"]}')
P4=$(pt_create '{"number":"RT-4","title":"关于撤回的建议","delegation":"河北代表团"}')
act "$P4" withdraw '{"reason":"代表撤回。"}'
# Cells that spreadsheets take as formulas, and values that already begin
# with apostrophes.
F1=$(pt_create '{"number":"-3","title":"=HYPERLINK(\"http://example.com/x\",\"点此查看\")","background":"+1 背景",
  "recommendations":["-减少审批环节"],"lead_author":"@王明","delegation":"=cmd|\u0027 /C calc\u0027!A0",
  "co_signers":["=甲","乙"],"tags":["@标签"],"source":{"format":"manual","ref":"-ref-1"}}')
act "$F1" assign '{"mode":"single","units":[{"name":"+市局","role":"lead"}]}'
act "$F1" supervise '{"key_supervision":true,"supervisor":"@督办处"}'
F2=$(pt_create '{"number":"'"'"'001","title":"'"'"'=已有撇号的标题","background":"'"''"'-两个撇号的背景",
  "recommendations":["=第一条","+第二条"],"lead_author":"'"'"'001","category":"-","custom":{"备注":"=SUM(A1:A2)"}}')
F3=$(pt_create '{"title":"-","background":"\t以制表符开头","recommendations":["@唯一一条"],"lead_author":"'"'"'王"}')
F4=$(pt_create '{"title":"关于以回车开头的背景的建议","background":"\r\n以回车开头"}')

# A merge: the round trip keeps it, pointed at the new id.
M1=$(pt_create '{"title":"关于并入他案的建议","session":"并案届","number":"并-1"}')
M2=$(pt_create '{"title":"关于被并入的建议","session":"并案届","number":"并-2"}')
act "$M1" review '{}'
act "$M1" merge "{\"merged_into\": $M2}"

pt_step "export: BOM, CRLF, Chinese headers and labels; lang=en"
export_to "$W/zh.csv" "format=csv"
check_status "GET /v1/exports?format=csv" 200
check_eq "content type" "text/csv; charset=utf-8" "$(hdr Content-Type)"
check_contains "file name proposals.csv" 'filename="proposals.csv"' "$(hdr Content-Disposition)"
TOTAL=$(pt_count)
check_eq "BOM, CRLF after the header and at the end, a row per proposal" "True True True $TOTAL" \
    "$(python3 -c '
import csv, io, sys
b = open(sys.argv[1], "rb").read()
t = b[3:].decode("utf-8")
rows = list(csv.reader(io.StringIO(t, newline="")))
print(b.startswith(b"\xef\xbb\xbf"), t.split("\n")[0].endswith("\r"), t.endswith("\r\n"), len(rows) - 1)
' "$W/zh.csv")"
check_eq "Chinese headers" "ID,编号,届次,类型,标题,领衔代表,联名代表" \
    "$(head -c 200 "$W/zh.csv" | tail -c +4 | cut -d, -f1-7)"
zhcell() {
    python3 -c '
import csv, io, sys
t = open(sys.argv[1], "rb").read()[3:].decode("utf-8")
rows = list(csv.DictReader(io.StringIO(t, newline="")))
r = [r for r in rows if r[sys.argv[2]] == sys.argv[3]][0]
print(r[sys.argv[4]])
' "$@"
}
check_eq "status and satisfaction as Chinese labels" "办结 基本满意 是" \
    "$(zhcell "$W/zh.csv" 编号 RT-1 状态) $(zhcell "$W/zh.csv" 编号 RT-1 满意度) $(zhcell "$W/zh.csv" 编号 RT-1 重点督办)"
check_eq "units as 主办单位/协办单位 names joined with 、" "省卫健委 省财政厅、省人社厅" \
    "$(zhcell "$W/zh.csv" 编号 RT-1 主办单位) $(zhcell "$W/zh.csv" 编号 RT-1 协办单位)"
# instant TEXT: an RFC 3339 time or the export's "2026-03-15 09:00:00.250+08:00"
# as milliseconds since the epoch.
instant() {
    python3 -c 'import sys, datetime; print(round(datetime.datetime.fromisoformat(sys.argv[1].replace("Z", "+00:00").replace(" ", "T")).timestamp() * 1000))' "$1"
}
check_eq "答复文号, 办理结果 and 答复时间 are the formal answer's, not the supplementary reply's after it" \
    "卫函〔2026〕30号 B $(instant "$(pget number RT-1 'p["replies"][1]["replied_at"]')")" \
    "$(zhcell "$W/zh.csv" 编号 RT-1 答复文号) $(zhcell "$W/zh.csv" 编号 RT-1 办理结果) $(instant "$(zhcell "$W/zh.csv" 编号 RT-1 答复时间)")"
check_eq "the supplementary reply is in 答复记录 all the same" "supplementary 卫函〔2026〕45号" \
    "$(zhcell "$W/zh.csv" 编号 RT-1 答复记录 | python3 -c 'import json, sys; r = json.load(sys.stdin)[-1]; print(r["kind"], r["doc_no"])')"
check_eq "co_signers joined with 、" "李秀英、张伟、赵敏、刘洋" "$(zhcell "$W/zh.csv" 编号 晋-001 联名代表)"
check_eq "recommendations numbered （一）（二）" "$(printf '（一）加大财政投入，统一是关键\n（二）完善管护机制\n（三）强化督查考核')" \
    "$(zhcell "$W/zh.csv" 编号 晋-001 建议)"
check_eq "a list that 、 cannot hold is written as JSON" '["欧阳娜娜","李、明"]' "$(zhcell "$W/zh.csv" 编号 RT-1 联名代表)"
export_to "$W/en.csv" "format=csv&lang=en"
check_status "GET /v1/exports?format=csv&lang=en" 200
check_eq "English headers after the BOM" "id,number,session,kind,title" \
    "$(head -c 200 "$W/en.csv" | tail -c +4 | cut -d, -f1-5)"
check_eq "English status name" "closed" "$(zhcell "$W/en.csv" number RT-1 status)"
check_true "lang=en keeps the BOM and CRLF" python3 -c '
import sys; b = open(sys.argv[1], "rb").read(); sys.exit(0 if b.startswith(b"\xef\xbb\xbf") and b.endswith(b"\r\n") else 1)' "$W/en.csv"
api GET "/v1/exports?format=csv&lang=fr"
# The host answers every exporter failure with 500 internal_error; the
# exporter's part is to refuse before any output and to say why.
check_true "lang=fr is refused before any output (HTTP $ST)" test "$ST" != 200
check_contains "the message names lang" 'lang: \"fr\" must be zh' "$BODY"

pt_step "export: cells that would be formulas get a ', formulas=keep writes them as stored"
# rows FILE IDCOL: every row of FILE as {id: row}, in JSON.
rows() {
    python3 -c '
import csv, io, json, sys
t = open(sys.argv[1], "rb").read()[3:].decode("utf-8")
print(json.dumps({r[sys.argv[2]]: r for r in csv.DictReader(io.StringIO(t, newline=""))}, ensure_ascii=False))
' "$@"
}
# cells FILE IDCOL ID COL...: the cells of row ID, as a JSON list.
cells() {
    local f=$1 idcol=$2 id=$3
    shift 3
    rows "$f" "$idcol" | python3 -c '
import json, sys
r = json.load(sys.stdin)[sys.argv[1]]
print(json.dumps([r[c] for c in sys.argv[2:]], ensure_ascii=False))
' "$id" "$@"
}
check_eq "title, background, the one recommendation, names, number, units, ref: a ' before each" \
    '["'"'"'-3", "'"'"'=HYPERLINK(\"http://example.com/x\",\"点此查看\")", "'"'"'+1 背景", "'"'"'-减少审批环节", "'"'"'@王明", "'"'"'=cmd|'"'"' /C calc'"'"'!A0", "'"'"'=甲、乙", "'"'"'@标签", "'"'"'+市局", "'"'"'@督办处", "'"'"'-ref-1"]' \
    "$(cells "$W/zh.csv" ID "$F1" 编号 标题 背景 建议 领衔代表 代表团 联名代表 标签 主办单位 督办人 来源编号)"
check_eq "values beginning with ' and then a trigger get one more '; '001 and numbered asks do not" \
    '["'"'"'001", "'"''"'=已有撇号的标题", "'"'''"'-两个撇号的背景", "'"'"'001", "'"'"'-", "（一）=第一条\n（二）+第二条"]' \
    "$(cells "$W/zh.csv" ID "$F2" 编号 标题 背景 领衔代表 类别 建议)"
check_eq "a lone -, a leading tab and a leading CR get a ' too; a plain ' name does not" \
    '["'"'"'-", "'"'"'\t以制表符开头", "'"'"'@唯一一条", "'"'"'王"] ["'"'"'\r\n以回车开头"]' \
    "$(cells "$W/zh.csv" ID "$F3" 标题 背景 建议 领衔代表) $(cells "$W/zh.csv" ID "$F4" 背景)"
NOFORMULA='
import json, sys
rows = json.load(sys.stdin)
bad = ["%s %s %r" % (i, k, v) for i, r in rows.items() for k, v in r.items() if v[:1] in ("=", "+", "-", "@", "\t", "\r")]
print("; ".join(bad[:5]) or "none")'
check_eq "no cell of the zh export begins with = + - @ tab or CR" "none" \
    "$(rows "$W/zh.csv" ID | python3 -c "$NOFORMULA")"
check_eq "no cell of the en export either" "none" "$(rows "$W/en.csv" id | python3 -c "$NOFORMULA")"
export_to "$W/keep.csv" "format=csv&formulas=keep"
check_status "GET /v1/exports?format=csv&formulas=keep" 200
check_eq "formulas=keep: the cells as stored" \
    '["-3", "=HYPERLINK(\"http://example.com/x\",\"点此查看\")", "+1 背景", "-减少审批环节", "@王明", "=甲、乙", "+市局"]' \
    "$(cells "$W/keep.csv" ID "$F1" 编号 标题 背景 建议 领衔代表 联名代表 主办单位)"
check_eq "formulas=keep: apostrophes as stored" \
    '["'"'"'001", "'"'"'=已有撇号的标题", "'"''"'-两个撇号的背景", "-"] ["\t以制表符开头"]' \
    "$(cells "$W/keep.csv" ID "$F2" 编号 标题 背景 类别) $(cells "$W/keep.csv" ID "$F3" 背景)"
# 18: the eleven of F1 above, three of F2, three of F3, one of F4.
check_eq "every cell of the default is formulas=keep's, behind a ' exactly where it matches '*[=+-@ tab CR]" \
    "same, 18 guarded" \
    "$(python3 -c '
import csv, io, re, sys
def read(f):
    return list(csv.reader(io.StringIO(open(f, "rb").read()[3:].decode("utf-8"), newline="")))
a, b = read(sys.argv[1]), read(sys.argv[2])
bad = ["%d %r" % (len(a), len(b))] if len(a) != len(b) else []
guarded = 0
for ra, rb in zip(a, b):
    for x, y in zip(ra, rb):
        want = "\x27" + y if re.match("\x27*[-=+@\t\r]", y) else y
        guarded += want != y
        if x != want:
            bad.append("%r for %r" % (x, y))
print("; ".join(bad[:5]) or "same, %d guarded" % guarded)' "$W/zh.csv" "$W/keep.csv")"
api GET "/v1/exports?format=csv&formulas=strip"
check_true "formulas=strip is refused before any output (HTTP $ST)" test "$ST" != 200
check_contains "the message names formulas" 'formulas: \"strip\" must be guard' "$BODY"

pt_step "export: ID and 并入ID carry a merge"
export_to "$W/merge.csv" "format=csv&session=$(urlenc 并案届)"
check_eq "the merged one's 并入ID is the ID of the one it names" "$M2" "$(zhcell "$W/merge.csv" 编号 并-1 并入ID)"

pt_step "export: a misspelt filter is refused, the exporter's declared lang taken"
api GET "/v1/exports?format=csv&stauts=closed"
check_error "stauts=closed is refused rather than exporting everything" 400 bad_request
check_contains "the message names it" 'unknown query parameter "stauts"' "$(jv 'j["error"]["message"]')"
check_contains "and lists the filters and lang" "status, kind, session" "$(jv 'j["error"]["message"]')"
check_contains "... lang, formulas and tz last" "person, todo, lang, formulas and tz" "$(jv 'j["error"]["message"]')"
api GET "/v1/exports?format=csv&sep=tab"
check_error "an importer's sep= is not the exporter's" 400 bad_request
api GET "/v1/exports?format=csv&sort=-id"
check_error "a list's sort= is not an export's (an export is in id order)" 400 bad_request
api GET "/v1/exports?format=csv&status=closed&lang=en"
check_status "a filter and the declared lang together" 200

pt_step "export filters apply"
export_to "$W/handling.csv" "format=csv&status=handling"
api GET "/v1/proposals?status=handling&limit=500"
WANT=$(jv '" ".join(sorted(str(p["id"]) for p in j["items"]))')
check_eq "status=handling: the rows are the handling proposals" "$WANT" \
    "$(python3 -c '
import csv, io, sys
t = open(sys.argv[1], "rb").read()[3:].decode("utf-8")
print(" ".join(sorted(r["ID"] for r in csv.DictReader(io.StringIO(t, newline="")))))' "$W/handling.csv")"
export_to "$W/gd.csv" "format=csv&lang=en&delegation=$(urlenc 广东代表团)"
check_eq "delegation=广东代表团: two rows" "2" \
    "$(python3 -c '
import csv, io, sys
t = open(sys.argv[1], "rb").read()[3:].decode("utf-8")
print(len([r for r in csv.DictReader(io.StringIO(t, newline="")) if r["delegation"] == "广东代表团"]), end="")' "$W/gd.csv")"

pt_step "CLI: ptrack import with --encoding and --map, ptrack export --format csv"
if "$PTRACK" import --help >/dev/null 2>&1; then
    sed 's/议题名称/议题/' "$DATA/map.csv" | sed 's/提案,/提案（CLI）,/' | iconv -f UTF-8 -t GBK >"$W/cli_gbk.csv"
    OUT=$(cli import "$W/cli_gbk.csv" --encoding gbk --map title=议题 --map lead_author=提案人 --quiet 2>&1)
    RC=$?
    check_eq "ptrack import exits 0" "0" "$RC"
    check_contains "it says how many were imported" "imported" "$OUT"
    check_eq "the CLI's GBK row" "钱文" "$(pget title '关于完善社区养老服务体系的提案（CLI）' 'p["lead_author"]')"
    OUT=$(cli import "$DATA/broken_fields.csv" --quiet 2>&1)
    RC=$?
    check_eq "ptrack import of a broken file exits 1" "1" "$RC"
    check_contains "it names the line" "line 3: 3 fields" "$OUT"
    check_eq "once, not before the reason that names it again" "0" \
        "$(printf '%s\n' "$OUT" | grep -c 'line 3: line 3' || true)"
    cli export --format csv --out "$W/cli.csv" --arg lang=en --quiet
    check_eq "ptrack export --format csv --arg lang=en writes the English header" "id,number" \
        "$(head -c 20 "$W/cli.csv" | tail -c +4 | cut -d, -f1-2)"
    cli export --format csv --out "$W/cli_keep.csv" --arg formulas=keep --quiet
    check_eq "ptrack export --arg formulas=keep writes a formula as stored" '["-3", "@王明"]' \
        "$(cells "$W/cli_keep.csv" ID "$F1" 编号 领衔代表)"
    for cmd in "import $DATA/map.csv" "export --format csv --out $W/none.csv"; do
        OUT=$(cli $cmd --arg lang --quiet 2>&1)
        RC=$?
        check_eq "ptrack ${cmd%% *} --arg without KEY= is a usage error (exit 2)" "2" "$RC"
        check_contains "saying what it needs" '--arg needs KEY=VALUE, not "lang"' "$OUT"
    done
    check_true "and writes no file" [ ! -e "$W/none.csv" ]
else
    pt_log "ptrack import is not built; CLI cases skipped"
fi

pt_step "GBK cut across upload chunks (last: pget sees the first 500 proposals only)"
# About 1.3 MB of GBK: the upload reaches the importer in chunks whose
# ends fall inside two-byte characters.
python3 -c '
import sys
out = open(sys.argv[1], "wb")
out.write("编号,届次,标题,背景,联名代表\n".encode("gbk"))
for i in range(6000):
    row = "大-%05d,十四届全国人大四次会议,关于第%d项民生实事的建议%s,背景：群众反映强烈%s,张三、李四\n" % (i, i, "a" * (i % 3), "。" * (i % 7))
    out.write(row.encode("gbk"))
' "$W/big_gbk.csv"
upload "$W/big_gbk.csv"
check_status "import 6000 GBK rows, encoding detected" 201
check_eq "6000 imported" "6000" "$(jv 'j["imported"]')"
api GET "/v1/proposals?q=$(urlenc 关于第5999项民生实事的建议)&limit=5"
check_eq "the last GBK row intact" "关于第5999项民生实事的建议aa 背景：群众反映强烈 大-05999" \
    "$(jv 'j["items"][0]["title"] + " " + j["items"][0]["background"] + " " + j["items"][0]["number"]')"

pt_step "GBK whose Chinese comes late (after every pget: it adds 2,001 proposals)"
# GBK whose Chinese begins after the first 64 KiB (English headers, 2,000
# rows of numbers and Latin text first): read as UTF-8, the row that is not
# is refused with the way out.
python3 - "$W/late_gbk.csv" <<'PY'
import sys
rows = ["number,session,title"] + ["L-%04d,14,Proposal %d about the rural roads of the county" % (i, i) for i in range(2000)]
rows.append("L-9999,14,关于加快农村公路建设的建议")
open(sys.argv[1], "wb").write(("\r\n".join(rows) + "\r\n").encode("gbk"))
PY
upload "$W/late_gbk.csv"
check_error "GBK after 64 KiB of ASCII, encoding detected" 422 validation_failed
check_contains "the row is named, with the way out" \
    "line 2002, column title: bytes that are not UTF-8 text (B9 D8 D3), though the file was read as UTF-8 from its first 64 KiB; if the file is GBK or GB18030" "$BODY"
check_contains "encoding=gbk" "import it with encoding=gbk" "$BODY"
upload "$W/late_gbk.csv" "encoding=gbk"
check_status "with encoding=gbk it is imported" 201
check_eq "the late Chinese title" "关于加快农村公路建设的建议" \
    "$(api GET "/v1/proposals/$(jv 'j["last_id"]')" && jv 'j["title"]')"

pt_step "round trip: exported and imported into an empty ptrackd, every field comes back"
export_to "$W/all_zh.csv" "format=csv"
check_status "export all (zh)" 200
export_to "$W/all_en.csv" "format=csv&lang=EN"
check_status "export all (lang=EN)" 200
# Times in another zone than the daemon's, with a quarter-hour offset.
export_to "$W/all_tz.csv" "format=csv&tz=-03:45"
check_status "export all (tz=-03:45)" 200
check_eq "times are local, with their offset and milliseconds" "ok" "$(python3 -c '
import csv, io, re, sys
t = open(sys.argv[1], "rb").read()[3:].decode("utf-8")
rows = list(csv.DictReader(io.StringIO(t, newline="")))
cells = [r["创建时间"] for r in rows] + [r["答复时间"] for r in rows if r["答复时间"]]
bad = [c for c in cells if not re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{3})?-03:45", c)]
print("ok" if cells and not bad else "bad: %r" % bad[:3])
' "$W/all_tz.csv" 2>&1)"
api GET "/v1/exports?format=csv&tz=Beijing"
check_error "tz=Beijing is refused before any output" 400 bad_request
check_contains "the message says what tz takes" 'tz: \"Beijing\" is not a zone offset' "$BODY"
pt_stop
# The comparison leaves out version (an import starts every proposal at 1)
# and nothing else.
compare() {
    python3 -c '
import json, sys
a = json.load(open(sys.argv[1]))["items"]
b = json.load(open(sys.argv[2]))["items"]
bad = []
if len(a) != len(b):
    bad.append("count %d != %d" % (len(a), len(b)))
for x, y in zip(a, b):
    for k in sorted(set(x) | set(y)):
        if k == "version":
            continue
        if x.get(k) != y.get(k):
            bad.append("id %s %s: %r != %r" % (x.get("id"), k, x.get(k), y.get(k)))
print("same" if not bad else "; ".join(bad[:8]))
' "$@"
}
fresh() {
    PT_DATA="$PT_TMP/data-$1"
    PT_SOCK="$PT_TMP/pt-$1.sock"
    pt_config
    pt_start --plugin-dir "$PLUGINS"
}
all_items() {
    # Pages of 500 in id order, merged into one {items} document.
    python3 -c '
import json, subprocess, sys, urllib.parse
sock, out = sys.argv[1], sys.argv[2]
items, cursor = [], None
while True:
    url = "http://localhost/v1/proposals?limit=500&sort=id" + ("&cursor=" + urllib.parse.quote(cursor) if cursor else "")
    j = json.loads(subprocess.check_output(["curl", "-sS", "--unix-socket", sock, url]))
    items += j["items"]
    cursor = j.get("next")
    if not cursor:
        break
json.dump({"items": items}, open(out, "w"), ensure_ascii=False)
' "$PT_SOCK" "$1"
}
# The source daemon's proposals, all of them, for the comparisons.
PT_DATA_SRC="$PT_DATA"
PT_SOCK_SRC="$PT_SOCK"
for lang in zh en tz; do
    fresh "$lang"
    check_eq "the fresh daemon ($lang) is empty" "0" "$(pt_count)"
    upload "$W/all_$lang.csv"
    check_status "import the $lang export" 201
    check_eq "every row imported ($lang)" "0" "$(jv 'len(j["rejected"])')"
    all_items "$W/after_$lang.json"
    pt_stop
done
PT_DATA="$PT_DATA_SRC"
PT_SOCK="$PT_SOCK_SRC"
pt_config
pt_start --plugin-dir "$PLUGINS"
all_items "$W/before_all.json"
pt_stop
for lang in zh en tz; do
    check_eq "round trip ($lang): every field of every proposal, ids included" "same" \
        "$(compare "$W/before_all.json" "$W/after_$lang.json")"
done

pt_step "round trip: a merge is pointed at the new id of the proposal it names"
fresh merge
pt_create '{"title":"先占一个编号"}' >/dev/null # new ids differ from the old
upload "$W/merge.csv"
check_status "import the export of the merged pair" 201
NEW2=$(pget number 并-2 'p["id"]')
check_true "the one it names has a new id ($NEW2, was $M2)" test "$NEW2" != "$M2"
check_eq "the merged one names the new id of the other" "merged $NEW2" \
    "$(pget number 并-1 'p["status"] + " " + str(p["merged_into"])')"
printf 'ID,标题,并入ID\n1,关于错填并入的建议,第二件\n' >"$W/bad_merge.csv"
upload "$W/bad_merge.csv"
check_error "a 并入ID that is not an id" 422 validation_failed
check_eq "named by line and column" 'line 2, column 并入ID: "第二件" is not the id of a proposal (a whole number)' \
    "$(jv 'j["error"]["rejected"][0]["reason"]')"
pt_stop

pt_finish
