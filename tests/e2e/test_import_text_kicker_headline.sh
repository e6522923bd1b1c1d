#!/usr/bin/env bash
# test_import_text_kicker_headline.sh - a newspaper's headline that names
# its author on a line of its own above it, as a kicker over the main line
# (全国人大代表王某某： / 建议加快推进县域医共体建设), is read as the same
# headline on one line is: its title what follows the colon, its lead
# author what stands before. The text importer skipped the proposal as
# "no proposal title before it". The same article on one line is the
# same proposal (skipped when imported again); a kicker that is not an
# author's (本报讯：) still makes no title, nor does a line of a proposal's
# background that a narrow column wrapped after its colon (张某某代表表示：
# / 建议进一步加大财政投入力度), which stands after no blank line.
set -u
. "$(dirname "$0")/lib.sh"
pt_init
pt_serve
W="$PT_TMP/work"
mkdir -p "$W"

article() { # article FILE HEADLINE-LINES...
    local f="$1"
    shift
    printf '%s\n' "$@" >"$f"
    cat >>"$f" <<'TXT'
“基层群众看病难的问题，关键在县域。”全国人大代表、某县人民医院院长王某某说。
王某某建议，一是推动优质医疗资源下沉；二是完善医保支付方式；三是加强人才培养。
（记者 刘某某）
TXT
}

pt_step "the author on the line above the headline"
article "$W/two.txt" "全国人大代表王某某：" "建议加快推进县域医共体建设"
pt_import text "$W/two.txt"
check_status "import two.txt" 201
check_eq "one proposal, nothing passed over" "1 0" "$(jv '"%d %d" % (j["imported"], j["ignored_count"])')"
api GET "/v1/proposals?limit=10"
check_eq "its title and lead author, as the one-line headline gives them" \
    "建议加快推进县域医共体建设 / 王某某 / 推动优质医疗资源下沉、完善医保支付方式、加强人才培养" \
    "$(jv 'j["items"][0]["title"] + " / " + j["items"][0]["lead_author"] + " / " + "、".join(j["items"][0]["recommendations"])')"

pt_step "the same article with its headline on one line is the same proposal"
article "$W/one.txt" "全国人大代表王某某：建议加快推进县域医共体建设"
pt_import text "$W/one.txt"
check_status "import one.txt" 201
check_eq "skipped as already stored" "0 1" "$(jv '"%d %d" % (j["imported"], j["skipped"])')"

pt_step "a kicker that names no delegate makes no headline"
article "$W/news.txt" "本报讯：" "建议加快推进县域医共体建设"
pt_import text "$W/news.txt"
check_status "import news.txt" 201
check_eq "nothing imported" 0 "$(jv 'j["imported"]')"

pt_step "inside a proposal, a sentence wrapped after its colon is no kicker"
cat >"$W/wrapped.txt" <<'TXT'
关于加强基层医疗卫生服务的建议
湖南代表团
背景：基层医疗资源不足，人才流失严重。
张某某代表表示：
建议进一步加大财政投入力度
建议：一是加强人才培养；二是完善设施。
TXT
pt_import text "$W/wrapped.txt"
check_status "import wrapped.txt" 201
check_eq "one proposal, nothing passed over" "1 0" "$(jv '"%d %d" % (j["imported"], j["ignored_count"])')"
api GET "/v1/proposals?limit=10"
check_eq "the proposal with its background whole" \
    "关于加强基层医疗卫生服务的建议 / 基层医疗资源不足，人才流失严重。
张某某代表表示：
建议进一步加大财政投入力度 / 加强人才培养、完善设施" \
    "$(jv '(lambda p: p["title"] + " / " + p["background"] + " / " + "、".join(p["recommendations"]))(next(p for p in j["items"] if p["title"].startswith("关于")))')"

pt_finish
