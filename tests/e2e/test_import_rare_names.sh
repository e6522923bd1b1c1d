#!/usr/bin/env bash
# test_import_rare_names.sh - names that hold rare characters (生僻字) are
# read as names by the importers, as any other name is: a character of a
# CJK extension beyond the BMP, B to H (𠮷 U+20BB7, 𰻞 U+30EDE of
# Extension G, 𱍐 U+31350 of Extension H), and an office's 造字 in the
# private use area (what a GBK file's user-defined codes become, AAA1 as
# U+E000). The text importer takes them for the lead author and the
# co-signers of a byline; the CSV importer splits a cell of co-signers
# written with blanks between them, and a variation selector after a
# character (an ideographic variation sequence) is part of the name. Text
# copied from a PDF, which holds Kangxi radicals for ideographs (⼀ U+2F00
# for 一), is read as the ideographs, its asks split on ⼀是. With
# encoding=gbk a sheet is read as GB18030, which GBK is part of: the 造字 of
# its user-defined codes, and a GB18030 character saved in it, are read;
# bytes that are no character are refused with their line, column and bytes.
# Both importers read code page 936's euro sign (80), which GB18030 lacks.
# A sheet that starts with UTF-16's byte order mark, as Excel saves
# "Unicode text", is read as UTF-16; a lone surrogate in it is refused. A
# character beyond the BMP written as CESU-8 (two UTF-8-encoded surrogates)
# is read as that character, by the JSON importer too; half a pair is
# refused.
set -u
. "$(dirname "$0")/lib.sh"
pt_init
pt_serve
W="$PT_TMP/work"
mkdir -p "$W"

# field TITLE EXPR: EXPR (Python, p = the proposal) of the proposal whose
# title is TITLE.
field() { pt_field title "$@"; }

pt_step "the text importer: bylines with names of rare characters"
python3 >"$W/bylines.txt" <<'PY'
print("""关于完善新就业形态劳动者权益保障的提案
提案人：全国政协委员 \U00030EDE小明
近年来，外卖骑手、网约车司机等新就业形态劳动者数量快速增长。
为此，提出以下建议：
（一）扩大新就业形态人员职业伤害保障试点范围。
（二）推动平台企业公开与劳动者权益相关的算法规则。

关于推进晋陕黄河大桥建设的建议
山西代表团代表 王\U00031350
建议：一是将晋陕黄河大桥纳入国家规划；二是加大建设资金支持。

关于支持山西建设煤基新材料产业基地的建议
山西代表团代表 李\ue000华
联名代表：\U00020BB7国华、赵\U00030EDE、钱\ue001
建议：一是支持煤基新材料重大项目布局山西；二是设立产业转型升级引导基金。
""", end="")
PY
pt_import text "$W/bylines.txt"
check_status "the document is imported" 201
check_eq "three proposals" 3 "$(jv 'j["imported"]')"
check_eq "a lead author of Extension G" "$(printf '\U00030EDE小明')" \
    "$(field 关于完善新就业形态劳动者权益保障的提案 'p["lead_author"]')"
check_eq "a lead author of Extension H" "$(printf '王\U00031350')" \
    "$(field 关于推进晋陕黄河大桥建设的建议 'p["lead_author"]')"
check_eq "a lead author with an office's 造字" "$(printf '李\ue000华')" \
    "$(field 关于支持山西建设煤基新材料产业基地的建议 'p["lead_author"]')"
check_eq "co-signers of rare characters" \
    "$(printf '\U00020BB7国华|赵\U00030EDE|钱\ue001')" \
    "$(field 关于支持山西建设煤基新材料产业基地的建议 '"|".join(p["co_signers"])')"

pt_step "the CSV importer: co-signers written with blanks between them"
python3 >"$W/people.csv" <<'PY'
print("标题,领衔代表,联名代表")
print("关于甲的建议,李四,\U00030EDE明 王\U00031350　刘\ue000")
print("关于乙的建议,李四,\U00020BB7\U000E0100明 张三")
PY
req sock POST "/v1/imports?format=csv" -- --data-binary "@$W/people.csv" -H "Content-Type: text/csv"
check_status "the sheet is imported" 201
check_eq "names of Extensions G and H and 造字 split on blanks" \
    "$(printf '\U00030EDE明|王\U00031350|刘\ue000')" "$(field 关于甲的建议 '"|".join(p["co_signers"])')"
check_eq "a variation sequence is part of its name" \
    "$(printf '\U00020BB7\U000E0100明|张三')" "$(field 关于乙的建议 '"|".join(p["co_signers"])')"

pt_step "the text importer: text copied from a PDF, Kangxi radicals for ideographs"
printf '关于加强\u2f2f作作风建设的建议\n\u2f2d西代表团代表 \u2f65\u2f12\n建议：\u2f00是加大投入；\u2f06是完善机制。\n' \
    >"$W/pdf.txt"
pt_import text "$W/pdf.txt"
check_status "the document is imported" 201
check_eq "its title, delegation and lead author in ideographs" "关于加强工作作风建设的建议|山西代表团|田力" \
    "$(field 关于加强工作作风建设的建议 '"|".join([p["title"], p["delegation"] or "", p["lead_author"] or ""])')"
check_eq "its asks split on 一是 and 二是" '["加大投入", "完善机制"]' \
    "$(field 关于加强工作作风建设的建议 'json.dumps(p["recommendations"], ensure_ascii=False)')"

pt_step "a GBK sheet with 造字, read with encoding=gbk"
# GBK's user-defined codes, where offices put their 造字 (AAA1 is U+E000 in
# GB18030 and in Windows' code page 936), FE51 (𠂇 U+20087), a 4-byte
# GB18030 character saved in a file said to be GBK (𠮷), and the euro sign
# of code page 936 (80).
{
    printf '标题,领衔代表,联名代表,背景\n关于丙的建议,王' | iconv -f UTF-8 -t GBK
    printf '\xaa\xa1,\xfe\x51'
    printf '明、' | iconv -f UTF-8 -t GBK
    printf '\U00020BB7明,' | iconv -f UTF-8 -t GB18030
    printf '价格10' | iconv -f UTF-8 -t GBK
    printf '\x80\n'
} >"$W/zaozi.csv"
req sock POST "/v1/imports?format=csv&encoding=gbk" -- --data-binary "@$W/zaozi.csv" \
    -H "Content-Type: text/csv"
check_status "the GBK sheet is imported" 201
check_eq "the 造字 in the lead author" "$(printf '王\ue000')" "$(field 关于丙的建议 'p["lead_author"]')"
check_eq "FE51 and a GB18030 character in the co-signers" "$(printf '\U00020087明|\U00020BB7明')" \
    "$(field 关于丙的建议 '"|".join(p["co_signers"])')"
check_eq "code page 936's euro sign" "价格10€" "$(field 关于丙的建议 'p["background"]')"

pt_step "a GBK document with 造字 and the euro sign, read with encoding=gbk"
{
    printf '关于加快黄河流域生态保护的建议\n山西代表团代表 王' | iconv -f UTF-8 -t GBK
    printf '\xaa\xa1\n'
    printf '建议：一是将晋陕黄河大桥纳入国家规划，约10' | iconv -f UTF-8 -t GBK
    printf '\x80'
    printf '；二是加大建设资金支持。\n' | iconv -f UTF-8 -t GBK
} >"$W/zaozi.txt"
pt_import text "$W/zaozi.txt" encoding=gbk
check_status "the GBK document is imported" 201
check_eq "the 造字 in the byline's name" "$(printf '王\ue000')" \
    "$(field 关于加快黄河流域生态保护的建议 'p["lead_author"]')"
check_eq "code page 936's euro sign" "将晋陕黄河大桥纳入国家规划，约10€" \
    "$(field 关于加快黄河流域生态保护的建议 'p["recommendations"][0]')"
N0=$(pt_count)

pt_step "bytes that are no character: refused, naming line, column and bytes"
{
    printf '标题,领衔代表,背景\n关于丁的建议,李四,"两行\n的' | iconv -f UTF-8 -t GBK
    printf '\xff\xfe"\n'
} >"$W/broken.csv"
req sock POST "/v1/imports?format=csv&encoding=gbk" -- --data-binary "@$W/broken.csv" \
    -H "Content-Type: text/csv"
check_error "bytes that are not GBK" 422 validation_failed
check_contains "named by line, column and bytes" \
    "line 3, column 背景: bytes that are not GBK text (FF FE)" "$BODY"
check_eq "nothing stored" "$N0" "$(pt_count)"

pt_step "Excel's Unicode text: UTF-16 with its byte order mark, tab-separated"
printf '标题\t领衔代表\t联名代表\n关于戊的建议\t\U00030EDE明\t\U00020BB7国华、王\ue000\n' |
    iconv -f UTF-8 -t UTF-16 >"$W/unicode.txt"
N0=$(pt_count)
req sock POST "/v1/imports?format=csv" -- --data-binary "@$W/unicode.txt" -H "Content-Type: text/csv"
check_status "UTF-16 (the byte order of this machine) is imported" 201
check_eq "its names, rare characters and all" "$(printf '\U00030EDE明|\U00020BB7国华|王\ue000')" \
    "$(field 关于戊的建议 'p["lead_author"] + "|" + "|".join(p["co_signers"])')"
{
    printf '\xfe\xff'
    printf '标题\t领衔代表\n关于己的建议\t\U0002A6A5明\n' | iconv -f UTF-8 -t UTF-16BE
} >"$W/unicode-be.txt"
req sock POST "/v1/imports?format=csv&encoding=gbk" -- --data-binary "@$W/unicode-be.txt" \
    -H "Content-Type: text/csv"
check_status "UTF-16BE too, its mark read over encoding=gbk" 201
check_eq "its name" "$(printf '\U0002A6A5明')" "$(field 关于己的建议 'p["lead_author"]')"
{
    printf '\xff\xfe'
    printf '标题\n关于' | iconv -f UTF-8 -t UTF-16LE
    printf '\x42\xd8' # a high surrogate, and no low one after it
    printf '的建议\n' | iconv -f UTF-8 -t UTF-16LE
} >"$W/lone.txt"
req sock POST "/v1/imports?format=csv" -- --data-binary "@$W/lone.txt" -H "Content-Type: text/csv"
check_error "a lone surrogate is refused" 422 validation_failed
check_contains "named by line, column and bytes" \
    "line 2, column 标题: bytes that are not UTF-16 text (42 D8" "$BODY"
check_eq "nothing of it stored" "$((N0 + 2))" "$(pt_count)"

pt_step "CESU-8: a character beyond the BMP as two UTF-8-encoded surrogates"
# As Oracle's "UTF8" character set writes 𠮷 (U+20BB7): ED A1 82 ED BE B7.
cesu() { python3 -c '
import sys
out = b""
for ch in sys.argv[1]:
    o = ord(ch)
    if o >= 0x10000:
        o -= 0x10000
        for u in (0xD800 + (o >> 10), 0xDC00 + (o & 0x3FF)):
            out += bytes([0xE0 | u >> 12, 0x80 | (u >> 6 & 0x3F), 0x80 | (u & 0x3F)])
    else:
        out += ch.encode()
sys.stdout.buffer.write(out)' "$1"; }
cesu "$(printf '标题,领衔代表\n关于庚的建议,\U00020BB7明\n')" >"$W/cesu.csv"
req sock POST "/v1/imports?format=csv" -- --data-binary "@$W/cesu.csv" -H "Content-Type: text/csv"
check_status "a CESU-8 sheet is imported" 201
check_eq "its name in UTF-8" "$(printf '\U00020BB7明')" "$(field 关于庚的建议 'p["lead_author"]')"
cesu "$(printf '关于辛的建议\n山西代表团代表 \U00020BB7国华\n建议：一是加大投入；二是完善机制。\n')" >"$W/cesu.txt"
pt_import text "$W/cesu.txt"
check_status "a CESU-8 document is imported" 201
check_eq "its byline's name in UTF-8" "$(printf '\U00020BB7国华')" "$(field 关于辛的建议 'p["lead_author"]')"
cesu "$(printf '[{"title": "关于癸的建议", "lead_author": "\U00020BB7明"}]')" >"$W/cesu.json"
pt_import json "$W/cesu.json"
check_status "a CESU-8 JSON file is imported" 201
check_eq "its name in UTF-8" "$(printf '\U00020BB7明')" "$(field 关于癸的建议 'p["lead_author"]')"
N0=$(pt_count)
printf '[{"title": "关于壬的建议", "lead_author": "王\xed\xa1\x82明"}]' >"$W/half.json"
pt_import json "$W/half.json"
check_error "half a pair in JSON is refused" 422 validation_failed
check_contains "named as what it is" "a UTF-8-encoded surrogate (ED A0..ED BF) without its pair" "$BODY"
printf '标题,领衔代表\n关于壬的建议,王\xed\xa1\x82明\n' >"$W/half.csv"
req sock POST "/v1/imports?format=csv" -- --data-binary "@$W/half.csv" -H "Content-Type: text/csv"
check_error "half a pair is refused" 422 validation_failed
check_contains "named by line and column" \
    "line 2, column 领衔代表: a UTF-8-encoded surrogate (ED A0..ED BF) without its pair" "$BODY"
printf '关于壬的建议\n代表 王\xed\xa1\x82明\n' >"$W/half.txt"
pt_import text "$W/half.txt"
check_error "half a pair in a document is refused" 422 validation_failed
check_contains "named by line" "line 2 holds a UTF-8-encoded surrogate (ED A0..ED BF) without its pair" "$BODY"
check_eq "nothing of them stored" "$N0" "$(pt_count)"

pt_finish
