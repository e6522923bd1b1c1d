#!/usr/bin/env bash
# test_import_csv_joined_headers.sh - a sheet that a people's congress and
# a CPPCC office share names a column by both its names (领衔代表/第一提案人,
# 标题（案由）, 联名代表／附议人, a header cell of two lines): `ptrack import`
# reads the column as that field, as it reads 领衔代表 or 第一提案人 alone,
# rather than keeping the author in custom under the header. A header that
# joins two fields (主办单位/协办单位) is no field's and stays in custom.
set -u
. "$(dirname "$0")/lib.sh"
pt_init
pt_serve
W="$PT_TMP/work"
mkdir -p "$W"

# field NUMBER EXPR: EXPR (Python, p = the proposal) of the proposal whose
# 编号 is NUMBER.
field() { pt_field number "$@"; }

pt_step "a WPS sheet (UTF-8 with BOM, CRLF) whose headers join two names of one field"
python3 - "$W/联合表头.csv" <<'PY'
import csv, io, sys
rows = [
    ["序号", "编号", "标题（案由）", "领衔代表/第一提案人", "联名代表／附议人",
     "届次", "领衔代表\n（第一提案人）联系电话", "主办单位/协办单位"],
    ["1", "J001", "关于完善城市停车设施的建议", "刘洋", "王芳、李明",
     "十四届全国人大四次会议", "13800000000", "住房和城乡建设部"],
    ["2", "J002", "关于加强中小学心理健康教育的提案", "陈静", "赵强 孙丽",
     "十四届全国人大四次会议", "", ""],
]
b = io.StringIO()
csv.writer(b, lineterminator="\r\n").writerows(rows)
open(sys.argv[1], "wb").write(b"\xef\xbb\xbf" + b.getvalue().encode())
PY
pt_cli import "$W/联合表头.csv"
check_rc "ptrack import 联合表头.csv" 0
check_contains "both rows are imported" "已导入 2 条" "$OUT"
check_eq "标题（案由） is the title" "关于完善城市停车设施的建议" "$(field J001 'p["title"]')"
check_eq "领衔代表/第一提案人 is the lead author" "刘洋 陈静" \
    "$(field J001 'p["lead_author"]') $(field J002 'p["lead_author"]')"
check_eq "联名代表／附议人 are the co-signers" '["赵强", "孙丽"]' "$(field J002 'p["co_signers"]')"
check_eq "a header of two fields, or of a field and another word, stays in custom" \
    '{"领衔代表\n（第一提案人）联系电话": "13800000000", "主办单位/协办单位": "住房和城乡建设部"}' \
    "$(field J001 'p["custom"]')"

pt_step "a header that joins a name twice, with the name alone, is refused naming both"
printf '编号,标题,领衔代表,领衔代表/第一提案人\r\nJ003,关于某事的建议,张三,张三\r\n' >"$W/twice.csv"
pt_cli import "$W/twice.csv"
check_rc "ptrack import twice.csv" 1
check_contains "the message names both columns" "领衔代表/第一提案人" "$ERR"
pt_cli list --json
check_eq "nothing more was stored" 2 "$(jv 'len(j["items"])' "$OUT")"

pt_finish
