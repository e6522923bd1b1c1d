#!/usr/bin/env bash
# An office's workflow may give a state or an action a label with a blank
# in it (退回 待改派, 签收 登记). --status and --todo split their values on
# the blanks between Chinese labels (已交办 办理中 is two states), but a
# value that is a whole label as typed is that label: 退回 待改派 was split
# into 退回 and 待改派 and refused as a state that does not exist (exit 2),
# and --todo '签收 登记' as a part of a unit's work that is none.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init

python3 - "$PT_SOURCE_DIR/proposals/workflow-default.json" "$PT_TMP/wf.json" <<'PY'
import json, sys
wf = json.load(open(sys.argv[1], encoding="utf-8"))
for s in wf["states"]:
    if s["name"] == "returned":
        s["label"]["zh"] = "退回 待改派"
for a in wf["actions"]:
    if a["name"] == "sign":
        a["name"], a["effect"], a["label"]["zh"] = "qianshou", "sign", "签收 登记"
wf["name"] = "office"
json.dump(wf, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
PY
pt_config '{}' ', "workflow": "'"$PT_TMP/wf.json"'"'
pt_start

P1="$(pt_new_proposal 关于停车场建设的提案 李代表)"
pt_act "$P1" assign '{"mode": "single", "units": [{"name": "市交通局"}]}'
pt_act "$P1" return '{"unit": "市交通局", "reason": "不属于本单位职责"}'
check_eq "returned" returned "$(jv 'j["status"]')"
P2="$(pt_new_proposal 关于老旧小区加装电梯的提案 李代表)"
pt_act "$P2" assign '{"mode": "single", "units": [{"name": "市住建局"}]}'
P3="$(pt_new_proposal 关于社区食堂的提案 李代表)"

ids() { jv '[p["id"] for p in j["items"]]' "$OUT"; }

pt_step "--status: a label with a blank is that state"
for v in '退回 待改派' ' 退回 待改派 ' '退回　待改派'; do
    pt_cli --json list --status "$v"
    check_rc "list --status '$v'" 0
    check_eq "'$v': the one returned" "[$P1]" "$(ids)"
done
pt_cli --json list --status '退回 待改派，已交办'
check_rc "list --status '退回 待改派，已交办'" 0
check_eq "with another after a comma: both" "[$P1, $P2]" "$(ids)"
pt_cli stats --status '退回 待改派'
check_rc "stats --status '退回 待改派'" 0

pt_step "labels split by blanks still are several"
pt_cli --json list --status '已交办 已提出'
check_rc "list --status '已交办 已提出'" 0
check_eq "both states" "[$P2, $P3]" "$(ids)"
pt_cli list --status '已交办 办里中'
check_rc "one of them no state" 2
check_contains "it names the one that is none" '--status "办里中" is not a state' "$ERR"

pt_step "--todo: an action's label with a blank is that part"
pt_cli --json list --unit 市住建局 --todo '签收 登记'
check_rc "list --todo '签收 登记'" 0
check_eq "the one to sign" "[$P2]" "$(ids)"

pt_finish
