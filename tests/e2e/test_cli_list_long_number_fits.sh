#!/usr/bin/env bash
# ptrack list keeps to its line of 100 columns (a Chinese character two)
# when a 编号 is long: a number of 36 characters took the table to 130
# columns, one of 36 Chinese characters past 160. The 编号 is cut with …
# past 16 columns, by display width, and when the title is at its least
# (20 columns) the 编号, the delegation and the units give up columns too,
# so that the line keeps its width; ptrack show has each whole. --width
# sets the title's own width, and the line follows it, as before.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init
# A reply window of 2 s: the deadlines pass, so that rows carry 逾期.
pt_serve_cli '{"reply": "2s"}'

# fits WHAT: the last output ($OUT) is at most 100 columns wide.
fits() {
    local w
    w="$(printf '%s\n' "$OUT" | widest)"
    check_true "$1 fits 100 columns (widest line: $w)" test "$w" -le 100
}

LONG_ASCII=2026-SXRD-00000000000000000000001001 # 36 characters
LONG_ZH=十四届全国人大四次会议山西代表团第一千零一号建议关于农村饮水安全保障工作 # 36 characters
check_eq "the numbers have 36 characters" "36 36" \
    "$(python3 -c 'import sys; print(len(sys.argv[1]), len(sys.argv[2]))' "$LONG_ASCII" "$LONG_ZH")"

add() { # add NUMBER TITLE DELEGATION UNITS...: sets ID
    local number="$1" title="$2" delegation="$3"
    shift 3
    pt_cli --json add --title "$title" --number "$number" --delegation "$delegation"
    ID="$(jv 'j["id"]' "$OUT")"
    local args=() u
    for u in "$@"; do args+=(--unit "$u"); done
    [ $# -eq 0 ] || pt_cli do "$ID" 交办 "${args[@]}"
}

pt_step "long numbers beside long names, deadlines passed"
add "$LONG_ASCII" 关于加强农村饮水安全保障的建议 新疆维吾尔自治区代表团 \
    国家发展和改革委员会 国家能源局 自然资源部
A="$ID"
add "$LONG_ZH" 关于支持资源型地区经济转型发展推动煤炭产业高质量发展的建议 广西壮族自治区代表团 \
    国家发展和改革委员会 山西省水利厅
B="$ID"
add 1003 关于加快农村公路提档升级的建议 山西代表团 国家发展和改革委员会
sleep 3 # the deadlines pass

pt_cli list
check_rc "list" 0
check_contains "a deadline passed shows 逾期" 逾期 "$OUT"
fits "the list"
check_contains "the ASCII number is cut to 16 columns, with …" "2026-SXRD-00000…" "$OUT"
check_true "the Chinese one is cut by width, with … (no half character)" \
    grep -q ' 十四届全国人大…  ' <<<"$OUT"
check_contains "a short number is whole" " 1003 " "$OUT"
check_true "the titles keep at least 20 columns" grep -q '关于支持资源型地区经.*…' <<<"$OUT"

pt_step "a page with more after it"
pt_cli list --limit 1 --sort -due_at
check_rc "list --limit 1" 0
check_contains "its last line gives the cursor" "--cursor " "$OUT"
fits "the page and the line of the cursor below it"

pt_step "a unit's list has one column more"
UNIT_TOKEN="$(pt_unit_token 发改委收文 国家发展和改革委员会)"
pt_run "$PTRACK" --url "$PT_URL" --token "$UNIT_TOKEN" list
check_rc "the unit's list" 0
check_contains "it has its part" 本单位 "$OUT"
fits "the unit's list"
check_contains "the unit's part is whole" 主办·未签收 "$OUT"

pt_step "ptrack show has the number whole"
pt_cli show "$A"
check_contains "the ASCII number" "$LONG_ASCII" "$OUT"
pt_cli show "$B"
check_contains "the Chinese number" "$LONG_ZH" "$OUT"
pt_cli --json list
check_eq "--json has the numbers whole" "$LONG_ASCII $LONG_ZH" \
    "$(jv '" ".join(p["number"] for p in j["items"][:2])' "$OUT")"

pt_step "--width: the title as asked"
pt_cli list --width 60
check_rc "list --width 60" 0
check_contains "the title takes its 60 columns" \
    "关于支持资源型地区经济转型发展推动煤炭产业高质量发展的建议" "$OUT"
check_contains "the number is still cut" "2026-SXRD-00000…" "$OUT"

pt_finish
