#!/usr/bin/env bash
# An action whose unit acts, sent without its unit, is refused naming the
# proposal's units, and feedback without its person naming who may rate,
# as a wrong unit or person is: `ptrack do 12 签收` alone said only
# "unit: required", and `do 12 评价 --set 满意度=满意` "person: required",
# leaving the clerk to find out which units the proposal has.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init
pt_serve_cli

api POST /v1/proposals '{"title": "关于加强农村饮水安全的建议", "lead_author": "李国华", "co_signers": ["王秀英"]}'
ID="$(jv 'j["id"]')"
api POST "/v1/proposals/$ID/actions/assign" \
    '{"mode": "lead_co", "units": [{"name": "民政部", "role": "lead"}, {"name": "财政部", "role": "co"}]}'
check_status "assigned" 200

pt_step "a unit left out"
api POST "/v1/proposals/$ID/actions/sign" '{}'
check_error "sign without a unit" 422 validation_failed
check_eq "the refusal names the proposal's units" \
    "required: the unit that acts, one of the proposal's (assigned: 民政部, 财政部)" \
    "$(jv 'j["error"]["fields"][0]["message"]')"
pt_cli do "$ID" 签收
check_rc "ptrack do ID 签收 without --unit" 1
check_contains "ptrack says which units may" "unit: required: the unit that acts, one of the proposal's (assigned: 民政部, 财政部)" "$ERR"

pt_step "a person left out"
pt_cli do "$ID" sign --unit 民政部
pt_cli do "$ID" opinion --unit 财政部 --set opinion=同意
pt_cli do "$ID" reply --unit 民政部 --set doc_no=民函〔2026〕1号 --set category=A --set text=已办理
check_rc "replied" 0
api POST "/v1/proposals/$ID/actions/feedback" '{"satisfaction": "satisfied"}'
check_error "feedback without a person" 422 validation_failed
check_eq "the refusal names who may rate" \
    "required: the delegate who rates, the lead author or a co-signer (李国华, 王秀英)" \
    "$(jv 'j["error"]["fields"][0]["message"]')"
pt_cli do "$ID" 评价 --set 满意度=满意
check_rc "ptrack do ID 评价 without a person" 1
check_contains "ptrack says who may rate" "(李国华, 王秀英)" "$ERR"
api GET "/v1/proposals/$ID"
check_eq "nothing was rated" replied "$(jv 'j["status"]')"

pt_step "a proposal of no unit and no delegate: required alone"
api POST /v1/proposals '{"title": "关于完善农村养老服务的建议"}'
BARE="$(jv 'j["id"]')"
api POST "/v1/proposals/$BARE/actions/withdraw" '{}'
check_eq "a reason left out is required" "required" "$(jv 'j["error"]["fields"][0]["message"]')"

pt_stop
pt_finish
