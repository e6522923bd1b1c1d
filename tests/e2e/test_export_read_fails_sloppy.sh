#!/usr/bin/env bash
# When export_next could not read the proposals (here: ptrackd runs out of
# memory reading one of 4 MB, through tests/shims/failalloc.so), the
# export fails whatever the exporter then returns, as plugin.h and
# plugins.md say: 503 storage_error before the first byte, a transfer cut
# off after it. An exporter that takes any answer of export_next but 1 for
# the end and returns PTRACK_OK (the fixture export_slow with
# sloppy=true) made the export a 200, a shorter file that the client took
# for the whole one.
set -u
. "$(dirname "$0")/lib.sh"
pt_init
pt_fixtures import_big export_slow
# AddressSanitizer has its own malloc, which the shim cannot stand in
# front of: under it there is nothing to test here.
pt_skip_under_asan "whose malloc the failalloc shim cannot replace"
pt_shim failalloc
FLAG="$PT_TMP/fail-large-allocations"

pt_config '{}' ',"plugins": [
    {"instance": "big", "path": "'"$FIX"'/fixture_import_big.so"},
    {"instance": "slow_out", "path": "'"$FIX"'/fixture_export_slow.so", "config": {"pause": 0}}
  ]'
LD_PRELOAD="$SHIM" FAILALLOC_MIN=1048576 FAILALLOC_FLAG="$FLAG" pt_start

pt_step "a small proposal, then one of 4 MB"
api POST /v1/proposals '{"title": "关于导出读取失败之前的建议", "lead_author": "张代表"}'
check_status "the small proposal is stored" 201
req sock POST "/v1/imports?format=big" -- --data-binary "x" -H "Content-Type: text/plain"
check_status "the big proposal is stored" 201

pt_step "the export's read fails after its first byte"
touch "$FLAG"
curl -sS --max-time 30 -H "Authorization: Bearer $VIEWER_TOKEN" -o "$PT_TMP/out.jsonl" \
    "$PT_URL/v1/exports?format=slow&sloppy=true" 2>/dev/null
rc=$?
rm -f "$FLAG"
check_eq "the transfer is cut off: curl sees it fail (exit 18)" "18" "$rc"
check_eq "... after the small proposal" "1" "$(grep -c 关于导出读取失败之前的建议 "$PT_TMP/out.jsonl")"

pt_step "the export's read fails before its first byte"
# The small one leaves the export: assigned, where the filter takes
# submitted ones only.
pt_act 1 assign '{"mode": "single", "units": [{"name": "教育厅", "role": "lead"}]}'
touch "$FLAG"
as_viewer GET "/v1/exports?format=slow&sloppy=true&status=submitted"
rm -f "$FLAG"
check_error "the export is answered" 503 storage_error
check_contains "saying that reading the proposals failed" "reading the proposals failed" \
    "$(jv 'j["error"]["message"]')"
check_contains "the log says so" "the exporter slow_out stopped: reading the proposals failed" \
    "$(cat "$PT_TMP/ptrackd.log")"

pt_stop
pt_finish
