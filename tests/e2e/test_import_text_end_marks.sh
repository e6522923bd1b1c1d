#!/usr/bin/env bash
# test_import_text_end_marks.sh - the marks a newspaper prints after an
# article: （完） (and （待续）) at the end of its last paragraph, and the
# editor's credit in brackets (（责任编辑：张某）) on a line of its own. The
# text importer kept them in the proposal's last ask ("提升农民数字素养。
# （完）", "完善机制\n（责任编辑：张某）"); they are now page furniture,
# as 责任编辑：张某 without brackets was.
set -u
. "$(dirname "$0")/lib.sh"
pt_init
pt_serve
W="$PT_TMP/work"
mkdir -p "$W"

cat >"$W/end.txt" <<'TXT'
关于推进数字乡村建设的建议
浙江代表团
背景：数字乡村建设是乡村振兴的战略方向。
建议：一是完善农村数字基础设施；二是培育农村电商；三是提升农民数字素养。（完）

关于加强农村公路养护的建议
山西代表团
背景：农村公路养护资金不足。
建议：
1.加大投入。
2.完善机制。
（责任编辑：张某）

关于支持老区振兴发展的建议
山西代表团
背景：老区发展基础薄弱。
建议：一是加大转移支付；二是支持特色产业。（待续）
TXT
pt_import text "$W/end.txt"
check_status "import end.txt" 201
check_eq "three proposals" 3 "$(jv 'j["imported"]')"
api GET "/v1/proposals?limit=10"
check_eq "the asks without the marks" \
    "完善农村数字基础设施|培育农村电商|提升农民数字素养 / 加大投入|完善机制 / 加大转移支付|支持特色产业" \
    "$(jv '" / ".join("|".join(p["recommendations"]) for p in sorted(j["items"], key=lambda p: p["id"]))')"

pt_finish
