#!/usr/bin/env bash
# `ptrack do ID ACTION` takes an action by its code or Chinese label, or
# its code or English label in any case; an ACTION that is none of the
# workflow's (a typo, in letters or in Chinese) is a usage error, exit 2,
# that lists the actions as a person may type them, the same way for
# either, rather than ptrackd's 404 (未找到, exit 1) for one and a usage
# error for the other. `ptrack do ID` says that the ACTION is missing, and
# `ptrack do 签收 12` that the ID comes first; a rating typed as the
# action (`ptrack do 12 不满意`) is told the action that takes it. A
# label given when the workflow cannot be read (a revoked token, ptrackd
# not running) is answered with why it cannot be read (exit 1, exit 3),
# not as no action (exit 2).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init
pt_serve_cli

pt_cli --json add --title 关于加强农村饮水安全保障的建议
ID="$(jv 'j["id"]' "$OUT")"

pt_step "an action that is none of the workflow's"
for typo in sgin 签shou; do
    pt_cli do "$ID" "$typo" --unit 山西省水利厅
    check_rc "do $ID $typo" 2
    check_contains "it is named" "unknown action \"$typo\"" "$ERR"
    check_contains "the actions are listed by label and code" "交办 assign、签收 sign" "$ERR"
    check_eq "said once, on one line" 1 "$(printf '%s\n' "$ERR" | grep -c .)"
    check_true "not a refusal of ptrackd's" eval '! grep -q 未找到 <<<"$ERR"'
done
pt_cli --json show "$ID"
check_eq "nothing changed" "1 submitted" "$(jv 'str(j["version"]) + " " + j["status"]' "$OUT")"

pt_step "a code or an English label in another case"
pt_cli do "$ID" Assign --unit 山西省水利厅
check_rc "do $ID Assign" 0
pt_cli do "$ID" "SIGN FOR" --unit 山西省水利厅
check_rc "do $ID 'SIGN FOR' (the English label of sign)" 0
pt_cli --json show "$ID"
check_eq "both were done" "handling" "$(jv 'j["status"]' "$OUT")"

pt_step "no action at all"
pt_cli do "$ID"
check_rc "do $ID" 2
check_contains "the ACTION is missing" "missing ACTION" "$ERR"
check_true "not the ID, which was given" eval '! grep -q "missing ID" <<<"$ERR"'

pt_step "the ID and the ACTION the other way round"
pt_cli do 签收 "$ID" --unit 山西省水利厅
check_rc "do 签收 $ID" 2
check_contains "it says which comes first, in the order to type" \
    "the ID comes before the ACTION: ptrack do $ID 签收" "$ERR"
pt_cli do abc 签收
check_rc "do abc 签收" 2
check_contains "an id that is none is still called so" '"abc" is not a proposal id' "$ERR"

pt_step "a rating typed as the action"
pt_cli do "$ID" 不满意
check_rc "do $ID 不满意" 2
check_contains "it is told to give it to 评价" \
    "\"不满意\" is a rating, not an action: give it to the action 评价 (feedback) as ptrack do $ID 评价 --set satisfaction=不满意" \
    "$ERR"

pt_step "an action's label when the workflow cannot be read"
T="$(pt_unit_token 水利厅联络员 山西省水利厅)"
api DELETE "/v1/tokens/$(urlenc 水利厅联络员)"
check_status "the token is revoked" 204
pt_run "$PTRACK" --url "$PT_URL" --token "$T" do "$ID" 答复
check_rc "do $ID 答复 with a revoked token" 1
check_contains "the token is what is wrong" "the token is not valid" "$ERR"
check_true "答复 is not called no action" eval '! grep -q "is not an action" <<<"$ERR"'

pt_stop
pt_cli do "$ID" 签收 --unit 山西省水利厅
check_rc "do $ID 签收 with ptrackd stopped" 3
check_contains "ptrackd cannot be reached" "cannot connect to ptrackd" "$ERR"
check_true "签收 is not called no action" eval '! grep -q "is not an action" <<<"$ERR"'
pt_finish
