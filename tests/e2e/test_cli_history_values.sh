#!/usr/bin/env bash
# `ptrack history` shows what an entry changed by value (the reason of a
# return, the unit that returned, a new deadline, key supervision), lists by
# what changed in them (units assigned, signed, giving an opinion; replies,
# ratings, tags, co-signers, custom fields), and wraps what does not fit the
# note column onto lines below it, however narrow the column (--width 4 and
# up); `ptrack show` tells why a proposal is in its state (the
# reason of the return or withdrawal that brought it there) and says when
# its deadline does not run there.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init
pt_config
pt_start
pt_need_cli

# out_widest: the widest line of $OUT (widest).
out_widest() { printf '%s\n' "$OUT" | widest; }

pt_step "return: the unit and the reason in history and show"
pt_cli --json add --title 关于加快农村公路建设的建议
ID="$(jv 'j["id"]' "$OUT")"
pt_cli do "$ID" assign --unit 省交通运输厅 --unit 省财政厅 --note 请抓紧办理
check_rc "assign" 0
pt_cli do "$ID" return --unit 省交通运输厅 --set reason=我厅仅为协办
check_rc "return with a reason" 0
pt_cli history "$ID"
check_rc "history" 0
check_contains "history shows the reason of the return" "原因: 我厅仅为协办" "$OUT"
check_contains "history shows the unit that returned it" "退回单位: 省交通运输厅" "$OUT"
check_contains "history names the units an assign gave, with their roles" \
    "承办单位: 省交通运输厅(主办)、省财政厅(协办)" "$("$PTRACK" --socket "$PT_SOCK" history "$ID" --width 80)"
check_contains "history shows the note first" "请抓紧办理; 办理方式: 主办+协办" "$OUT"
pt_cli show "$ID"
check_contains "show tells the reason of the return" "原因 Reason" "$OUT"
check_contains "show names the action and the reason" "退回 return：我厅仅为协办" "$OUT"
check_contains "show names the unit that returned it" "退回单位 Returned by" "$OUT"
check_contains "show says the deadline does not run while it is returned" "（退回，不计时 not running）" \
    "$(printf '%s\n' "$OUT" | grep '期限 Due')"

pt_step "a new deadline, key supervision"
pt_cli do "$ID" reassign --unit 省交通运输厅
pt_cli do "$ID" sign --unit 省交通运输厅
DUE="$(python3 -c 'import datetime; print(datetime.date.today() + datetime.timedelta(days=120))')"
TZ=Asia/Shanghai pt_cli do "$ID" extend --set "due_at=$DUE"
check_rc "extend" 0
pt_cli do "$ID" supervise --set key_supervision=true --set supervisor=常委会办公厅
check_rc "supervise" 0
TZ=Asia/Shanghai pt_cli show "$ID"
check_eq "show: a deadline that runs is shown as it is" "期限 Due $DUE 23:59" \
    "$(printf '%s\n' "$OUT" | grep '期限 Due' | tr -s ' ' | sed 's/^ //')"
TZ=Asia/Shanghai pt_cli history "$ID" --width 40
check_contains "history shows the new deadline in local time" "期限: $DUE 23:59" "$OUT"
check_contains "history shows key supervision and the supervisor" "重点督办: 是; 督办人: 常委会办公厅" "$OUT"

pt_step "what changed in the units, a reply, a rating, tags, co-signers, custom"
pt_cli --json add --title 关于完善城市公交线网的建议 --lead-author 郭强 --co-signer 李明、王芳 --tag 交通
L="$(jv 'j["id"]' "$OUT")"
pt_cli do "$L" assign --unit 省交通运输厅 --unit 省财政厅
pt_cli do "$L" return --unit 省财政厅 --set reason=非本单位职责
pt_cli do "$L" reassign --unit 省住建厅:lead --unit 省交通运输厅:co
check_rc "reassign" 0
pt_cli do "$L" sign --unit 省住建厅
pt_cli do "$L" sign --unit 省交通运输厅
pt_cli do "$L" opinion --unit 省交通运输厅 --set opinion=同意主办单位意见
pt_cli do "$L" reply --unit 省住建厅 --set doc_no=晋建函〔2026〕3号 --set category=B --set text=正在研究
check_rc "reply" 0
pt_cli do "$L" feedback --set 代表=郭强 --set 满意度=不满意 --set comment=答复空泛
check_rc "feedback" 0
pt_cli edit "$L" --set 'tags=["公交","民生"]' --set custom.联系人=张三
pt_cli edit "$L" --co-signer 李明 --co-signer 赵六
check_rc "edits" 0
pt_cli history "$L" --width 300
check_rc "history" 0
row() { printf '%s\n' "$OUT" | grep -E "^ *$1 "; }
check_contains "a reassign names the unit added" "增加承办单位: 省住建厅(主办)" "$(row 4)"
check_contains "... the unit taken out" "去掉承办单位: 省财政厅" "$(row 4)"
check_contains "... and a role that changed" "省交通运输厅: 主办→协办" "$(row 4)"
check_contains "a signature names its unit" "签收: 省住建厅" "$(row 5)"
check_true "... and only it" bash -c '! grep -q 省交通运输厅 <<<"$1"' _ "$(row 5)"
check_contains "an opinion, its unit and its text" "协办意见: 省交通运输厅: 同意主办单位意见" "$(row 7)"
check_contains "a reply, its kind, unit, number and category" \
    "首次答复: 省住建厅 晋建函〔2026〕3号 B类" "$(row 8)"
check_contains "a rating, who gave it, how and why" "评价: 郭强 不满意: 答复空泛" "$(row 9)"
check_contains "tags added" "标签 增加: 公交、民生" "$(row 10)"
check_contains "... and taken out" "标签 去掉: 交通" "$(row 10)"
check_contains "a custom field by its key" "自定义.联系人: 张三" "$(row 10)"
check_contains "co-signers added" "联名 增加: 赵六" "$(row 11)"
check_contains "... and taken out" "联名 去掉: 王芳" "$(row 11)"
check_true "no list is only named in brackets" bash -c '! grep -q "\[" <<<"$1"' _ "$OUT"

pt_step "a long reason wraps under the note column"
LONG="代表要求撤回，因为该问题已经在另一件建议中提出，并由省交通运输厅统一答复，不必重复办理，请予撤回并在台账中注明。"
pt_cli do "$ID" withdraw --set "reason=$LONG"
check_rc "withdraw with a long reason" 0
pt_cli history "$ID" --width 30
check_rc "history --width 30" 0
head_w="$(printf '%s\n' "$OUT" | head -n1 | python3 -c '
import sys, unicodedata
l = sys.stdin.read().rstrip("\n")
print(sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in l) - len("备注 note") - 1)')"
check_true "no line is wider than the note column allows ($(out_widest) <= $((head_w + 30)))" \
    test "$(out_widest)" -le "$((head_w + 30))"
check_contains "the reason's start is on the entry's line" "原因: 代表要求撤回，因为该" "$OUT"
check_contains "the withdraw's entry takes three lines" "撤回 withdraw" "$(printf '%s\n' "$OUT" | tail -n 3 | head -n 1)"
check_true "the third is cut with …" test "$(printf '%s\n' "$OUT" | tail -n 1 | tail -c 4)" = "…"
pt_cli show "$ID"
check_contains "show prints a long reason whole below the table" "请予撤回并在台账中注明。" "$OUT"

pt_step "a narrow note column (--width 4 to 9) wraps at its width and loses nothing but the end"
# The lines of the note column of the last entry, one a line: what stands
# right of the header's "备注 note", in terminal columns.
note_lines() {
    printf '%s\n' "$OUT" | python3 -c '
import sys, unicodedata
def cols(s):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
lines = sys.stdin.read().rstrip("\n").split("\n")
at = cols(lines[0][:lines[0].index("备注 note")])
last = max(i for i, l in enumerate(lines) if l.lstrip()[:1].isdigit())
for l in lines[last:]:
    w = 0
    for i, c in enumerate(l):
        if w >= at:
            print(l[i:])
            break
        w += cols(c)'
}
# A column at least as wide as each line, and lines that, put together,
# are the text (or its start, where the third line is cut with …).
narrow_ok() {
    local width="$1" text="$2" got
    got="$(note_lines)"
    [ -n "$got" ] || return 1
    printf '%s\n' "$got" | python3 -c '
import sys, unicodedata
width, text = int(sys.argv[1]), sys.argv[2].replace(" ", "")
lines = sys.stdin.read().rstrip("\n").split("\n")
cols = lambda s: sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
if any(cols(l) > width for l in lines):
    sys.exit(1)
got = "".join(lines).replace(" ", "")
sys.exit(0 if got == text or (got.endswith("…") and text.startswith(got[:-1])) else 1)' "$width" "$text"
}
pt_cli --json add --title 关于窄列的建议
N="$(jv 'j["id"]' "$OUT")"
pt_cli edit "$N" --set title=关于加强农村饮水安全保障的建议
for w in 4 5 6 7 8 9; do
    pt_cli history "$N" --width "$w"
    check_rc "history --width $w" 0
    check_true "--width $w: lines of at most $w columns, nothing left out before the …" \
        narrow_ok "$w" "标题: 关于加强农村饮水安全保障的建议"
done
pt_cli edit "$N" --set title=饮水安全
pt_cli history "$N" --width 8
check_true "--width 8: a title that fits three lines is shown whole" narrow_ok 8 "标题: 饮水安全"
check_eq "on two lines" "标题: 饮
水安全" "$(note_lines)"
pt_cli history "$N" --width 3
check_rc "--width 3" 2
check_contains "names the narrowest column" "from 4 to 1000" "$ERR"

pt_finish
