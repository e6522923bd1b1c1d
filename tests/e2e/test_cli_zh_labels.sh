#!/usr/bin/env bash
# The human output of `ptrack do`, `edit` and `token list` names what it
# shows in Chinese, with the code after the label as the rest of the client
# writes it: the version as 版本 version N, a token's role as 承办单位 unit
# and where it comes from as 配置 config or 运行时 store. --json is the
# daemon's answer, codes and all.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init
pt_serve_cli

pt_step "do and edit: the version"
pt_cli --json add --title 关于中文标签的建议
ID="$(jv 'j["id"]' "$OUT")"
pt_cli do "$ID" 交办 --unit 省水利厅
check_rc "do 交办" 0
check_contains "do names the version in Chinese" "版本 version 2" "$OUT"
check_true "and says no (version N)" bash -c '! grep -q "(version" <<<"$1"' _ "$OUT"
pt_cli edit "$ID" --tag 水利
check_contains "edit names the version in Chinese" "已修改 updated  版本 version 3" "$OUT"
pt_cli edit "$ID" --tag 水利
check_contains "so does an edit that changed nothing" "版本 version 3" "$OUT"
pt_cli --json do "$ID" 签收 --unit 省水利厅
check_eq "do --json has the version as a number" 4 "$(jv 'j["version"]' "$OUT")"

pt_step "token list: role and source"
pt_cli token create --name 水利厅联络员 --role unit --unit 省水利厅
check_rc "token create" 0
pt_cli token list
check_rc "token list" 0
# Columns are padded: compare with runs of spaces squeezed.
sq() { tr -s ' ' <<<"$1"; }
check_contains "a config token: its role and source labelled" "报表机 只读 viewer - 配置 config" \
    "$(sq "$(grep 报表机 <<<"$OUT")")"
check_contains "a unit's token made at run time" "水利厅联络员 承办单位 unit 省水利厅 运行时 store" \
    "$(sq "$(grep 水利厅联络员 <<<"$OUT")")"
check_contains "an admin's" "管理员 admin" "$(grep 系统管理员 <<<"$OUT")"
check_contains "a clerk's" "经办 clerk" "$(grep 建议办张科长 <<<"$OUT")"
pt_cli --json token list
check_eq "token list --json keeps the codes" "unit store" \
    "$(jv '" ".join([[t["role"], t["source"]] for t in j["items"] if t["name"] == "水利厅联络员"][0])' "$OUT")"

pt_stop
pt_finish
