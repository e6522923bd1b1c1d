#!/usr/bin/env bash
# test_formats_text.sh - the "text" importer (plugins/import_text) through
# POST /v1/imports?format=text on a real ptrackd with the built-in plugins:
# a bulletin page with three proposals in both numbering styles and, between
# them, a weather report and classified ads that must be skipped; a proposal
# cut by page breaks; a document with no proposal; GBK and CRLF copies that
# import to the same proposals (and so are recognised as already there);
# bytes that are not UTF-8 refused (422) and an unknown encoding (400), with
# the reason.
# Passages that are not proposals are listed in the answer as "ignored"
# (with their lines, also in a refused import's error) and by the CLI.
set -u
source "$(dirname "$0")/lib.sh"
pt_init
DATA="$PT_SOURCE_DIR/tests/e2e/data/text"
pt_serve

# import FILE [QUERY]: POSTs the file as the body of an import.
import() { pt_import text "$@"; }

# The stored proposal with that title, as JSON ({} when there is none).
by_title() {
    api GET "/v1/proposals?limit=100"
    jv "next((p for p in j['items'] if p['title'] == '$1'), {})"
}

pt_step "a bulletin page: three proposals, a weather report and ads between them"
import "$DATA/bulletin.txt"
check_status "import bulletin.txt" 201
check_eq "exactly the three proposals are imported" 3 "$(jv 'j["imported"]')"
check_eq "nothing is rejected" "[]" "$(jv 'j["rejected"]')"
check_eq "the weather report between the proposals is listed as ignored, with its lines" \
    "lines 10-13" "$(jv '" ".join(i["where"] for i in j["ignored"])')"
check_contains "... and why it is not a proposal" "not a proposal" "$(jv 'j["ignored"][0]["reason"]')"
check_eq "ignored_count counts it" 1 "$(jv 'j["ignored_count"]')"
check_eq "the store holds three proposals" 3 "$(pt_count)"

P1="$(by_title 关于加快太行革命老区振兴发展的建议)"
check_eq "inline asks: kind" suggestion "$(jv 'j.get("kind")' "$P1")"
check_eq "inline asks: delegation from 山西团代表提出建议——" 山西代表团 "$(jv 'j.get("delegation")' "$P1")"
check_eq "inline asks: background from 【背景】, two lines joined, caption cut" \
    "太行革命老区是中国共产党领导下创建的重要抗日根据地，为中国革命胜利作出了重大贡献。近年来，老区面貌发生了巨大变化，但受自然条件、区位交通等因素制约，发展不平衡不充分的问题依然突出，基础设施、公共服务与全国平均水平相比仍有较大差距。" \
    "$(jv 'j.get("background")' "$P1")"
check_eq "inline asks: 一是/二是/三是 split, numbering dropped, half-width comma made full-width" \
    '["加大中央财政转移支付力度，支持老区基础设施建设", "布局建设一批重大交通项目，推动太行山旅游公路全线贯通", "支持老区发展特色产业，建设红色文化旅游融合发展示范区"]' \
    "$(jv 'j.get("recommendations")' "$P1")"
check_eq "inline asks: source from （据《山西日报》）, then a digest of the text" \
    'text|山西日报: 关于加快太行革命老区振兴发展的建议|8 hex' \
    "$(jv '"%s|%s|%s" % (j["source"]["format"], j["source"]["ref"].rsplit(" #", 1)[0], "8 hex" if all(c in "0123456789abcdef" for c in j["source"]["ref"].rsplit(" #", 1)[1]) and len(j["source"]["ref"].rsplit(" #", 1)[1]) == 8 else j["source"]["ref"])' "$P1")"
check_eq "inline asks: status stays submitted" submitted "$(jv 'j.get("status")' "$P1")"

P2="$(by_title 关于支持资源型地区经济转型发展的议案)"
check_eq "paragraph asks: a 议案 is a motion" motion "$(jv 'j.get("kind")' "$P2")"
check_eq "paragraph asks: delegation" 山西代表团 "$(jv 'j.get("delegation")' "$P2")"
check_eq "paragraph asks: lead author from 领衔代表：" 王某某 "$(jv 'j.get("lead_author")' "$P2")"
check_eq "paragraph asks: background from 案由：, the line break inside a sentence joined" \
    "山西是全国重要的能源基地，长期以来为国家经济社会发展作出了重要贡献。资源型地区转型任务艰巨，需要国家层面给予政策支持。" \
    "$(jv 'j.get("background")' "$P2")"
check_eq "paragraph asks: (一) (二) （三） split, an ask over two lines joined" \
    '["设立资源型地区转型发展专项基金，支持接续替代产业发展", "完善采煤沉陷区综合治理政策，中央财政对治理项目给予补助", "支持建设国家级能源革命综合改革试点，推动煤炭清洁高效利用"]' \
    "$(jv 'j.get("recommendations")' "$P2")"
check_eq "paragraph asks: source from （来源：…）" "山西代表团代表建议专刊第5期: 关于支持资源型地区经济转型发展的议案" \
    "$(jv 'j["source"]["ref"].rsplit(" #", 1)[0]' "$P2")"

P3="$(by_title 关于推进太行山旅游与乡村振兴融合发展的建议)"
check_eq "third: delegation and lead author from 山西代表团李某某代表" "山西代表团 李某某" \
    "$(jv 'j.get("delegation") + " " + j.get("lead_author")' "$P3")"
check_eq "third: full-width digits normalised, hyphenated Latin word mended, intro 为此，他建议： cut" \
    "太行山区旅游资源丰富，2023年接待游客超过1.2亿人次。但景区之间交通不畅，乡村民宿、smart tourism等新业态发展滞后。" \
    "$(jv 'j.get("background")' "$P3")"
check_eq "third: asks" '["编制太行山旅游与乡村振兴融合发展规划", "支持建设智慧旅游平台", "培育一批乡村旅游重点村镇"]' \
    "$(jv 'j.get("recommendations")' "$P3")"

api GET "/v1/proposals?limit=100"
ALL="$BODY"
for junk in 今日天气 气温 气象台 旺铺 电话 0351 厨师 面议 责任编辑 版式 图为 摄 第3版 星期三; do
    check_eq "no stored text contains \"$junk\" (skipped article or page furniture)" 0 \
        "$(jv "sum(json.dumps(p, ensure_ascii=False).count('$junk') for p in j['items'])" "$ALL")"
done
check_true "the skipped weather report and ads are logged with their lines" \
    grep -q "skipped lines 10-13: not a proposal" "$PT_TMP/ptrackd.log"

pt_step "messy page breaks: a sentence and an ask cut by page furniture"
import "$DATA/pagebreaks.txt"
check_status "import pagebreaks.txt" 201
check_eq "one proposal" 1 "$(jv 'j["imported"]')"
P4="$(by_title 关于加强黄河流域生态保护和高质量发展的建议)"
check_eq "a title over two lines is one title" 关于加强黄河流域生态保护和高质量发展的建议 "$(jv 'j.get("title")' "$P4")"
check_eq "delegation from 山西代表团代表提出建议——" 山西代表团 "$(jv 'j.get("delegation")' "$P4")"
check_eq "background joined across the page break, its furniture gone, half-width punctuation normalised" \
    "黄河流经山西965公里，沿黄地区生态环境脆弱，水土流失问题依然严重。部分支流水质不稳定达标，生态补偿机制尚不完善。" \
    "$(jv 'j.get("background")' "$P4")"
check_eq "asks numbered 1. 2． 3、 with a page number inside the last" \
    '["建立黄河流域横向生态补偿机制，由中央财政给予引导资金支持", "加大水土流失综合治理投入，实施一批淤地坝除险加固工程", "支持沿黄地区发展生态友好型产业"]' \
    "$(jv 'j.get("recommendations")' "$P4")"

pt_step "a document with no proposal is not an error: nothing imported"
import "$DATA/news_only.txt"
check_status "import news_only.txt (all or nothing, zero records)" 201
check_eq "imported 0" 0 "$(jv 'j["imported"]')"
check_eq "still four proposals" 4 "$(pt_count)"
check_true "a 关于 title without a proposal's structure is logged as skipped" \
    grep -q "skipped lines 10-15: not a proposal (\"关于春节期间天然气保供工作的通知\" is not followed by" \
    "$PT_TMP/ptrackd.log"
check_eq "... and listed as ignored in the answer, an all-or-nothing import all the same" \
    "lines 10-15" "$(jv 'j["ignored"][-1]["where"]')"
check_contains "... saying which title lacked the structure" "关于春节期间天然气保供工作的通知" \
    "$(jv 'j["ignored"][-1]["reason"]')"

pt_step "a document of 1,002 notices: the answer lists 1,000 ignored passages and counts them all"
python3 - "$PT_TMP/notices.txt" <<'PY'
import sys
with open(sys.argv[1], "w", encoding="utf-8") as f:
    for i in range(1002):
        f.write("关于第%d次会议安排的通知\n\n" % (i + 1))
        for k in range(6):
            f.write("第%d段：请各单位按时参加会议。\n\n" % (k + 1))
PY
import "$PT_TMP/notices.txt"
check_status "import notices.txt" 201
check_eq "1,000 listed, 1,002 counted, nothing imported" "1000 1002 0" \
    "$(jv '"%d %d %d" % (len(j["ignored"]), j["ignored_count"], j["imported"])')"
check_eq "the first is the first notice's lines" "lines 1-13" "$(jv 'j["ignored"][0]["where"]')"
out="$("$PTRACK" --socket "$PT_SOCK" import "$PT_TMP/notices.txt" --format text 2>&1)" && rc=0 || rc=$?
check_eq "ptrack import of the notices exits 0" 0 "$rc"
check_contains "it counts the passages it does not list" "(2 more not listed)" "$out"

pt_step "a document refused midway still lists the passages ignored before"
{ cat "$DATA/bulletin.txt"; printf '\xff\xfe 不是 UTF-8\n'; } >"$PT_TMP/broken-tail.txt"
import "$PT_TMP/broken-tail.txt"
check_error "bytes that are not UTF-8 at the end" 422 validation_failed
check_eq "the error lists the weather report as ignored" "lines 10-13" \
    "$(jv '" ".join(i["where"] for i in j["error"]["ignored"])')"
check_eq "... with its count" 1 "$(jv 'j["error"]["ignored_count"]')"
check_eq "still four proposals" 4 "$(pt_count)"

pt_step "the same documents in GBK and with CRLF are the same proposals: nothing duplicated"
python3 -c 'import sys; open(sys.argv[2], "wb").write(open(sys.argv[1], encoding="utf-8").read().encode("gbk"))' \
    "$DATA/bulletin.txt" "$PT_TMP/bulletin-gbk.txt"
import "$PT_TMP/bulletin-gbk.txt" "encoding=gbk"
check_status "import the GBK copy with encoding=gbk" 201
check_eq "GBK copy: the three proposals are known by source.ref" "0 3" "$(jv '"%d %d" % (j["imported"], j["skipped"])')"
sed 's/$/\r/' "$DATA/pagebreaks.txt" >"$PT_TMP/pagebreaks-crlf.txt"
import "$PT_TMP/pagebreaks-crlf.txt"
check_status "import the CRLF copy" 201
check_eq "CRLF copy: the proposal is known" "0 1" "$(jv '"%d %d" % (j["imported"], j["skipped"])')"
check_eq "still four proposals" 4 "$(pt_count)"

pt_step "bytes that are not UTF-8, and an unknown encoding"
# Without encoding=, a document whose first bytes are no UTF-8 is read as
# GBK: what Notepad, Word and WPS save as "ANSI" text on a Chinese Windows.
import "$PT_TMP/bulletin-gbk.txt"
check_status "GBK without encoding=gbk: read as GBK" 201
check_eq "the three proposals are known: the text read right" "0 3" "$(jv '"%d %d" % (j["imported"], j["skipped"])')"
# A UTF-8 document with a stray byte is read as UTF-8 all the same, and
# refused at the line that holds it, not garbled as GBK.
awk 'NR == 3 { printf "\377" } { print }' "$DATA/bulletin.txt" >"$PT_TMP/stray.txt"
import "$PT_TMP/stray.txt"
check_error "a stray byte in UTF-8" 422 validation_failed
check_contains "the message names the line and the fix" "line 3 is not valid UTF-8 (send encoding=gbk" "$(jv 'j["error"]["message"]')"
# A document that starts with UTF-8's byte order mark (Notepad's "UTF-8
# with BOM") says it is UTF-8, however few characters it has beside its
# stray bytes: refused at their line, not read as GBK (锘...).
printf '\357\273\277关于完善农村客运服务体系的建议\n山西代表团\n背景：群众出行\267\267不便\n' \
    >"$PT_TMP/stray-bom.txt"
import "$PT_TMP/stray-bom.txt"
check_error "a stray byte in UTF-8 with a BOM" 422 validation_failed
check_contains "refused as UTF-8 at its line" "line 3 is not valid UTF-8 (send encoding=gbk" \
    "$(jv 'j["error"]["message"]')"
# Read as GBK unasked, bytes that are not GBK either are refused so.
{ iconv -f UTF-8 -t GBK "$DATA/bulletin.txt"; printf '\x80\xff\n'; } >"$PT_TMP/bad-gbk-tail.txt"
import "$PT_TMP/bad-gbk-tail.txt"
check_error "bytes that are neither GBK nor UTF-8" 422 validation_failed
check_contains "the message says it was read as GBK, and the way out" \
    "bytes that are not GBK text (nor UTF-8, which its first bytes are not: it was read as GBK; say what it is with encoding=)" \
    "$(jv 'j["error"]["message"]')"
# A GBK document shorter than a chunk that ends inside a character (a
# copy cut short) is refused so, asked or not, rather than imported
# without its last byte.
{ iconv -f UTF-8 -t GBK "$DATA/bulletin.txt"; printf '\xc4'; } >"$PT_TMP/cut-gbk.txt"
for q in "" "encoding=gbk"; do
    import "$PT_TMP/cut-gbk.txt" "$q"
    check_error "a GBK document cut inside a character${q:+, $q}" 422 validation_failed
    check_contains "the message names its last line" \
        "line 39: the file ends inside a character (it is not complete GBK text)" \
        "$(jv 'j["error"]["message"]')"
done
import "$DATA/bulletin.txt" "encoding=klingon"
check_error "an unknown encoding: the request is at fault" 400 bad_request
check_contains "the message names the encoding" '"klingon" is not an encoding' "$(jv 'j["error"]["message"]')"
check_contains "the importer refused the request" 'refused the request: encoding: \"klingon\"' "$BODY"
# Bytes that are not GBK on line 16,001, well past the first 64 KiB read.
python3 -c '
import sys
out = sys.stdout.buffer
for i in range(1, 20001):
    out.write(("第%d行，关于行号的测试文字。\n" % i).encode("gbk") if i != 16001 else b"\x80\xff\n")
' >"$PT_TMP/badline-gbk.txt"
import "$PT_TMP/badline-gbk.txt" "encoding=gbk"
check_error "GBK with bytes that are not GBK" 422 validation_failed
check_contains "the message names their line" "line 16001: bytes that are not GBK text" \
    "$(jv 'j["error"]["message"]')"
# A CRLF that the upload splits (the first part ends with the CR of line
# 10), then bytes that are not GBK on line 13.
python3 -c '
import sys
lines = [("第%d行，换行测试。\r\n" % i).encode("gbk") for i in range(1, 13)] + [b"\x80\xff\r\n"]
data = b"".join(lines)
open(sys.argv[1], "wb").write(data)
print(len(b"".join(lines[:10])) - 1)
' "$PT_TMP/crlf-gbk.txt" >"$PT_TMP/crlf.cut"
out=$(python3 "$PT_SOURCE_DIR/tests/e2e/pausedpost.py" "$PT_SOCK" "/v1/imports?format=text&encoding=gbk" \
    "$PT_TMP/crlf-gbk.txt" "$(cat "$PT_TMP/crlf.cut")" 0.3 --bytes)
check_contains "a CRLF split by the upload counts as one line break" "line 13: bytes that are not GBK text" "$out"
check_eq "still four proposals" 4 "$(pt_count)"

pt_step "the CLI imports documents and Decidim exports too"
out="$("$PTRACK" --socket "$PT_SOCK" import "$DATA/bulletin.txt" 2>&1)" && rc=0 || rc=$?
check_eq "ptrack import of a .txt (known already) exits 0" 0 "$rc"
check_contains "it lists the ignored passage under its count" "1 passage ignored, not records" "$out"
check_contains "... as where: reason" "lines 10-13: not a proposal" "$out"
out="$("$PTRACK" --socket "$PT_SOCK" --json import "$DATA/bulletin.txt" 2>/dev/null)" && rc=0 || rc=$?
check_eq "ptrack --json import exits 0" 0 "$rc"
check_eq "--json passes ignored through" "lines 10-13 1" \
    "$(jv '" ".join(i["where"] for i in j["ignored"]) + " " + str(j["ignored_count"])' "$out")"
check_eq "still four proposals" 4 "$(pt_count)"
out="$("$PTRACK" --socket "$PT_SOCK" import "$PT_SOURCE_DIR/tests/e2e/data/decidim/proposals-old.csv" \
    --format decidim 2>&1)" && rc=0 || rc=$?
check_eq "ptrack import --format decidim exits 0" 0 "$rc"
check_true "and stores the Decidim proposals ($(pt_count) now)" test "$(pt_count)" -gt 4
out="$("$PTRACK" --socket "$PT_SOCK" import "$PT_TMP/stray.txt" --format text 2>&1)" && rc=0 || rc=$?
check_eq "a refused document: exit 1" 1 "$rc"
check_contains "naming the line" "line 3" "$out"
out="$("$PTRACK" --socket "$PT_SOCK" import "$DATA/bulletin.txt" --encoding gbk --map title=标题 2>&1)" && rc=0 || rc=$?
check_eq "--map, which the text importer does not take: refused, exit 1" 1 "$rc"
check_contains "the message names map and what text takes" \
    'unknown query parameter "map"; an import of text takes format, partial and encoding' "$out"

pt_step "a passage of one line is named as one line, in the answer and in the log"
printf '今日天气：晴，气温12到20度。\n\n关于加快推进县域医共体建设的建议\n\n晋中代表团代表提出建议——\n\n背景：县域医疗资源分散，基层服务能力不足。\n\n建议：一是整合县乡村医疗资源；二是完善医保打包付费。\n' \
    >"$PT_TMP/one_line.txt"
import "$PT_TMP/one_line.txt"
check_status "import one_line.txt" 201
check_eq "the answer names line 1" "line 1" "$(jv 'j["ignored"][0]["where"]')"
check_true "and so does the log, not lines 1-1" grep -q "skipped line 1: not a proposal" "$PT_TMP/ptrackd.log"

pt_finish
