#!/usr/bin/env bash
# Tags typed as one value ("交通，民生") are two tags: `--tag` in add and edit,
# and the text of --set tags=..., are split as co-signers are (、 ， , ; ；,
# each trimmed), as the CSV importer splits a cell of tags. The filter
# `list --tag` names one tag and is sent whole.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init
pt_config
pt_start
pt_need_cli

pt_step "add --tag with several tags in one value"
pt_cli --json add --title 关于改善农村公路的建议 --tag "交通，民生" --tag " 乡村振兴、 道路;安全 "
check_rc "add with tags in one --tag" 0
ID="$(jv 'j["id"]' "$OUT")"
api GET "/v1/proposals/$ID"
check_eq "each tag is stored on its own, trimmed" '["交通", "民生", "乡村振兴", "道路", "安全"]' \
    "$(jv 'j["tags"]')"
pt_cli --json add --title 关于一个标签的建议 --tag 水利
check_eq "one tag stays one tag" '["水利"]' "$(jv 'j["tags"]' "$OUT")"
pt_cli --json add --title 关于用set标签的建议 --set "tags=教育,医疗"
check_rc "add --set tags with two tags" 0
check_eq "add --set tags=TEXT is split too" '["教育", "医疗"]' "$(jv 'j["tags"]' "$OUT")"

pt_step "edit --tag is split the same way"
pt_cli --json edit "$ID" --tag "水利；生态，环保"
check_rc "edit --tag with three tags" 0
check_eq "edit stores three tags" '["水利", "生态", "环保"]' "$(jv 'j["tags"]' "$OUT")"
pt_cli --json edit "$ID" --set 'tags=["交通，民生"]'
check_rc "edit --set tags with a JSON array" 0
check_eq "a JSON array is taken as given" '["交通，民生"]' "$(jv 'j["tags"]' "$OUT")"
WHOLE="$ID"

pt_step "list --tag names one tag"
pt_cli --json add --title 关于两个标签的建议 --tag "交通，民生"
TWO="$(jv 'j["id"]' "$OUT")"
pt_cli --json list --tag "交通，民生"
check_rc "list --tag with a comma" 0
check_eq "it finds the proposal whose one tag is that text, not the one with two tags" \
    "[$WHOLE]" "$(jv '[p["id"] for p in j["items"]]' "$OUT")"
pt_cli --json list --tag 民生
check_eq "list --tag 民生 finds the one with two tags" "[$TWO]" \
    "$(jv '[p["id"] for p in j["items"]]' "$OUT")"

pt_finish
