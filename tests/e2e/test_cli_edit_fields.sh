#!/usr/bin/env bash
# `ptrack edit ID` takes the field options of `ptrack add` (--title, --kind,
# --co-signer, --tag, ...) and sends them as a JSON merge patch: a field
# given is replaced, one not given is left as it was, and an option given as
# "" clears its field (null). The title cannot be cleared: ptrackd refuses
# that, and the refusal is shown as it says it. --set keeps working beside
# the options. An edit that changes nothing says so rather than that it
# changed the proposal.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init
pt_config
pt_start
pt_need_cli

pt_step "a proposal to edit"
pt_cli --json add --title 关于加强农村饮水安全保障的建议 --kind 建议 --session 十四届四次 \
    --number 1001 --delegation 山西代表团 --lead-author 张三 --co-signer 李四 \
    --category 农业农村 --background 旧背景 --recommendation 一是旧 --tag 旧标签 \
    --set custom.联系人=刘秘书
check_rc "add" 0
ID="$(jv 'j["id"]' "$OUT")"

pt_step "every field option of add, in edit"
printf '新的背景，第一段。\n第二段。\n' >"$PT_TMP/背景.txt"
pt_cli --json edit "$ID" --title 关于进一步加强农村饮水安全保障的建议 --kind 议案 \
    --session 十四届五次 --number ２００２ --delegation 河北代表团 --lead-author 王五 \
    --co-signer "王秀英，张建军" --co-signer 刘丽萍 --submitter-type 联名 --category 民生 \
    --background "@$PT_TMP/背景.txt" --recommendation "一是加大投入，确保资金" \
    --recommendation 二是完善机制 --tag 水利
check_rc "edit with the field options" 0
api GET "/v1/proposals/$ID"
check_eq "the text fields are replaced" \
    '["关于进一步加强农村饮水安全保障的建议", "十四届五次", "2002", "河北代表团", "王五", "民生"]' \
    "$(jv '[j["title"], j["session"], j["number"], j["delegation"], j["lead_author"], j["category"]]')"
check_eq "kind and submitter_type by their labels" "motion joint" \
    "$(jv 'j["kind"] + " " + j["submitter_type"]')"
check_eq "co-signers are split as add splits them" '["王秀英", "张建军", "刘丽萍"]' \
    "$(jv 'j["co_signers"]')"
check_eq "recommendations are taken whole, in order" '["一是加大投入，确保资金", "二是完善机制"]' \
    "$(jv 'j["recommendations"]')"
check_eq "the tags are replaced" '["水利"]' "$(jv 'j["tags"]')"
check_eq "--background @FILE reads the file" '"新的背景，第一段。\n第二段。"' \
    "$(jv 'json.dumps(j["background"], ensure_ascii=False)')"
check_eq "a field not given is left as it was" '{"联系人": "刘秘书"}' "$(jv 'j["custom"]')"
VERSION="$(jv 'j["version"]')"

pt_step "options and --set together"
pt_cli --json edit "$ID" --lead-author 赵六 --set custom.电话=13800138000
check_rc "edit with an option and --set" 0
check_eq "both are applied" '["赵六", "13800138000", "刘秘书"]' \
    "$(jv '[j["lead_author"], j["custom"]["电话"], j["custom"]["联系人"]]' "$OUT")"
check_eq "the rest is left as it was" '河北代表团 ["水利"]' \
    "$(jv 'j["delegation"] + " " + json.dumps(j["tags"], ensure_ascii=False)' "$OUT")"
pt_cli --json edit "$ID" --delegation 天津代表团 --set delegation=北京代表团
check_eq "a --set of the same field wins, as in add" 北京代表团 "$(jv 'j["delegation"]' "$OUT")"

pt_step "an empty value clears an optional field"
pt_cli --json edit "$ID" --number "" --delegation "" --category "" --background "" \
    --co-signer "" --tag "" --recommendation "" --submitter-type ""
check_rc "edit with empty values" 0
api GET "/v1/proposals/$ID"
check_eq "the text fields are cleared" '[null, null, null, null, null]' \
    "$(jv '[j.get(k) for k in ("number", "delegation", "category", "background", "submitter_type")]')"
check_eq "the lists are cleared" '[[], [], []]' \
    "$(jv '[j.get(k) or [] for k in ("co_signers", "tags", "recommendations")]')"
check_eq "the others stay" "关于进一步加强农村饮水安全保障的建议 赵六 十四届五次" \
    "$(jv 'j["title"] + " " + j["lead_author"] + " " + j["session"]')"

pt_step "the title cannot be cleared: ptrackd's refusal is shown"
api GET "/v1/proposals/$ID"
BEFORE="$(jv 'j["version"]')"
pt_cli edit "$ID" --title "" --lead-author 钱七
check_rc "edit --title ''" 1
check_contains "the message names the field and why" "title: cannot be cleared" "$ERR"
api GET "/v1/proposals/$ID"
check_eq "nothing was changed" "$BEFORE 赵六" "$(jv 'str(j["version"]) + " " + j["lead_author"]')"

pt_step "the forms edit took before still work"
pt_cli --json edit "$ID" --set number=3003 --if-match "$BEFORE"
check_rc "edit --set with --if-match" 0
check_eq "--set number" "3003" "$(jv 'j["number"]' "$OUT")"
pt_cli edit "$ID" --tag 过时 --if-match "$VERSION"
check_rc "an option with a stale --if-match" 1
pt_cli edit "$ID"
check_rc "edit with nothing to change" 2
check_contains "it says what to give" "nothing to change" "$ERR"

pt_step "--background @FILE reads the file as --set-file does"
# One final line break is the editor's and is dropped; what is before it
# is the text, a blank line that ends it too. One file gives one text by
# either option, so that putting it again by the other changes nothing.
printf '第一段。\n\n' >"$PT_TMP/空行.txt"
pt_cli --json edit "$ID" --background "@$PT_TMP/空行.txt"
check_rc "edit --background @FILE" 0
check_eq "only the last line break is dropped" '"第一段。\n"' \
    "$(jv 'json.dumps(j["background"], ensure_ascii=False)' "$OUT")"
pt_cli edit "$ID" --set-file "background=$PT_TMP/空行.txt"
check_contains "--set-file of the same file changes nothing" "未修改 unchanged" "$OUT"
printf '第一段。\r\n第二段。\r\n' >"$PT_TMP/crlf.txt"
pt_cli --json add --title 关于CRLF背景的建议 --background "@$PT_TMP/crlf.txt"
check_eq "a Windows line break ends it as one" '"第一段。\r\n第二段。"' \
    "$(jv 'json.dumps(j["background"], ensure_ascii=False)' "$OUT")"

pt_step "an edit that changes nothing says so"
pt_cli edit "$ID" --delegation 山西代表团
check_rc "edit --delegation that changes it" 0
check_contains "it says the proposal was changed" "已修改 updated" "$OUT"
api GET "/v1/proposals/$ID"
NOW="$(jv 'j["version"]')"
pt_cli edit "$ID" --delegation 山西代表团
check_rc "the same edit again" 0
check_contains "it says nothing was changed" "未修改 unchanged" "$OUT"
check_true "and not that it was ($OUT)" test "${OUT#*已修改}" = "$OUT"
pt_cli edit "$ID" --delegation 山西代表团 --if-match "$NOW"
check_contains "so with --if-match" "未修改 unchanged" "$OUT"
api GET "/v1/proposals/$ID"
check_eq "the version stayed" "$NOW" "$(jv 'j["version"]')"

pt_finish
