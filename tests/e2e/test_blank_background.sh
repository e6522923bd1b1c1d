#!/usr/bin/env bash
# A background of blanks alone (spaces, U+3000, line breaks) is none, and
# so is an ask of blanks in the recommendations, whichever way it comes:
# created, patched, imported, or set from an empty file with ptrack edit
# --set-file. They were stored as they came ("   ", ["  ", "一是…"]),
# shown as an empty section, and counted as an ask; ptrack edit
# --background "" cleared the field where --set background= stored "". A
# background with words keeps its blanks.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init
pt_serve_cli

bg() { jv 'repr(j.get("background"))'; }
asks() { jv 'j.get("recommendations")'; }

pt_step "created with blanks"
api POST /v1/proposals '{"title": "关于空白背景的建议", "background": " \u3000\n ", "recommendations": ["  ", "一是加强农村饮水保障", "\u3000\r\n"]}'
check_status "created" 201
ID="$(jv 'j["id"]')"
check_eq "a background of blanks is none" "None" "$(bg)"
check_eq "asks of blanks are left out" '["一是加强农村饮水保障"]' "$(asks)"
api POST /v1/proposals '{"title": "关于保留空格的建议", "background": "  背景 说明 \n", "recommendations": [" 一是 "]}'
check_eq "a background with words keeps its blanks" "'  背景 说明 \\n'" "$(bg)"
check_eq "so does an ask" '[" 一是 "]' "$(asks)"

pt_step "patched with blanks"
api PATCH "/v1/proposals/$ID" '{"background": "原有背景"}' -- -H "Content-Type: application/merge-patch+json"
check_eq "a background set" "'原有背景'" "$(bg)"
api PATCH "/v1/proposals/$ID" '{"background": "\u3000\u3000", "recommendations": [" "]}' -- \
    -H "Content-Type: application/merge-patch+json"
check_status "patched" 200
check_eq "patched with blanks: none" "None" "$(bg)"
check_eq "... and no asks" "[]" "$(asks)"

pt_step "ptrack edit"
pt_cli edit "$ID" --background 原有背景
check_rc "edit --background" 0
: >"$PT_TMP/empty.txt"
printf ' \n\n' >"$PT_TMP/blank.txt"
for how in "--set-file background=$PT_TMP/empty.txt" "--set-file background=$PT_TMP/blank.txt" \
    "--set background=" "--background ''"; do
    pt_cli edit "$ID" --background 原有背景
    eval "pt_cli edit \"\$ID\" $how"
    check_rc "edit ${how#--set-file background=$PT_TMP/}" 0
    api GET "/v1/proposals/$ID"
    check_eq "... leaves no background" "None" "$(bg)"
done

pt_step "imported with blanks"
printf '%s\n' '{"title": "关于导入空白背景的建议", "background": "  ", "recommendations": ["\u3000", "二是完善机制"]}' \
    >"$PT_TMP/one.jsonl"
pt_import jsonl "$PT_TMP/one.jsonl"
check_status "imported" 201
NEW="$(jv 'j["first_id"]')"
api GET "/v1/proposals/$NEW"
check_eq "a background of blanks is none" "None" "$(bg)"
check_eq "an ask of blanks is left out" '["二是完善机制"]' "$(asks)"

pt_finish
