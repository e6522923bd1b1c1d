#!/usr/bin/env bash
# --status takes a state's label; a label that is no state (a typo, 办里中)
# is answered by ptrack itself, in the
# words a person types: exit 2, naming what was typed and every state as
# label and code, in list, stats and export alike, and nothing is sent;
# so is a word that is no state's code or English label (handlign), while
# a code or English label in another case (Handling) is taken.
# The states list --help names as those whose 期限 is empty are states.
# The message is one line for a script; on a terminal it wraps within 100
# columns (it took 319), breaking the list between states, never inside a
# label nor between a label and its code, and says all it says on one
# line.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init
pt_serve_cli

pt_cli add --title 关于状态筛选的建议
pt_cli do 1 交办 --unit 省交通运输厅
pt_cli do 1 签收 --unit 省交通运输厅

pt_step "labels that are states"
pt_cli list --status 办理中，重新办理
check_rc "list --status 办理中，重新办理" 0
check_contains "it lists the proposal" "关于状态筛选的建议" "$OUT"

pt_step "a label that is no state"
for cmd in list stats "export --format json --out $PT_TMP/x.json"; do
    # shellcheck disable=SC2086
    pt_cli $cmd --status 办里中
    check_rc "$cmd --status 办里中" 2
    check_contains "$cmd: it names what was typed" "--status \"办里中\" is not a state" "$ERR"
    check_contains "$cmd: and the states by label and code" \
        "已交办 assigned、退回 returned、办理中 handling" "$ERR"
done
check_true "the export wrote no file" test ! -e "$PT_TMP/x.json"
pt_cli list --status 办里中
check_eq "the message is one line" 1 "$(printf '%s\n' "$ERR" | wc -l)"
pt_cli_tty list --status 办里中
check_rc "list --status 办里中 on a terminal" 2
w="$(printf '%s\n' "$TTY" | widest)"
check_true "on a terminal it fits 100 columns (widest line: $w)" test "$w" -le 100
check_eq "and says what the line says" "$(tr -d ' \n' <<<"$ERR")" "$(tr -d ' \n' <<<"$TTY")"
api GET /v1/workflow
for label in $(jv '" ".join(s["label"]["zh"] for s in j["states"])'); do
    check_true "$label is whole on a line" grep -q -- "$label" <<<"$TTY"
done
# And with its code: the list broke between 已交办 and assigned.
while IFS= read -r pair; do
    check_true "$pair is on one line" grep -qF -- "$pair" <<<"$TTY"
done < <(jv '"\n".join(s["label"]["zh"] + " " + s["name"] for s in j["states"])')
pt_cli list --status '办理中 重新办理 办里中'
check_rc "labels split by blanks, as co-signers are, one of them no state" 2
check_contains "it names the one that is none" "--status \"办里中\" is not a state" "$ERR"

pt_step "a code or an English label in another case is a state; an unknown word is not"
pt_cli list --status Handling
check_rc "list --status Handling" 0
check_contains "it lists the proposal in handling" "关于状态筛选的建议" "$OUT"
pt_cli list --status 'UNDER REVIEW，已提出'
check_rc "list --status 'UNDER REVIEW，已提出' (an English label, in capitals)" 0
for cmd in list stats "export --format json --out $PT_TMP/x.json"; do
    # shellcheck disable=SC2086
    pt_cli $cmd --status handlign
    check_rc "$cmd --status handlign (no state's code)" 2
    check_contains "$cmd: it names what was typed" "--status \"handlign\" is not a state" "$ERR"
    check_contains "$cmd: and the states by label and code" \
        "已交办 assigned、退回 returned、办理中 handling" "$ERR"
done
check_true "the export wrote no file" test ! -e "$PT_TMP/x.json"

pt_step "the states list --help names are states"
# The help says which states leave 期限 empty; a person who types what it
# names into --status must find that state, one whose deadline does not run.
pt_cli list --help
NAMED="$(printf '%s\n' "$OUT" | tr '\n' ' ' | sed -n 's/.*not run, such as \([^)]*\)).*/\1/p' |
    sed 's/ or /，/g')"
check_true "list --help names states whose deadline does not run ($NAMED)" test -n "$NAMED"
pt_cli list --status "$NAMED"
check_rc "list --status $NAMED" 0
api GET /v1/workflow
check_eq "none of them has the clock" "[]" \
    "$(jv "[s['name'] for s in j['states'] if s['label']['zh'] in '$NAMED'.split('，') and s.get('clock')]")"

pt_stop
pt_finish
