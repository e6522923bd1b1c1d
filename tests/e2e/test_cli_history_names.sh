#!/usr/bin/env bash
# `ptrack history` never splits a unit's name (or a person's, or a 文号)
# across lines of its note column: a part that does not fit wraps between
# names, and a name wider than the column is cut with … at its end, on a
# line of its own. No line starts with the 、 after a name: it stays with
# the name, or is left out when the name fills the column, so that every
# line stays within the column. A part cut
# after three lines ends with one … after the last whole name that leaves
# room for it, never cutting a name that fits. A long actor (a unit's
# token named after the unit) wraps in its column, whole (it is what token
# revoke takes; it was cut with …), so that the history still fits 100
# columns.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init
pt_serve_cli

LONG=内蒙古自治区发展和改革委员会
LONGER=新疆维吾尔自治区人民政府办公厅政策研究与督查室
DOC=内发改函〔2026〕115号

# lines_with TEXT: how many lines of the last output hold TEXT.
lines_with() { grep -cF -- "$1" <<<"$OUT" || true; }

pt_step "an ordinary day: the units wrap between names"
pt_cli --json add --title 关于加强农村饮水安全保障的建议
A="$(jv 'j["id"]' "$OUT")"
pt_cli do "$A" assign --unit "$LONG" --unit 山西省农业农村厅
check_rc "assigned to a long unit and another" 0
pt_cli history "$A"
check_rc "history" 0
pt_log "$OUT"
W="$(printf '%s\n' "$OUT" | widest)"
check_true "it fits 100 columns (widest line: $W)" test "$W" -le 100
check_eq "the long unit is whole on a line" 1 "$(lines_with "$LONG")"
check_true "... its role and the 、 after it, too wide beside it, start the next" \
    grep -qE '^ +\(主办\)、山西省农业农村厅\(协办\)$' <<<"$OUT"

pt_step "longer names, a long actor"
pt_cli --json add --title 关于支持资源型地区经济转型发展的建议
ID="$(jv 'j["id"]' "$OUT")"
pt_cli do "$ID" assign --set mode=separate --unit "$LONG" --unit 省水利厅 --unit "$LONGER"
check_rc "assigned to three units, two of them long" 0
TOKEN="$(pt_unit_token 内蒙古自治区发展和改革委员会收文室 "$LONG")"
pt_run "$PTRACK" --url "$PT_URL" --token "$TOKEN" do "$ID" sign
check_rc "the long unit signs with its own token" 0
pt_cli do "$ID" reply --unit "$LONG" --set doc_no="$DOC" --set category=A --set text=已纳入规划。
check_rc "its reply" 0

pt_cli history "$ID"
check_rc "history" 0
pt_log "$OUT"
W="$(printf '%s\n' "$OUT" | widest)"
check_true "it fits 100 columns (widest line: $W)" test "$W" -le 100
check_true "the long actor wraps in its column, whole" \
    grep -qE '^ {23}改革委员会收文室  ' <<<"$OUT"
check_true "... its first part in the row" grep -q '^  3  .*  内蒙古自治区发展和  签收 sign' <<<"$OUT"
check_eq "the long unit is whole on each line it is on (assign, sign, reply)" 3 \
    "$(lines_with "$LONG")"
check_true "... its role, which does not fit beside it, starts the next line" \
    grep -qE '^ +\(分办\)、省水利厅\(分办\)' <<<"$OUT"
check_eq "the 文号 is whole" 1 "$(lines_with "$DOC")"
check_true "a name wider than the column is cut with … at its end" \
    grep -q ' 新疆维吾尔自治区人民政府办[^ ]*…$' <<<"$OUT"
check_eq "... and not carried over to the next line" 0 "$(lines_with 督查室)"

pt_step "a narrow column"
pt_cli history "$ID" --width 24
check_rc "history --width 24" 0
pt_log "$OUT"
# The actor, 内蒙古自治区发展和改革委员会收文室, wraps whole in its column.
check_eq "the long unit, wider than the column, is never split" 0 \
    "$(grep -v 委员会收文室 <<<"$OUT" | grep -c 委员会 || true)"
check_eq "... but cut with … at its end" 3 "$(lines_with "内蒙古自治区发展和改革…")"

# removed ID UNIT...: a proposal assigned to the units, returned by the
# first and given to another, so that its history lists them all as taken
# out (去掉承办单位: ...), without roles. Sets ID.
removed() {
    local args=() u
    pt_cli --json add --title 关于调整承办单位的建议
    ID="$(jv 'j["id"]' "$OUT")"
    for u in "$@"; do args+=(--unit "$u"); done
    pt_cli do "$ID" assign "${args[@]}"
    pt_cli do "$ID" return --unit "$1" --set reason=非本单位职责
    pt_cli do "$ID" reassign --unit 省档案局
    check_rc "assigned to $# units, returned and given to another" 0
}
# starts_with_comma: how many note lines of $OUT start with 、.
starts_with_comma() { grep -cE '(^|  )、' <<<"$OUT" || true; }

pt_step "the third line: a name that ends at the column's edge is not cut for the …"
SHANXI=山西省农业农村厅 # 16 columns
pt_cli --json add --title 关于发展现代农业的建议
ID="$(jv 'j["id"]' "$OUT")"
pt_cli do "$ID" assign --unit 省水利厅 --unit "$SHANXI" --unit 省财政厅 --unit 省住建厅
check_rc "assigned to four units" 0
for w in 16 17; do
    pt_cli history "$ID" --width "$w"
    pt_log "$OUT"
    check_eq "--width $w: the unit that fills the third line is not cut" 0 \
        "$(($(lines_with "山西省农业农村…") + $(lines_with "${SHANXI}…")))"
    check_eq "--width $w: ... but left out, the … alone on that line" 1 \
        "$(grep -cE '^ +…$' <<<"$OUT" || true)"
done
pt_cli history "$ID" --width 18
pt_log "$OUT"
check_eq "--width 18: the unit is whole, the … after it and a blank" 1 \
    "$(lines_with "$SHANXI …")"
removed 省水利厅 "$SHANXI" 省财政厅 省住建厅
pt_cli history "$ID" --width 16
pt_log "$OUT"
check_eq "a unit alone on the third line, a 、 after it, is not cut either" 0 \
    "$(lines_with "山西省农业农村…")"
check_eq "... the … follows the last whole one, alone on the third line" \
    "去掉承办单位:|省水利厅、|…" \
    "$(sed -n '/去掉承办单位:/,+2p' <<<"$OUT" | sed -E 's/.*  //' | paste -sd '|')"
DOC16=晋函〔2026〕15号 # 16 columns
pt_cli do "$ID" sign --unit 省档案局
pt_cli do "$ID" reply --unit 省档案局 --set doc_no="$DOC16" --set category=A --set text=已办理。
check_rc "a reply whose 文号 is 16 columns" 0
pt_cli history "$ID" --width 16
pt_log "$OUT"
check_eq "a 文号 that ends the third line at the edge is not cut" 0 "$(lines_with "晋函〔2026〕15…")"

pt_step "the third line: a name cut already ends with one …"
pt_cli --json add --title 关于支持边疆地区发展的建议
ID="$(jv 'j["id"]' "$OUT")"
pt_cli do "$ID" assign --unit 省水利厅 --unit "$LONGER" --unit 省财政厅
check_rc "assigned to a unit wider than the column among others" 0
for w in 16 20 24; do
    pt_cli history "$ID" --width "$w"
    pt_log "$OUT"
    check_eq "--width $w: no line ends with two …" 0 "$(lines_with "……")"
    check_eq "--width $w: the long unit ends the third line with its …" 1 \
        "$(grep -cE '^ +新疆维吾尔[^ ]*…$' <<<"$OUT" || true)"
done
removed 省水利厅 "$LONGER" 省财政厅
pt_cli history "$ID" --width 16
pt_log "$OUT"
check_eq "a unit cut already, a 、 after it, ends the third line with one …" 0 "$(lines_with "……")"
check_true "... and without its 、" grep -qE '^ +新疆维吾尔[^ 、]*…$' <<<"$OUT"

pt_step "no line starts with 、"
removed "$SHANXI" 省水利厅
pt_cli history "$ID" --width 16
pt_log "$OUT"
check_true "a unit that fills the column is whole on its line" \
    grep -qE "^ +${SHANXI}\$" <<<"$OUT"
check_eq "... its 、 left out, not past the column" 0 "$(lines_with "${SHANXI}、")"
check_eq "... nor at the start of the next line" 0 "$(starts_with_comma)"
check_true "... where the next unit starts" grep -qE '^ +省水利厅$' <<<"$OUT"
# At the default width the note column is what the other columns leave of
# 100: a 、 past it would take the line past 100.
removed "$LONG" 省水利厅
pt_cli history "$ID"
pt_log "$OUT"
W="$(printf '%s\n' "$OUT" | widest)"
check_true "a unit that fills the default column: the history fits 100 columns (widest line: $W)" \
    test "$W" -le 100
check_eq "... and no line starts with 、" 0 "$(starts_with_comma)"
removed "$LONGER" 省水利厅
for w in 16 24 30; do
    pt_cli history "$ID" --width "$w"
    pt_log "$OUT"
    check_eq "--width $w: a unit wider than the column is cut short enough to keep its 、" 1 \
        "$(grep -cE '^ +新疆维吾尔[^ ]*…、$' <<<"$OUT" || true)"
    check_eq "--width $w: ... which does not start the next line" 0 "$(starts_with_comma)"
    L="$(grep -E '^ +新疆维吾尔' <<<"$OUT" | sed -E 's/^ +//' | widest)"
    check_true "--width $w: ... and stays in the column ($L columns)" test "$L" -le "$w"
done

pt_step "U+E000 of a part's own is a character like any other"
# It is the first private-use character, which GBK's and GB18030's
# user-defined areas map rare characters to, two columns wide as the
# ideograph it stands for; the layout stands names in for with a
# noncharacter of one column (U+FDD0), never with it.
PUA="$(printf '\xee\x80\x80')"
NOTE="$(printf "${PUA}%.0s" $(seq 100))"
pt_cli --json add --title 关于生僻字录入的建议
ID="$(jv 'j["id"]' "$OUT")"
pt_cli do "$ID" supervise --set key_supervision=true --set note="$NOTE"
check_rc "a note of 100 U+E000" 0
for w in "" 20; do
    pt_cli history "$ID" ${w:+--width "$w"}
    check_rc "history ${w:+--width $w} of that note" 0
    check_true "... shows it, cut with …" grep -qF "${PUA}${PUA}${PUA}…" <<<"$OUT"
done
removed 省水利厅 省财政厅 "省农业农村${PUA}${PUA}厅" 省住建厅 省教育厅 省卫健委
pt_cli history "$ID" --width 20
check_rc "history --width 20 of units, one with U+E000 in its name" 0
check_contains "... shows that name whole" "省农业农村${PUA}${PUA}厅" "$OUT"

pt_stop
pt_finish
