#!/usr/bin/env bash
# Co-signers typed as one value, as people paste them from a document or a
# spreadsheet cell ("王秀英，张建军"), are stored one name each, split as the
# CSV importer splits a cell (、 ， , ; ；, each name trimmed): by `add
# --co-signer` and by `--set co_signers=...` in add and edit. So each
# delegate's token finds the proposal, as it would after an import.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init
pt_config
pt_start --plugin-dir "$PT_BUILD_DIR/plugins"
[ -x "$PTRACK" ] || pt_die "ptrack not found at $PTRACK (set PTRACK)"

pt_step "add --co-signer with several names in one value"
pt_cli --json add --title 关于改善农村公路的建议 --lead-author 李国华 \
    --co-signer " 王秀英，张建军、刘丽萍 " --co-signer "赵建国;孙丽；周强,吴敏"
check_rc "add with names in one --co-signer" 0
ID="$(jv 'j["id"]' "$OUT")"
api GET "/v1/proposals/$ID"
check_eq "each name is stored on its own, trimmed" \
    '["王秀英", "张建军", "刘丽萍", "赵建国", "孙丽", "周强", "吴敏"]' "$(jv 'j["co_signers"]')"

pt_step "the CSV importer stores the same cell the same way"
printf '标题,领衔代表,联名代表\n关于导入联名的建议,李国华," 王秀英，张建军、刘丽萍 "\n' >"$PT_TMP/in.csv"
pt_import csv "$PT_TMP/in.csv"
check_status "import of the same names in a CSV cell" 201
api GET "/v1/proposals/$(jv 'j["first_id"]')"
check_eq "the importer's names are the add's" '["王秀英", "张建军", "刘丽萍"]' \
    "$(jv 'j["co_signers"]')"

pt_step "a delegate's token finds the proposal by one of the names"
pt_cli --json token create --name 张建军代表 --role delegate --person 张建军
check_rc "token for the delegate 张建军" 0
TOKEN="$(jv 'j["token"]' "$OUT")"
set +e
LISTED="$("$PTRACK" --url "$PT_URL" --token "$TOKEN" --json list 2>&1)"
set -e
check_contains "the delegate's list holds the added proposal" "\"id\": $ID," "$LISTED"
pt_cli --json list --person 刘丽萍
check_contains "list --person finds it by a name given in one value" "\"id\": $ID," "$OUT"

pt_step "--set co_signers=TEXT in edit and add"
pt_cli --json edit "$ID" --set "co_signers=王秀英，张建军"
check_rc "edit --set co_signers with two names" 0
check_eq "edit stores two names" '["王秀英", "张建军"]' "$(jv 'j["co_signers"]' "$OUT")"
pt_cli --json edit "$ID" --set 'co_signers=["王秀英，张建军"]'
check_rc "edit --set co_signers with a JSON array" 0
check_eq "a JSON array is taken as given" '["王秀英，张建军"]' "$(jv 'j["co_signers"]' "$OUT")"
pt_cli --json add --title 关于用set联名的建议 --set "co_signers=周强、吴敏"
check_rc "add --set co_signers with two names" 0
check_eq "add --set stores two names" '["周强", "吴敏"]' "$(jv 'j["co_signers"]' "$OUT")"
pt_cli --json add --title 关于一位联名的建议 --co-signer 王秀英
check_eq "one name stays one name" '["王秀英"]' "$(jv 'j["co_signers"]' "$OUT")"

pt_finish
