#!/usr/bin/env bash
# On an 80-column terminal, the most common, every table fits, with long
# Chinese names, comments and notes, and nothing that is typed or copied
# is cut: show's feedback (a comment kept 20 columns beside the others: 85
# columns) puts the comment below its row; history (a note kept 20: 87)
# puts the note below its row, every unit's name whole; a unit's list (its
# part and the due date: 91) puts the title below its row, whole; watch
# (an actor cut to 16 past the edge: 83) puts a long actor, whole, on a
# line of its own; and --help below 47 columns (each option's help kept
# 20 columns and a list of values split mid-word) puts an option's help on
# the line below it. At 60 columns show and the list fit too, the time
# going onto two lines in show. A pipe gets them as before.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init
pt_serve_cli

UNIT=内蒙古自治区发展和改革委员会（自治区粮食和物资储备局）
UNIT2=内蒙古自治区财政厅
TITLE=关于支持资源型地区经济转型发展和生态环境保护修复治理的建议
ACTOR=内蒙古自治区发展和改革委员会驻京联络处收文员
NOTE="请${UNIT}会同${UNIT2}认真研究办理，按期答复代表并抄送代表工作委员会"
OPINION=同意主办单位意见，建议加大中央财政转移支付力度，支持少数民族地区粮食储备设施建设。
COMMENT=答复基本回应了所提问题，但对农村供水工程建成后的长效管护机制、管护经费来源以及专业管护队伍建设等方面的具体措施说明不够，希望在今后工作中进一步细化落实。

pt_cli --json add --title "$TITLE" --lead-author 张建国 --delegation 内蒙古代表团 --number 第0123号
ID="$(jv 'j["id"]' "$OUT")"
pt_cli do "$ID" 交办 --unit "$UNIT" --unit "$UNIT2" --note "$NOTE"
check_rc "assigned to two units with a long note" 0
pt_cli do "$ID" 签收 --unit "$UNIT2"
pt_cli do "$ID" 协办意见 --unit "$UNIT2" --set 意见="$OPINION"
check_rc "the co unit's opinion" 0
TOKEN="$(pt_unit_token "$ACTOR" "$UNIT")"
pt_as_unit "$TOKEN" do "$ID" 签收
check_rc "signed by a unit's token with a long name" 0
pt_cli do "$ID" 答复 --unit "$UNIT" --set 文号=内发改函〔2026〕158号 --set 类别=B \
    --set 内容=已列入全区规划，逐年推进。
check_rc "the reply" 0
pt_cli do "$ID" 评价 --set 代表=张建国 --set 满意度=基本满意 --set 意见="$COMMENT"
check_rc "the delegate's feedback" 0
pt_cli --json add --title 关于加强草原生态保护的建议 --delegation 内蒙古代表团 --number 1003
OPEN="$(jv 'j["id"]' "$OUT")"
pt_cli do "$OPEN" 交办 --unit "$UNIT2" --unit "$UNIT"
check_rc "a proposal of the unit's still open, with a deadline" 0

# on COLS CMD...: ptrack on a terminal COLS columns wide; TTY gets what it
# showed, W its widest line.
on() {
    pt_cli_cols "$@"
    W="$(printf '%s\n' "$TTY" | widest)"
}
# words: the text on stdin one word a line: every run of ASCII (a word, a
# list of values) and every Chinese character.
words() {
    python3 -c '
import re, sys
print("\n".join(re.findall(r"[!-~]+|[^\x00-\x7f\s]", sys.stdin.read())))'
}
# joined: the lines on stdin joined, without their blanks.
joined() { tr -d ' \n'; }

pt_step "show: the comment below its row"
for cols in 80 60; do
    on "$cols" show "$ID"
    check_eq "show at $cols columns: exit 0" 0 "$RC"
    pt_log "$TTY"
    FEEDBACK="$(printf '%s\n' "$TTY" | sed -n '/^评价 Feedback$/,/^$/p')"
    check_true "the feedback fits $cols columns (widest $(widest <<<"$FEEDBACK"))" \
        test "$(widest <<<"$FEEDBACK")" -le "$cols"
    check_true "... its row: the person, the satisfaction, the time" \
        grep -q '^  张建国  *基本满意 basically_satisfied  *2026-' <<<"$FEEDBACK"
    check_contains "... the comment below it, every word" "$COMMENT" \
        "$(sed -n '/^    答复基本/,$p' <<<"$FEEDBACK" | joined)"
done

pt_step "history: the note below its row, every name whole"
on 80 history "$ID"
check_eq "history at 80 columns: exit 0" 0 "$RC"
pt_log "$TTY"
check_true "every line fits 80 columns (widest $W)" test "$W" -le 80
check_true "the note starts a line of its own, under the time" grep -q "^     请${UNIT}" <<<"$TTY"
check_contains "... the whole note, over its lines" "$NOTE" "$(joined <<<"$TTY")"
check_true "a unit's name whole on a line" grep -q "签收: $UNIT\$" <<<"$TTY"
# Beside the others, the note's 20 columns cut every unit's name.
check_true "no unit's name cut with … below the rows" \
    test -z "$(grep '^     .*内蒙古自治区发展和…' <<<"$TTY" || true)"

pt_step "a unit's list: the title below its row, whole"
on 80 list --unit "$UNIT"
check_eq "list --unit at 80 columns: exit 0" 0 "$RC"
pt_log "$TTY"
check_true "every line fits 80 columns (widest $W)" test "$W" -le 80
check_true "a row: id, 编号 whole, state, its part" \
    grep -q "^ *$OPEN  1003  *已交办  .*协办·未签收  *20[0-9-]*\$" <<<"$TTY"
check_true "the title whole on a line of its own, under the 编号" grep -qx "    $TITLE" <<<"$TTY"
on 60 list
check_eq "list at 60 columns: exit 0" 0 "$RC"
check_true "the list fits 60 columns (widest $W)" test "$W" -le 60
check_true "... the 编号 whole" grep -q "^ *$ID  第0123号  " <<<"$TTY"
check_contains "... the title whole" "$TITLE" "$(joined <<<"$TTY")"

pt_step "watch: a long actor whole on a line of its own"
set +e
python3 "$PT_E2E_DIR/ptyrun.py" --cols 80 -- "$(command -v timeout)" --foreground 3 \
    "$PTRACK" --socket "$PT_SOCK" watch --after 0 >"$PT_TMP/cli.tty"
set -e
TTY="$(tr -d '\r' <"$PT_TMP/cli.tty")"
pt_log "$TTY"
W="$(printf '%s\n' "$TTY" | widest)"
check_true "every line fits 80 columns (widest $W)" test "$W" -le 80
check_true "the token's name whole, on a line of its own" grep -qx " *$ACTOR" <<<"$TTY"
check_true "a short actor ends the second line as before" \
    grep -q '^  *已提出→已交办  *交办 assign  *root$' <<<"$TTY"

pt_step "--help: an option's help below it on a narrow terminal"
for c in add list; do
    pt_run "$PTRACK" $c --help
    PIPED="$OUT"
    for cols in 47 44 40; do
        set +e
        python3 "$PT_E2E_DIR/ptyrun.py" --cols "$cols" -- "$PTRACK" $c --help >"$PT_TMP/help.tty"
        set -e
        TTY="$(tr -d '\r' <"$PT_TMP/help.tty")"
        OPTS="$(printf '%s\n' "$TTY" | sed -n '/^Options:$/,/^$/p')"
        check_true "$c --help at $cols: the options fit (widest $(widest <<<"$OPTS"))" \
            test "$(widest <<<"$OPTS")" -le "$cols"
        check_true "... an option alone on its line" grep -qx '  --limit N\|  --kind KIND' <<<"$OPTS"
        check_eq "... every word of their help, none split" \
            "$(sed -n '/^Options:$/,/^$/p' <<<"$PIPED" | words)" "$(words <<<"$OPTS")"
    done
done
on 40 add --help
check_true "a list of values whole" grep -q 'suggestion|motion|proposal|other,' <<<"$TTY"

pt_step "a pipe: as before"
pt_cli list --unit "$UNIT"
check_true "the list keeps its title column" grep -q '^id  编号  *状态  *标题  ' <<<"$OUT"
pt_cli history "$ID"
check_true "the history keeps its note column" grep -q '备注 note$' <<<"$OUT"
pt_cli show "$ID"
check_true "show keeps the comment's column" grep -q '时间 at  *意见 comment$' <<<"$OUT"
pt_run "$PTRACK" add --help
check_true "add --help: an option's help beside it" grep -q '^  --kind KIND  *suggestion' <<<"$OUT"

pt_finish
