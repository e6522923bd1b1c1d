#!/usr/bin/env bash
# ?format= of POST /v1/imports and GET /v1/exports is found in any ASCII
# case: format names are lower case (the loader refuses others), so CSV or
# Json can only mean csv or json. The folded name is what the job uses: a
# record imported as CSV says source.format "csv", and a second import of
# it as csv finds it a duplicate. A format no plugin serves is still
# 404 not_found, named as it was asked for; no format is still 400.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init
pt_serve

pt_step "imports"
printf 'title,lead_author,ref\n关于大写格式名的建议,李国华,CASE-001\n' >"$PT_TMP/in.csv"
pt_import CSV "$PT_TMP/in.csv"
check_status "POST /v1/imports?format=CSV" 201
check_eq "one imported" 1 "$(jv 'j["imported"]')"
ID="$(jv 'j["first_id"]')"
api GET "/v1/proposals/$ID"
check_eq "the record names the format as it is declared" '{"format": "csv", "ref": "CASE-001"}' \
    "$(jv 'j["source"]')"
pt_import csv "$PT_TMP/in.csv"
check_status "the same file again, as csv" 201
check_eq "it is the same record: skipped" "0 1" "$(jv 'str(j["imported"]) + " " + str(j["skipped"])')"
printf '{"title": "关于混合大小写的建议"}\n' >"$PT_TMP/in.jsonl"
pt_import JsonL "$PT_TMP/in.jsonl"
check_status "POST /v1/imports?format=JsonL" 201

pt_step "exports"
api GET "/v1/exports?format=Json"
check_status "GET /v1/exports?format=Json" 200
check_eq "it is the json export of both" '["关于大写格式名的建议", "关于混合大小写的建议"]' \
    "$(jv '[p["title"] for p in j]')"
api GET "/v1/exports?format=CSV&lang=en"
check_status "GET /v1/exports?format=CSV with the exporter's own parameter" 200
check_contains "it is the csv export" "关于大写格式名的建议" "$BODY"

pt_step "unknown and missing formats are refused as before"
api GET "/v1/exports?format=Nope"
check_error "GET /v1/exports?format=Nope" 404 not_found
check_contains "the message names it as asked" '"Nope"' "$(jv 'j["error"]["message"]')"
pt_import XLSX "$PT_TMP/in.csv"
check_error "POST /v1/imports?format=XLSX (exported, not imported)" 404 not_found
check_contains "the message names it as asked" '"XLSX"' "$(jv 'j["error"]["message"]')"
api GET "/v1/exports?format="
check_error "GET /v1/exports?format=" 400 bad_request
api GET "/v1/exports?format=$(python3 -c 'print("J" * 100)')"
check_error "a name longer than any format" 404 not_found

pt_finish
