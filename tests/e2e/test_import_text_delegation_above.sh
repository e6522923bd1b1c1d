#!/usr/bin/env bash
# test_import_text_delegation_above.sh - the delegation line above a
# proposal's title, as newspapers and bulletins set it, gives the proposal
# its delegation as the line after the title does: a kicker whose dash
# leads into the headline (山西团代表提出建议—— / 加快推进太行山旅游公路建设),
# the headline a title whatever its form, and a bulletin's line naming the
# delegation alone (广东代表团 / 关于…的建议). The text importer skipped the
# first as "no proposal title before it" and lost the delegation of the
# others. On one page with proposals in both orders and a news article
# between them, each proposal keeps its own delegation and asks; a
# delegation line above something that is no proposal still makes none and
# is reported as skipped; a delegation named after a title is the
# proposal's even under a line that named another. A kicker below a
# proposal's last ask ends the proposal and is skipped, also when that ask
# has no full stop and the kicker is the document's last line.
set -u
. "$(dirname "$0")/lib.sh"
pt_init
pt_serve
W="$PT_TMP/work"
mkdir -p "$W"

pt_step "a kicker above a headline that does not read like a title"
cat >"$W/山西日报.txt" <<'TXT'
山西团代表提出建议——
加快推进太行山旅游公路建设

太行山旅游公路是我省三大旅游板块之一，目前部分路段等级低、配套设施不完善。

代表们建议：一是加大中央预算内投资支持力度；二是支持沿线配套服务设施建设；三是统筹推进沿线村庄人居环境整治。

（据《山西日报》）
TXT
pt_import text "$W/山西日报.txt"
check_status "import 山西日报.txt" 201
check_eq "one proposal, nothing passed over" "1 0" "$(jv '"%d %d" % (j["imported"], j["ignored_count"])')"
check_eq "its delegation, as the line after a title gives 山西团" "山西代表团" \
    "$(pt_field title 加快推进太行山旅游公路建设 'p["delegation"]')"
check_eq "its background" "太行山旅游公路是我省三大旅游板块之一，目前部分路段等级低、配套设施不完善。" \
    "$(pt_field title 加快推进太行山旅游公路建设 'p["background"]')"
check_eq "its three asks" "加大中央预算内投资支持力度 / 支持沿线配套服务设施建设 / 统筹推进沿线村庄人居环境整治" \
    "$(pt_field title 加快推进太行山旅游公路建设 '" / ".join(p["recommendations"])')"

pt_step "a page with both orders, a news article between, a bulletin's delegation line"
cat >"$W/版面.txt" <<'TXT'
河北团代表提出建议——
关于支持雄安新区职业教育发展的建议

背景：雄安新区职业教育起步较晚，专业设置与产业需求衔接不够。

建议：一是支持建设一批高水平职业院校；二是推动京津优质职业教育资源向新区疏解。

本市新增三条公交线路
记者从市交通运输局获悉，本月起本市新增三条公交线路，方便群众出行。

关于加快太行革命老区振兴发展的建议
山西团代表提出建议——
背景：太行革命老区基础设施薄弱，产业结构单一。
建议：一是加大财政转移支付力度；二是支持老区特色产业发展；三是完善老区交通网络。

广东代表团
关于支持粤港澳大湾区职业教育协同发展的建议
背景：大湾区职业教育资源分布不均衡，协同机制尚不健全。
建议：
（一）建立大湾区职业教育联盟，共享实训基地；
（二）推进职业资格和技能等级“一试三证”；
江西代表团
关于支持赣南等原中央苏区振兴发展的建议
背景：原中央苏区发展基础仍然薄弱。
建议：一是延续对口支援政策；二是支持红色旅游发展。
TXT
pt_import text "$W/版面.txt"
check_status "import 版面.txt" 201
check_eq "four proposals" 4 "$(jv 'j["imported"]')"
check_eq "the news article is the one passage passed over" "lines 8-9" \
    "$(jv '" ".join(i["where"] for i in j["ignored"])')"
check_eq "the kicker above a 关于…的建议 headline gives its delegation" "河北代表团" \
    "$(pt_field title 关于支持雄安新区职业教育发展的建议 'p["delegation"]')"
check_eq "... and the proposal its asks, not the news article's text" \
    "支持建设一批高水平职业院校 / 推动京津优质职业教育资源向新区疏解" \
    "$(pt_field title 关于支持雄安新区职业教育发展的建议 '" / ".join(p["recommendations"])')"
check_eq "the line after a title still gives its delegation" "山西代表团" \
    "$(pt_field title 关于加快太行革命老区振兴发展的建议 'p["delegation"]')"
check_eq "... and its asks end above the next proposal's delegation line" \
    "加大财政转移支付力度 / 支持老区特色产业发展 / 完善老区交通网络" \
    "$(pt_field title 关于加快太行革命老区振兴发展的建议 '" / ".join(p["recommendations"])')"
check_eq "a bulletin's delegation line above the title gives its delegation" "广东代表团" \
    "$(pt_field title 关于支持粤港澳大湾区职业教育协同发展的建议 'p["delegation"]')"
check_eq "... and is not the last ask of the proposal above it" \
    "建立大湾区职业教育联盟，共享实训基地 / 推进职业资格和技能等级“一试三证”" \
    "$(pt_field title 关于支持粤港澳大湾区职业教育协同发展的建议 '" / ".join(p["recommendations"])')"
check_eq "the next bulletin's delegation line, right after an ask, is the next proposal's" "江西代表团" \
    "$(pt_field title 关于支持赣南等原中央苏区振兴发展的建议 'p["delegation"]')"

pt_step "a delegation line above something that is no proposal makes none"
cat >"$W/新闻.txt" <<'TXT'
湖南团代表提出建议——
代表们认为，要进一步加强基层医疗卫生服务体系建设。

湖南代表团
审议政府工作报告
代表们在驻地认真审议政府工作报告，一致表示拥护。

湖北团代表提出建议——
长江大保护取得新进展
记者从省生态环境厅获悉，今年以来长江干流水质稳定保持在二类。
（记者 刘某某）
TXT
pt_import text "$W/新闻.txt"
check_status "import 新闻.txt" 201
check_eq "nothing imported" 0 "$(jv 'j["imported"]')"
check_eq "each passage reported with its lines" "lines 1-6 lines 8-11" \
    "$(jv '" ".join(i["where"] for i in j["ignored"])')"

pt_step "a delegation named after the title is the proposal's, under a line that named another"
cat >"$W/简报.txt" <<'TXT'
关于加强黄河流域生态保护的建议
背景：黄河流域生态环境脆弱。
建议：一是加强水土流失治理；二是推进湿地保护修复。
河南代表团
关于支持革命老区县域经济发展的建议
四川代表团
背景：革命老区县域经济基础薄弱。
建议：一是支持特色产业园区建设；二是加大金融支持力度。
TXT
pt_import text "$W/简报.txt"
check_status "import 简报.txt" 201
check_eq "two proposals" 2 "$(jv 'j["imported"]')"
check_eq "the delegation named after the title" "四川代表团" \
    "$(pt_field title 关于支持革命老区县域经济发展的建议 'p["delegation"]')"

pt_step "a delegation line in the background is not the one after the title"
# Only the line right after the title names the proposal's delegation
# instead of the one above it: a line further down, in the background the
# title is followed by, took the kicker's place.
cat >"$W/晋报.txt" <<'TXT'
山西团代表提出建议——
推进汾河流域生态修复

汾河是山西的母亲河，流域生态欠账较多。
陕西代表团
去年也提出过相近的建议，沿岸治理已有起色。

代表们建议：一是加大生态补水力度；二是支持沿岸湿地建设。

（据《山西日报》）
TXT
pt_import text "$W/晋报.txt"
check_status "import 晋报.txt" 201
check_eq "one proposal" 1 "$(jv 'j["imported"]')"
check_eq "its delegation is the kicker's" "山西代表团" \
    "$(pt_field title 推进汾河流域生态修复 'p["delegation"]')"

pt_step "a kicker at the end, the headline it leads into on the next page"
cat >"$W/第3版.txt" <<'TXT'
广东代表团
关于推进湾区职业院校学分互认的建议

背景：大湾区职业教育发展不平衡。

建议：一是建立协同机制；二是共建实训基地。

河北团代表提出建议——
TXT
pt_import text "$W/第3版.txt"
check_status "import 第3版.txt" 201
check_eq "one proposal" 1 "$(jv 'j["imported"]')"
check_eq "its asks end with the last one" "建立协同机制 / 共建实训基地" \
    "$(pt_field title 关于推进湾区职业院校学分互认的建议 '" / ".join(p["recommendations"])')"
check_eq "the kicker is reported as skipped" "line 8" \
    "$(jv '" ".join(i["where"] for i in j["ignored"])')"

pt_step "a kicker as the document's last line, right under an ask with no full stop"
# A bulletin's last ask often has no full stop: the kicker below it, with
# no blank line between, was read as the rest of that ask's sentence
# (共建实训基地河北团代表提出建议——), as was a kicker's whole next article.
# After an inline series, a numbered list, with blank lines or a page's
# furniture after it, it ends the proposal and is skipped.
# kicker_last FILE TITLE TEXT: a proposal of 广东代表团 titled TITLE, its
# background, then TEXT (a format of printf): its asks and what follows.
kicker_last() {
    local f="$W/$1" title="$2"
    shift 2
    { printf '广东代表团\n%s\n\n背景：大湾区职业教育发展不平衡。\n\n' "$title"; printf "$@"; } >"$f"
}
kicker_last 第4版.txt 关于推进湾区职业院校课程互通的建议 \
    '建议：一是建立协同机制；二是共建实训基地\n河北团代表提出建议——\n'
kicker_last 第5版.txt 关于推进湾区职业院校师资共享的建议 \
    '建议：\n1．建立协同机制；\n2．共建实训基地\n河北团代表提出建议——\n\n\n'
kicker_last 第6版.txt 关于推进湾区职业院校专业共建的建议 \
    '建议：\n1．建立协同机制；\n2．共建实训基地\n河北团代表提出建议——\n（责任编辑：张某）\n\n第6版\n'
# page, then the line of its kicker
for page_line in 4:7 5:9 6:9; do
    page="${page_line%:*}"
    pt_import text "$W/第${page}版.txt"
    check_status "import 第${page}版.txt" 201
    skipped="$(jv '" ".join("%s: %s" % (i["where"], i["reason"]) for i in j["ignored"])')"
    check_eq "第${page}版: one proposal, its asks end with the last one" "1 建立协同机制 / 共建实训基地" \
        "$(jv '"%d " % j["imported"]')$(api GET "/v1/proposals/$(jv 'j["first_id"]')" &&
            jv '" / ".join(j["recommendations"])')"
    check_eq "第${page}版: the kicker is reported as skipped" \
        "line ${page_line#*:}: not a proposal (no proposal title before it)" "$skipped"
done

pt_step "a kicker and its next article right under an ask with no full stop"
kicker_last 第7版.txt 关于推进湾区职业院校实训共享的建议 \
    '建议：\n1．建立协同机制；\n2．共建实训基地\n湖北团代表提出建议——\n长江大保护取得新进展\n记者从省生态环境厅获悉，今年以来长江干流水质稳定保持在二类。\n（记者 刘某某）\n'
pt_import text "$W/第7版.txt"
check_status "import 第7版.txt" 201
skipped="$(jv '" ".join(i["where"] for i in j["ignored"])')"
check_eq "one proposal, its asks end with the last one" "1 建立协同机制 / 共建实训基地" \
    "$(jv '"%d " % j["imported"]')$(api GET "/v1/proposals/$(jv 'j["first_id"]')" &&
        jv '" / ".join(j["recommendations"])')"
check_eq "the kicker and its article are reported as skipped" "lines 9-12" "$skipped"

pt_finish
