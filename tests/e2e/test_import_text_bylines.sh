#!/usr/bin/env bash
# test_import_text_bylines.sh - the byline newspapers print under a
# proposal's title, 全国人大代表王某某提出建议—— (the name, then the verb,
# with no space or punctuation between), gives the proposal its lead
# author, as 王某某代表提出建议—— and 领衔代表：王某某 do, and is not taken
# for the first words of its background: with a name of two or three
# characters (four after a compound surname, 欧阳某某), after 代表 or 委员,
# before 提出, 提交, 建议 or 呼吁; a word that stands there and is no name
# (联名, 再次, 共同) gives none. The names after the lead author's, joined
# to it by 、, are co-signers (等10名代表 names no one more).
set -u
. "$(dirname "$0")/lib.sh"
pt_init
pt_serve
W="$PT_TMP/work"
mkdir -p "$W"

# field TITLE EXPR: EXPR (Python, p = the proposal) of the proposal whose
# title is TITLE.
field() { pt_field title "$@"; }

pt_step "a newspaper page: three proposals under bylines, a news article between them"
cat >"$W/河南日报第5版.txt" <<'TXT'
关于支持县域商业体系建设的建议
全国人大代表李红提出建议——
建议：一是完善县乡村三级物流配送体系，二是支持农产品冷链设施建设，三是培育县域商业主体。
（据《河南日报》）

省政府召开常务会议
会议研究部署了春季安全生产工作。会议指出，要压实各方责任。
（记者　赵某）

关于加强黄河滩区群众安置的建议
全国人大代表张建国建议——
背景：滩区群众生产生活条件仍较艰苦。
建议：（一）加大迁建资金支持；（二）完善后续产业配套。
（据《河南日报》）

关于发展智慧养老服务的提案
全国政协委员孙丽提交提案——
建议：一是建设养老服务信息平台；二是培育智慧养老企业。
（据《河南日报》）

关于完善农村公路养护机制的建议
全国人大代表联名提出建议——
建议：一是落实养护资金；二是推行路长制。
（据《河南日报》）
TXT
pt_cli import "$W/河南日报第5版.txt"
check_rc "ptrack import 河南日报第5版.txt" 0
check_contains "the four proposals are imported" "已导入 4 条" "$OUT"
check_contains "the news article is passed over" "忽略 1 段非提案内容" "$OUT"
check_eq "全国人大代表李红提出建议—— gives the lead author 李红" "李红" \
    "$(field 关于支持县域商业体系建设的建议 'p["lead_author"]')"
check_eq "and is no background" "None" \
    "$(field 关于支持县域商业体系建设的建议 'str(p["background"])')"
check_eq "全国人大代表张建国建议—— gives 张建国, and the background is the 背景" \
    "张建国 滩区群众生产生活条件仍较艰苦。" \
    "$(field 关于加强黄河滩区群众安置的建议 'p["lead_author"] + " " + p["background"]')"
check_eq "全国政协委员孙丽提交提案—— gives 孙丽" "孙丽" \
    "$(field 关于发展智慧养老服务的提案 'p["lead_author"]')"
check_eq "联名 before 提出 is no name" "None" \
    "$(field 关于完善农村公路养护机制的建议 'str(p["lead_author"])')"
check_eq "the asks are read as before" '["完善县乡村三级物流配送体系", "支持农产品冷链设施建设", "培育县域商业主体"]' \
    "$(field 关于支持县域商业体系建设的建议 'p["recommendations"]')"

pt_step "bylines with a name of four characters, and with co-signers named"
cat >"$W/河南日报第6版.txt" <<'TXT'
关于加强青少年近视防控的提案
全国政协委员欧阳娜娜提交提案——
建议：一是保障学生户外活动时间；二是规范电子产品使用。
（据《河南日报》）

关于发展县域职业教育的建议
欧阳红梅等8名代表提出建议——
建议：一是建设实训基地；二是推进校企合作。
（据《河南日报》）

关于推进城乡学校共同体建设的建议
全国人大代表张建国、李明、欧阳红梅等10名代表提出建议——
建议：一是完善教师交流机制；二是共享优质课程资源。
（据《河南日报》）

关于支持中小企业数字化转型的建议
全国人大代表王芳、赵强等5名代表联名提出建议——
建议：一是设立转型专项资金；二是建设公共服务平台。
联名代表：赵强、孙丽、周涛
（据《河南日报》）

关于加强农村养老服务的建议
李红、刘洋等3名代表提出建议——
建议：一是建设互助养老设施；二是培育养老服务队伍。
（据《河南日报》）

关于保护传统村落的提案
全国政协委员共同提交提案——
建议：一是开展村落普查；二是落实保护资金。
（据《河南日报》）
TXT
pt_cli import "$W/河南日报第6版.txt"
check_rc "ptrack import 河南日报第6版.txt" 0
check_contains "the six proposals are imported" "已导入 6 条" "$OUT"
check_eq "全国政协委员欧阳娜娜提交提案—— gives 欧阳娜娜, and no background" "欧阳娜娜 None" \
    "$(field 关于加强青少年近视防控的提案 'str(p["lead_author"]) + " " + str(p["background"])')"
check_eq "欧阳红梅等8名代表提出建议—— gives 欧阳红梅" "欧阳红梅" \
    "$(field 关于发展县域职业教育的建议 'str(p["lead_author"])')"
check_eq "张建国、李明、欧阳红梅等10名代表: 张建国 leads, the others named are co-signers" \
    '张建国 ["李明", "欧阳红梅"]' \
    "$(field 关于推进城乡学校共同体建设的建议 'p["lead_author"] + " " + json.dumps(p["co_signers"], ensure_ascii=False)')"
check_eq "a 联名代表 line after the byline gives the whole list, each once" \
    '王芳 ["赵强", "孙丽", "周涛"]' \
    "$(field 关于支持中小企业数字化转型的建议 'p["lead_author"] + " " + json.dumps(p["co_signers"], ensure_ascii=False)')"
check_eq "李红、刘洋等3名代表 without an office: the first named leads" '李红 ["刘洋"]' \
    "$(field 关于加强农村养老服务的建议 'str(p["lead_author"]) + " " + json.dumps(p["co_signers"], ensure_ascii=False)')"
check_eq "共同 before the verb is no name, nor a co-signer" "None []" \
    "$(field 关于保护传统村落的提案 'str(p["lead_author"]) + " " + json.dumps(p["co_signers"])')"

pt_finish
