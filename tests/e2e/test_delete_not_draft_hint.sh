#!/usr/bin/env bash
# A delete of a proposal that is not a draft is refused with 409
# invalid_transition, and the refusal points to a withdrawal only where one
# can be made: a submitted proposal, or one in handling that no unit has
# answered, is withdrawn instead; a closed or withdrawn one has ended, and
# one a unit has replied to (in rehandling, or a separate-mode one that
# waits for its other units) cannot be withdrawn either (docs/api.md,
# DELETE /v1/proposals/{id}; the withdraw effect of docs/workflow.md).
set -u
. "$(dirname "$0")/lib.sh"
pt_init
pt_config '{}'
pt_start

# refused ID: DELETE of ID, which must be 409 invalid_transition; sets MSG
# to the message.
MSG=""
refused() {
    api DELETE "/v1/proposals/$1"
    check_error "DELETE of #$1" 409 invalid_transition
    MSG="$(jv 'j["error"]["message"]')"
}
says_withdraw() { [[ "$1" == *"withdraw it instead"* ]]; }
not_withdraw() { ! says_withdraw "$1"; }

pt_step "a submitted proposal: withdraw it instead"
api POST /v1/proposals '{"title": "关于加强农村饮水安全保障的建议", "lead_author": "张代表"}'
S="$(jv 'j["id"]')"
refused "$S"
check_true "the refusal says to withdraw it ($MSG)" says_withdraw "$MSG"

pt_step "in handling, no unit has replied: withdraw it instead"
H="$(pt_assigned 关于改善农村道路的建议 single '[{"name": "交通厅"}]')"
pt_act "$H" sign '{"unit": "交通厅"}'
refused "$H"
check_true "the refusal says to withdraw it ($MSG)" says_withdraw "$MSG"

pt_step "separate mode, one unit has replied: no withdrawal"
P="$(pt_assigned 关于加快水利建设的建议 separate '[{"name": "水利厅"}, {"name": "财政厅"}]')"
pt_act "$P" sign '{"unit": "水利厅"}'
pt_act "$P" reply "$(pt_reply_body 水利厅 水函〔2026〕1号)"
check_eq "it waits in handling for 财政厅" handling "$(jv 'j["status"]')"
api POST "/v1/proposals/$P/actions/withdraw" '{"reason": "代表撤回"}'
check_error "a withdrawal is refused" 422 validation_failed
refused "$P"
check_true "the refusal does not say to withdraw it ($MSG)" not_withdraw "$MSG"
check_contains "it says a unit has replied" "a unit has replied to it" "$MSG"

pt_step "rehandling: no withdrawal"
pt_act "$P" reply "$(pt_reply_body 财政厅 财函〔2026〕1号)"
pt_act "$P" feedback '{"person": "张代表", "satisfaction": "unsatisfied"}'
check_eq "rehandling" rehandling "$(jv 'j["status"]')"
refused "$P"
check_true "the refusal does not say to withdraw it ($MSG)" not_withdraw "$MSG"
check_contains "it names the state" '"rehandling" (重新办理)' "$MSG"

pt_step "closed, and withdrawn: their course has ended"
pt_act "$P" reply "$(pt_reply_body 财政厅 财函〔2026〕2号)"
pt_act "$P" feedback '{"person": "张代表", "satisfaction": "satisfied"}'
check_eq "closed" closed "$(jv 'j["status"]')"
refused "$P"
check_true "closed: the refusal does not say to withdraw it ($MSG)" not_withdraw "$MSG"
check_contains "closed: its course has ended" "its course has ended" "$MSG"
pt_act "$S" withdraw '{"reason": "代表撤回"}'
refused "$S"
check_true "withdrawn: the refusal does not say to withdraw it ($MSG)" not_withdraw "$MSG"
check_contains "withdrawn: its course has ended" "its course has ended" "$MSG"

pt_step "nothing was deleted"
for id in "$S" "$H" "$P"; do
    api GET "/v1/proposals/$id"
    check_status "#$id is still there" 200
done

pt_finish
