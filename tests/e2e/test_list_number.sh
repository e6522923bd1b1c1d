#!/usr/bin/env bash
# A unit's notice and a delegate's receipt name a proposal by its 编号:
# `number=` (list, stats, export; `--number` on the CLI) finds the proposals
# with that number, one per session, read as numbers are kept (full-width
# digits as ASCII, without the spaces around). A unit finds only its own;
# an empty number is refused as every empty filter is.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init
pt_serve_cli

ids() { jv '",".join(str(p["id"]) for p in j["items"])' "$OUT"; }

pt_step "number 1001 in two sessions, 1002 in one, and one without a number"
# add TITLE SESSION [NUMBER]: sets ID.
add() {
    pt_cli --json add --title "$1" --session "$2" ${3:+--number "$3"}
    check_rc "add $1" 0
    ID="$(jv 'j["id"]' "$OUT")"
}
add 关于四次会议一千零一号的建议 十四届人大四次会议 1001
A="$ID"
add 关于五次会议一千零一号的建议 十四届人大五次会议 1001
B="$ID"
add 关于一千零二号的建议 十四届人大五次会议 1002
C="$ID"
add 关于没有编号的建议 十四届人大五次会议
pt_cli do "$B" assign --unit 山西省水利厅
check_rc "assign B to 山西省水利厅" 0

pt_step "list --number"
pt_cli --json list --number 1001
check_rc "list --number 1001" 0
check_eq "both sessions' 1001" "$A,$B" "$(ids)"
pt_cli --json list --number 1001 --session 十四届人大五次会议
check_eq "with the session, the one" "$B" "$(ids)"
pt_cli --json list --number ' １００２ '
check_eq "full-width digits and spaces around are the number as kept" "$C" "$(ids)"
pt_cli --json list --number 9999
check_rc "a number no proposal has" 0
check_eq "finds none" "" "$(ids)"
pt_cli list --number 1001
check_contains "the table shows it" 关于五次会议一千零一号的建议 "$OUT"

pt_step "stats and export take it too"
pt_cli --json stats --number 1001
check_eq "stats count both" 2 "$(jv 'j["total"]' "$OUT")"
pt_cli export --format json --out - --quiet --number 1002
check_rc "export --number 1002" 0
check_eq "export holds the one" "[$C]" "$(jv '[p["id"] for p in j]' "$OUT")"

pt_step "a unit finds only its own"
TOKEN="$(pt_unit_token 水利厅联络员 山西省水利厅)"
req "tcp:$TOKEN" GET "/v1/proposals?number=1001"
check_status "a unit's list by number" 200
check_eq "only the one assigned to it" "$B" "$(jv '",".join(str(p["id"]) for p in j["items"])')"

pt_step "an empty number is refused"
api GET "/v1/proposals?number="
check_status "number= empty" 400
check_contains "naming it" "number: empty" "$BODY"

pt_stop
pt_finish
