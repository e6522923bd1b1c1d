#!/usr/bin/env bash
# test_metrics_stranded_state.sh - GET /metrics counts every proposal by
# its state, as GET /v1/stats does, also one in a state that the workflow
# in force no longer has: a county office that ran its own workflow with
# 暂缓办理 (suspended) and went back to the default one keeps such a
# proposal (the start warns of it). ptrack_proposals listed the states of
# the workflow only, so its series summed to one less than the store
# holds, while GET /v1/stats, ptrack stats and the reports count it.
set -u
. "$(dirname "$0")/lib.sh"
pt_init

pt_county_workflow "$PT_TMP/county.json"
pt_config '{}' ", \"workflow\": \"$PT_TMP/county.json\""
pt_start

pt_step "one proposal suspended under the county's workflow, one submitted"
api POST /v1/proposals '{"title": "关于农村饮水安全的建议", "lead_author": "张代表"}'
id="$(jv 'j["id"]')"
pt_act "$id" assign '{"mode": "single", "units": [{"name": "水利厅"}]}'
pt_act "$id" sign '{"unit": "水利厅"}'
pt_act "$id" suspend '{}'
api POST /v1/proposals '{"title": "关于公交线路的建议", "lead_author": "李代表"}'

pt_step "back to the default workflow"
pt_stop
sed -i 's#, "workflow": "[^"]*"##' "$PT_CONF"
pt_start
check_true "the start warns of the proposal in a state the workflow lacks" \
    grep -q 'in state "suspended", which workflow default does not have' "$PT_TMP/ptrackd.log"

metric() { printf '%s\n' "$BODY" | awk -v k="$1" '$1 == k {print $2}'; }
api GET /v1/stats
check_eq "GET /v1/stats counts both" '2 {"submitted": 1, "suspended": 1}' \
    "$(jv '"%d %s" % (j["total"], json.dumps(j["by_status"], sort_keys=True))')"
api GET /metrics
check_eq "ptrack_proposals for the state the workflow lacks" 1 \
    "$(metric 'ptrack_proposals{status="suspended"}')"
check_eq "ptrack_proposals for a state of the workflow" 1 \
    "$(metric 'ptrack_proposals{status="submitted"}')"
check_eq "a state of the workflow none is in is still there, at 0" 0 \
    "$(metric 'ptrack_proposals{status="handling"}')"
check_eq "the series sum to the proposals GET /v1/stats counts" 2 \
    "$(printf '%s\n' "$BODY" | awk '$1 ~ /^ptrack_proposals\{/ {n += $2} END {print n + 0}')"
check_eq "each state once" 1 \
    "$(printf '%s\n' "$BODY" | grep -c '^ptrack_proposals{status="submitted"}')"

pt_finish
