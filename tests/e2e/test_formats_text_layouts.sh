#!/usr/bin/env bash
# test_formats_text_layouts.sh - the "text" importer on the layouts that
# newspapers and delegation bulletins really print, each a document of
# tests/e2e/data/text/: headlines and kickers around a title, numbered asks
# written many ways and hard-wrapped in narrow columns, problems listed
# before the asks, articles with no source note between proposals, CPPCC
# proposals with their 提案人, bylines, captions and ads inside the text,
# and files that are not text at all.
set -u
source "$(dirname "$0")/lib.sh"
pt_init
DATA="$PT_SOURCE_DIR/tests/e2e/data/text"
pt_serve

# import FILE [QUERY]: POSTs the file as the body of an import.
import() { pt_import text "$@"; }

# The stored proposal with that title, as JSON ({} when there is none).
by_title() {
    api GET "/v1/proposals?limit=500"
    jv "next((p for p in j['items'] if p['title'] == '$1'), {})"
}

# The field of the stored proposal with that title, as JSON.
field() {
    jv "json.dumps(j.get('$2'), ensure_ascii=False)" "$(by_title "$1")"
}

pt_step "ninety-nine inline asks (一是 … 九十九是)"
python3 - "$PT_TMP/many-asks.txt" <<'PY'
import sys
cn = "一二三四五六七八九"
def num(k):
    t, u = divmod(k, 10)
    return (cn[t - 1] if t > 1 else "") + ("十" if t else "") + (cn[u - 1] if u else "")
asks = "；".join("%s是做好第%d项重点工作" % (num(k), k) for k in range(1, 100))
with open(sys.argv[1], "w", encoding="utf-8") as f:
    f.write("关于统筹推进年度重点工作的建议\n山西代表团\n")
    f.write("背景：年度重点工作任务多、要求高。\n建议：%s。\n（据《山西日报》）\n" % asks)
PY
import "$PT_TMP/many-asks.txt"
check_status "import a proposal with 99 inline asks" 201
check_eq "it is imported" 1 "$(jv 'j["imported"]')"
R="$(field 关于统筹推进年度重点工作的建议 recommendations)"
check_eq "the first asks are split, the ones past the cap kept in the last" \
    "做好第1项重点工作 60 True" \
    "$(jv '"%s %d %s" % (j[0], len(j), j[-1].endswith("做好第99项重点工作"))' "$R")"

pt_step "titles as papers print them: headlines, commas, document numbers and kickers"
import "$DATA/headlines.txt"
check_status "import headlines.txt" 201
check_eq "all five proposals are imported" 5 "$(jv 'j["imported"]')"
check_eq "a headline 代表某某：建议… gives its title after the colon" '["设立县域职业教育专项资金", "推动校企共建实训基地"]' \
    "$(field 建议加大县域职业教育投入 recommendations)"
check_eq "a title with a comma is one title" '"山西代表团"' \
    "$(field 关于加快推进煤矿智能化改造，促进安全生产的建议 delegation)"
check_eq "a document number above a title is not part of it" '["对农村客运给予运营补贴", "推广预约响应式公交"]' \
    "$(field 关于完善农村客运服务体系的建议 recommendations)"
check_eq "a kicker above a title is not part of it" '"晋祠泉水断流多年，泉域地下水超采问题仍未根本解决。"' \
    "$(field 关于加强晋祠泉域水资源保护的建议 background)"
check_eq "a 提案 with its number after the title is a proposal, numbered 0088, titled without it" \
    '"proposal" "0088"' \
    "$(field 关于支持太原都市区轨道交通建设的提案 kind) $(field 关于支持太原都市区轨道交通建设的提案 number)"
check_eq "the kicker is listed as ignored" "line 21" \
    "$(jv '" ".join(i["where"] for i in j["ignored"])')"
check_eq "... and the document number 第0217号 above a title is its 编号" '"0217" null' \
    "$(field 关于完善农村客运服务体系的建议 number) $(field 关于完善农村客运服务体系的建议 session)"

pt_step "where an article ends: a headline after the asks, datelines, reporters' credits, 据新华社"
import "$DATA/boundaries.txt"
check_status "import boundaries.txt" 201
check_eq "four proposals are imported" 4 "$(jv 'j["imported"]')"
check_eq "a headline right after the asks, its text on the next line, is the next article" \
    '["落实乡村教师生活补助政策", "提高农村教师职称评聘比例"]' \
    "$(field 关于提高农村义务教育学校教师待遇的建议 recommendations)"
check_eq "... which is listed as ignored" "lines 6-8" "$(jv 'j["ignored"][0]["where"]')"
check_eq "without a source note, the delegation and the title begin its source.ref" \
    '"山西代表团 / 关于提高农村义务教育学校教师待遇的建议"' \
    "$(jv "json.dumps(j['source'].get('ref').rsplit(' #', 1)[0], ensure_ascii=False)" "$(by_title 关于提高农村义务教育学校教师待遇的建议)")"
import "$DATA/boundaries.txt"
check_eq "imported again, nothing is stored twice" "0 4" "$(jv '"%d %d" % (j["imported"], j["skipped"])')"
check_eq "a dateline （新华社北京3月9日电） is the source" '"新华社: 关于加快推进太忻一体化经济区建设的建议"' \
    "$(jv "json.dumps(j['source'].get('ref').rsplit(' #', 1)[0], ensure_ascii=False)" "$(by_title 关于加快推进太忻一体化经济区建设的建议)")"
check_eq "... and ends the proposal" '["支持设立太忻经济区统筹协调机构", "加大基础设施互联互通投入"]' \
    "$(field 关于加快推进太忻一体化经济区建设的建议 recommendations)"
check_eq "a reporter's credit （记者 某某） ends the proposal" '["建立农村供水工程管护经费保障机制", "推行专业化运营管理"]' \
    "$(field 关于加强农村供水工程长效管护的建议 recommendations)"
check_eq "据新华社 on a line of its own is the source" '"新华社: 关于支持大同建设国家级文物保护利用示范区的建议"' \
    "$(jv "json.dumps(j['source'].get('ref').rsplit(' #', 1)[0], ensure_ascii=False)" "$(by_title 关于支持大同建设国家级文物保护利用示范区的建议)")"
check_eq "... and what follows it is not the proposal's" '["支持大同申报国家文物保护利用示范区", "加大石窟寺保护投入"]' \
    "$(field 关于支持大同建设国家级文物保护利用示范区的建议 recommendations)"

pt_step "problems listed before the asks stay in the background"
cat >"$PT_TMP/problems-sentence.txt" <<'EOF'
关于加强农村饮水安全长效保障的建议
山西代表团 张三代表
近年来我省农村饮水安全工作取得明显成效，但仍存在一些问题。一是水源保障不稳定；二是工程管护不到位；三是水质监测薄弱。
为此建议：一是加大财政投入；二是健全管护机制。
（据《山西日报》）
EOF
import "$PT_TMP/problems-sentence.txt"
check_eq "a 一是… list that begins a sentence after one naming problems (no 背景 heading) is background" \
    '["加大财政投入", "健全管护机制"]' "$(field 关于加强农村饮水安全长效保障的建议 recommendations)"
cat >"$PT_TMP/asks-alone.txt" <<'EOF'
关于完善农村供水考核机制的建议
山西代表团
背景：部分地区水源不稳定。
建议：

一是加大财政投入

二是健全管护机制

三是完善考核机制
（据《山西日报》）
EOF
import "$PT_TMP/asks-alone.txt"
check_eq "asks as paragraphs of their own, without full stops, blank lines between: all three" \
    '["加大财政投入", "健全管护机制", "完善考核机制"]' "$(field 关于完善农村供水考核机制的建议 recommendations)"
import "$DATA/problems.txt"
check_status "import problems.txt" 201
check_eq "three proposals are imported" 3 "$(jv 'j["imported"]')"
check_eq "一是… problems under 背景 are background; the closing formula is no ask" \
    '["支持县级医院建设胸痛、卒中等临床专科中心", "设立县级医院设备更新专项资金"]' \
    "$(field 关于加强县级公立医院能力建设的建议 recommendations)"
check_contains "... the problems are in the background" "一是学科建设薄弱；二是设备更新缓慢" \
    "$(field 关于加强县级公立医院能力建设的建议 background)"
check_eq "problems and asks in one paragraph: only the series after 代表建议： are asks" \
    '["健全农村留守儿童监护责任体系", "在乡镇学校配备专职心理教师"]' \
    "$(field 关于加强农村留守儿童关爱保护的建议 recommendations)"
check_eq "... the problems and not the intro are the background" \
    '"调研发现，农村留守儿童关爱工作存在三个短板：一是监护责任落实不到位；二是心理辅导力量薄弱；三是校外活动场所缺乏。"' \
    "$(field 关于加强农村留守儿童关爱保护的建议 background)"
check_eq "（一）（二） problems before 建议： are background" \
    '["实施学校食堂改造提升工程", "建立校外配餐企业黑名单制度"]' \
    "$(field 关于加强中小学校园食品安全管理的建议 recommendations)"

pt_step "inline asks in every numbering: （一） 1. 1、 第一， 一要 ①, and 一是 after 建议国家…"
import "$DATA/inline_forms.txt"
check_status "import inline_forms.txt" 201
check_eq "eight proposals are imported" 8 "$(jv 'j["imported"]')"
check_eq "（一）…；（二）…；（三）… in one paragraph" \
    '["建立汾河流域横向生态补偿机制", "加大水土流失治理投入", "支持沿河地区发展生态产业"]' \
    "$(field 关于加强汾河流域生态保护的建议 recommendations)"
check_eq "1.…；2.…；3.… in one paragraph, a decimal 1.5 inside an ask left alone" \
    '["支持建设煤炭清洁利用示范项目", "完善煤电联营政策", "加大碳捕集技术研发投入，力争2030年前建成1.5万吨级示范工程"]' \
    "$(field 关于推动煤炭清洁高效利用的建议 recommendations)"
check_eq "1、…；2、… in one paragraph" '["扩大农村互助幸福院覆盖面", "提高农村特困人员供养标准"]' \
    "$(field 关于完善农村养老服务体系的建议 recommendations)"
check_eq "第一，…；第二，…；第三，…" \
    '["将太原都市区纳入国家级都市圈规划", "支持建设太原至忻州城际铁路", "支持太原建设国家区域科技创新中心"]' \
    "$(field 关于支持太原都市区建设的建议 recommendations)"
check_eq "他建议，一要…，二要…，三要…" '["加大对县级医院的投入", "完善人才引进政策", "推进远程医疗全覆盖"]' \
    "$(field 关于加强县级医院能力建设的建议 recommendations)"
check_eq "①…；②…；③…" \
    '["支持建设新能源汽车零部件产业园", "加快充电基础设施布局", "对氢燃料电池汽车示范应用给予奖补"]' \
    "$(field 关于加快发展新能源汽车产业的建议 recommendations)"
check_eq "建议国家有关部门一是…；二是…: the marker after a 建议 clause starts the asks" \
    '["加大对农村电商物流体系建设的支持力度", "开展农村电商人才培训", "支持建设县级电商公共服务中心"]' \
    "$(field 关于加快农村电商发展的建议 recommendations)"
check_eq "... and the clause that leads into them is no background" null \
    "$(field 关于加快农村电商发展的建议 background)"
check_eq "numbers inside quotes split nothing, nor does 1、 before 2号" \
    '["总结推广“一要摸清底数，二要分类施策”的经验做法", "加快1、2号试点县的经验复制"]' \
    "$(field 关于推广基层治理经验的建议 recommendations)"

pt_step "section headings as papers vary them: 三、几点建议, 二、对策与建议, 一、现状与问题, 几点建议 alone"
import "$DATA/headings.txt"
check_status "import headings.txt" 201
check_eq "three proposals, nothing ignored" "3 []" "$(jv '"%d %s" % (j["imported"], json.dumps(j["ignored"]))')"
check_eq "二、存在的问题 heads background, 三、几点建议 the asks; an ask naming 问题 is an ask" \
    '["实施农村供水工程提质增效行动", "建立县级水质检测中心", "化解农村供水工程历史遗留问题"]' \
    "$(field 关于加强农村饮水安全保障的建议 recommendations)"
check_eq "... the problems listed under 二、存在的问题 are background" \
    '"我省农村集中供水率达到92%。\n（一）部分工程老化失修。\n（二）水质检测能力不足。"' \
    "$(field 关于加强农村饮水安全保障的建议 background)"
check_eq "一、现状与问题 heads background" '"我省60岁以上人口占比超过20%，养老服务供给不足。"' \
    "$(field 关于加快发展银发经济的建议 background)"
check_eq "二、对策与建议 heads the asks" '["发展社区嵌入式养老服务", "支持老年用品研发制造"]' \
    "$(field 关于加快发展银发经济的建议 recommendations)"
check_eq "web copy: 几点建议 between blank lines is a subhead, not the next article" \
    '["完善网络游戏防沉迷系统", "加强网络欺凌治理"]' \
    "$(field 关于加强未成年人网络保护的建议 recommendations)"
check_eq "... and 存在的主要问题 is no part of the background" \
    '"当前，未成年人沉迷网络游戏、遭受网络欺凌等问题仍较突出。"' \
    "$(field 关于加强未成年人网络保护的建议 background)"

pt_step "page furniture inside the text: captions with a credit, ads with phone numbers written every way"
import "$DATA/furniture.txt"
check_status "import furniture.txt" 201
check_eq "two proposals are imported" 2 "$(jv 'j["imported"]')"
check_eq "a caption ending 本报记者 某某 摄 is no part of the background" \
    '"太忻一体化经济区是山西高质量发展的重要引擎，但目前区域内交通互联互通水平不高，产业协同不足。"' \
    "$(field 关于推进太忻经济区协同发展的建议 background)"
check_eq "ads with 电话0351—7654321 and a mobile number are no part of an ask" \
    '["支持建设太忻城际快速通道", "支持设立太忻经济区产业发展基金", "在太忻经济区开展要素市场化配置改革试点"]' \
    "$(field 关于推进太忻经济区协同发展的建议 recommendations)"
check_eq "a caption ending （记者 某某 摄） is no part of the background" \
    '"晋北地区风沙危害严重，生态修复任务十分艰巨。"' \
    "$(field 关于支持晋北地区生态修复的建议 background)"
check_eq "ads with 0351 7654321 and 138 0013 8000 are no part of an ask" \
    '["将晋北地区纳入国家重点生态修复工程", "加大防护林建设补助力度", "支持发展沙产业"]' \
    "$(field 关于支持晋北地区生态修复的建议 recommendations)"

pt_step "a news report under a headline that reads like a title is no proposal"
import "$DATA/news_headline.txt"
check_status "import news_headline.txt" 201
check_eq "only the proposal is imported" 1 "$(jv 'j["imported"]')"
check_eq "the report is listed as ignored, with its lines" "lines 1-3" "$(jv '" ".join(i["where"] for i in j["ignored"])')"
check_contains "... saying it has no asks" "\"用心用情办好代表的建议\" has no asks" "$(jv 'j["ignored"][0]["reason"]')"
check_eq "... and it is not stored" "{}" "$(by_title 用心用情办好代表的建议)"

pt_step "co-signers, bylines, a deputy introduced by job, the PLA delegation"
import "$DATA/people.txt"
check_status "import people.txt" 201
check_eq "联名代表：某某、某某、某某等32名代表 gives the co-signers and leaves the lead author to 领衔代表" \
    '["李某某", "张某某", "赵某某"] "王某某"' \
    "$(field 关于修改《中华人民共和国乡村振兴促进法》的议案 co_signers) $(field 关于修改《中华人民共和国乡村振兴促进法》的议案 lead_author)"
check_eq "附议代表： after the asks gives co-signers, not an ask, a name with a middle dot whole, a name padded to three (张　三) as 张三, a name with 〇 too" \
    '["周某某", "张三", "吴某某", "欧阳某某", "阿卜杜拉·买买提", "王〇〇"] ["支持县级物流配送中心建设", "改造提升乡镇商贸中心"]' \
    "$(field 关于加强县域商业体系建设的建议 co_signers) $(field 关于加强县域商业体系建设的建议 recommendations)"
check_eq "a byline 本报记者 某某 is no part of the background" \
    '"“基层看病难的问题，根子在人才。”王某某说。\n近年来，县域医共体建设取得积极进展，但基层医疗机构人才流失严重。"' \
    "$(field 建议加快推进县域医共体建设 background)"
check_eq "全国人大代表、…公司董事长某某 names the lead author and is no background" \
    '"王某某" "农村地区5G网络覆盖率不足40%。"' \
    "$(field 关于加快5G网络在农村地区覆盖的建议 lead_author) $(field 关于加快5G网络在农村地区覆盖的建议 background)"
check_eq "解放军和武警部队代表团 is the delegation" '"解放军和武警部队代表团"' \
    "$(field 关于加快解放军和武警部队营区周边道路建设的建议 delegation)"
check_eq "a byline 记者 某某 某某 is no part of the background" '"部分营区周边道路狭窄。"' \
    "$(field 关于加快解放军和武警部队营区周边道路建设的建议 background)"

pt_step "a paragraph of thousands of inline series is read in linear time"
python3 - "$PT_TMP/many-series.txt" <<'PY2'
import sys
with open(sys.argv[1], "w", encoding="utf-8") as f:
    f.write("关于逐项推进重点民生实事的建议\n山西代表团\n建议：")
    f.write("一是做好甲项工作；二是做好乙项工作。" * 3500)
    f.write("\n（据《山西日报》）\n")
PY2
req sock POST "/v1/imports?format=text" -- --data-binary "@$PT_TMP/many-series.txt" \
    -H "Content-Type: text/plain; charset=utf-8" --max-time 5
check_status "it is imported within 5 seconds" 201
check_eq "... as one proposal" 1 "$(jv 'j["imported"]')"
# Many a 一是 and one 二是 at the far end: each 一是 must not search the
# paragraph for its 二是 again. Four times the 一是 may take about four
# times as long, not sixteen (as a search from each would).
for n in 7000 28000; do
    python3 - "$PT_TMP/firsts-$n.txt" "$n" <<'PY2'
import sys
with open(sys.argv[1], "w", encoding="utf-8") as f:
    f.write("关于逐项推进民生实事的第%s号建议\n山西代表团\n建议：" % sys.argv[2])
    f.write("一是，" * int(sys.argv[2]) + "二是完善制度。\n")
PY2
    t0=$(date +%s.%N)
    req sock POST "/v1/imports?format=text" -- --data-binary "@$PT_TMP/firsts-$n.txt" \
        -H "Content-Type: text/plain; charset=utf-8" --max-time 60
    t1=$(date +%s.%N)
    check_status "$n times 一是 and one 二是: imported" 201
    eval "T$n=$(awk -v a="$t0" -v b="$t1" 'BEGIN {print b - a}')"
done
check_true "28,000 take less than 8 times as long as 7,000 (and half a second): ${T7000}s, ${T28000}s" \
    awk -v a="$T7000" -v b="$T28000" 'BEGIN {exit !(b < 8 * a + 0.5)}'

pt_step "one title, two delegates' proposals: two proposals, and a re-import skips both"
cat >"$PT_TMP/same-title.txt" <<'EOF'
关于加快推进县域医共体建设的建议
山西代表团 王建国代表
背景：县域医疗资源分散，基层服务能力弱。
建议：一是推进县乡村一体化管理；二是完善医保打包付费。

关于加快推进县域医共体建设的建议
山西代表团 李红梅代表
背景：医共体内部利益联结不紧，牵头医院带动不足。
建议：一是建立统一的绩效考核体系；二是推动人员下沉与岗位共享。
EOF
import "$PT_TMP/same-title.txt"
check_eq "both are imported" "2 0" "$(jv '"%d %d" % (j["imported"], j["skipped"])')"
import "$PT_TMP/same-title.txt"
check_eq "imported again, both are skipped" "0 2" "$(jv '"%d %d" % (j["imported"], j["skipped"])')"

pt_step "a proposal an earlier version imported (its source.ref without a digest) is not stored again"
api POST /v1/proposals '{"title":"关于升级前导入的建议","delegation":"山西代表团","source":{"format":"text","ref":"山西日报: 关于升级前导入的建议"}}'
check_status "a proposal as an earlier version's import stored it" 201
cat >"$PT_TMP/earlier.txt" <<'EOF'
关于升级前导入的建议
山西代表团
背景：此前已经导入过一次。
建议：一是核对重复；二是不再重复保存。
（据《山西日报》）
EOF
import "$PT_TMP/earlier.txt"
check_eq "importing the document again skips it" "0 1" "$(jv '"%d %d" % (j["imported"], j["skipped"])')"
sed 's/^山西代表团$/太原代表团/' "$PT_TMP/earlier.txt" >"$PT_TMP/earlier-other.txt"
import "$PT_TMP/earlier-other.txt"
check_eq "... but another delegation's proposal under that title is imported" "1 0" \
    "$(jv '"%d %d" % (j["imported"], j["skipped"])')"

pt_step "narrow columns: every sentence wrapped, an ask list cut after its semicolons"
import "$DATA/narrow.txt"
check_status "import narrow.txt" 201
check_eq "three proposals are imported, none made of a wrapped line" 3 "$(jv 'j["imported"]')"
check_eq "为此李某某代表建议 on its own line introduces the asks, it is no title" \
    '["降低大病保险起付线", "提高困难群众报销比例"]' \
    "$(field 关于完善城乡居民大病保险制度的建议 recommendations)"
check_eq "a line ending in ； before 二是… goes on the same list" \
    '["加大农网改造中央投资", "提高农村配电变压器容量", "加快充电设施向乡村延伸"]' \
    "$(field 关于加快推进农村电网巩固提升的建议 recommendations)"
check_eq "一是… as paragraphs lose their numbers as inline asks do" \
    '["编制黄河滩区综合治理规划", "实施滩区居民迁建工程，妥善解决迁建群众就业问题"]' \
    "$(field 关于加强黄河滩区综合治理的建议 recommendations)"

pt_step "who proposed it: 提案人, 全国人大代表某某, 某某等12名代表, 代表团代表 某某"
import "$DATA/authors.txt"
check_status "import authors.txt" 201
check_eq "four proposals are imported" 4 "$(jv 'j["imported"]')"
P="$(by_title 关于完善新就业形态劳动者权益保障的提案)"
check_eq "a 提案人 line confirms a CPPCC proposal whose background has no heading, and names its author" \
    "proposal 周某某 2" "$(jv '"%s %s %d" % (j.get("kind"), j.get("lead_author"), len(j.get("recommendations", [])))' "$P")"
check_contains "... the unheaded paragraphs are its background" "职业伤害保障试点范围仍然有限。" "$(jv 'j.get("background")' "$P")"
check_eq "山西代表团全国人大代表某某" '"吴某某"' "$(field 关于支持山西建设煤基新材料产业基地的建议 lead_author)"
check_eq "某某等12名代表" '"郑某某"' "$(field 关于加强中医药传承创新发展的建议 lead_author)"
check_eq "山西代表团代表 某某" '"冯某某"' "$(field 关于推进晋陕黄河大桥建设的建议 lead_author)"
check_eq "a headline 全国人大代表某某：建议… names its author" '"赵某某"' "$(field 建议加大县域职业教育投入 lead_author)"

pt_step "an office's form: 领衔代表：某某 and 代表团：某某代表团 on lines of their own"
printf '%s\n' 关于加快推进城乡供水一体化的建议 "" 领衔代表：孙某某 代表团：山西代表团 \
    联名代表：李某某、王某某 "" 背景：城乡供水一体化仍存在短板。 建议：一是加大财政投入；二是完善管护机制。 "" \
    关于完善县域冷链物流网络的建议 代表团：河北 "领衔代表: 钱某某" 建议：一是完善县乡村物流；二是改造乡镇商贸中心。 \
    >"$PT_TMP/form.txt"
import "$PT_TMP/form.txt"
check_status "import form.txt" 201
check_eq "both proposals are imported" 2 "$(jv 'j["imported"]')"
check_eq "代表团：山西代表团 names the delegation after the label" '"山西代表团"' \
    "$(field 关于加快推进城乡供水一体化的建议 delegation)"
check_eq "... and the lead author and co-signers are read as before" '"孙某某" ["李某某", "王某某"]' \
    "$(field 关于加快推进城乡供水一体化的建议 lead_author) $(field 关于加快推进城乡供水一体化的建议 co_signers)"
check_eq "代表团：河北, the place alone, is 河北代表团" '"河北代表团"' \
    "$(field 关于完善县域冷链物流网络的建议 delegation)"

pt_step "files that are not text: the error names what they are"
python3 - "$PT_TMP" "$DATA/boundaries.txt" <<'PY'
import sys, zipfile
tmp, src = sys.argv[1], sys.argv[2]
text = open(src, encoding="utf-8").read()
with zipfile.ZipFile(tmp + "/proposal.docx", "w") as z:
    z.writestr("word/document.xml", "<w:document>%s</w:document>" % text)
open(tmp + "/proposal.pdf", "wb").write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")
open(tmp + "/proposal-utf16.txt", "wb").write(text.encode("utf-16"))
PY
import "$PT_TMP/proposal.docx"
check_error "a .docx" 422 validation_failed
check_contains "... is named, with what to do" "looks like a Word or WPS document (.docx), not text: save the document as plain text" \
    "$(jv 'j["error"]["message"]')"
import "$PT_TMP/proposal.pdf"
check_error "a PDF" 422 validation_failed
check_contains "... is named" "the file looks like a PDF, not text" "$(jv 'j["error"]["message"]')"
import "$PT_TMP/proposal.pdf" "encoding=gbk"
check_contains "... also when encoding=gbk was sent" "the file looks like a PDF, not text" "$(jv 'j["error"]["message"]')"
import "$PT_TMP/proposal-utf16.txt"
check_error "UTF-16 text" 422 validation_failed
check_contains "... is named, with the encoding that reads it" "the file is UTF-16 text: send encoding=utf-16" \
    "$(jv 'j["error"]["message"]')"
import "$PT_TMP/proposal-utf16.txt" "encoding=utf-16"
check_status "UTF-16 text with encoding=utf-16" 201
check_eq "... is read as the UTF-8 copy: four proposals" 4 "$(jv 'j["imported"] + j["skipped"]')"
check_eq "... which are all known already, those without a source note too" "0 4" \
    "$(jv '"%d %d" % (j["imported"], j["skipped"])')"
# Big-endian without a byte order mark, read as little-endian: 保 (U+4FDD)
# comes out as a lone surrogate.
python3 -c 'import sys; open(sys.argv[1], "wb").write("关于加强农村饮水安全保障的建议\n".encode("utf-16-be"))' "$PT_TMP/be.txt"
import "$PT_TMP/be.txt" "encoding=utf-16"
check_contains "UTF-16 without its byte order mark: the message names UTF-16 and how to say which" \
    "bytes that are not UTF-16 text (is it UTF-16 of the other byte order? say encoding=utf-16le or encoding=utf-16be)" \
    "$(jv 'j["error"]["message"]')"

pt_finish
