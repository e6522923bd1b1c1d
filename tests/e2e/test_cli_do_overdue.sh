#!/usr/bin/env bash
# `ptrack do` prints the deadline with 逾期 once it has passed, as `list`
# marks it. With a 2 s reply window: a unit that signs for a proposal
# already late is told so (期限 due ... 逾期 overdue), and so is the office
# acting on it; a co unit whose opinion is given is not late in its own
# answer (its part is done: api.md, `overdue`); the deadline an extension
# sets is shown without 逾期, and a proposal in time shows the date alone.
set -u
. "$(dirname "$0")/lib.sh"
pt_init
pt_config '{"reply": "2s", "rehandle": "30d", "return": "10d", "max": "180d"}'
pt_start
pt_need_cli

api POST /v1/proposals '{"title": "关于加强城市内涝治理的建议", "lead_author": "陈明"}'
P="$(jv 'j["id"]')"
api POST /v1/proposals '{"title": "关于完善城乡居民医保的建议", "lead_author": "陈明"}'
Q="$(jv 'j["id"]')"
LEAD="$(pt_unit_token 住建厅联络员 省住房和城乡建设厅)"
CO="$(pt_unit_token 水利厅联络员 省水利厅)"

pt_step "in time: the date alone"
# The answer says whether the 2 s have passed when ptrackd makes it: on a
# machine loaded enough to take them over the assign, 逾期 is right, so
# "not late" is judged only of an assign that took less.
sent="$(date +%s%3N)"
pt_cli do "$Q" assign --unit 省住房和城乡建设厅
took=$(($(date +%s%3N) - sent))
check_rc "assign #$Q" 0
check_contains "the deadline is named" "期限 due" "$OUT"
if [ "$took" -lt 2000 ]; then
    check_true "not late: no 逾期" eval '! grep -q 逾期 <<<"$OUT"'
else
    pt_log "not judged: in time (the assign took $took ms, more than the 2 s window)"
fi

pt_step "signed for after the deadline passed"
pt_cli do "$P" assign --unit 省住房和城乡建设厅 --unit 省水利厅
check_rc "assign #$P" 0
sleep 2.3
pt_as_unit "$LEAD" do "$P" 签收
check_rc "the lead unit signs" 0
check_contains "it is told the proposal is late" "逾期 overdue" "$OUT"
pt_as_unit "$CO" do "$P" 签收
check_rc "the co unit signs" 0
check_contains "the co unit, whose opinion is missing, is late too" "逾期 overdue" "$OUT"
pt_as_unit "$CO" do "$P" 协办意见 --set 意见=同意主办单位意见
check_rc "the co unit gives its opinion" 0
check_true "its part done, it is not late in its answer: no 逾期" eval '! grep -q 逾期 <<<"$OUT"'
pt_cli do "$P" supervise --set key_supervision=true
check_rc "the office puts it under key supervision" 0
check_contains "the office sees the proposal late" "逾期 overdue" "$OUT"
pt_cli do "$P" extend --set due_at="$(date -d '+30 days' +%F)"
check_rc "the office extends it" 0
check_contains "the new deadline is named" "期限 due $(date -d '+30 days' +%F)" "$OUT"
check_true "and is not late" eval '! grep -q 逾期 <<<"$OUT"'

pt_stop
pt_finish
