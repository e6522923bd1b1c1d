#!/usr/bin/env bash
# test_import_early.sh - the early move of an all-or-nothing import: its
# rows go into the store while the file is still being read, in a
# transaction that only the end of the file commits (core/store-import.c).
# Checks, with 6,000 proposals from bench/gen-proposals.py (the early move
# starts after the first 2,000 are read):
#   - a fast upload is imported whole, with ids 1..N in the file's order;
#   - an upload at 400 kB/s (the early move runs out of rows and gives up)
#     is imported whole all the same, and meanwhile a create through the API
#     is answered within a second;
#   - a bad record after the early move has begun makes the import store
#     nothing, and ptrackd answers creates at once after it;
#   - a client that goes away in the middle of the upload leaves nothing;
#   - a kill -9 during a slow import, its rows partly staged and moved,
#     leaves nothing after a restart.
set -u
. "$(dirname "$0")/lib.sh"
pt_init

N=6000
PLUGINS="$PT_BUILD_DIR/plugins"
[ -f "$PLUGINS/import_json.so" ] || pt_die "$PLUGINS/import_json.so is missing (build it)"
pt_config '{}'
pt_start --plugin-dir "$PLUGINS"

python3 "$PT_SOURCE_DIR/bench/gen-proposals.py" "$N" "$PT_TMP/a.jsonl" "$PT_TMP/a.csv" ||
    pt_die "cannot generate the proposals"
# session FILE S: the same proposals in another session (not duplicates).
session() { sed "s/十四届全国人大四次会议/$2/" "$PT_TMP/a.jsonl" >"$1"; }
session "$PT_TMP/slow.jsonl" 十四届全国人大五次会议
session "$PT_TMP/gone.jsonl" 十四届全国人大六次会议
session "$PT_TMP/kill.jsonl" 十四届全国人大七次会议
# A bad record after 5,000 good ones.
{ head -n 5000 "$PT_TMP/a.jsonl" | sed 's/十四届全国人大四次会议/十三届全国人大一次会议/'
  printf '%s\n' '{"title": ""}'
  tail -n 1000 "$PT_TMP/a.jsonl" | sed 's/十四届全国人大四次会议/十三届全国人大一次会议/'; } >"$PT_TMP/bad.jsonl"

upload() { # upload FILE [curl options]: POST /v1/imports?format=jsonl
    local f="$1"
    shift
    req sock POST "/v1/imports?format=jsonl" -- --data-binary "@$f" --max-time 120 \
        -H "Content-Type: application/x-ndjson" "$@"
}
# upload_bg FILE OUT [curl options]: the same in the background, by curl
# alone (req's files are the foreground's), the answer's body in OUT.
upload_bg() {
    local f="$1" out="$2"
    shift 2
    curl -sS --unix-socket "$PT_SOCK" -X POST "http://localhost/v1/imports?format=jsonl" \
        --data-binary "@$f" -H "Content-Type: application/x-ndjson" -o "$out" "$@" &
}

pt_step "a fast upload"
upload "$PT_TMP/a.jsonl"
check_eq "all imported, ids 1..$N" "201 $N 1 $N" "$ST $(jv '"%d %d %d" % (j["imported"], j["first_id"], j["last_id"])')"
api GET "/v1/proposals?sort=id&limit=3"
check_eq "in the file's order" "000001 000002 000003" "$(jv '" ".join(i["number"] for i in j["items"])')"
api GET "/v1/events?after=0&limit=500"
check_eq "one created event per proposal, in order" "500 True" \
    "$(jv '"%d %s" % (len(j["items"]), [e["proposal"]["id"] for e in j["items"]] == list(range(1, 501)))')"

pt_step "a slow upload"
upload_bg "$PT_TMP/slow.jsonl" "$PT_TMP/slow.out" --limit-rate 400k --max-time 120
slow=$!
sleep 1.5
t0=$(date +%s%N)
api POST /v1/proposals '{"title":"关于导入期间新建建议的测试","delegation":"山西代表团"}'
t1=$(date +%s%N)
check_status "a create during the slow import" 201
ms=$(((t1 - t0) / 1000000))
check_true "is answered within a second (took $ms ms)" [ "$ms" -lt 1000 ]
wait "$slow"
check_eq "the slow import stored them all" "$N" "$(jv 'j["imported"]' "$(cat "$PT_TMP/slow.out")")"
check_eq "the store holds both imports and the create" "$((2 * N + 1))" "$(pt_count)"
check_eq "the early move gave up on the slow upload only (the log says so once)" 1 \
    "$(grep -c 'came more slowly than they could be stored' "$PT_TMP/ptrackd.log")"

pt_step "a bad record after the early move began"
upload "$PT_TMP/bad.jsonl"
check_status "the import is refused" 422
check_contains "naming the record" "5001" "$BODY"
check_eq "nothing of it is stored" "$((2 * N + 1))" "$(pt_count)"
t0=$(date +%s%N)
api POST /v1/proposals '{"title":"关于导入失败之后新建建议的测试"}'
t1=$(date +%s%N)
check_status "a create right after" 201
check_true "is answered at once ($(((t1 - t0) / 1000000)) ms)" [ $(((t1 - t0) / 1000000)) -lt 1000 ]

pt_step "a client that goes away"
upload_bg "$PT_TMP/gone.jsonl" /dev/null --limit-rate 600k --max-time 3
wait $! 2>/dev/null
for _ in $(seq 1 50); do
    [ "$(pt_count)" = "$((2 * N + 2))" ] && break
    sleep 0.1
done
sleep 1
check_eq "nothing of its import is stored" "$((2 * N + 2))" "$(pt_count)"
api POST /v1/proposals '{"title":"关于客户端离开之后新建建议的测试"}'
check_status "and creates go on" 201

pt_step "kill -9 during a slow import"
upload_bg "$PT_TMP/kill.jsonl" /dev/null --limit-rate 1500k --max-time 60
sleep 2
kill -9 "$PT_PID"
wait "$PT_PID" 2>/dev/null
pt_start --plugin-dir "$PLUGINS"
check_eq "after a restart, nothing of that import" "$((2 * N + 3))" "$(pt_count)"
check_eq "and no staging file is left" "" "$(ls -A "$PT_DATA" | grep -v '^ptrack\.db' || true)"

pt_finish
