#!/usr/bin/env bash
# The units still awaited in separate mode (分办) fit 100 columns however
# many they are: `ptrack do` after a reply names them on lines that go on
# under the first name, and `ptrack show` in its 待答复单位 Awaiting row;
# both break a line only between two names (after 、), as the co-signers'
# list does, never inside one, though a name may hold a 、 of its own; only
# a name wider than a line by itself is broken in it.
set -u
. "$(dirname "$0")/lib.sh"
pt_init
pt_serve_cli

UNITS=(山西省水利厅 山西省发展和改革委员会（省粮食和物资储备局、省能源局） 山西省住房和城乡建设厅 山西省自然资源厅
    山西省生态环境厅 山西省交通运输厅 山西省农业农村厅 山西省财政厅
    山西省人力资源和社会保障厅 山西省教育厅 山西省卫生健康委员会
    内蒙古自治区发展和改革委员会（自治区粮食和物资储备局、自治区能源局）
    山西省工业和信息化厅 山西省商务厅)
json_units() {
    local first=1 u
    printf '['
    for u in "$@"; do
        [ "$first" = 1 ] || printf ', '
        first=0
        printf '{"name": "%s"}' "$u"
    done
    printf ']'
}

# breaks SEP NAME...: for the lines of a list of names on stdin (their
# indent and any label before the first name taken off), "ok" when they
# hold the names joined with SEP, every line but the last ending after a
# name's SEP, or inside a name wider than LIMIT columns; else what is
# wrong.
breaks() {
    python3 -c '
import sys, unicodedata
def cols(s):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
sep, limit, names = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
lines = [l.strip() for l in sys.stdin.read().split("\n") if l.strip()]
text = "".join(lines)
if text != sep.join(names):
    print("not the names joined: " + text)
    sys.exit()
# Where each name starts and ends in text.
spans, at = [], 0
for n in names:
    spans.append((at, at + len(n)))
    at += len(n) + len(sep)
at = 0
for l in lines[:-1]:
    at += len(l)
    if any(s < at < e for s, e in spans if cols(text[s:e]) <= limit):
        print("a line breaks inside a name: " + l)
        sys.exit()
print("ok")
' "$@"
}

P="$(pt_assigned 关于推进资源型经济转型综合配套改革试验区建设的建议 separate \
    "$(json_units "${UNITS[@]}")")"
pt_act "$P" sign '{"unit": "山西省水利厅"}'

pt_step "ptrack do after the first of many units replies"
pt_cli do "$P" 答复 --unit 山西省水利厅 --set 答复文号=晋水函〔2026〕15号 --set 类别=A \
    --set 答复内容=已纳入规划
check_rc "山西省水利厅 replies" 0
pt_log "$OUT"
W="$(widest <<<"$OUT")"
check_true "the lines fit 100 columns (widest line: $W)" test "$W" -le 100
AWAITED="$(sed -n '/待答复单位 awaiting replies: /,$p' <<<"$OUT")"
check_true "the units awaited take several lines" test "$(wc -l <<<"$AWAITED")" -gt 1
LABEL="    待答复单位 awaiting replies: "
ROOM=$((100 - $(widest <<<"$LABEL")))
check_eq "every line breaks between two names" ok \
    "$(sed 's/^ *待答复单位 awaiting replies: //' <<<"$AWAITED" | breaks 、 "$ROOM" "${UNITS[@]:1}")"
check_true "the lines go on under the first name" eval \
    '! sed 1d <<<"$AWAITED" | grep -qv "^ \{$(widest <<<"$LABEL")\}[^ ]"'

pt_step "ptrack show names them in its fields' table"
pt_cli show "$P"
check_rc "show" 0
pt_log "$OUT"
W="$(widest <<<"$OUT")"
check_true "the card fits 100 columns (widest line: $W)" test "$W" -le 100
# The row, from its label to the next label.
ROW="$(sed -n '/^  待答复单位 Awaiting /,/^  [^ ]/p' <<<"$OUT" | sed '$d')"
check_true "the units awaited take several lines" test "$(wc -l <<<"$ROW")" -gt 1
HEAD="$(grep -o '^  待答复单位 Awaiting *' <<<"$ROW")"
ROOM=$((100 - $(widest <<<"$HEAD")))
check_eq "every line of the row breaks between two names" ok \
    "$(sed 's/^  待答复单位 Awaiting *//' <<<"$ROW" | breaks 、 "$ROOM" "${UNITS[@]:1}")"
check_true "the lines go on in the values' column" eval \
    '! sed 1d <<<"$ROW" | grep -qv "^ \{$(widest <<<"$HEAD")\}[^ ]"'

pt_stop
pt_finish
