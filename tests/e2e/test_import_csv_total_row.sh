#!/usr/bin/env bash
# test_import_csv_total_row.sh - a sheet saved as CSV from WPS or Excel
# often ends with a total row (合计 and a count, under the last proposal,
# its title blank). `ptrack import` passes over it as it passes over a
# newspaper's other articles, listed with its line under 忽略, where the
# whole import was refused for its missing title. A row whose title is
# there is a proposal, whatever its first cell says.
set -u
. "$(dirname "$0")/lib.sh"
pt_init
pt_serve
W="$PT_TMP/work"
mkdir -p "$W"

# sheet FILE ROW...: FILE as WPS saves a sheet (UTF-8 with BOM, CRLF), the
# header 序号,编号,标题,领衔代表 and each ROW given as a Python list.
sheet() {
    local file="$1"
    shift
    python3 - "$file" "$@" <<'PY'
import ast, csv, io, sys
rows = [["序号", "编号", "标题", "领衔代表"]] + [ast.literal_eval(r) for r in sys.argv[2:]]
b = io.StringIO()
csv.writer(b, lineterminator="\r\n").writerows(rows)
open(sys.argv[1], "wb").write(b"\xef\xbb\xbf" + b.getvalue().encode())
PY
}

pt_step "a sheet that ends with blank rows and a total row"
sheet "$W/建议汇总.csv" '["1", "H001", "关于加强农村饮水安全保障的建议", "张建国"]' \
    '["2", "H002", "关于支持煤炭产业转型升级的建议", "李明"]' \
    '["", "", "", ""]' '["合计", "2件", "", ""]'
pt_cli import "$W/建议汇总.csv"
check_rc "ptrack import 建议汇总.csv" 0
check_contains "both proposals are imported" "已导入 2 条" "$OUT"
check_contains "the total row is passed over, named by its line" \
    "line 5: not a proposal (a total row: 合计)" "$OUT"
pt_cli import --json "$W/建议汇总.csv"
check_eq "imported again, it is skipped and listed as ignored, not rejected" "0 2 0 1" \
    "$(jv '"%d %d %d %d" % (j["imported"], j["skipped"], j["rejected_count"], j["ignored_count"])' "$OUT")"

pt_step "rows of cells that look empty: other spaces, characters that show nothing"
# A no-break space (U+00A0, which a sheet copied from a web page holds), an
# em space, a zero-width space or a byte order mark, alone in each cell of
# a row below the data, make a row that looks empty, and is: it is passed
# over as a row of empty cells is, where the whole import was refused for
# its blank title ("line 4: title: must not be blank"), and the total row
# under it with such a title is one.
sheet "$W/看似空行.csv" '["1", "H011", "关于加强城乡供水一体化建设的建议", "周红"]' \
    '["2", "H012", "关于完善农村养老服务体系的建议", "吴刚"]' \
    '["\u00a0", "\u2003", "\u200b", "\ufeff"]' '["\u200b\u00a0", "", " \u200d", "\u3000"]' \
    '["合计", "2件", "\u200b", ""]'
pt_cli import --json "$W/看似空行.csv"
check_rc "ptrack import 看似空行.csv" 0
check_eq "both proposals are imported, the rows that look empty passed over" "2 0 0" \
    "$(jv '"%d %d %d" % (j["imported"], j["rejected_count"], len(j["rejected"]))' "$OUT")"
check_eq "the total row under them is one" '["line 6: not a proposal (a total row: 合计)"]' \
    "$(jv '[i["where"] + ": " + i["reason"] for i in j["ignored"]]' "$OUT")"

pt_step "rows of other characters that show nothing alone"
# A left-to-right or right-to-left mark, a variation selector left from an
# emoji, the Hangul filler (U+3164) an input method puts in a cell that is
# to look empty, an isolate, the Mongolian vowel separator, the combining
# grapheme joiner, an invisible operator: such a row looks empty, and is.
sheet "$W/标记空行.csv" '["1", "H021", "关于推进城乡供水一体化的建议", "刘文华"]' \
    '["\u200e", "\ufe0f", "\u3164", "\u200f\u2066\u2069"]' \
    '["\u180e", "\u034f", " \u2061\u3000", "\uffa0\u115f"]' \
    '["2", "H022", "关于\u200e完善农村寄递物流体系的建议", "\u3164"]'
pt_cli import --json "$W/标记空行.csv"
check_rc "ptrack import 标记空行.csv" 0
check_eq "both proposals are imported, the rows that look empty passed over" "2 0 0 0" \
    "$(jv '"%d %d %d %d" % (j["imported"], j["rejected_count"], len(j["rejected"]), len(j["ignored"]))' "$OUT")"
api GET '/v1/proposals?number=H022'
check_eq "a title with a mark beside its characters keeps it, a name of a filler alone is none" \
    '["\u5173\u4e8e\u200e\u5b8c\u5584\u519c\u6751\u5bc4\u9012\u7269\u6d41\u4f53\u7cfb\u7684\u5efa\u8bae", null]' \
    "$(jv 'json.dumps([j["items"][0]["title"], j["items"][0]["lead_author"]])')"

pt_step "a total row of fewer cells (共计：3件), and one in a refused import"
sheet "$W/refused.csv" '["1", "H003", "", "王芳"]' '["2", "H004", "关于某事的建议", "赵强"]' \
    '["共计：2件"]'
pt_cli import "$W/refused.csv"
check_rc "ptrack import refused.csv (a row without its title)" 1
check_contains "the row without a title is rejected" "line 2: title: required" "$ERR"
check_true "the total row is not rejected" bash -c '! grep -q "line 4:.*field" <<<"$1"' _ "$ERR"
check_contains "it is listed as passed over" "line 4: not a proposal (a total row: 共计)" "$OUT$ERR"

pt_step "a row whose title is there is a proposal, whatever its first cell says"
sheet "$W/titled.csv" '["合计", "H005", "关于合计事项的建议", "孙丽"]'
pt_cli import "$W/titled.csv"
check_rc "ptrack import titled.csv" 0
check_contains "it is imported" "已导入 1 条" "$OUT"

pt_finish
