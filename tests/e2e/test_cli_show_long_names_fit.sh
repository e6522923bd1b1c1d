#!/usr/bin/env bash
# `ptrack show` keeps within 100 columns whatever the names: a unit's name
# too long for its column wraps in it, on lines below its row, the other
# columns aligned and nothing of the name lost; so do a long field's value
# and a custom field's long name in the fields' table, and a long title
# under itself; tags too many for a line are listed below the table, a
# line breaking between two tags, as co-signers are, and a co-signer's
# name wider than a line is broken, one that fills a line is not, and no
# line starts with a separator; a person's long name wraps in the
# feedback's table as a unit's does in the units', but not beside a short
# comment when the row fits; a name with a 造字 (a private use character,
# two columns as the ideograph it is) keeps the columns after it in line;
# --width N fits the card to N columns instead, as list and history take
# one; and the card is the same on a terminal as in a file.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init
pt_serve_cli

UNIT=内蒙古自治区发展和改革委员会（自治区粮食和物资储备局）
OPINION=同意主办单位意见，建议加大中央财政转移支付力度，支持少数民族地区粮食储备设施建设。

PERSON=内蒙古自治区代表团鄂尔多斯市代表小组全体代表
pt_cli --json add --title 关于支持资源型地区经济转型发展的建议 --lead-author 张建国 \
    --co-signer "$PERSON"
ID="$(jv 'j["id"]' "$OUT")"
pt_cli do "$ID" 交办 --unit "$UNIT" --unit 财政部
pt_cli do "$ID" 签收 --unit "$UNIT"
pt_cli do "$ID" 签收 --unit 财政部
pt_cli do "$ID" 协办意见 --unit 财政部 --set 意见="$OPINION"
check_rc "the co unit's opinion" 0

# column HEADER ANCHOR: for the table on stdin (its first line a title,
# its second the header row), the cells under HEADER of each row, joined
# over the lines the row takes; a row starts on a line with a cell under
# ANCHOR, a column that does not wrap (tablecolumn.py).
column() { python3 "$PT_E2E_DIR/tablecolumn.py" --title "$1" "$2"; }

pt_step "a unit's name too long for its column"
pt_cli show "$ID"
check_rc "show" 0
pt_log "$OUT"
UNITS="$(block '承办单位 Units')"
W="$(widest <<<"$UNITS")"
check_true "the units fit 100 columns (widest line: $W)" test "$W" -le 100
# The table, without the opinions that follow it.
TABLE="$(sed '/的意见 opinion:$/,$d' <<<"$UNITS")"
check_eq "each unit's name is whole, wrapped in its column" "$(printf '%s\n财政部' "$UNIT")" \
    "$(column '单位 unit' '角色 role' <<<"$TABLE")"
check_eq "the roles stay on the units' rows" "$(printf '主办\n协办')" \
    "$(column '角色 role' '角色 role' <<<"$TABLE")"
check_contains "the long opinion follows the table whole" "$OPINION" \
    "$(printf '%s\n' "$OUT" | sed -n '/的意见 opinion:/,/^$/p' | tr -d ' \n')"

# fields N: the text of column N (0: the labels, 1: the values) of the
# fields' table on stdin, every line's joined, so that a value wrapped
# over lines reads whole; "not aligned" when a line has text across the
# two blanks before the values' column.
fields() {
    python3 -c '
import re, sys, unicodedata
def cols(s):
    # A private use character (Co), a 造字, is an ideograph.
    return sum(2 if unicodedata.east_asian_width(c) in "WF" or unicodedata.category(c) == "Co"
               else 1 for c in s)
lines = [l for l in sys.stdin.read().split("\n") if l.strip()]
# The values start where the first one does: after 状态 Status and blanks.
start = cols(re.match(r" *\S+(?: \S+)* +", lines[0]).group())
out, ok = ["", ""], True
for l in lines:
    i, w = 0, 0
    while i < len(l) and w < start:
        w += cols(l[i])
        i += 1
    if cols(l) > start and (w != start or l[i - 2:i].strip()):
        ok = False
    out[0] += l[:i].strip()
    out[1] += l[i:].strip()
print(out[int(sys.argv[1])] if ok else "not aligned")
' "$1"
}

pt_step "a long title, long values and a custom field's long name"
TITLE=关于支持内蒙古自治区建设国家重要能源和战略资源基地推动资源型地区经济高质量转型发展并加强生态环境保护与修复工作的建议
SUPERVISOR=全国人民代表大会常务委员会办公厅联络局（代表工作委员会办公室）
ASKS=请承办单位在答复前与领衔代表当面沟通，重点说明中央预算内投资安排、项目审批进度和资金到位情况，并抄送自治区人大常委会代表工作委员会。
CUSTOM=内蒙古自治区人民政府办公厅联系人及联系电话
PHONE="刘秘书 0471-6945678"
TAGS=(能源资源型地区转型发展 生态环境保护与修复治理 国家重要能源和战略资源基地建设 草原生态补奖)
GROUP=中国农工民主党内蒙古自治区委员会医药卫生工作委员会暨自治区政协医药卫生界别小组全体委员及特邀代表共十二人
pt_cli --json add --title "$TITLE" --delegation 内蒙古代表团 --lead-author 张建国 \
    --co-signer 李四 --co-signer "$GROUP" --co-signer 王五 \
    --tag "${TAGS[0]}" --tag "${TAGS[1]}" --tag "${TAGS[2]}" --tag "${TAGS[3]}" \
    --set key_supervision=true --set supervisor="$SUPERVISOR" \
    --set custom.办理要求="$ASKS" --set "custom.$CUSTOM=$PHONE"
check_rc "the proposal with long values" 0
ID2="$(jv 'j["id"]' "$OUT")"
pt_cli show "$ID2"
check_rc "show" 0
pt_log "$OUT"
W="$(widest <<<"$OUT")"
check_true "the card fits 100 columns (widest line: $W)" test "$W" -le 100
HEAD="$(printf '%s\n' "$OUT" | awk -v RS= 'NR == 1')"
check_eq "the title is whole, wrapped under itself" "#$ID2$TITLE" "$(tr -d ' \n' <<<"$HEAD")"
FIELDS="$(printf '%s\n' "$OUT" | awk -v RS= 'NR == 2')"
check_contains "the 督办 unit is whole, wrapped in the values' column" "督办：$SUPERVISOR" \
    "$(fields 1 <<<"$FIELDS")"
check_contains "the custom field's text is whole" "$ASKS" "$(fields 1 <<<"$FIELDS")"
check_contains "the custom field's short value is whole" "$PHONE" "$(fields 1 <<<"$FIELDS")"
check_contains "the custom field's long name is whole, wrapped in the labels' column" \
    "$CUSTOM(custom)" "$(fields 0 <<<"$FIELDS" | tr -d ' ')"
check_contains "the tags are counted in the table" "4 个，见下 (4, listed below)" "$FIELDS"
TAGLIST="$(block '标签 Tags')"
for tag in "${TAGS[@]}"; do
    check_true "the tag $tag is whole on a line of the list below" grep -qE "(^| )$tag(,|\$)" <<<"$TAGLIST"
done
check_eq "the list has every tag, in order" "$(IFS=,; echo "${TAGS[*]}")" \
    "$(sed 1d <<<"$TAGLIST" | tr -d ' \n')"
check_eq "the co-signers' list has every name, the long one whole" "李四、$GROUP、王五" \
    "$(block '联名 Co-signers' | sed 1d | tr -d ' \n')"

pt_step "a reason of 60 columns after a long action's name"
REASON=该事项属于地方事权范围，已转交自治区人民政府研究办理并答复。
pt_cli --json add --title 关于加强草原生态保护补助奖励政策落实的建议 --lead-author 张建国
ID3="$(jv 'j["id"]' "$OUT")"
pt_cli do "$ID3" 审查
pt_cli do "$ID3" 转为意见建议 --set 理由="$REASON"
check_rc "the conversion" 0
pt_cli show "$ID3"
check_rc "show" 0
pt_log "$OUT"
W="$(widest <<<"$OUT")"
check_true "the card fits 100 columns (widest line: $W)" test "$W" -le 100
FIELDS="$(printf '%s\n' "$OUT" | awk -v RS= 'NR == 2')"
check_contains "the reason is whole" "$REASON" "$(fields 1 <<<"$FIELDS")"

pt_step "a person's long name in the feedback"
pt_cli do "$ID" 答复 --unit "$UNIT" --set 文号=内发改函〔2026〕115号 --set 类别=B \
    --set 内容=已纳入全区资源型经济转型规划。
pt_cli do "$ID" 评价 --set 代表="$PERSON" --set 满意度=基本满意 --set 意见=答复基本回应了所提问题。
check_rc "the feedback" 0
pt_cli show "$ID"
check_rc "show" 0
pt_log "$OUT"
FEEDBACK="$(block '评价 Feedback')"
W="$(widest <<<"$FEEDBACK")"
check_true "the feedback fits 100 columns (widest line: $W)" test "$W" -le 100
check_eq "the person's name is whole, wrapped in its column" "$PERSON" \
    "$(column '评价人 person' '时间 at' <<<"$FEEDBACK")"
check_eq "the comment is whole on the row" 答复基本回应了所提问题。 \
    "$(column '意见 comment' '时间 at' <<<"$FEEDBACK")"

pt_step "a person's long name beside a short comment"
# The comment is kept what it needs of the line, not 20 columns whatever
# its width: this row fits 100 columns unwrapped, and the name is not
# wrapped.
pt_cli --json add --title 关于加快鄂尔多斯市农村牧区供水工程建设的建议 --lead-author 张建国 \
    --co-signer "$PERSON"
ID5="$(jv 'j["id"]' "$OUT")"
pt_cli do "$ID5" 交办 --unit 财政部
pt_cli do "$ID5" 签收 --unit 财政部
pt_cli do "$ID5" 答复 --unit 财政部 --set 文号=财函〔2026〕8号 --set 类别=A --set 内容=已安排专项资金。
pt_cli do "$ID5" 评价 --set 代表="$PERSON" --set 满意度=满意 --set 意见=很好
check_rc "the feedback" 0
pt_cli show "$ID5"
check_rc "show" 0
pt_log "$OUT"
FEEDBACK="$(block '评价 Feedback')"
W="$(widest <<<"$FEEDBACK")"
check_true "the feedback fits 100 columns (widest line: $W)" test "$W" -le 100
check_true "the person's name is whole on the row's line" grep -q "^  $PERSON  " <<<"$FEEDBACK"
check_eq "the table has its title, header and one line" 3 "$(grep -c . <<<"$FEEDBACK")"

pt_step "a 造字 in a person's and a unit's name"
# A rare character of a name that the office's GBK user-defined area or
# its input method put in the private use area (U+E000, U+E001), drawn
# by its font as an ideograph, two columns wide: the columns after it
# stay in line.
ZAOZI_PERSON="王$(printf '\xee\x80\x80')明"
ZAOZI_UNIT="省$(printf '\xee\x80\x81')山水利厅"
pt_cli --json add --title 关于加强山区小型水库除险加固的建议 --lead-author 张建国 \
    --co-signer "$ZAOZI_PERSON"
ID6="$(jv 'j["id"]' "$OUT")"
pt_cli do "$ID6" 交办 --unit "$ZAOZI_UNIT" --unit 财政部
pt_cli do "$ID6" 签收 --unit "$ZAOZI_UNIT"
pt_cli do "$ID6" 签收 --unit 财政部
pt_cli do "$ID6" 协办意见 --unit 财政部 --set 意见=同意。
pt_cli do "$ID6" 答复 --unit "$ZAOZI_UNIT" --set 文号=水函〔2026〕12号 --set 类别=A \
    --set 内容=已列入年度除险加固计划。
pt_cli do "$ID6" 评价 --set 代表="$ZAOZI_PERSON" --set 满意度=满意 --set 意见=很好
check_rc "the feedback of a person with a 造字" 0
pt_cli show "$ID6"
check_rc "show" 0
pt_log "$OUT"
UNITS="$(block '承办单位 Units')"
check_eq "the unit with a 造字 and its role, in line" "$(printf '%s\n财政部' "$ZAOZI_UNIT")" \
    "$(column '单位 unit' '角色 role' <<<"$UNITS")"
check_eq "... the roles in their column" "$(printf '主办\n协办')" \
    "$(column '角色 role' '角色 role' <<<"$UNITS")"
FEEDBACK="$(block '评价 Feedback')"
check_eq "the person with a 造字, in line" "$ZAOZI_PERSON" \
    "$(column '评价人 person' '时间 at' <<<"$FEEDBACK")"
check_eq "... the satisfaction in its column" "满意 satisfied" \
    "$(column '满意度 satisfaction' '时间 at' <<<"$FEEDBACK")"

pt_step "a name that fills a line in the lists below the table"
# A name of 78 columns fills a line of the lists by itself (80 columns,
# after an indent of 2): it is not broken, and the separator after it is
# left out rather than start the next line or pass the 80th column; a name
# that would pass it with its separator after another starts the next
# line, the separator with it; and after a name broken over lines the
# separator does not start a line either.
FILLS=内蒙古自治区鄂尔多斯市伊金霍洛旗人民代表大会常务委员会代表工作联络室的全体同志
FILLS2=内蒙古自治区鄂尔多斯市伊金霍洛旗人民代表大会常务委员会代表工作联络室的全体代表
LONGTAG=coal-to-chemicals-industry-transition-and-ecological-restoration-in-ordos-city
NEARTAG=coal-to-chemicals-industry-transition-and-ecological-restoration-of-the-mines
WIDETAG="$LONGTAG-$NEARTAG"
pt_cli --json add --title 关于支持鄂尔多斯市现代煤化工产业转型发展的建议 --lead-author 张建国 \
    --co-signer "$FILLS" --co-signer 李四 --co-signer 王五 --co-signer "$FILLS2" --co-signer 赵六 \
    --tag "$LONGTAG" --tag b --tag a --tag "$NEARTAG" --tag "$WIDETAG" --tag c
check_rc "the proposal with names that fill a line" 0
ID4="$(jv 'j["id"]' "$OUT")"
pt_cli show "$ID4"
check_rc "show" 0
pt_log "$OUT"
COSIGNERS="$(block '联名 Co-signers')"
check_eq "a co-signer of 78 columns is whole on a line, and no separator passes it" \
    "$(printf '联名 Co-signers\n  %s\n  李四、王五、\n  %s\n  赵六' "$FILLS" "$FILLS2")" "$COSIGNERS"
TAGLIST="$(block '标签 Tags')"
check_eq "no line of the tags starts with a separator" \
    "$(printf '标签 Tags\n  %s\n  b, a,\n  %s,\n  %s\n  %s\n  c' "$LONGTAG" "$NEARTAG" \
        "${WIDETAG:0:78}" "${WIDETAG:78}")" "$TAGLIST"
W="$(widest <<<"$COSIGNERS$TAGLIST")"
check_true "the lists fit 80 columns (widest line: $W)" test "$W" -le 80

pt_step "--width N: the card fits N columns instead of 100"
# (The feedback's table of a long person and satisfaction takes 85 columns
# at the least: narrower, it passes N as it would pass 100.)
pt_cli show "$ID"
W100="$(widest <<<"$OUT")"
check_true "at 100 the card takes more than 90 columns (widest line: $W100)" test "$W100" -gt 90
for n in 90 86; do
    pt_cli show "$ID" --width "$n"
    check_rc "show --width $n" 0
    W="$(widest <<<"$OUT")"
    check_true "the card fits $n columns (widest line: $W)" test "$W" -le "$n"
    TABLE="$(block '承办单位 Units' | sed '/的意见 opinion:$/,$d')"
    check_eq "each unit's name is whole, wrapped in its column ($n)" \
        "$(printf '%s\n财政部' "$UNIT")" "$(column '单位 unit' '角色 role' <<<"$TABLE")"
done
check_contains "the long opinion follows the table whole" "$OPINION" \
    "$(printf '%s\n' "$OUT" | sed -n '/的意见 opinion:/,/^$/p' | tr -d ' \n')"
pt_cli show "$ID" --width 160
check_rc "show --width 160" 0
check_true "a unit's name of 56 columns has its row's line (no wrap at 160)" \
    grep -q "^  $UNIT  *主办" <<<"$OUT"
pt_cli show "$ID" --width ８０
check_rc "a width typed in fullwidth digits" 0
pt_cli show "$ID" --width 4
check_rc "show --width 4, the least: every column at its least" 0
check_contains "and all of the card" "$OPINION" "$(tr -d ' \n' <<<"$OUT")"
for bad in 3 1001 abc ""; do
    pt_cli show "$ID" --width "$bad"
    check_rc "show --width '$bad'" 2
    check_contains "it says what --width takes" \
        "--width takes a number of columns from 4 to 1000, not \"$bad\"" "$ERR"
done
pt_cli show "$ID" --help
check_contains "show --help names --width" "--width N" "$OUT"
# Co-signers and tags short enough for their row wrap in the values'
# column at a narrow width, between two names, never inside one (杨 at a
# line's end and 帆 at the next one's start read as two people).
CO=(李秀英 张伟 刘洋 陈静 杨帆 赵磊 黄敏 周杰 吴刚 徐丽)
pt_cli --json add --title 关于加强农村寄宿制学校管理的建议 --lead-author 王建国 \
    $(printf -- '--co-signer %s ' "${CO[@]}") --tag 教育 --tag 农村 --tag 寄宿制
ID3="$(jv 'j["id"]' "$OUT")"
pt_cli show "$ID3" --width 40
check_rc "show --width 40" 0
# row LABEL NEXT SEP: the names on the lines of the row LABEL (up to the
# row NEXT), split on SEP, one a line.
row() {
    sed -n "/^  $1/,/^  $2/p" <<<"$OUT" | sed '$d' | sed "s/^  $1//" |
        python3 -c 'import sys; print("\n".join(n.strip() for l in sys.stdin for n in l.strip().split(sys.argv[1]) if n.strip()))' "$3"
}
check_eq "the co-signers break between two names" "$(printf '%s\n' "${CO[@]}")" \
    "$(row '联名 Co-signers' '提出方式' '、')"
check_eq "and the tags" "$(printf '教育\n农村\n寄宿制')" "$(row '标签 Tags' '办理方式' ',')"
W="$(sed -n '/^  联名/,/^  办理方式/p' <<<"$OUT" | widest)"
check_true "within 40 columns (widest line: $W)" test "$W" -le 40

pt_step "the same card when stdout is a terminal"
pt_cli show "$ID2"
pt_cli_tty show "$ID2"
check_eq "a terminal shows what a file gets" "$OUT" "$TTY"

pt_stop
pt_finish
