#!/usr/bin/env bash
# An office's own workflow may name its actions as it likes: what a unit or
# a delegate may run follows what an action does (its effect), not its
# name. Here `sign` is renamed `receive`, and an action named `extend`
# withdraws the proposal (effect withdraw): a unit may receive, and may
# not run that `extend`.
set -u
. "$(dirname "$0")/lib.sh"
pt_init

UNIT_TOKEN="unit-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
python3 - "$PT_SOURCE_DIR/proposals/workflow-default.json" "$PT_TMP/wf.json" <<'PY'
import json, sys
wf = json.load(open(sys.argv[1], encoding="utf-8"))
acts = wf["actions"]
for a in acts:
    if a["name"] == "sign":
        a["name"], a["effect"] = "receive", "sign"
withdraw = next(a for a in acts if a["name"] == "withdraw")
for i, a in enumerate(acts):
    if a["name"] == "extend":
        acts[i] = dict(withdraw, name="extend", effect="withdraw",
                       **{"from": ["handling", "rehandling"]})
json.dump(wf, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
PY
PT_PORT="$(pt_free_port)"
PT_URL="http://127.0.0.1:$PT_PORT"
cat >"$PT_CONF" <<JSON
{"data_dir": "$PT_DATA", "socket": "$PT_SOCK", "listen": "127.0.0.1:$PT_PORT",
 "log_level": "info", "workflow": "$PT_TMP/wf.json",
 "tokens": [{"name": "财政部干事", "role": "unit", "unit": "财政部",
             "sha256": "$(pt_sha256 "$UNIT_TOKEN")"}]}
JSON
pt_start
check_contains "the start says that two actions share a label, and which a typed label takes" \
    "workflow $PT_TMP/wf.json: actions extend and withdraw share the label 撤回; where a person types it, extend is taken" \
    "$(cat "$PT_TMP/ptrackd.log")"

pt_step "a renamed sign, an extend that withdraws"
api POST /v1/proposals '{"title":"关于自定义流程权限的建议"}'
check_status "a proposal" 201
ID="$(jv 'j["id"]')"
api POST "/v1/proposals/$ID/actions/assign" '{"mode":"single","units":[{"name":"财政部","role":"lead"}]}'
check_status "assigned to 财政部" 200
req "tcp:$UNIT_TOKEN" POST "/v1/proposals/$ID/actions/receive" '{}'
check_status "the unit may run receive (effect sign), its unit filled in" 200
check_eq "the proposal is handled" handling "$(jv 'j["status"]')"
req "tcp:$UNIT_TOKEN" POST "/v1/proposals/$ID/actions/extend" '{"reason":"不想办"}'
check_error "the unit may not run extend when it withdraws" 403 forbidden
api GET "/v1/proposals/$ID"
check_eq "and nothing changed" handling "$(jv 'j["status"]')"
req "tcp:$UNIT_TOKEN" POST "/v1/proposals/$ID/actions/sign" '{}'
check_error "there is no action named sign for it to run: not found, for a unit too" \
    404 not_found
pt_stop
pt_finish
