#!/usr/bin/env bash
# `ptrack add` confirms what it registered on one line, `#ID  TITLE
# (STATE)`, within 100 columns: a title too long for what the id and the
# state leave of the line (a title may have 500 characters) is cut with …,
# as list cuts it, the id and the state kept whole; a short title is
# whole. So is each line of add --from-file.
set -u
. "$(dirname "$0")/lib.sh"
pt_init
pt_serve_cli

# fits WHAT: the last output ($OUT) fits 100 columns.
fits() {
    local w
    w="$(widest <<<"$OUT")"
    check_true "$1 fits 100 columns (widest line: $w)" test "$w" -le 100
}

LONG=关于支持内蒙古自治区建设国家重要能源和战略资源基地推动资源型地区经济高质量转型发展并加强生态环境保护与修复工作的建议
TITLE="$LONG$LONG$LONG$LONG$LONG$LONG$LONG$LONG$LONG"
TITLE="${TITLE:0:500}"

pt_step "a title of 500 characters"
pt_cli add --title "$TITLE"
check_rc "add" 0
pt_log "$OUT"
fits "the line"
check_eq "one line" 1 "$(wc -l <<<"$OUT")"
check_true "the id and the state are whole, the title cut with …" \
    grep -qE "^#[0-9]+  ${TITLE:0:20}[^ ]*…  \(已提出 submitted\)\$" <<<"$OUT"

pt_step "a draft"
pt_cli add --title "$TITLE" --draft
check_rc "add --draft" 0
pt_log "$OUT"
fits "the line"
check_true "the state of a draft is whole" grep -q "…  (草稿 draft)\$" <<<"$OUT"

pt_step "a short title"
pt_cli add --title 关于加快农村公路提档升级的建议
check_rc "add" 0
check_true "a short title is whole" grep -qE "^#[0-9]+  关于加快农村公路提档升级的建议  \(已提出 submitted\)\$" \
    <<<"$OUT"

pt_step "add --from-file"
printf '[{"title": "%s"}, {"title": "%s"}]' "$TITLE" "${LONG}" >"$PT_TMP/many.json"
pt_cli add --from-file "$PT_TMP/many.json"
check_rc "add --from-file" 0
pt_log "$OUT"
fits "each line"
check_true "the long title is cut with …" grep -q "…  (已提出 submitted)\$" <<<"$OUT"
check_contains "the count follows" "已新增 2 / 2 条" "$OUT"

pt_stop
pt_finish
