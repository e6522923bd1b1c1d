#!/usr/bin/env bash
# Co-signers typed as one value, as people paste them from a document or a
# spreadsheet cell ("王秀英，张建军"), are stored one name each, split as the
# CSV importer splits a cell (、 ， , ; ；, each name trimmed): by `add
# --co-signer` and by `--set co_signers=...` in add and edit. So each
# delegate's token finds the proposal, as it would after an import. Names
# separated by blanks only ("张三 李四　王五", as offices' spreadsheets write
# them) are split too when every piece is a Chinese person's name; "John
# Smith" and "张　三" stay one name, and a co-signer stored with a blank
# is exported so that it reads back as one.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init
pt_serve_cli

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

pt_step "names separated by blanks, in a CSV cell and in one value"
printf '标题,领衔代表,联名代表
关于空格分隔联名的建议,李国华,张三 李四　王五
关于外文联名的建议,李国华,John Smith、阿卜杜拉·买买提 张　三
关于对齐联名的建议,李国华,张　三、欧阳娜娜 王五
' \
    >"$PT_TMP/spaced.csv"
pt_import csv "$PT_TMP/spaced.csv"
check_status "import of names separated by blanks" 201
FIRST="$(jv 'j["first_id"]')"
api GET "/v1/proposals/$FIRST"
check_eq "ASCII and ideographic spaces split Chinese names" '["张三", "李四", "王五"]' \
    "$(jv 'j["co_signers"]')"
api GET "/v1/proposals/$((FIRST + 1))"
check_eq "John Smith, and a piece that is no name (张 alone), keep their item whole" \
    '["John Smith", "阿卜杜拉·买买提 张　三"]' "$(jv 'j["co_signers"]')"
api GET "/v1/proposals/$((FIRST + 2))"
check_eq "a padded name stays one (stored as 张三), one of four characters is split off" \
    '["张三", "欧阳娜娜", "王五"]' "$(jv 'j["co_signers"]')"
pt_cli --json add --title 关于空格联名的建议 --co-signer "张三 李四　王五" --co-signer "John Smith"
check_rc "add --co-signer with names separated by blanks" 0
check_eq "add splits them as the importer does" '["张三", "李四", "王五", "John Smith"]' \
    "$(jv 'j["co_signers"]' "$OUT")"
pt_cli add --help
check_contains "add --help says so" "blanks between Chinese names" "$OUT"
pt_cli --json add --title 关于用set空格联名的建议 --set "co_signers=周强 吴敏"
check_eq "so does --set co_signers" '["周强", "吴敏"]' "$(jv 'j["co_signers"]' "$OUT")"
pt_cli --json add --title 关于空格标签的建议 --tag "交通 民生" --tag "open data" --tag 教育，医疗
check_eq "tags are split on 、，, but never on blanks, as the importer splits a cell of tags" \
    '["交通 民生", "open data", "教育", "医疗"]' "$(jv 'j["tags"]' "$OUT")"

pt_step "a co-signer stored with a blank is exported so that it reads back as one"
api POST /v1/proposals '{"title": "关于导出空格联名的建议", "co_signers": ["张三 李四", "王五"]}'
check_status "a proposal whose one co-signer holds a blank" 201
req sock GET "/v1/exports?format=csv&lang=en&q=$(urlenc 关于导出空格联名的建议)"
check_status "the CSV export" 200
cp "$PT_TMP/resp.body" "$PT_TMP/out.csv"
check_contains "the cell is the list's JSON, not 张三 李四、王五" '"[""张三 李四"",""王五""]"' \
    "$(grep 关于导出空格联名的建议 "$PT_TMP/out.csv")"
pt_import csv "$PT_TMP/out.csv"
check_status "the export imported again" 201
api GET "/v1/proposals/$(jv 'j["first_id"]')"
check_eq "the co-signers read back as they were" '["张三 李四", "王五"]' "$(jv 'j["co_signers"]')"

pt_finish
