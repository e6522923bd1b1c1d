#!/usr/bin/env bash
# ptrack add --from-file given a sheet saved as CSV or a document saved as
# text, as an office has them, says which command reads it (ptrack import
# FILE) instead of "not valid JSON (near byte 0)", or, for a CSV in GBK,
# a conversion to UTF-8 that would not make it JSON either. A .txt that
# holds JSON is still added. Nothing else is added; exit 2.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init
pt_serve_cli

pt_step "a CSV file"
printf '编号,标题,领衔代表\n3001,关于加强中小学生近视防控的建议,赵明\n' >"$PT_TMP/建议汇总.csv"
pt_cli add --from-file "$PT_TMP/建议汇总.csv"
check_rc "add --from-file of a CSV file" 2
check_eq "it names ptrack import, which reads it" \
    "ptrack add: $PT_TMP/建议汇总.csv is a CSV file, not JSON: ptrack import $PT_TMP/建议汇总.csv reads it (--from-file takes a JSON object or an array of objects)" \
    "$ERR"

pt_step "a CSV file in GBK, its name in capitals and with a blank"
iconv -f UTF-8 -t GBK "$PT_TMP/建议汇总.csv" >"$PT_TMP/山西 团.CSV"
pt_cli add --from-file "$PT_TMP/山西 团.CSV"
check_rc "add --from-file of a GBK CSV file" 2
check_eq "it names ptrack import, the name quoted for the shell, rather than iconv" \
    "ptrack add: $PT_TMP/山西 团.CSV is a CSV file, not JSON: ptrack import '$PT_TMP/山西 团.CSV' reads it (--from-file takes a JSON object or an array of objects)" \
    "$ERR"

pt_step "a text document"
printf '\xef\xbb\xbf关于加快推进城乡供水一体化的建议\n山西代表团\n建议：一是加大投入；二是完善机制。\n' >"$PT_TMP/简报.txt"
pt_cli add --from-file "$PT_TMP/简报.txt"
check_rc "add --from-file of a text document" 2
check_contains "it names ptrack import" \
    "简报.txt is a text document, not JSON: ptrack import $PT_TMP/简报.txt reads it" "$ERR"

pt_step "nothing was added"
pt_cli --json list
check_eq "the store holds no proposal" 0 "$(jv 'len(j["items"])' "$OUT")"

pt_step "a .txt that holds JSON is added"
printf '\n{"title": "关于文本文件中的建议"}\n' >"$PT_TMP/建议.txt"
pt_cli add --from-file "$PT_TMP/建议.txt"
check_rc "add --from-file of JSON in a .txt" 0
check_contains "it is added" "关于文本文件中的建议" "$OUT"

pt_finish
