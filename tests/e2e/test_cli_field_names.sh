#!/usr/bin/env bash
# `ptrack do ... --set` takes an action's field by its Chinese name as an
# office writes it (答复文号=, 满意度=, 理由=, 期限=), also in --set-file, as the
# field the action declares: 意见 is a co unit's opinion in 协办意见 and a
# delegate's comment in 评价. A name that fits no field of the action goes
# as typed, for ptrackd to refuse; one that fits two of an office's own
# fields is a usage error. One given without =VALUE is refused as typed
# (答复内容, not text), and one parted from its value by a blank is told
# the word to give (--set 答复文号=...).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init

python3 - "$PT_SOURCE_DIR/proposals/workflow-default.json" "$PT_TMP/wf.json" <<'PY'
import json, sys
wf = json.load(open(sys.argv[1], encoding="utf-8"))
# An office's own action whose two fields both answer to 意见.
wf["actions"].append({"name": "consult", "label": {"zh": "征求意见", "en": "Consult"},
                      "effect": "none", "from": ["handling", "rehandling"], "to": None,
                      "fields": [{"name": "opinion", "type": "text", "required": False},
                                 {"name": "comment", "type": "text", "required": False}]})
json.dump(wf, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
PY
pt_config '{}' ', "workflow": "'"$PT_TMP/wf.json"'"'
pt_start
pt_need_cli

pt_step "a lead and a co unit, by the Chinese names of the fields"
pt_cli --json add --title 关于加强农村饮水安全的建议 --lead-author 张三
ID="$(jv 'j["id"]' "$OUT")"
pt_cli do "$ID" 交办 --unit 省水利厅 --unit 省财政厅 --set 办理方式=主办+协办
check_rc "交办 with 办理方式=" 0
pt_cli do "$ID" 签收 --set 承办单位=省水利厅
check_rc "签收 with 承办单位=" 0
pt_cli do "$ID" 签收 --set 单位=省财政厅
check_rc "签收 with 单位=" 0
DAY="$(python3 -c 'import datetime; print(datetime.date.today() + datetime.timedelta(days=100))')"
pt_cli do "$ID" 延期 --set "期限=$DAY"
check_rc "延期 with 期限=" 0
api GET "/v1/proposals/$ID"
check_contains "期限 is due_at, by the end of that local day" "${DAY}T" "$(jv 'j["due_at"]')"
pt_cli do "$ID" 协办意见 --unit 省财政厅 --set 意见=同意主办单位意见
check_rc "协办意见 with 意见=" 0
api GET "/v1/proposals/$ID"
check_eq "意见 is the co unit's opinion" 同意主办单位意见 \
    "$(jv '[u for u in j["units"] if u["name"] == "省财政厅"][0]["opinion"]')"
printf '经研究，现答复如下：\n一是加大投入。\n' >"$PT_TMP/答复.txt"
pt_cli do "$ID" 答复 --unit 省水利厅 --set 答复文号=晋水函〔2026〕15号 --set 类别=a \
    --set-file "答复内容=$PT_TMP/答复.txt" --set 备注=按期答复
check_rc "答复 with 答复文号=, 类别= and --set-file 答复内容=" 0
api GET "/v1/proposals/$ID"
check_eq "the reply holds them" '["晋水函〔2026〕15号", "A", "经研究，现答复如下：\n一是加大投入。"]' \
    "$(jv '[j["replies"][0]["doc_no"], j["replies"][0]["category"], j["replies"][0]["text"]]')"
api GET "/v1/proposals/$ID/history"
check_eq "备注 is the history's note" 按期答复 "$(jv 'j["items"][-1]["note"]')"
pt_cli do "$ID" 评价 --set 代表=张三 --set 满意度=不满意 --set 意见=答复没有回应具体问题
check_rc "评价 with 代表=, 满意度= and 意见=" 0
api GET "/v1/proposals/$ID"
check_eq "意见 is the delegate's comment there" \
    '["张三", "unsatisfied", "答复没有回应具体问题", "rehandling"]' \
    "$(jv '[j["feedback"][0]["person"], j["feedback"][0]["satisfaction"], j["feedback"][0]["comment"], j["status"]]')"

pt_step "ptrack workflow lists the Chinese names"
pt_cli workflow
check_rc "ptrack workflow" 0
check_contains "doc_no's" "doc_no          答复文号、文号" "$OUT"
check_contains "and 意见 under both fields" "comment         评价意见、意见" "$OUT"

pt_step "names that fit no field, or two"
pt_cli do "$ID" 督办 --set 重点督办=是 --set 督办人=李主任 --set 电话=13800000000
check_rc "a name no field of 督办 has goes as typed, and ptrackd refuses it" 1
check_contains "naming it" "电话" "$ERR"
pt_cli do "$ID" 督办 --set 重点督办=是 --set 理由=代表多次反映
check_rc "a Chinese name of a field that 督办 does not have: a usage error" 2
check_contains "naming the field it is and the fields 督办 takes, in Chinese too" \
    "理由 is reason, which supervise does not take; it takes key_supervision (重点督办)" "$ERR"
check_contains "the note too" "note (备注)" "$ERR"
pt_cli do "$ID" 督办 --set 重点督办=是 --set 意见=请抓紧办理
check_rc "意见, a name of two fields, neither of them 督办's: a usage error" 2
check_contains "naming both fields it may be" \
    "意见 is opinion or comment, neither of which supervise takes; it takes key_supervision (重点督办)" \
    "$ERR"
api GET "/v1/proposals/$ID"
check_eq "nothing was sent" false "$(jv 'j["key_supervision"]')"
pt_cli do "$ID" 督办 --set 重点督办=是 --set 督办人=李主任
check_rc "督办 with 重点督办= and 督办人=" 0
api GET "/v1/proposals/$ID"
check_eq "supervised by 李主任" '[true, "李主任"]' "$(jv '[j["key_supervision"], j["supervisor"]]')"
pt_cli do "$ID" consult --set 意见=同意
check_rc "意见 fits both fields of the office's consult" 2
check_contains "the message names both" "opinion or comment" "$ERR"
pt_cli do "$ID" consult --set opinion=同意
check_rc "by its code it goes" 0
pt_cli do "$ID" 答复 --set-file 答复内容
check_rc "--set-file with a Chinese name and no =FILE" 2
check_contains "the refusal shows the name as typed" 'needs key=FILE, not "答复内容"' "$ERR"
pt_cli do "$ID" 答复 --set 答复文号
check_rc "--set with a Chinese name and no =VALUE" 2
check_contains "so does this one" 'needs key=value, not "答复文号"' "$ERR"
pt_cli do "$ID" 答复 --set 答复文号 晋水函〔2026〕15号
check_rc "--set with a blank between the name and the value" 2
check_contains "the value is said to go with the name, in one word" \
    'unexpected argument "晋水函〔2026〕15号": --set takes KEY=VALUE as one word, without a blank: --set 答复文号=晋水函〔2026〕15号' \
    "$ERR"
pt_cli do "$ID" 答复 --note 请阅 多余
check_rc "a stray argument after an option that takes no KEY=VALUE" 2
check_eq "is only unexpected" 'ptrack do: unexpected argument "多余" (see ptrack do --help)' "$ERR"

pt_finish
