#!/usr/bin/env bash
# A unit or a delegate that ptrack do runs an action its role does not
# run (an extension, the office's; a delegate's sign) is told what it may
# do instead by the workflow's labels as well as by code, as a refused
# transition is: （可进行：答复 reply）, （可进行：补充答复 follow_up）, and
# when there is nothing it may do, （目前没有你可进行的操作）; a unit refused
# an extension is told to ask the office that assigned the proposal. A delegate
# that rates before the reply, or after its rating closed the proposal, is
# told that feedback is given in state replied (已答复). Exit 1.
set -u
. "$(dirname "$0")/lib.sh"
pt_init
pt_serve_cli

UNIT="$(pt_unit_token 人社厅联络员 省人力资源和社会保障厅)"
DELEGATE="$(pt_delegate_token 赵敏代表 赵敏)"
as_token() {
    local tok="$1"
    shift
    pt_run "$PTRACK" --url "$PT_URL" --token "$tok" "$@"
}

P="$(pt_assigned 关于推进职业教育产教融合的建议 single '[{"name": "省人力资源和社会保障厅"}]')"
api PATCH "/v1/proposals/$P" '{"lead_author": "赵敏"}'
[ "$ST" = 200 ] || pt_die "PATCH: HTTP $ST $BODY"
pt_act "$P" sign '{"unit": "省人力资源和社会保障厅"}'

pt_step "a unit asks for an extension, which is the office's"
as_token "$UNIT" do "$P" 延期 --set 期限=2099-01-01
check_rc "do $P 延期" 1
check_contains "it may reply, by label and code" "（可进行：答复 reply）" "$ERR"
check_contains "it is told to ask the office" \
    "(the deadline is extended by the office that assigned it: ask it, with the date and the reason)" \
    "$ERR"
as_token "$UNIT" do "$P" 督办 --set 重点督办=是
check_rc "do $P 督办" 1
check_true "another action of the office's has no such advice" \
    eval '! grep -q "the deadline is extended" <<<"$ERR"'

pt_step "a delegate tries to sign"
as_token "$DELEGATE" do "$P" 签收
check_rc "do $P 签收" 1
check_contains "there is nothing the delegate may do now, said in Chinese too" \
    "（目前没有你可进行的操作）" "$ERR"

pt_step "a delegate rates before the reply"
as_token "$DELEGATE" do "$P" 评价 --set 满意度=满意
check_rc "do $P 评价 while 办理中" 1
check_contains "it is told when feedback is given" \
    "a delegate gives feedback in state replied (已答复)" "$ERR"

pt_step "on a closed proposal, a unit is offered its supplementary reply"
pt_act "$P" reply "$(pt_reply_body 省人力资源和社会保障厅 人社函〔2026〕9号)"
pt_act "$P" feedback '{"person": "赵敏", "satisfaction": "satisfied"}'
as_token "$UNIT" do "$P" 评价 --set 满意度=满意
check_rc "the unit runs 评价" 1
check_contains "it is offered 补充答复" "（可进行：补充答复 follow_up）" "$ERR"
as_token "$DELEGATE" do "$P" 评价 --set 满意度=不满意
check_rc "the delegate rates again once closed" 1
check_contains "it is told when feedback is given" \
    "not allowed in state \"closed\" (办结): a delegate gives feedback in state replied (已答复)" "$ERR"

pt_stop
pt_finish
