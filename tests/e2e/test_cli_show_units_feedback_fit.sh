#!/usr/bin/env bash
# `ptrack show` keeps its units and its feedback within 100 columns on an
# ordinary day (units of six Chinese characters): a co unit's long opinion
# is cut in the units' table to what the other columns leave of the line
# and follows it whole, and a delegate's long comment wraps in its column,
# on lines below its row, with every word of it there.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init
pt_serve_cli

OPINION=同意主办单位意见，建议加大中央财政转移支付力度，支持少数民族地区粮食储备设施建设。
COMMENT=答复基本回应了所提问题，但对农村供水工程建成后的长效管护机制、管护经费来源以及专业管护队伍建设等方面的具体措施说明不够，希望在今后工作中进一步细化落实。

pt_cli --json add --title 关于加强农村饮水安全保障的建议 --lead-author 张建国
ID="$(jv 'j["id"]' "$OUT")"
pt_cli do "$ID" 交办 --unit 山西省水利厅 --unit 山西省财政厅
pt_cli do "$ID" 签收 --unit 山西省水利厅
pt_cli do "$ID" 签收 --unit 山西省财政厅
pt_cli do "$ID" 协办意见 --unit 山西省财政厅 --set 意见="$OPINION"
pt_cli do "$ID" 答复 --unit 山西省水利厅 --set 文号=晋水函〔2026〕15号 --set 类别=B \
    --set 内容=已列入全省农村供水保障规划，逐年推进。
pt_cli do "$ID" 评价 --set 代表=张建国 --set 满意度=基本满意 --set 意见="$COMMENT"
check_rc "the delegate's feedback" 0


pt_cli show "$ID"
check_rc "show" 0
pt_log "$OUT"
UNITS="$(block '承办单位 Units')"
W="$(widest <<<"$UNITS")"
check_true "the units fit 100 columns (widest line: $W)" test "$W" -le 100
check_contains "the opinion is cut in the table" "山西省财政厅  协办" "$UNITS"
check_contains "... with …" "…" "$(grep '山西省财政厅  协办' <<<"$UNITS")"
check_contains "and follows it whole" "山西省财政厅 的意见 opinion:" "$OUT"
check_contains "... every word of it" "$OPINION" "$(printf '%s\n' "$OUT" | sed -n '/的意见 opinion:/,/^$/p' | tr -d ' \n')"

FEEDBACK="$(block '评价 Feedback')"
W="$(widest <<<"$FEEDBACK")"
check_true "the feedback fits 100 columns (widest line: $W)" test "$W" -le 100
check_contains "the comment starts on the feedback's row" "基本满意 basically_satisfied" \
    "$(sed -n 3p <<<"$FEEDBACK")"
# The comment's lines, in its column (where its header starts), joined.
JOINED="$(python3 -c '
import sys, unicodedata
def cols(s):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
lines = [l for l in sys.stdin.read().split("\n") if l.strip()]
head = lines[1]
at = cols(head[:head.index("意见 comment")])
out, ok = "", True
for n, l in enumerate(lines[2:]):
    # Its column starts at the same display column on every line, and
    # below the row the other columns are empty.
    i, w = 0, 0
    while i < len(l) and w < at:
        w += cols(l[i])
        i += 1
    if w != at or (n > 0 and l[:i].strip()):
        ok = False
    out += l[i:].strip()
print(out if ok else "not aligned")
' <<<"$FEEDBACK")"
check_eq "the comment is all there, wrapped in its column" "$COMMENT" "$JOINED"

pt_stop
pt_finish
