#!/usr/bin/env bash
# `ptrack stats` keeps within 100 columns whatever the names it counts: a
# unit's, a delegation's or a category's name too long for the line wraps
# in its column, on lines below its row with the count on the first, and
# is never cut, so that it can be given to --unit or --delegation as it
# stands; a short name keeps its row on one line.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init
pt_serve_cli

DELEGATION=中国人民解放军和中国人民武装警察部队代表团第三代表小组暨西部战区陆军联勤保障部队新疆军区代表小组
UNIT=内蒙古自治区发展和改革委员会（自治区粮食和物资储备局）暨内蒙古自治区能源局和自治区乡村振兴局
CATEGORY=关于加强和改进新时代农业农村现代化建设与推进乡村全面振兴战略实施和城乡融合发展工作
LATIN=Inner-Mongolia-Autonomous-Region-Development-and-Reform-Commission-Grain-and-Material-Reserve-Bureau

pt_step "proposals with long names"
pt_cli --json add --title 关于支持资源型地区经济转型发展的建议 --delegation "$DELEGATION" \
    --category "$CATEGORY"
A="$(jv 'j["id"]' "$OUT")"
pt_cli do "$A" 交办 --unit "$UNIT" --unit 财政部
check_rc "assigned to a unit with a long name" 0
pt_cli --json add --title 关于加快农村公路提档升级的建议 --delegation 山西代表团
B="$(jv 'j["id"]' "$OUT")"
pt_cli do "$B" 交办 --unit "$LATIN"
check_rc "assigned to a unit with a long Latin name" 0

# rows TITLE: the rows of the section TITLE of the last output, one a
# line as "NAME<tab>COUNT", a name joined over the lines it takes; "not
# aligned" when a line of a name does not start at the section's indent.
rows() {
    block "$1" | python3 -c '
import re, sys
lines = [l for l in sys.stdin.read().split("\n")[1:] if l]
rows, ok = [], True
for l in lines:
    if not l.startswith("  ") or l.startswith("   "):
        ok = False
    m = re.match(r"^  (.*\S)\s{2,}(\d+)$", l)
    if m:
        rows.append([m.group(1), m.group(2)])
    elif rows:
        rows[-1][0] += l.strip()
print("\n".join(n + "\t" + c for n, c in rows) if ok else "not aligned")'
}

pt_step "stats"
pt_cli stats
check_rc "stats" 0
printf '%s\n' "$OUT"
W="$(printf '%s\n' "$OUT" | widest)"
check_true "stats fits 100 columns (widest line: $W)" test "$W" -le 100
check_true "no name is cut with …" test -z "$(printf '%s\n' "$OUT" | grep '…' || true)"
UNITS="$(rows "按承办单位 by unit")"
check_contains "the unit's long name is whole, with its count" "$UNIT"$'\t'1 "$UNITS"
check_contains "the Latin one too" "$LATIN"$'\t'1 "$UNITS"
check_contains "a short name keeps its row" 财政部$'\t'1 "$UNITS"
check_true "财政部's row is one line" grep -q '^  财政部  *1$' <<<"$OUT"
check_contains "the delegation's long name is whole" "$DELEGATION"$'\t'1 \
    "$(rows "按代表团 by delegation")"
check_contains "and 山西代表团 beside it" 山西代表团$'\t'1 "$(rows "按代表团 by delegation")"
check_contains "the category's long name is whole" "$CATEGORY"$'\t'1 "$(rows "按类别 by category")"

pt_step "a unit's name as stats shows it, given to --unit"
pt_cli stats --unit "$UNIT"
check_rc "stats --unit with the long name" 0
check_contains "finds its proposal" "$UNIT"$'\t'1 "$(rows "按承办单位 by unit")"

pt_stop
pt_finish
