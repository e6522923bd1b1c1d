#!/usr/bin/env bash
# A role that ptrackd refuses is followed by the labels of that kind of
# role: a token's (token create --role 管理者: 只读、经办、承办单位、代表、
# 管理员, each once), not a unit's 主办、协办、分办, which no token takes;
# and a unit's role refused in units (assign with --set units=...) by the
# unit's roles, which it was not followed by at all.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init
pt_config
pt_start
pt_need_cli

pt_step "a token's role"
pt_cli token create --name 报表二号 --role 管理者
check_rc "token create --role 管理者" 1
check_contains "the daemon's codes" '"管理者" is not a role (viewer, clerk, unit, delegate, admin)' "$ERR"
check_contains "and a token's roles by their labels" "（role 可填：只读、经办、承办单位、代表、管理员）" "$ERR"
check_true "not a unit's roles (stderr: $ERR)" test "${ERR#*主办}" = "$ERR"
pt_cli token create --name 报表二号 --role 只读
check_rc "a label it named is taken: token create --role 只读" 0
pt_cli token list
check_contains "as a viewer" "只读 viewer" "$OUT"

pt_step "a unit's role"
pt_cli --json add --title 关于角色提示的建议
ID="$(jv 'j["id"]' "$OUT")"
pt_cli do "$ID" assign --set mode=lead_co --set 'units=[{"name":"省水利厅","role":"boss"}]'
check_rc "assign with a unit of role boss" 1
check_contains "the daemon's codes" "units[0].role: must be one of lead, co, separate" "$ERR"
check_contains "and a unit's roles by their labels" "（units[0].role 可填：主办、协办、分办）" "$ERR"
check_true "not a token's (stderr: $ERR)" test "${ERR#*管理员}" = "$ERR"

pt_finish
