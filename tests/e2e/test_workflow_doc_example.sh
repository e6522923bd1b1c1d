#!/usr/bin/env bash
# The example workflow of docs/workflow.md ("An example", a county office
# that calls signing accept) is taken from the page as it stands and run:
# ptrackd starts with it, and a proposal that ptrack assigns to a lead and
# a co unit goes the whole way through it with the CLI: accept, the co
# unit's opinion, the lead unit's reply (which the co_opinions guard holds
# back until then), unsatisfied feedback into rehandling, and a second
# reply. An office copying the example gets a workflow that works.
set -u
. "$(dirname "$0")/lib.sh"
pt_init

python3 - "$PT_SOURCE_DIR/docs/workflow.md" "$PT_TMP/county.json" <<'PY'
import sys
text = open(sys.argv[1], encoding="utf-8").read()
start = text.index("```json", text.index("## An example")) + len("```json")
open(sys.argv[2], "w", encoding="utf-8").write(text[start:text.index("```", start)])
PY
pt_config '{}' ', "workflow": "'"$PT_TMP/county.json"'"'
pt_start
pt_need_cli

pt_step "the example loads"
check_contains "ptrackd runs the example's workflow" "workflow county" "$(cat "$PT_TMP/ptrackd.log")"

pt_step "a lead and a co unit through the example's course"
pt_cli add --title 关于县城集中供暖改造的建议 --lead-author 刘代表
check_rc "add" 0
ID="$(printf '%s\n' "$OUT" | sed -n 's/^#\([0-9]*\) .*/\1/p')"
pt_cli do "$ID" 交办 --unit 县住建局 --unit 县财政局
check_rc "交办 to a lead and a co unit" 0
pt_cli do "$ID" 签收 --unit 县住建局
check_rc "签收 (accept) by the lead unit" 0
pt_cli do "$ID" 答复 --unit 县住建局 --set 文号=县住函〔2026〕1号 --set 类别=A --set 内容=已纳入计划
check_rc "答复 before the co unit's opinion is refused" 1
check_contains "naming the unit still to give it" "县财政局" "$ERR"
pt_cli do "$ID" 协办意见 --unit 县财政局 --set 意见=同意主办单位意见
check_rc "协办意见 by the co unit" 0
pt_cli do "$ID" 答复 --unit 县住建局 --set 文号=县住函〔2026〕1号 --set 类别=A --set 内容=已纳入计划
check_rc "答复 after it" 0
check_contains "replied" "已答复 replied" "$OUT"
pt_cli do "$ID" 评价 --set 代表=刘代表 --set 满意度=不满意
check_rc "不满意" 0
check_contains "into rehandling" "重新办理 rehandling" "$OUT"
pt_cli do "$ID" 答复 --unit 县住建局 --set 文号=县住函〔2026〕9号 --set 类别=B --set 内容=再次答复
check_rc "a second reply in rehandling" 0
pt_cli do "$ID" 评价 --set 代表=刘代表 --set 满意度=满意
check_rc "满意" 0
check_contains "closed" "办结 closed" "$OUT"

pt_finish
