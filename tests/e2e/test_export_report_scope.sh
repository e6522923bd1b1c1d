#!/usr/bin/env bash
# A unit's or a delegate's report (md, html) holds only their own
# proposals, and says so: its 筛选条件 names the unit or the person that
# ptrackd narrowed the export to, also when the request did not name it,
# so that the boss who reads a unit's report does not take its figures
# for every unit's. A clerk's report of everything names no filter.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init
UNIT_TOKEN="unit-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
PERSON_TOKEN="person-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
pt_config
python3 - "$PT_CONF" "$(pt_sha256 "$UNIT_TOKEN")" "$(pt_sha256 "$PERSON_TOKEN")" <<'PY'
import json, sys
c = json.load(open(sys.argv[1], encoding="utf-8"))
c["tokens"] += [
    {"name": "交通厅联络员", "role": "unit", "unit": "省交通运输厅", "sha256": sys.argv[2]},
    {"name": "张三代表", "role": "delegate", "person": "张三", "sha256": sys.argv[3]},
]
json.dump(c, open(sys.argv[1], "w", encoding="utf-8"), ensure_ascii=False)
PY
pt_start --plugin-dir "$PT_BUILD_DIR/plugins"

api POST /v1/proposals '{"title":"关于农村公路的建议","lead_author":"张三"}'
A="$(jv 'j["id"]')"
api POST "/v1/proposals/$A/actions/assign" '{"mode":"single","units":[{"name":"省交通运输厅","role":"lead"}]}'
api POST /v1/proposals '{"title":"关于课后服务的建议","lead_author":"李四"}'
B="$(jv 'j["id"]')"
api POST "/v1/proposals/$B/actions/assign" '{"mode":"single","units":[{"name":"省教育厅","role":"lead"}]}'

pt_step "a unit's report"
for fmt in md html; do
    req "tcp:$UNIT_TOKEN" GET "/v1/exports?format=$fmt"
    check_status "the unit exports $fmt" 200
    check_contains "$fmt: the report names the unit it covers" "筛选条件：承办单位：省交通运输厅" "$BODY"
    check_contains "$fmt: and holds its proposal" "关于农村公路的建议" "$BODY"
    check_true "$fmt: and not the other unit's" test "${BODY#*关于课后服务的建议}" = "$BODY"
done
req "tcp:$UNIT_TOKEN" GET "/v1/exports?format=md&status=assigned"
check_contains "with a filter of its own, both are named" "筛选条件：状态：已交办；承办单位：省交通运输厅" "$BODY"

pt_step "a delegate's report"
req "tcp:$PERSON_TOKEN" GET "/v1/exports?format=md"
check_status "the delegate exports md" 200
check_contains "the report names the person it covers" "筛选条件：代表：张三" "$BODY"

pt_step "everyone's report"
as_clerk GET "/v1/exports?format=md"
check_status "the clerk exports md" 200
check_true "it names no filter" test "${BODY#*筛选条件}" = "$BODY"
check_contains "and holds both" "关于课后服务的建议" "$BODY"

pt_stop
pt_finish
