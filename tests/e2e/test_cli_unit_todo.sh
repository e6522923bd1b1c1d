#!/usr/bin/env bash
# `ptrack list --todo` and the 本单位 column, with an office's own workflow:
# it calls signing 签收登记 (qianshou, effect sign), the co unit's opinion
# 会签 (huiqian, effect opinion) and handling 承办中 (chengban), so the
# todo filter must go by the actions' effects, not their names. Checks:
# --todo takes 签收, a code, the office's 签收登记, several (签收，答复)
# and 全部, and refuses anything else (exit 2), as ptrackd refuses a todo
# without a unit (exit 1, naming --unit) and a delegate's (exit 1, naming
# the state where its feedback is awaited); the office's name for a part
# when the workflow cannot be read is left for ptrackd, so that a revoked
# token (exit 1) or ptrackd stopped (exit 3) is what is told; a unit's list shows its part
# (主办·等协办意见 while the co unit's opinion is awaited, 协办·未签收·待意见, 已提意见, 已答复); a list without a
# unit has no such column; 期限 is left empty where the deadline does not
# run (returned) and shown where it does (assigned), as ptrack do does.
set -u
. "$(dirname "$0")/lib.sh"
pt_init

python3 - "$PT_SOURCE_DIR/proposals/workflow-default.json" "$PT_TMP/wf.json" <<'PY'
import json, sys
wf = json.load(open(sys.argv[1], encoding="utf-8"))
rename = {"handling": "chengban"}
for s in wf["states"]:
    if s["name"] in rename:
        s["name"] = rename[s["name"]]
        s["label"]["zh"] = "承办中"
def fix(v):
    if isinstance(v, list):
        return [rename.get(x, x) for x in v]
    if isinstance(v, dict):
        return {rename.get(k, k): fix(x) if isinstance(x, (dict, list)) else rename.get(x, x)
                for k, x in v.items()}
    return rename.get(v, v)
for a in wf["actions"]:
    a["from"] = fix(a["from"])
    a["to"] = fix(a["to"])
    if a["name"] == "sign":
        a["name"], a["effect"], a["label"]["zh"] = "qianshou", "sign", "签收登记"
    elif a["name"] == "opinion":
        a["name"], a["effect"], a["label"]["zh"] = "huiqian", "opinion", "会签"
wf["name"] = "office"
json.dump(wf, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
PY
pt_config '{}' ', "workflow": "'"$PT_TMP/wf.json"'"'
pt_start

# ids_of: the ids in the first column of the table ptrack printed.
ids_of() { printf '%s\n' "$OUT" | awk 'NR > 1 && $1 ~ /^[0-9]+$/ {print $1}' | paste -sd, -; }
# row ID: the table row of that id.
row() { printf '%s\n' "$OUT" | awk -v id="$1" '$1 == id'; }

P1="$(pt_new_proposal 关于老旧小区加装电梯的提案 李代表)"
pt_act "$P1" assign '{"mode": "lead_co", "units": [{"name": "市住建局", "role": "lead"}, {"name": "市财政局", "role": "co"}]}'
pt_act "$P1" qianshou '{"unit": "市住建局"}'
check_eq "签收登记 by the lead unit: 承办中" chengban "$(jv 'j["status"]')"
P2="$(pt_new_proposal 关于停车场建设的提案 李代表)"
pt_act "$P2" assign '{"mode": "single", "units": [{"name": "市交通局"}]}'
pt_act "$P2" return '{"unit": "市交通局", "reason": "不属于本单位职责"}'
check_eq "returned" returned "$(jv 'j["status"]')"

pt_step "--todo by the office's names and by the usual ones"
for t in 签收 sign 签收登记 qianshou 未签收; do
    pt_cli list --unit 市财政局 --todo "$t"
    check_rc "ptrack list --unit 市财政局 --todo $t" 0
    check_eq "finds #$P1, which the lead unit's signature moved on" "$P1" "$(ids_of)"
done
pt_cli list --unit 市住建局 --todo 签收登记
check_eq "市住建局 has signed" "没有符合条件的建议 (no proposals match)" "$OUT"
pt_cli list --unit 市财政局 --todo 会签
check_eq "会签 is the opinion: 市财政局 owes it" "$P1" "$(ids_of)"
pt_cli list --unit 市住建局 --todo 签收，答复
check_eq "签收，答复: 市住建局 owes the reply" "$P1" "$(ids_of)"
pt_cli list --unit 市住建局 --todo 全部
check_eq "全部" "$P1" "$(ids_of)"
pt_cli list --json --unit 市财政局 --todo 签收
check_eq "--json: the item carries the unit's part" '["sign", "opinion"]' \
    "$(jv 'j["items"][0]["unit_part"]["todo"]' "$OUT")"

pt_step "the 本单位 column"
pt_cli list --unit 市财政局
check_contains "a header 本单位" "本单位" "$(printf '%s\n' "$OUT" | head -n 1)"
check_contains "市财政局: co, to sign and to give its opinion" "协办·未签收·待意见" "$(row "$P1")"
pt_cli list --unit 市住建局
check_contains "市住建局: lead, its reply waiting for the co unit's opinion" "主办·等协办意见" "$(row "$P1")"
pt_act "$P1" qianshou '{"unit": "市财政局"}'
pt_act "$P1" huiqian '{"unit": "市财政局", "opinion": "同意"}'
pt_cli list --unit 市财政局
check_contains "after its opinion: 协办·已提意见" "协办·已提意见" "$(row "$P1")"
pt_act "$P1" reply '{"unit": "市住建局", "doc_no": "建函〔2026〕1号", "category": "A", "text": "答复"}'
pt_cli list --unit 市住建局
check_contains "after the reply: 主办·已答复" "主办·已答复" "$(row "$P1")"
FIN="$(pt_unit_token 财政局联络员 市财政局)"
pt_run "$PTRACK" --url "http://127.0.0.1:$PT_PORT" --token "$FIN" show "$P1"
check_rc "ptrack show as 市财政局" 0
check_contains "shows its part" "市财政局：协办·已提意见" "$(grep "本单位 Your unit" <<<"$OUT")"
pt_cli show "$P1"
check_true "a show that is no unit's has none" bash -c '! grep -q 本单位 <<<"$1"' _ "$OUT"
pt_cli list
check_true "a list without a unit has no 本单位" \
    bash -c '! printf "%s\n" "$1" | head -n 1 | grep -q 本单位' _ "$OUT"

pt_step "期限 is empty where the deadline does not run"
pt_cli list --status returned
check_rc "ptrack list --status returned" 0
check_true "no date in #$P2's row (已退回)" \
    bash -c '! printf "%s\n" "$1" | grep -Eq "[0-9]{4}-[0-9]{2}-[0-9]{2}"' _ "$(row "$P2")"
P3="$(pt_new_proposal 关于公交线路优化的提案 李代表)"
pt_act "$P3" assign '{"mode": "single", "units": [{"name": "市交通局"}]}'
pt_cli list --status assigned
check_true "a date in #$P3's row (已交办, whose deadline runs)" \
    bash -c 'printf "%s\n" "$1" | grep -Eq "[0-9]{4}-[0-9]{2}-[0-9]{2}"' _ "$(row "$P3")"

pt_step "refusals"
pt_cli list --unit 市财政局 --todo 办结
check_rc "--todo 办结" 2
check_contains "says what --todo takes" "签收 (sign)" "$ERR"
pt_cli list --unit 市财政局 --todo ，
check_rc "--todo of separators only: ptrackd refuses it" 1
pt_cli list --todo 签收
check_rc "--todo without a unit, as the office: ptrackd refuses it" 1
check_contains "the refusal names the option --unit" "add --unit NAME" "$ERR"
pt_cli stats --unit 市财政局 --todo 签收
check_rc "ptrack stats takes --todo" 0
LI="$(pt_delegate_token 李代表本人 李代表)"
pt_run "$PTRACK" --url "http://127.0.0.1:$PT_PORT" --token "$LI" list --todo 全部
check_rc "--todo from a delegate: ptrackd refuses it" 1
check_contains "a delegate is told what waits for it, not to add a unit" \
    "the proposals that wait for your feedback are those in state replied (已答复)" "$ERR"
check_true "it is not told to name a unit" bash -c '! grep -q -- "--unit" <<<"$1"' _ "$ERR"

pt_step "the office's name for a part when the workflow cannot be read"
api DELETE "/v1/tokens/$(urlenc 李代表本人)"
[ "$ST" = 204 ] || pt_die "revoking a token: HTTP $ST $BODY"
pt_run "$PTRACK" --url "http://127.0.0.1:$PT_PORT" --token "$LI" list --unit 市财政局 --todo 签收登记
check_rc "--todo 签收登记 with a revoked token" 1
check_contains "the token is what is wrong" "the token is not valid" "$ERR"
pt_stop
pt_cli list --unit 市财政局 --todo 会签
check_rc "--todo 会签 with ptrackd stopped" 3
check_contains "ptrackd cannot be reached" "cannot connect to ptrackd" "$ERR"

pt_finish
