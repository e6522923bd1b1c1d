#!/usr/bin/env bash
# In separate mode (分办) a unit's reply leaves the proposal 办理中 until
# every unit has answered; `ptrack do` says after such a reply which units
# are still awaited (待答复单位), as the history names them, so that the
# unit that answered sees its reply counted and who must act next. The
# last reply moves the proposal on and names none; a lead_co reply names
# none either.
set -u
. "$(dirname "$0")/lib.sh"
pt_init
pt_serve_cli

EDU="$(pt_unit_token 教育部联络员 教育部)"
P="$(pt_assigned 关于推进县域普通高中发展的建议 separate \
    '[{"name": "教育部"}, {"name": "人力资源社会保障部"}, {"name": "国家发展改革委"}]')"

pt_act "$P" sign '{"unit": "教育部"}'

pt_step "the first of three units answers"
pt_as_unit "$EDU" do "$P" 答复 --set 答复文号=教基函〔2026〕3号 --set 类别=A --set 答复内容=已纳入规划
check_rc "教育部 replies" 0
check_contains "the proposal stays 办理中" "办理中 handling" "$OUT"
check_contains "the two others are named as awaited" \
    "待答复单位 awaiting replies: 人力资源社会保障部、国家发展改革委" "$OUT"
pt_cli history "$P"
check_contains "as the history names them" "待答复单位: 人力资源社会保障部" "$OUT"

pt_step "the second, then the last"
pt_cli do "$P" reply --unit 人力资源社会保障部 --set doc_no=人社函〔2026〕3号 --set category=A \
    --set text=同意
check_contains "one is left" "待答复单位 awaiting replies: 国家发展改革委" "$OUT"
pt_cli do "$P" reply --unit 国家发展改革委 --set doc_no=发改函〔2026〕3号 --set category=A \
    --set text=同意
check_contains "the last reply moves it on" "已答复 replied" "$OUT"
check_true "and names no unit as awaited" eval '! grep -q 待答复单位 <<<"$OUT"'

pt_step "lead_co: the lead unit's reply awaits no one"
Q="$(pt_assigned 关于加强农村公路养护的建议 single '[{"name": "交通运输部"}]')"
pt_act "$Q" sign '{"unit": "交通运输部"}'
pt_cli do "$Q" reply --unit 交通运输部 --set doc_no=交公路函〔2026〕88号 --set category=A --set text=好
check_rc "交通运输部 replies" 0
check_true "no unit is named as awaited" eval '! grep -q 待答复单位 <<<"$OUT"'

pt_stop
pt_finish
