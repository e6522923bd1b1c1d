#!/usr/bin/env bash
# Import and export jobs whose client is taken away while they run. A job
# was identified once, when its request came: a token revoked went on
# receiving its export's snapshot, and a slow import of it went on storing
# records after the revoke was answered. Now, when who may use the API
# changes (a revoke, a reload), each job whose client is no longer
# identified as it was ends, as the change feed's streams do:
#   - its export is cut off: the client sees the transfer end unfinished
#     (curl's exit 18), not a shorter file that looks whole;
#   - its all-or-nothing import stores nothing, and is answered 401 with a
#     message that says why;
#   - its partial import stores nothing more: the batch of 2,000 committed
#     before stays, and the answer says so;
#   - a token of the same role that was not revoked is unaffected: its
#     export is whole, its import stored;
#   - a config token that a reload takes out has its export cut off too.
set -u
. "$(dirname "$0")/lib.sh"
pt_init
pt_fixtures import_slow export_slow

pt_config "" ',
  "plugins": [
    {"instance": "slow_in", "path": "'"$FIX"'/fixture_import_slow.so"},
    {"instance": "slow_out", "path": "'"$FIX"'/fixture_export_slow.so", "config": {"pause": 300}}
  ]'
pt_start

pt_step "20 proposals to export, and two clerk tokens made at run time"
for i in $(seq 1 20); do
    pt_create "{\"title\": \"关于导出测试的建议 $i\", \"tags\": [\"导出测试\"]}" >/dev/null
done
api POST /v1/tokens '{"name": "导入机甲", "role": "clerk"}'
check_status "a token to revoke" 201
tok_a="$(jv 'j["token"]')"
api POST /v1/tokens '{"name": "导入机乙", "role": "clerk"}'
check_status "a token of the same role, kept" 201
tok_b="$(jv 'j["token"]')"
printf 'x\n' >"$PT_TMP/x.txt"

# job NAME TOKEN PATH [CURL_ARGS...]: a request on TCP with TOKEN in the
# background; the body into $PT_TMP/NAME.out, the status into NAME.code,
# curl's exit status into NAME.rc once it has ended.
job() {
    local name="$1" token="$2" path="$3"
    shift 3
    (
        curl -sS -N --max-time 120 -H "Authorization: Bearer $token" "$@" "$PT_URL$path" \
            -o "$PT_TMP/$name.out" -w '%{http_code}' >"$PT_TMP/$name.code" 2>"$PT_TMP/$name.err"
        echo $? >"$PT_TMP/$name.rc"
    ) &
}
import_job() {
    local name="$1" token="$2" query="$3"
    job "$name" "$token" "/v1/imports?format=slow&$query" -H 'Content-Type: text/plain' \
        --data-binary "@$PT_TMP/x.txt"
}
done_() { [ -s "$PT_TMP/$1.rc" ]; }
lines() { [ -f "$PT_TMP/$1.out" ] && wc -l <"$PT_TMP/$1.out" | tr -d ' ' || echo 0; }
has_lines() { [ "$(lines "$1")" -ge "$2" ]; }
at_least() { [ "$(pt_count)" -ge "$1" ]; }

pt_step "the revoked token's partial import commits a batch of 2000, then slows down"
import_job part_a "$tok_a" "partial=true&fast=2000&count=3000"
wait_for 60 at_least 2020
check_true "its first batch is committed" at_least 2020

pt_step "more jobs of both tokens, running when the revoke comes"
import_job whole_a "$tok_a" "fast=100&count=1000"
import_job whole_b "$tok_b" "count=120"
job export_a "$tok_a" "/v1/exports?format=slow&tag=$(urlenc 导出测试)"
job export_b "$tok_b" "/v1/exports?format=slow&tag=$(urlenc 导出测试)"
wait_for 30 has_lines export_a 2
check_true "the revoked token's export has begun" has_lines export_a 2
check_true "the kept token's import is still running" test "$(done_ whole_b && echo done)" = ""

pt_step "the token is revoked"
api DELETE "/v1/tokens/$(urlenc 导入机甲)"
check_status "the revoke" 204

wait_for 20 done_ export_a
check_true "its export has ended" done_ export_a
check_eq "... as a failed transfer (curl's exit 18), not a clean end" 18 "$(cat "$PT_TMP/export_a.rc")"
check_true "... before its 20 proposals" test "$(lines export_a)" -lt 20

wait_for 20 done_ whole_a
check_true "its all-or-nothing import has ended" done_ whole_a
BODY="$(cat "$PT_TMP/whole_a.out")"
ST="$(cat "$PT_TMP/whole_a.code")"
check_error "... answered as its requests now are" 401 unauthorized
check_contains "... saying why" "the import was cancelled: its client is no longer identified as it was" \
    "$(jv 'j["error"]["message"]')"
check_contains "... and that nothing was imported" "nothing was imported" "$(jv 'j["error"]["message"]')"

wait_for 20 done_ part_a
check_true "its partial import has ended" done_ part_a
BODY="$(cat "$PT_TMP/part_a.out")"
ST="$(cat "$PT_TMP/part_a.code")"
check_error "... answered the same" 401 unauthorized
check_eq "... with the 2000 it committed" 2000 "$(jv 'j["error"]["imported"]')"
check_contains "... which stay" "the batches stored before stay: 2000 proposals imported" \
    "$(jv 'j["error"]["message"]')"
check_contains "... and what to send again" "send again only the records not stored" \
    "$(jv 'j["error"]["message"]')"

pt_step "the kept token's jobs are unaffected"
wait_for 60 done_ export_b
check_eq "its export ends cleanly" 0 "$(cat "$PT_TMP/export_b.rc" 2>/dev/null)"
check_eq "... with all 20 proposals" 20 "$(lines export_b)"
wait_for 60 done_ whole_b
check_eq "its import is stored" 201 "$(cat "$PT_TMP/whole_b.code" 2>/dev/null)"
BODY="$(cat "$PT_TMP/whole_b.out")"
check_eq "... all 120 records" 120 "$(jv 'j["imported"]')"
check_eq "the store holds the 20, the partial import's 2000 and the kept token's 120, nothing more" \
    2140 "$(pt_count)"
sleep 1
check_eq "... also a moment later" 2140 "$(pt_count)"

pt_step "the log says so, as it does for the feed's streams"
check_true "the export's end" grep -q "export [0-9-]* of 导入机甲 (format slow) ended: its client may no longer use the API as it did" "$PT_TMP/ptrackd.log"
check_true "the imports' ends" test "$(grep -c "import [0-9-]* of 导入机甲 (format slow) ended: its client may no longer use the API as it did" "$PT_TMP/ptrackd.log")" = 2
check_true "none for the kept token" test "$(grep -c "of 导入机乙 (format slow) ended" "$PT_TMP/ptrackd.log")" = 0
req "tcp:$tok_a" GET "/v1/exports?format=slow"
check_error "coming back, the revoked token" 401 unauthorized

pt_step "a reload that takes a config token out cuts its export off"
job export_v "$VIEWER_TOKEN" "/v1/exports?format=slow&tag=$(urlenc 导出测试)"
wait_for 30 has_lines export_v 1
check_true "the viewer's export has begun" has_lines export_v 1
python3 - "$PT_CONF" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["tokens"] = [t for t in c["tokens"] if t["name"] != "报表机"]
json.dump(c, open(sys.argv[1], "w"), ensure_ascii=False)
PY
pt_reload
wait_for 20 done_ export_v
check_eq "its export ends as a failed transfer" 18 "$(cat "$PT_TMP/export_v.rc" 2>/dev/null)"
check_true "... before its 20 proposals" test "$(lines export_v)" -lt 20
check_true "... and the log says why" grep -q "export [0-9-]* of 报表机 (format slow) ended: its client may no longer use the API as it did" "$PT_TMP/ptrackd.log"

pt_stop
check_eq "ptrackd stops with 0" 0 "$PT_STOP_RC"
pt_finish
