#!/usr/bin/env bash
# ptrack_http_requests_total counts imports and exports, which a job
# answers after the API has handed the request to it: an import by the
# status of its answer (201, 422 for a broken file), an export when its
# stream begins (200). They were counted only when the API refused them
# itself (an unknown format), so an office's imports and exports, and
# their failures, did not show in /metrics at all.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init
pt_serve

# counted ROUTE METHOD STATUS: the count of ptrack_http_requests_total for
# them (0 when there is no such line).
counted() {
    req sock GET /metrics
    printf '%s\n' "$BODY" | awk -v want="ptrack_http_requests_total{route=\"$1\",method=\"$2\",status=\"$3\"}" \
        '$1 == want {n = $2} END {print n + 0}'
}

printf '%s\n' '{"title": "关于加强农村饮水安全的建议"}' '{"title": "关于完善农村养老服务的建议"}' \
    >"$PT_TMP/good.jsonl"
printf '%s\n' '{"title": "关于规范城市道路占用管理的建议"}' '{"title": ' >"$PT_TMP/broken.jsonl"

pt_step "imports"
pt_import jsonl "$PT_TMP/good.jsonl"
check_status "a good file" 201
check_eq "counted as a 201 of POST /v1/imports" 1 "$(counted /v1/imports POST 201)"
pt_import jsonl "$PT_TMP/broken.jsonl"
check_error "a broken file" 422 validation_failed
check_eq "counted as a 422" 1 "$(counted /v1/imports POST 422)"
pt_import nosuchformat "$PT_TMP/good.jsonl"
check_error "an unknown format, refused by the API" 404 not_found
check_eq "counted as a 404, as before" 1 "$(counted /v1/imports POST 404)"

pt_step "exports"
api GET "/v1/exports?format=json"
check_status "an export" 200
check_eq "counted as a 200 of GET /v1/exports" 1 "$(counted /v1/exports GET 200)"
api GET "/v1/exports?format=csv&status=submitted"
check_status "another" 200
check_eq "counted again" 2 "$(counted /v1/exports GET 200)"

pt_stop
pt_finish
