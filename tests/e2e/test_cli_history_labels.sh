#!/usr/bin/env bash
# The history's actions that are not workflow actions (create, import,
# edit) carry a Chinese label like the workflow's (登记, 导入, 修改: the
# words of the reports), so every row of `ptrack history` reads the same way.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init
pt_serve_cli

pt_step "create and edit"
pt_cli --json add --title 关于历史标签的建议
ID="$(jv 'j["id"]' "$OUT")"
pt_cli edit "$ID" --set title=关于历史标签的建议（修改）
check_rc "edit" 0
pt_cli history "$ID"
check_rc "history" 0
check_contains "create is labelled 登记" "登记 create" "$OUT"
check_contains "edit is labelled 修改" "修改 edit" "$OUT"

pt_step "import"
printf '[{"title": "关于导入标签的建议"}]' >"$PT_TMP/one.json"
pt_cli --json import "$PT_TMP/one.json"
check_rc "import" 0
pt_cli history "$(jv 'j["first_id"]' "$OUT")"
check_contains "import is labelled 导入" "导入 import" "$OUT"

pt_finish
