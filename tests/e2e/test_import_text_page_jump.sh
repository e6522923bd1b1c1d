#!/usr/bin/env bash
# test_import_text_page_jump.sh - a proposal that a newspaper continues on
# another page, copied whole: its sentence is cut by （下转第4版）, a blank
# line, and （上接第1版） at the start of the rest. The text importer cut
# the notes out but kept the blank line as a paragraph's end, so that the
# background read "…但水资源\n短缺、…"; the sentence is now one, as across
# a continuation note on a line of its own. A blank line after a sentence
# that ended still ends the paragraph, and text after （下转…） alone is
# not joined to what follows it (on a page, another article).
set -u
. "$(dirname "$0")/lib.sh"
pt_init
pt_serve
W="$PT_TMP/work"
mkdir -p "$W"

cat >"$W/jump.txt" <<'TXT'
关于加强黄河流域生态保护的建议
河南代表团代表提出建议——
背景：黄河流域是我国重要的生态屏障和经济地带。近年来，流域生态环境持续改善，但水资源（下转第4版）

（上接第1版）短缺、生态脆弱等问题依然存在。

沿黄地区发展不平衡的问题也较突出。
建议：一是加大生态补偿力度；二是建立横向补偿机制。
（据《河南日报》）
TXT
pt_import text "$W/jump.txt"
check_status "import jump.txt" 201
check_eq "one proposal" 1 "$(jv 'j["imported"]')"
api GET "/v1/proposals?limit=10"
check_eq "the cut sentence is one again; the paragraph after a blank line is its own" \
    "黄河流域是我国重要的生态屏障和经济地带。近年来，流域生态环境持续改善，但水资源短缺、生态脆弱等问题依然存在。
沿黄地区发展不平衡的问题也较突出。" "$(jv 'j["items"][0]["background"]')"

cat >"$W/after.txt" <<'TXT'
关于支持农村寄宿制学校建设的建议
河南代表团
背景：农村寄宿制学校办学条件仍然薄弱，生活设施（下转第4版）

今日天气
晴转多云，气温下降。
（据省气象台）

关于完善县域医共体建设的建议
湖北代表团
背景：部分地区医共体资源下沉不够。
建议：一是推动人财物统一管理；二是完善医保总额付费制度。
（据《湖北日报》）
TXT
pt_import text "$W/after.txt"
check_status "import after.txt" 201
api GET "/v1/proposals?limit=10"
check_eq "the weather is no part of a proposal" "0" \
    "$(jv 'str(sum("气温" in (p.get("background") or "") for p in j["items"]))')"

pt_finish
