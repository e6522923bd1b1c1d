#!/usr/bin/env bash
# `ptrack show` keeps its replies within 100 columns when a long unit name,
# a long 答复文号 and a category's meaning meet on one line: the meaning
# wraps in its column and the time puts its hour under its date, the
# columns stay aligned, and the unit and the 文号 stay whole on their line.
# Longer still, the unit and the 文号 wrap too, in their columns, with
# nothing of them lost.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init
pt_serve_cli

UNIT=内蒙古自治区发展和改革委员会
DOC=内发改函〔2026〕115号
pt_cli --json add --title 关于支持资源型地区经济转型发展的建议
ID="$(jv 'j["id"]' "$OUT")"
pt_cli do "$ID" assign --set mode=separate --unit "$UNIT" --unit 省水利厅
pt_cli do "$ID" sign --unit 省水利厅
pt_cli do "$ID" reply --unit "$UNIT" --set doc_no="$DOC" --set category=A \
    --set text=已纳入全区资源型经济转型规划。
pt_cli do "$ID" reply --unit 省水利厅 --set doc_no=晋水函〔2026〕15号 --set category=C \
    --set text=受资金条件限制，需以后逐步解决。
check_rc "the second reply" 0

# replies: the replies block of the last show, one line per line.
replies() { printf '%s\n' "$OUT" | sed -n '/^答复 Replies$/,$p'; }
# report TEXT...: for the replies block, the widest line; "aligned" when
# every cell of a reply's lines starts at the column of a header's cell;
# then for each reply, its cells joined over the lines they take, by
# column (with nothing between its lines), " | " between columns. The lines of a reply are those from its [n]
# to its text (one of TEXT...).
report() {
    replies | python3 -c '
import re, sys, unicodedata
def cols(s):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
def cells(line):
    return [(cols(line[:m.start()]), m.group()) for m in re.finditer(r"\S+(?: \S+)*", line)]
texts = set(sys.argv[1:])
lines = sys.stdin.read().rstrip("\n").split("\n")
print(max(cols(l) for l in lines))
# The # of the header is aligned right, over the [n] that start at 2.
starts = [2] + [at for at, _ in cells(lines[1])][1:]
aligned, rows, cur = True, [], None
for line in lines[2:]:
    if re.match(r" *\[\d+\]", line):
        cur = {}
        rows.append(cur)
    elif line.strip() in texts:
        cur = None
    if cur is None:
        continue
    for at, text in cells(line):
        if at not in starts:
            aligned = False
        else:
            cur.setdefault(starts.index(at), []).append(text)
print("aligned" if aligned else "not aligned")
for r in rows:
    print(" | ".join("".join(r.get(k, [])) for k in range(len(starts))))
' "$@"
}

pt_step "a long unit, a long 文号 and a category meet"
pt_cli show "$ID"
check_rc "show" 0
REPORT="$(report 已纳入全区资源型经济转型规划。 受资金条件限制，需以后逐步解决。)"
pt_log "$(replies)"
W="$(sed -n 1p <<<"$REPORT")"
check_true "the replies fit 100 columns (widest line: $W)" test "$W" -le 100
check_eq "every cell starts at its header's column" aligned "$(sed -n 2p <<<"$REPORT")"
check_contains "the unit and the 文号 are whole on the reply's line" \
    "[1]  $UNIT  $DOC  首次答复" "$(replies)"
check_contains "the category's meaning is all there, wrapped in its column" \
    "| A类（所提问题已经解决或基本解决）" "$(sed -n 3p <<<"$REPORT")"
check_true "the time's hour is under its date" \
    grep -qE '\| [0-9]{4}-[0-9]{2}-[0-9]{2}[0-9]{2}:[0-9]{2} \|' <<<"$(sed -n 3p <<<"$REPORT")"
check_contains "the reply's text follows its lines, under the unit" \
    "$(printf '\n       已纳入全区资源型经济转型规划。\n')" "$(replies)"

pt_step "longer than any ordinary day's"
LONG_UNIT=新疆维吾尔自治区人民政府办公厅政策研究与督查室
LONG_DOC=新政办督函〔2026〕第00012345号（补充答复）
pt_cli --json add --title 关于加强农村饮水安全保障的建议
ID2="$(jv 'j["id"]' "$OUT")"
pt_cli do "$ID2" assign --unit "$LONG_UNIT"
pt_cli do "$ID2" sign --unit "$LONG_UNIT"
pt_cli do "$ID2" reply --unit "$LONG_UNIT" --set doc_no="$LONG_DOC" --set category=B \
    --set text=正在解决。
check_rc "a reply of a unit of 23 characters" 0
pt_cli show "$ID2"
REPORT="$(report 正在解决。)"
pt_log "$(replies)"
W="$(sed -n 1p <<<"$REPORT")"
check_true "they still fit 100 columns (widest line: $W)" test "$W" -le 100
check_eq "every cell still starts at its header's column" aligned "$(sed -n 2p <<<"$REPORT")"
check_contains "the unit, wrapped in its column, is whole" "| $LONG_UNIT | " \
    "$(sed -n 3p <<<"$REPORT")"
check_contains "the 文号, wrapped in its column, is whole" "| $LONG_DOC | " \
    "$(sed -n 3p <<<"$REPORT")"

pt_stop
pt_finish
