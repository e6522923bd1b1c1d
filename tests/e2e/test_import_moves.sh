#!/usr/bin/env bash
# test_import_moves.sh - how an import is moved into the store
# (core/store-import.c): an all-or-nothing one as its file is read (the
# early move, once a batch of 2,000 rows was read fast enough) or after it,
# a partial one batch by batch while the next is read; and what the
# writer's other clients see meanwhile. With 6,000 proposals from
# bench/gen-proposals.py, and /metrics' ptrack_import_moves_total saying
# which way each import went:
#   - a fast upload is moved early, whole, ids 1..N in the file's order, one
#     created event each, and a long poll of the feed wakes for them;
#   - an upload of 12,000 that stops after 10,000 lines for 10 s (the rate
#     is judged on each of the 4 batches before the pause): the early move
#     starts, gives up within a second, is rolled back, and the rows are
#     moved at the end; creates sent during the pause are answered while
#     it lasts (the test holds it until they are), not after it; nothing
#     is stored twice;
#   - an upload at 400 kB/s is not moved early at all (and creates go on);
#   - a bad record after the early move began: nothing is stored;
#   - a client that goes away after 5,000 lines: nothing is stored;
#   - a kill -9 right after 5,000 lines came, the early move most likely
#     waiting for more: nothing of it after a restart;
#   - a partial import with two bad records among 6,000 stores the others,
#     in the file's order, with consecutive ids, and names the two;
#   - a partial import whose second batch cannot be stored (a trigger
#     refuses a row) keeps the first batch only and says how many;
#   - a partial import whose last batch is being stored when SIGTERM comes
#     is answered as done, every batch stored;
#   - at the end, no event, history entry or side row without its proposal.
# Whether a file is read fast enough to be moved early (20,000 rows a
# second) depends on the machine: on a loaded one, an upload the test means
# to be fast may be read more slowly. Such an import must then be moved at
# its end, and ptrackd's log must say how fast it was read; the test
# accepts that, and says so, instead of the early move.
set -u
. "$(dirname "$0")/lib.sh"
pt_init

N=6000
PLUGINS="$PT_BUILD_DIR/plugins"
pt_plugin_so import_json >/dev/null
pt_config '{}'
pt_start --plugin-dir "$PLUGINS"
DB="$PT_DATA/ptrack.db"
PAUSED="$PT_SOURCE_DIR/tests/e2e/pausedpost.py"

python3 "$PT_SOURCE_DIR/bench/gen-proposals.py" "$N" "$PT_TMP/a.jsonl" "$PT_TMP/a.csv" ||
    pt_die "cannot generate the proposals"
# session FILE S: the same proposals in another session (not duplicates).
session() { sed "s/十四届全国人大四次会议/$2/" "$PT_TMP/a.jsonl" >"$1"; }
session "$PT_TMP/paused.jsonl" 十四届全国人大五次会议
session "$PT_TMP/paused2.jsonl" 十四届全国人大十次会议
cat "$PT_TMP/paused2.jsonl" >>"$PT_TMP/paused.jsonl"
session "$PT_TMP/slow.jsonl" 十四届全国人大六次会议
session "$PT_TMP/gone.jsonl" 十四届全国人大七次会议
session "$PT_TMP/kill.jsonl" 十四届全国人大八次会议
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
# moves WAY: ptrack_import_moves_total{way="WAY"}.
moves() {
    api GET /metrics
    printf %s "$BODY" | awk -v w="ptrack_import_moves_total{way=\"$1\"}" '$1 == w {print $2}'
}
# ways: the imports moved early, late and after an early move gave up, as
# "early late gave_up"; ways_since WAYS: how many of each since WAYS.
ways() { echo "$(moves early) $(moves late) $(moves gave_up)"; }
ways_since() {
    local a b
    read -r -a a <<<"$1"
    read -r -a b <<<"$(ways)"
    echo "$((b[0] - a[0])) $((b[1] - a[1])) $((b[2] - a[2]))"
}
log_lines() { wc -l <"$PT_TMP/ptrackd.log"; }
# read_rate MARK: the rows a second ptrackd logged, after line MARK of its
# log, that an import moved at its end was read at; empty if none.
read_rate() {
    tail -n +"$(($1 + 1))" "$PT_TMP/ptrackd.log" |
        sed -n 's/.*its rows were read at \([0-9]*\) a second at most.*/\1/p' | head -n 1
}
# check_way WHAT WAYS MARK EXPECTED [WHY]: one check, whichever way the
# import went: the one import since WAYS (and since line MARK of the log)
# went the way EXPECTED ("early late gave_up") and the log since MARK says
# WHY (a text in it) when WHY is given, or it was read more slowly than an
# early move needs, was moved at its end ("0 1 0") and the log says how
# fast it was read.
check_way() {
    local what="$1" got rate why=yes
    got="$(ways_since "$2")"
    rate="$(read_rate "$3")"
    if [ -n "${5:-}" ] && ! tail -n +"$(($3 + 1))" "$PT_TMP/ptrackd.log" | grep -qF -- "$5"; then
        why=no
    fi
    if [ "$got" = "$4" ] && [ "$why" = yes ]; then
        pt_ok "$what"
    elif [ "$got" = "0 1 0" ] && [ -n "$rate" ] && [ "$rate" -lt 20000 ]; then
        pt_ok "$what: not so, as it was read at $rate rows a second only (a loaded machine)"
    else
        pt_check_fail "$what" "$4 (early late gave_up)${5:+, the log saying \"$5\"}" \
            "$got, the log's rate: ${rate:-none}${5:+, the log saying it: $why}"
    fi
}
# creates_during OUT CMD...: creates a proposal every 0.2 s while CMD
# succeeds; writes the slowest answer's milliseconds and the count to OUT,
# and the times each was sent and answered (ns) to OUT.times, a line each.
# A create is given 200 s: one held behind an import waits for all of it.
creates_during() {
    local out="$1" max=0 n=0 t0 t1 ms
    shift
    while "$@"; do
        t0=$(date +%s%N)
        curl -s -o /dev/null --max-time 200 --unix-socket "$PT_SOCK" -X POST \
            -H "Content-Type: application/json" -d '{"title":"关于导入期间新建建议的测试"}' \
            http://localhost/v1/proposals
        t1=$(date +%s%N)
        echo "$t0 $t1" >>"$out.times"
        ms=$(((t1 - t0) / 1000000))
        [ "$ms" -gt "$max" ] && max=$ms
        n=$((n + 1))
        sleep 0.2
    done
    echo "$max $n" >"$out"
}
# wait_sent FILE: waits until pausedpost.py has sent its first part.
wait_sent() {
    wait_for 60 grep -q sent "$1" 2>/dev/null || pt_die "pausedpost.py did not send"
}

pt_step "a fast upload"
curl -s -o "$PT_TMP/poll.json" --max-time 30 --unix-socket "$PT_SOCK" \
    "http://localhost/v1/events?after=0&wait=20" &
poll=$!
sleep 0.3
before="$(ways)"
mark="$(log_lines)"
upload "$PT_TMP/a.jsonl"
check_eq "all imported, ids 1..$N" "201 $N 1 $N" "$ST $(jv '"%d %d %d" % (j["imported"], j["first_id"], j["last_id"])')"
check_way "moved as the file was read" "$before" "$mark" "1 0 0"
api GET "/v1/proposals?sort=id&limit=3"
check_eq "in the file's order" "000001 000002 000003" "$(jv '" ".join(i["number"] for i in j["items"])')"
api GET "/v1/events?after=0&limit=500"
check_eq "one created event per proposal, in order" "500 True" \
    "$(jv '"%d %s" % (len(j["items"]), [e["proposal"]["id"] for e in j["items"]] == list(range(1, 501)))')"
wait "$poll"
check_eq "a long poll of the feed woke with the import's events" "true" \
    "$(jv 'len(j["items"]) > 0 and j["items"][0]["type"] == "proposal.created"' "$(cat "$PT_TMP/poll.json")")"

pt_step "an upload that pauses after 10,000 lines"
# Creates are sent for 10 s from the start of the pause, which is long
# against the early move's wait for rows (at most 1.25 s), and the pause
# lasts until they have all been answered (up to 150 s): a create waiting
# on a move that does not give up waits for the pause to end, one waiting
# on one that does, for the wait and the rollback only, however long a
# busy machine makes those. The upload goes on once they are answered.
before="$(ways)"
mark="$(log_lines)"
python3 "$PAUSED" "$PT_SOCK" "/v1/imports?format=jsonl" "$PT_TMP/paused.jsonl" 10000 150 \
    --until "$PT_TMP/paused.go" >"$PT_TMP/paused.out" 2>"$PT_TMP/paused.err" &
paused=$!
wait_sent "$PT_TMP/paused.err"
pause_from=$SECONDS
for_10s() { [ $((SECONDS - pause_from)) -lt 10 ]; }
creates_during "$PT_TMP/paused.creates" for_10s
resumed="$(grep resumed "$PT_TMP/paused.err" || echo "not yet")"
touch "$PT_TMP/paused.go"
wait "$paused"
read -r max n <"$PT_TMP/paused.creates"
check_eq "$n creates during the pause, all answered before it ended (the slowest in $max ms)" \
    "not yet" "$resumed"
check_eq "the import is stored whole" "HTTP/1.1 201 Created $((2 * N))" \
    "$(head -n 1 "$PT_TMP/paused.out" | tr -d '\r') $(jv 'j["imported"]' "$(tail -n 1 "$PT_TMP/paused.out")")"
check_way "its early move gave up and it was moved at the end, and the log says why" "$before" \
    "$mark" "0 1 1" "came more slowly than they could be stored"
api GET /v1/health
check_eq "a move that gave up is no storage error: health stays ok" "200 true" \
    "$ST $(jv 'j["writable"]')"
creates=$(sqlite3 -readonly "$DB" "SELECT count(*) FROM proposals WHERE session IS NULL")
check_eq "each proposal stored once, with one created event and one history entry" \
    "$((3 * N + creates)) $((3 * N + creates)) $((3 * N + creates))" \
    "$(sqlite3 -readonly "$DB" "SELECT (SELECT count(*) FROM proposals), (SELECT count(*) FROM events WHERE type = 'proposal.created'), (SELECT count(*) FROM history WHERE seq = 1)" | tr '|' ' ')"
check_eq "and its tags once" "$(sqlite3 -readonly "$DB" "SELECT count(*) FROM proposal_tags WHERE proposal_id <= $N")" \
    "$(sqlite3 -readonly "$DB" "SELECT count(*) FROM proposal_tags t JOIN proposals p ON p.id = t.proposal_id WHERE p.session = '十四届全国人大五次会议'")"

pt_step "a slow upload is moved at its end"
upload_slow() {
    curl -sS --unix-socket "$PT_SOCK" -X POST "http://localhost/v1/imports?format=jsonl" \
        --data-binary "@$PT_TMP/slow.jsonl" -H "Content-Type: application/x-ndjson" \
        --limit-rate 400k --max-time 120 -o "$PT_TMP/slow.out"
}
before="$(ways)"
mark="$(log_lines)"
upload_slow &
slow=$!
slow_from=$(date +%s%N)
running() { kill -0 "$1" 2>/dev/null; }
creates_during "$PT_TMP/slow.creates" running "$slow"
wait "$slow"
slow_to=$(date +%s%N)
read -r max n <"$PT_TMP/slow.creates"
check_eq "the slow import stored them all" "$N" "$(jv 'j["imported"]' "$(cat "$PT_TMP/slow.out")")"
# The upload takes about 10 s at this rate (more on a busy machine); a
# create waits for a move, not for the upload: those sent in the upload's
# first half are answered before it ends (later ones may wait for its
# move, at its end), which one held behind the upload would not be.
held=$(awk -v a="$slow_from" -v b="$slow_to" '$1 < a + (b - a) / 2 && $2 >= b' "$PT_TMP/slow.creates.times" | wc -l)
check_true "$n creates meanwhile, those of the upload's first half answered before its end (the slowest in $max ms)" \
    [ "$held" -eq 0 ]
check_eq "not moved early: read too slowly" "0 1 0" "$(ways_since "$before")"
check_true "the log says how fast it was read ($(read_rate "$mark") rows a second)" \
    test "$(read_rate "$mark")" -lt 20000
total=$(pt_count)

pt_step "a bad record after the early move began"
upload "$PT_TMP/bad.jsonl"
check_status "the import is refused" 422
check_contains "naming the record" "5001" "$BODY"
check_eq "nothing of it is stored" "$total" "$(pt_count)"
api GET /v1/health
check_eq "a client's bad record is no storage error: health stays ok" "200 true" \
    "$ST $(jv 'j["writable"]')"
api POST /v1/proposals '{"title":"关于导入失败之后新建建议的测试"}'
check_status "creates go on" 201
total=$((total + 1))

pt_step "a client that goes away after 5,000 lines"
python3 "$PAUSED" "$PT_SOCK" "/v1/imports?format=jsonl" "$PT_TMP/gone.jsonl" 5000 0.5 --close \
    2>/dev/null
wait_for 30 pt_jobs_running_is 0
check_eq "the import ended" 0 "$(pt_jobs_running)"
check_eq "nothing of its import is stored" "$total" "$(pt_count)"
api GET /v1/health
check_eq "a client that went away is no storage error: health stays ok" "200 true" \
    "$ST $(jv 'j["writable"]')"
api POST /v1/proposals '{"title":"关于客户端离开之后新建建议的测试"}'
check_status "and creates go on" 201
total=$((total + 1))

pt_step "kill -9 while an import's early move waits for rows"
python3 "$PAUSED" "$PT_SOCK" "/v1/imports?format=jsonl" "$PT_TMP/kill.jsonl" 5000 10 \
    >/dev/null 2>"$PT_TMP/kill.err" &
wait_sent "$PT_TMP/kill.err"
sleep 0.1
kill -9 "$PT_PID"
wait "$PT_PID" 2>/dev/null
# At debug, ptrackd logs when an import begins its last step, which the
# stop during a partial import's last batch below waits for.
pt_start --plugin-dir "$PLUGINS" --log-level debug
check_eq "after a restart, nothing of that import" "$total" "$(pt_count)"

pt_step "a partial import, batch by batch"
session "$PT_TMP/partial.jsonl" 十四届全国人大九次会议
sed -i -e '2500s/.*/{"title": ""}/' -e '4500s/.*/{"title": "坏", "kind": "不存在"}/' "$PT_TMP/partial.jsonl"
before=$(pt_count)
req sock POST "/v1/imports?format=jsonl&partial=true" -- --data-binary "@$PT_TMP/partial.jsonl" \
    --max-time 120 -H "Content-Type: application/x-ndjson"
check_eq "the others are stored" "$((N - 2)) 2" "$(jv '"%d %d" % (j["imported"], len(j["rejected"]))')"
check_contains "the bad records are named by line" "2500" "$(jv 'j["rejected"]')"
check_contains "both" "4500" "$(jv 'j["rejected"]')"
first=$(jv 'j["first_id"]')
last=$(jv 'j["last_id"]')
check_eq "with consecutive ids" "$((N - 3))" "$((last - first))"
check_eq "in the file's order" "000001 002499 002501 006000" \
    "$(sqlite3 -readonly "$DB" "SELECT number FROM proposals WHERE id IN ($first, $first + 2498, $first + 2499, $last) ORDER BY id" | tr '\n' ' ' | sed 's/ $//')"
check_eq "the store holds them" "$((before + N - 2))" "$(pt_count)"

pt_step "a partial import whose second batch cannot be stored"
# A trigger refuses one row of the second batch (rows 2,001-4,000): that
# batch is rolled back whole; the import learns of it when it hands over
# the third batch, which is then not stored either.
session "$PT_TMP/fail.jsonl" 十四届全国人大十一次会议
sqlite3 -cmd ".timeout 5000" "$DB" "CREATE TRIGGER refuse_row BEFORE INSERT ON proposals
    WHEN NEW.session = '十四届全国人大十一次会议' AND NEW.number = '003000'
    BEGIN SELECT RAISE(ABORT, '磁盘已满'); END;"
before=$(pt_count)
req sock POST "/v1/imports?format=jsonl&partial=true" -- --data-binary "@$PT_TMP/fail.jsonl" \
    --max-time 120 -H "Content-Type: application/x-ndjson"
check_true "the import ends with an error (HTTP $ST)" [ "$ST" -ge 400 ]
check_contains "saying why" "磁盘已满" "$BODY"
check_eq "the answer counts the first batch, stored" 2000 "$(jv 'j["error"]["imported"]')"
check_eq "the first batch stays, the second and third are not stored" "$((before + 2000))" "$(pt_count)"
sqlite3 -cmd ".timeout 5000" "$DB" "DROP TRIGGER refuse_row;"

pt_step "a partial import whose last batch is being stored when the daemon is told to stop"
# A trigger makes storing the file's last row take about 3 s (longer on a
# loaded machine); SIGTERM comes once the first two batches are stored and
# the log says the last one is being stored (its last step begins): every
# batch is stored, so the import is answered as done, not as cancelled.
# (A second after the first two batches, as the stop came before, is only
# a margin for the import's thread, on a busy machine, to have begun its
# last step; a stop before that cancels the import.) ptrackd stops once
# the last batch is stored, which may take longer than an ordinary stop.
session "$PT_TMP/last.jsonl" 十四届全国人大十二次会议
sqlite3 -cmd ".timeout 5000" "$DB" "CREATE TRIGGER slow_row AFTER INSERT ON proposals
    WHEN NEW.session = '十四届全国人大十二次会议' AND NEW.number = '006000'
    BEGIN SELECT count(*) FROM (WITH RECURSIVE c(x) AS
        (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 15000000) SELECT x FROM c); END;"
before=$(pt_count)
last_steps() { grep -c "(format jsonl): its last step begins (a partial import's last batch)" "$PT_TMP/ptrackd.log"; }
steps="$(last_steps)"
curl -s -o "$PT_TMP/last.body" -w '%{http_code}' --max-time 60 --unix-socket "$PT_SOCK" \
    -X POST -H "Content-Type: application/x-ndjson" --data-binary "@$PT_TMP/last.jsonl" \
    "http://localhost/v1/imports?format=jsonl&partial=true" >"$PT_TMP/last.status" &
cpid=$!
stored() { # stored N: at least N rows of the upload are stored
    [ "$(sqlite3 -readonly -cmd ".timeout 5000" "$DB" \
        "SELECT count(*) FROM proposals WHERE session = '十四届全国人大十二次会议'")" -ge "$1" ]
}
check_true "the first two batches are stored" wait_for 60 stored 4000
wait_for 60 eval '[ "$(last_steps)" -gt "$steps" ]' || true
kill -TERM "$PT_PID"
gone() { ! kill -0 "$PT_PID" 2>/dev/null; }
check_true "ptrackd stops once the last batch is stored" wait_for 60 gone
pt_kill9
wait "$cpid"
check_eq "the import is answered as done" 200 "$(cat "$PT_TMP/last.status")"
check_eq "with every row counted" "$N" \
    "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["imported"])' "$PT_TMP/last.body" 2>&1)"
pt_start --plugin-dir "$PLUGINS"
check_eq "after a restart, every row is there" "$((before + N))" "$(pt_count)"
sqlite3 -cmd ".timeout 5000" "$DB" "DROP TRIGGER slow_row;"

pt_step "nothing without its proposal"
check_eq "events, history entries, tags, people, units, search backlog" "0 0 0 0 0 0" \
    "$(sqlite3 -readonly "$DB" "SELECT
        (SELECT count(*) FROM events WHERE proposal_id NOT IN (SELECT id FROM proposals)),
        (SELECT count(*) FROM history WHERE proposal_id NOT IN (SELECT id FROM proposals)),
        (SELECT count(*) FROM proposal_tags WHERE proposal_id NOT IN (SELECT id FROM proposals)),
        (SELECT count(*) FROM proposal_people WHERE proposal_id NOT IN (SELECT id FROM proposals)),
        (SELECT count(*) FROM proposal_units WHERE proposal_id NOT IN (SELECT id FROM proposals)),
        (SELECT count(*) FROM search_pending WHERE proposal_id NOT IN (SELECT id FROM proposals))" |
        tr '|' ' ')"

pt_finish
