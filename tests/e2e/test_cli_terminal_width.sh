#!/usr/bin/env bash
# On a terminal narrower than 100 columns, what ptrack prints for people
# fits the terminal: list's, history's and show's tables, the workflow's,
# the options' help and a message on stderr. It was drawn 100 columns wide
# whatever the window, and an 80-column terminal wrapped every long line
# into the next. A terminal of 100 columns or more, a pipe and a file get
# 100 columns, as before; a terminal narrower than 40 gets 40; --width
# still says.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init
pt_serve_cli

LONG="关于加快推进太行山区农村饮水安全巩固提升工程和乡村道路提档升级以促进山区群众增收致富的建议"
pt_cli add --title "$LONG" --delegation 山西代表团 --session 十四届五次 --number 第0001号 \
    --co-signer 王某某 --co-signer 李某某 --co-signer 赵某某 --co-signer 孙某某 \
    --background "$(printf '背景说明%.0s' $(seq 1 30))"
check_rc "a proposal with a long title" 0
ID="$(sed -n 's/^#\([0-9]*\) .*/\1/p' <<<"$OUT")"
pt_cli do "$ID" review --note "$(printf '请尽快审查并交办相关单位%.0s' $(seq 1 6))"
check_rc "submitted with a long note" 0

# on COLS CMD...: runs ptrack on a terminal COLS columns wide; TTY gets
# what it showed, W its widest line.
on() {
    pt_cli_cols "$@"
    W="$(printf '%s\n' "$TTY" | widest)"
}

pt_step "a terminal of 80 columns: every table fits it"
for cmd in "list" "show $ID" "workflow"; do
    # shellcheck disable=SC2086
    on 80 $cmd
    check_eq "$cmd: exit 0" 0 "$RC"
    check_true "$cmd: every line fits 80 columns (widest $W)" test "$W" -le 80
done
on 80 list
check_contains "... the title cut to fit, not dropped" "关于加快推进" "$TTY"
# The history's note would keep 20 columns beside the columns before it,
# which take 63 here: it goes below its row, on lines of its own under the
# time, and the table fits 80.
on 80 history "$ID"
check_eq "history: exit 0" 0 "$RC"
check_true "history: every line fits 80 columns (widest $W)" test "$W" -le 80
check_true "... the note on a line of its own, under the time" grep -q '^     请尽快审查并交办' <<<"$TTY"
on 80 add --help
OPTS="$(printf '%s\n' "$TTY" | grep '^  --' | widest)"
check_true "add --help: the options fit 80 columns (widest $OPTS)" test "$OPTS" -le 80

pt_step "a terminal of 60 columns: the card and the workflow fit it"
for cmd in "show $ID" "workflow"; do
    # shellcheck disable=SC2086
    on 60 $cmd
    check_eq "$cmd: exit 0" 0 "$RC"
    check_true "$cmd: every line fits 60 columns (widest $W)" test "$W" -le 60
done

pt_step "a message on stderr wraps at the terminal's width"
on 60 list --status "$(printf '没有这种状态%.0s' $(seq 1 8))"
check_true "a refusal: exit not 0" test "$RC" -ne 0
check_contains "... says what was wrong" "is not a state" "$TTY"
check_true "... every line fits 60 columns (widest $W)" test "$W" -le 60
check_true "... on more than one line" test "$(printf '%s\n' "$TTY" | grep -c .)" -gt 1

pt_step "a wide terminal, a pipe: 100 columns, as before"
on 160 list
WIDE="$W"
check_true "a terminal of 160 columns: the list wider than 60 ($WIDE)" test "$WIDE" -gt 60
check_true "... and no wider than 100" test "$WIDE" -le 100
pt_cli list
check_eq "a pipe: the list as on a wide terminal" "$WIDE" "$(printf '%s\n' "$OUT" | widest)"
pt_cli show "$ID"
SHOWN="$(printf '%s\n' "$OUT" | widest)"
check_true "a pipe: the card wider than 60 ($SHOWN)" test "$SHOWN" -gt 60

pt_step "a terminal of 20 columns: lines of 40"
on 20 list
check_eq "list: exit 0" 0 "$RC"
check_true "list: wider than 20, as at 40 ($W)" test "$W" -gt 20
on 40 list
AT40="$TTY"
on 20 list
check_eq "... the same list as at 40 columns" "$AT40" "$TTY"

pt_step "a terminal of 40 columns: watch keeps the title's start"
# The columns before the title take 62: the title was cut to its … alone;
# it keeps 16.
set +e
python3 "$PT_E2E_DIR/ptyrun.py" --cols 40 -- "$(command -v timeout)" --foreground 3 \
    "$PTRACK" --socket "$PT_SOCK" watch --after 0 >"$PT_TMP/cli.tty"
set -e
TTY="$(tr -d '\r' <"$PT_TMP/cli.tty")"
check_contains "watch: the event of the proposal" "新增 created" "$TTY"
check_contains "... and its title's start, cut with …" "关于加快推进太…" "$TTY"

pt_step "a terminal of 40 columns: do names the units awaited below its label"
UNITS=(山西省水利厅 山西省发展和改革委员会（省粮食和物资储备局、省能源局） 山西省住房和城乡建设厅
    山西省人力资源和社会保障厅 山西省商务厅)
pt_cli add --title 关于分办的建议
SEP="$(sed -n 's/^#\([0-9]*\) .*/\1/p' <<<"$OUT")"
pt_cli do "$SEP" 交办 --set mode=separate "${UNITS[@]/#/--unit=}"
check_rc "assigned to five units, separately" 0
pt_cli do "$SEP" 签收 --unit 山西省水利厅
on 40 do "$SEP" 答复 --unit 山西省水利厅 --set 答复文号=晋水函〔2026〕15号 --set 类别=A \
    --set 答复内容=已纳入规划
check_eq "a reply: exit 0" 0 "$RC"
NAMES="$(sed -n '/待答复单位 awaiting replies:/,$p' <<<"$TTY")"
check_true "the label and its names fit 40 columns" test "$(widest <<<"$NAMES")" -le 40
# Beside the label they had 7 columns: every name was broken into pieces.
check_true "a name that fits a line is whole on one" grep -qx ' *山西省人力资源和社会保障厅、' <<<"$NAMES"
check_true "... and so is another" grep -q '山西省住房和城乡建设厅、' <<<"$NAMES"

pt_step "a terminal of 80 columns: list's cursor line fits it"
on 80 list --limit 1 --sort -updated_at
check_eq "list --limit 1: exit 0" 0 "$RC"
check_contains "... names the cursor" "--cursor " "$TTY"
check_true "... every line fits 80 columns (widest $W)" test "$W" -le 80
pt_cli list --limit 1
check_contains "a pipe: the cursor on the line that says what to add" \
    "下一页用同样的条件和排序 (same filters and --sort) 加 --cursor " "$OUT"

pt_step "a terminal of 60 columns: token create's lines fit it"
on 60 token create --name 终端宽度测试 --role viewer
check_eq "token create: exit 0" 0 "$RC"
check_contains "... says the token is shown only now" "令牌只显示这一次" "$TTY"
check_true "... every line fits 60 columns (widest $W)" test "$W" -le 60

pt_step "--width says, whatever the terminal"
on 60 show "$ID" --width 90
check_true "show --width 90 on 60 columns: wider than 60 ($W)" test "$W" -gt 60
check_true "... within 90" test "$W" -le 90

pt_finish
