#!/usr/bin/env bash
# test_import_text_number_session.sh - the text importer takes a
# proposal's 编号 and 届次 from an office's document: a line of its own
# above the title (第十四届全国人民代表大会第二次会议 / 第3105号建议, also
# 十四届全国人大二次会议第3108号建议 on one line) or a form line of the
# header (编号：3107, 届次：十四届三次, 会议：省十四届人大三次会议). It
# took neither, so a document imported again after the office corrected a
# word stored every proposal twice; it listed the lines as passages it
# skipped, and a form line 编号：… ran into the 领衔代表： and 代表团： lines
# below it. A session line applies to each proposal below it, a number to
# the one title below it; numbers in running text (第3号文件, a telephone
# number, a date, a session a narrow column wrapped onto a line of its
# own) are not taken, and a newspaper page is read as before.
# What is not a number or a session is not read as one: a 编号 that is a
# date (编号：2026-03-05 was stored as the number) or no number, a list of
# lone lines 第1号 第2号 第3号 (the last was the number of the title below
# it), a standing committee's meeting (十四届全国人大常委会第十次会议 was
# the session); a number after the title, （第0088号）, and one in Chinese
# numerals, 第三一〇五号建议, are read (they were left in the title, or
# the line skipped), also a bracket on the line below the title, which
# was the first words of the background. A number of zeros alone (第〇号,
# 编号：0000: a template's placeholder) is none: two of them refused the
# import as one 编号 given twice.
set -u
. "$(dirname "$0")/lib.sh"
pt_init
pt_serve
W="$PT_TMP/work"
mkdir -p "$W"

# The field of the stored proposal with that title, as JSON.
field() {
    api GET "/v1/proposals?limit=100"
    jv "json.dumps(next((p for p in j['items'] if p['title'] == '$1'), {}).get('$2'), ensure_ascii=False)"
}

# The number and session of the stored proposal with that title.
ident() { printf '%s %s' "$(field "$1" number)" "$(field "$1" session)"; }

pt_step "an office's document: a session above all, a number above each title or in its header"
cat >"$W/office.txt" <<'TXT'
第十四届全国人民代表大会第二次会议

第3105号建议
关于加快推进城乡供水一体化的建议
领衔代表：孙某某
代表团：山西代表团
背景：部分农村地区供水保障水平仍然不高。
建议：一是加大财政投入；二是完善管护机制。

第 ３１０６ 号
关于完善县域冷链物流网络的建议
代表团：河北代表团
领衔代表：钱某某
背景：县域冷链物流设施短缺，按照第3号文件要求应于2024年3月5日前建成，咨询电话0351-7654321，详见第4版。
建议：一是完善县乡村物流；二是改造乡镇商贸中心。

关于支持革命老区振兴发展的建议
编号：3107
领衔代表：周某某
代表团：陕西代表团
背景：革命老区基础设施欠账多，根据省政府
第12号
令的规定应加快补齐。
建议：一是加大转移支付力度；二是支持重大项目建设。

十四届全国人大二次会议第3108号建议
关于加强黄河流域生态保护的建议
领衔代表：吴某某
代表团：河南代表团
建议：一是严格水资源管控；二是推进生态补水。
TXT
pt_import text "$W/office.txt"
check_status "import office.txt" 201
check_eq "four proposals, no passage skipped" "4 []" "$(jv '"%d %s" % (j["imported"], j["ignored"])')"
S='"第十四届全国人民代表大会第二次会议"'
check_eq "第3105号建议 above the title, the session line above all" "\"3105\" $S" \
    "$(ident 关于加快推进城乡供水一体化的建议)"
check_eq "第 ３１０６ 号 (full-width, spaced) is 3106, of the session above" "\"3106\" $S" \
    "$(ident 关于完善县域冷链物流网络的建议)"
check_eq "编号：3107 in the header, of the session above" "\"3107\" $S" \
    "$(ident 关于支持革命老区振兴发展的建议)"
check_eq "十四届全国人大二次会议第3108号建议 gives both" '"3108" "十四届全国人大二次会议"' \
    "$(ident 关于加强黄河流域生态保护的建议)"
check_eq "the form line 编号： no longer runs into the lines below it" '"陕西代表团" "周某某"' \
    "$(field 关于支持革命老区振兴发展的建议 delegation) $(field 关于支持革命老区振兴发展的建议 lead_author)"
check_eq "numbers in running text stay in it, a 第12号 a column wrapped too" \
    '"县域冷链物流设施短缺，按照第3号文件要求应于2024年3月5日前建成，咨询电话0351-7654321，详见第4版。" "革命老区基础设施欠账多，根据省政府第12号令的规定应加快补齐。"' \
    "$(field 关于完善县域冷链物流网络的建议 background) $(field 关于支持革命老区振兴发展的建议 background)"
check_eq "a number ends no ask" '["严格水资源管控", "推进生态补水"] ["加大转移支付力度", "支持重大项目建设"]' \
    "$(field 关于加强黄河流域生态保护的建议 recommendations) $(field 关于支持革命老区振兴发展的建议 recommendations)"

pt_step "imported again, also after the office corrected a word, nothing is stored twice"
pt_import text "$W/office.txt"
check_eq "the same document: all four skipped" "0 4" "$(jv '"%d %d" % (j["imported"], j["skipped"])')"
sed -e 's/一是加大财政投入/一是加大中央财政投入/' -e 's/二是推进生态补水/二是加快推进生态补水/' \
    "$W/office.txt" >"$W/office-v2.txt"
pt_import text "$W/office-v2.txt"
check_status "import office-v2.txt" 201
check_eq "the corrected document: all four known by number and session" "0 4" \
    "$(jv '"%d %d" % (j["imported"], j["skipped"])')"
api GET "/v1/proposals?limit=100"
check_eq "four proposals in the store" 4 "$(jv 'len(j["items"])')"

pt_step "forms of a provincial congress's and a CPPCC office's documents"
cat >"$W/forms.txt" <<'TXT'
关于加强汾河流域生态保护的建议
建议第0045号
会议：省十四届人大三次会议
领衔代表：吴某某
代表团：运城代表团
建议：一是严格水资源管控；二是推进生态补水。

关于完善农村养老服务体系的建议
编号：0046
届次：十四届三次
领衔代表：郑某某
代表团：长治代表团
建议：一是扩大互助幸福院覆盖面；二是提高特困人员供养标准。

政协第十四届全国委员会第二次会议
提案编号：0123
关于加强基层医疗人才队伍建设的提案
提案人：全国政协委员 孙某某
案由：基层医疗机构人才流失严重。
建议：一是完善基层医务人员薪酬制度；二是扩大订单定向培养规模。

提案编号：0124
广东代表团
关于支持粤港澳大湾区职业教育协同发展的提案
建议：一是共建实训基地；二是互认职业资格。
TXT
pt_import text "$W/forms.txt"
check_status "import forms.txt" 201
check_eq "four proposals, no passage skipped" "4 []" "$(jv '"%d %s" % (j["imported"], j["ignored"])')"
check_eq "建议第0045号 and 会议：… below the title" '"0045" "省十四届人大三次会议"' \
    "$(ident 关于加强汾河流域生态保护的建议)"
check_eq "编号：0046 and 届次：十四届三次 (a form's session names no one above it)" '"0046" "十四届三次"' \
    "$(ident 关于完善农村养老服务体系的建议)"
check_eq "提案编号：0123, its leading 0 kept, under the CPPCC's session" \
    '"0123" "政协第十四届全国委员会第二次会议"' "$(ident 关于加强基层医疗人才队伍建设的提案)"
check_eq "a delegation line between the number and the title: both are the proposal's" \
    '"0124" "政协第十四届全国委员会第二次会议" "广东代表团"' \
    "$(ident 关于支持粤港澳大湾区职业教育协同发展的提案) $(field 关于支持粤港澳大湾区职业教育协同发展的提案 delegation)"

pt_step "a session named by its congress first: 全国人大十四届二次会议, 省人大十四届三次会议"
cat >"$W/congress-first.txt" <<'TXT'
全国人大十四届二次会议

第3201号建议
关于加快推进县域医共体建设的建议
领衔代表：王某某
代表团：山西代表团
建议：一是完善医保支付；二是加强人才培养。

省人大十四届三次会议第0047号建议
关于加强农村公路养护的建议
领衔代表：冯某某
代表团：晋中代表团
建议：一是落实养护资金；二是完善管护机制。
TXT
pt_import text "$W/congress-first.txt"
check_status "import congress-first.txt" 201
check_eq "two proposals, no passage skipped" "2 []" "$(jv '"%d %s" % (j["imported"], j["ignored"])')"
check_eq "全国人大十四届二次会议 above the number and title" '"3201" "全国人大十四届二次会议"' \
    "$(ident 关于加快推进县域医共体建设的建议)"
check_eq "省人大十四届三次会议第0047号建议 gives both, and is no ask of the proposal above it" \
    '"0047" "省人大十四届三次会议" ["完善医保支付", "加强人才培养"]' \
    "$(ident 关于加强农村公路养护的建议) $(field 关于加快推进县域医共体建设的建议 recommendations)"

# The where and reason of each passage the last import listed as ignored,
# one a line.
ignored() { jv '"\n".join("%s: %s" % (i["where"], i["reason"]) for i in j["ignored"])'; }

pt_step "a 编号 that is a date or no number is not read, nor run into the lines below it"
cat >"$W/not-numbers.txt" <<'TXT'
关于加快农产品产地冷藏保鲜设施建设的建议
编号：2026-03-05
领衔代表：钱某某
代表团：河北代表团
背景：县域冷链物流设施短缺，农产品产后损耗率高。
建议：一是完善县乡村三级物流体系；二是改造乡镇商贸中心。

关于推进农村生活垃圾分类处理的建议
编号：待定
领衔代表：褚某某
代表团：内蒙古代表团
建议：一是健全收运处置体系；二是开展分类示范村创建。
TXT
pt_import text "$W/not-numbers.txt"
check_status "import not-numbers.txt" 201
check_eq "two proposals" 2 "$(jv 'j["imported"]')"
check_eq "编号：2026-03-05 gives no number" 'null' "$(field 关于加快农产品产地冷藏保鲜设施建设的建议 number)"
check_eq "编号：待定 gives no number, and the lines below it are read" 'null "内蒙古代表团" "褚某某"' \
    "$(field 关于推进农村生活垃圾分类处理的建议 number) $(field 关于推进农村生活垃圾分类处理的建议 delegation) $(field 关于推进农村生活垃圾分类处理的建议 lead_author)"
check_eq "both lines are listed, saying why" \
    'line 2: not read as a number: "编号：2026-03-05" is a date, not a proposal'"'"'s number
line 9: not read as a number: "编号：待定" is not a proposal'"'"'s number' "$(ignored)"

pt_step "a number in brackets after the title: 关于…的建议（第0088号）, …的提案(第0089号)"
cat >"$W/title-numbers.txt" <<'TXT'
关于加强农村养老服务的建议（第0088号）
领衔代表：郑某某
代表团：长治代表团
背景：农村老年人口比重高，养老服务设施不足。
建议：一是扩大互助幸福院覆盖面；二是提高特困人员供养标准。

关于加强乡村医生队伍建设的提案(第0089号)
提案人：全国政协委员 孙某某
案由：基层医疗机构人才流失严重。
建议：一是完善基层医务人员薪酬制度；二是扩大订单定向培养规模。
TXT
pt_import text "$W/title-numbers.txt"
check_status "import title-numbers.txt" 201
check_eq "two proposals" 2 "$(jv 'j["imported"]')"
check_eq "（第0088号）: the number 0088, the title without it" '"0088" "suggestion"' \
    "$(field 关于加强农村养老服务的建议 number) $(field 关于加强农村养老服务的建议 kind)"
check_eq "(第0089号) in ASCII brackets, of a 提案" '"0089" "proposal"' \
    "$(field 关于加强乡村医生队伍建设的提案 number) $(field 关于加强乡村医生队伍建设的提案 kind)"

pt_step "the bracket on a line of its own below the title: its number, not the background's first words"
cat >"$W/title-numbers-below.txt" <<'TXT'
关于加快推进农村互助养老服务发展的建议
（第0090号）
领衔代表：郑某某
代表团：长治代表团
背景：农村留守老人多，互助养老点运营经费不足。
建议：一是落实运营补贴；二是培育志愿服务队伍。

关于修改《农村公路养护管理办法（试行）》的建议
(第 0091 号)
领衔代表：冯某某
代表团：晋中代表团
建议：一是落实养护资金；二是完善管护机制。
TXT
pt_import text "$W/title-numbers-below.txt"
check_status "import title-numbers-below.txt" 201
check_eq "two proposals, nothing skipped" "2 []" "$(jv '"%d %s" % (j["imported"], j["ignored"])')"
check_eq "（第0090号） below the title is its number, and no background" \
    '"0090" "农村留守老人多，互助养老点运营经费不足。"' \
    "$(field 关于加快推进农村互助养老服务发展的建议 number) $(field 关于加快推进农村互助养老服务发展的建议 background)"
check_eq "(第 0091 号) below a title with a bracket of its own, （试行）" '"0091" null' \
    "$(field 关于修改《农村公路养护管理办法（试行）》的建议 number) $(field 关于修改《农村公路养护管理办法（试行）》的建议 background)"

pt_step "a number in Chinese numerals: 第三一〇五号建议, 第一百零五号"
cat >"$W/cn-numbers.txt" <<'TXT'
第十四届全国人民代表大会第三次会议

第三一〇五号建议
关于加快推进农村饮水安全巩固提升的建议
领衔代表：孙某某
代表团：山西代表团
建议：一是加大财政投入；二是完善管护机制。

第一百零五号
关于加强小流域综合治理的建议
领衔代表：吴某某
代表团：河南代表团
建议：一是严格水资源管控；二是推进生态补水。

关于支持资源型城市转型发展的建议
编号：第〇〇八七号
领衔代表：周某某
代表团：陕西代表团
建议：一是加大转移支付力度；二是支持重大项目建设。

关于加快农村电网巩固提升的建议（第三一〇六号）
领衔代表：陈某某
代表团：山西代表团
建议：一是加大农网改造投资；二是提高县域供电可靠性。
TXT
pt_import text "$W/cn-numbers.txt"
check_status "import cn-numbers.txt" 201
check_eq "four proposals, nothing skipped" "4 []" "$(jv '"%d %s" % (j["imported"], j["ignored"])')"
check_eq "第三一〇五号建议 is 3105" '"3105"' "$(field 关于加快推进农村饮水安全巩固提升的建议 number)"
check_eq "第一百零五号 is 105" '"105"' "$(field 关于加强小流域综合治理的建议 number)"
check_eq "编号：第〇〇八七号 is 0087, its zeros kept" '"0087"' "$(field 关于支持资源型城市转型发展的建议 number)"
check_eq "（第三一〇六号） after the title is 3106" '"3106"' "$(field 关于加快农村电网巩固提升的建议 number)"

pt_step "a number of zeros alone (第〇号, 编号：0000, a form's blank) is none"
cat >"$W/zero-numbers.txt" <<'TXT'
第十四届全国人民代表大会第三次会议

第〇号
关于加快发展县域托育服务的建议
领衔代表：孙某某
代表团：山西代表团
建议：一是支持社区托育点建设；二是落实托育机构用房用地。

第〇〇〇〇号
关于加强农村学校食堂管理的建议
领衔代表：吴某某
代表团：河南代表团
建议：一是落实陪餐制度；二是加大食堂改造投入。

关于加快城镇老旧小区加装电梯的建议
编号：0000
领衔代表：周某某
代表团：陕西代表团
建议：一是简化审批流程；二是统筹使用维修资金。
TXT
pt_import text "$W/zero-numbers.txt"
check_status "import zero-numbers.txt (not refused as one 编号 given twice)" 201
check_eq "three proposals" 3 "$(jv 'j["imported"]')"
check_eq "none has a number" "null null null" \
    "$(field 关于加快发展县域托育服务的建议 number) $(field 关于加强农村学校食堂管理的建议 number) $(field 关于加快城镇老旧小区加装电梯的建议 number)"
check_contains "编号：0000 is listed as no number" \
    'line 16: not read as a number: "编号：0000" is not a proposal'"'"'s number' "$(ignored)"

pt_step "lone lines 第1号 第2号 第3号 above a title are a list, not its number"
cat >"$W/number-list.txt" <<'TXT'
关于加强县级医院能力建设的建议
领衔代表：王某某
代表团：山西代表团
建议：一是完善医保支付；二是加强人才培养。
第1号
第2号
第3号
关于加快农村公路提档升级的建议
领衔代表：冯某某
代表团：晋中代表团
建议：一是落实养护资金；二是完善管护机制。

第3308号建议
关于完善城乡公交一体化的建议
领衔代表：卫某某
代表团：吕梁代表团
建议：一是对农村客运给予运营补贴；二是推广预约响应式公交。
TXT
pt_import text "$W/number-list.txt"
check_status "import number-list.txt" 201
check_eq "three proposals" 3 "$(jv 'j["imported"]')"
check_eq "第3号, the last of the list, is not the number of the title below it" 'null' \
    "$(field 关于加快农村公路提档升级的建议 number)"
check_eq "a number line of its own above the next title still is" '"3308"' \
    "$(field 关于完善城乡公交一体化的建议 number)"

pt_step "a standing committee's meeting is no session"
cat >"$W/standing.txt" <<'TXT'
第十四届全国人民代表大会第四次会议

第3401号建议
关于加强湿地保护修复的建议
领衔代表：吴某某
代表团：运城代表团
建议：一是严格水资源管控；二是推进生态补水。

十四届全国人大常委会第十次会议

第3402号建议
关于发展农村互助养老的建议
领衔代表：郑某某
代表团：长治代表团
建议：一是扩大互助幸福院覆盖面；二是提高特困人员供养标准。

关于加强农村危桥改造的建议
会议：十四届全国人大常委会第十次会议
领衔代表：蒋某某
代表团：忻州代表团
背景：部分农村公路桥梁建成年代早，荷载标准低。
建议：一是加大危桥改造资金投入；二是建立桥梁定期检测制度。
TXT
pt_import text "$W/standing.txt"
check_status "import standing.txt" 201
check_eq "three proposals" 3 "$(jv 'j["imported"]')"
check_eq "the congress's session above the first" '"3401" "第十四届全国人民代表大会第四次会议"' \
    "$(ident 关于加强湿地保护修复的建议)"
check_eq "十四届全国人大常委会第十次会议 is not the session of the proposals below it" '"3402" null' \
    "$(ident 关于发展农村互助养老的建议)"
check_eq "nor as a form's 会议, whose lines below are read" 'null null "忻州代表团"' \
    "$(ident 关于加强农村危桥改造的建议) $(field 关于加强农村危桥改造的建议 delegation)"
check_eq "both are listed, saying why" \
    'line 9: not read as a session: "十四届全国人大常委会第十次会议" is a meeting of a standing committee, not a session of a congress
line 18: not read as a session: "会议：十四届全国人大常委会第十次会议" is a meeting of a standing committee, not a session of a congress' \
    "$(ignored)"

pt_step "a newspaper page: nothing is taken from its running text"
cat >"$W/paper.txt" <<'TXT'
关于加快太行山旅游公路建设的建议
山西代表团
背景：太行山旅游公路按照省政府第3号文件要求，应于2025年6月30日前全线贯通，
目前仍有第4标段未完工。今年3月，代表们在
第十四届全国人民代表大会第二次会议
上再次呼吁。
建议：一是加大省级资金支持；二是加快第4标段建设进度。
（据《山西日报》）

春季招聘会明日开幕
记者从省人社厅获悉，第二十届春季招聘会将于3月9日举行。

关于完善农村客运服务体系的建议
山西代表团
背景：部分偏远山区村庄客运班线少。
建议：一是对农村客运给予运营补贴；二是推广预约响应式公交。

第3110号
附件：办理情况统计表
TXT
pt_import text "$W/paper.txt"
check_status "import paper.txt" 201
check_eq "two proposals, the other articles skipped as before" \
    "2 lines 10-11 lines 18-19" "$(jv '"%d %s" % (j["imported"], " ".join(i["where"] for i in j["ignored"]))')"
check_eq "neither has a number or a session" "null null null null" \
    "$(ident 关于加快太行山旅游公路建设的建议) $(ident 关于完善农村客运服务体系的建议)"
check_eq "a session a column wrapped onto a line of its own is the background's" \
    '"太行山旅游公路按照省政府第3号文件要求，应于2025年6月30日前全线贯通，目前仍有第4标段未完工。今年3月，代表们在第十四届全国人民代表大会第二次会议上再次呼吁。"' \
    "$(field 关于加快太行山旅游公路建设的建议 background)"
check_eq "a number with no title below it is no proposal's, and no ask" \
    '["对农村客运给予运营补贴", "推广预约响应式公交"]' "$(field 关于完善农村客运服务体系的建议 recommendations)"

pt_finish
