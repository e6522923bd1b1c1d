#!/usr/bin/env bash
# test_import_text_numbering_glyphs.sh - the text importer reads asks
# numbered with the one-character numbers in parentheses (⑴ ⑵, U+2474..,
# and ⒈ ⒉, U+2488..) and with a Chinese numeral and a full stop (一. 二.,
# 一． 二．), inline and one a paragraph, as it reads ① ② and 一、: an
# inline series ⑴…；⑵…；⑶… was one ask holding all three, and an ask
# numbered ⑴ or 一. kept its number in its text. A line that begins with
# a list of numbers (2、3号线, where a narrow column wrapped an ask) goes
# on the ask before it, where it was an ask of its own; after a line
# that ended its sentence, 2、3年内… is still ask 2.
set -u
. "$(dirname "$0")/lib.sh"
pt_init
pt_serve
W="$PT_TMP/work"
mkdir -p "$W"

# proposal N ASKS...: a proposal whose 建议 section is the lines ASKS.
proposal() {
    local n="$1"
    shift
    printf '关于加强%s号农村公路养护的建议\n山西代表团\n背景：农村公路养护资金不足。\n建议：' "$n"
    printf '%s\n' "$@"
    printf '（据《山西日报》）\n\n'
}
{
    proposal 1 '⑴加大养护资金投入；⑵完善养护管理机制；⑶强化考核。'
    proposal 2 '' '⑴加大养护资金投入。' '⑵完善养护管理机制。' '⑶强化考核。'
    proposal 3 '' '⒈加大养护资金投入。' '⒉完善养护管理机制。' '⒊强化考核。'
    proposal 4 '一.加大养护资金投入；二.完善养护管理机制；三.强化考核。'
    proposal 5 '' '一．加大养护资金投入。' '二．完善养护管理机制。' '三．强化考核。'
    proposal 6 '①加大养护资金投入；②完善养护管理机制；③强化考核。'
    proposal 7 '⒈加大养护资金投入；⒉完善养护管理机制；⒊强化考核。'
} >"$W/forms.txt"

pt_import text "$W/forms.txt"
check_status "import forms.txt" 201
check_eq "seven proposals" 7 "$(jv 'j["imported"]')"
api GET "/v1/proposals?limit=10"
for n in 1 2 3 4 5 6 7; do
    check_eq "proposal $n: three asks without their numbers" \
        "加大养护资金投入|完善养护管理机制|强化考核" \
        "$(jv "'|'.join(next(p['recommendations'] for p in j['items'] if p['title'].startswith('关于加强$n号')))")"
done

pt_step "a figure is no number: 一.5 is not, nor 十一."
{
    proposal 8 '一是将补助提高到每公里1.5万元；二是十一.五规划的项目续建。'
} >"$W/figures.txt"
pt_import text "$W/figures.txt"
check_status "import figures.txt" 201
api GET "/v1/proposals?limit=10"
check_eq "two asks, split on 一是 二是 only" "将补助提高到每公里1.5万元|十一.五规划的项目续建" \
    "$(jv "'|'.join(next(p['recommendations'] for p in j['items'] if p['title'].startswith('关于加强8号')))")"

pt_step "a line that a narrow column wrapped before 2、3号线 goes on the ask before it"
{
    proposal 9 '' '1．加快推进地铁' '2、3号线延伸段建设，力争' '2027年建成通车；' '2．对一、二类地区给予补助，补助比例不低于' '3.5%；' '3．完善换乘枢纽。'
} >"$W/wrapped.txt"
pt_import text "$W/wrapped.txt"
check_status "import wrapped.txt" 201
api GET "/v1/proposals?limit=10"
check_eq "three asks, 2、3号线 inside the first" \
    "加快推进地铁2、3号线延伸段建设，力争2027年建成通车|对一、二类地区给予补助，补助比例不低于3.5%|完善换乘枢纽" \
    "$(jv "'|'.join(next(p['recommendations'] for p in j['items'] if p['title'].startswith('关于加强9号')))")"

pt_step "after a line that ended its sentence, 2、3年内 is ask 2 that begins with a figure"
{
    proposal 10 '' '1、2025年底前完成可行性研究；' '2、3年内建成公交快线网络；' '3、加大财政投入。'
} >"$W/figure-asks.txt"
pt_import text "$W/figure-asks.txt"
check_status "import figure-asks.txt" 201
api GET "/v1/proposals?limit=20"
check_eq "three asks without their numbers" \
    "2025年底前完成可行性研究|3年内建成公交快线网络|加大财政投入" \
    "$(jv "'|'.join(next(p['recommendations'] for p in j['items'] if p['title'].startswith('关于加强10号')))")"

pt_finish
