#!/usr/bin/env bash
# test_import_memory.sh - an all-or-nothing import runs in flat memory and
# leaves nothing behind when it fails or the daemon dies during its move.
#
# Uses the built-in jsonl importer (plugins/import_json) and 50,000
# proposals from bench/gen-proposals.py (about 35 MB of JSON lines).
# Checks:
#   - importing them all or nothing into an empty store, and again (another
#     session) into the store that then holds 50,000, grows ptrackd's peak
#     RSS (VmHWM, reset before each import) by less than BOUND_MB;
#   - the same file with one invalid record at its end is refused whole:
#     the record is named, nothing is stored, and memory stays as flat;
#   - new proposals after an invalid record, and one that repeats another
#     at the end: both are named, and looking through the rest for repeats
#     keeps memory as flat;
#   - the imported proposals are found by search at once, while the writer
#     indexes them (after the answer), and after;
#   - a kill -9 while the move into the store is under way (its pages are
#     reaching the WAL) leaves nothing of that import after a restart, and
#     no staging file in the data directory.
#
# The bound: what an import may add to an idle daemon is its fixed caches,
# not anything per proposal: SQLite's page cache of the writer (16 MB,
# store-schema.c), of a read connection (8 MB), the request body's queue
# (1 MB, plugin-jobs.c), one batch of checked documents (500 of ~1.5 kB)
# and malloc's arenas around them; about 20 MB was measured. Before the fix
# the move held about 4 kB per proposal (a savepoint journal in memory):
# about 200 MB for 50,000, far above the bound.
set -u
. "$(dirname "$0")/lib.sh"
pt_init

N=50000
BOUND_MB=48
PLUGINS="$PT_BUILD_DIR/plugins"
pt_plugin_so import_json >/dev/null

pt_config '{}'
pt_start --plugin-dir "$PLUGINS"

python3 "$PT_SOURCE_DIR/bench/gen-proposals.py" "$N" "$PT_TMP/a.jsonl" "$PT_TMP/a.csv" ||
    pt_die "cannot generate the proposals"
# The same proposals in another session are not duplicates of the first.
sed 's/十四届全国人大四次会议/十四届全国人大五次会议/' "$PT_TMP/a.jsonl" >"$PT_TMP/b.jsonl"
# The first file with one record that fails validation at its end.
{ cat "$PT_TMP/a.jsonl"; printf '%s\n' '{"title": ""}'; } >"$PT_TMP/bad.jsonl"
sed 's/十四届全国人大四次会议/十四届全国人大六次会议/' "$PT_TMP/a.jsonl" >"$PT_TMP/c.jsonl"
# New proposals (another session) after a record that fails validation,
# and at the end the first of them again.
{
    printf '%s\n' '{"title": ""}'
    sed 's/十四届全国人大四次会议/十四届全国人大七次会议/' "$PT_TMP/a.jsonl" | tee "$PT_TMP/d.jsonl"
    head -n 1 "$PT_TMP/d.jsonl"
} >"$PT_TMP/bad-new.jsonl"

kb() { awk -v f="$1:" '$1 == f {print $2}' "/proc/$PT_PID/status"; }

# import NAME FILE: an all-or-nothing import of FILE; sets GROWTH_KB to how
# much ptrackd's peak RSS grew meanwhile.
import() {
    echo 5 >"/proc/$PT_PID/clear_refs" 2>/dev/null || true
    local hwm0 t0
    hwm0="$(kb VmHWM)"
    t0=$(date +%s)
    req sock POST "/v1/imports?format=jsonl" -- --data-binary "@$2" --max-time 250 \
        -H "Content-Type: application/x-ndjson"
    GROWTH_KB=$(($(kb VmHWM) - hwm0))
    pt_log "$1: HTTP $ST in $(($(date +%s) - t0)) s; VmHWM grew by $((GROWTH_KB / 1024)) MiB" \
        "(from $((hwm0 / 1024)) MiB)"
}

pt_step "all or nothing into an empty store"
import "first import" "$PT_TMP/a.jsonl"
check_eq "all $N imported" "201 $N" "$ST $(jv 'j["imported"]')"
check_true "peak memory grew by less than $BOUND_MB MiB" [ "$GROWTH_KB" -lt $((BOUND_MB * 1024)) ]
check_eq "the store holds $N" "$N" "$(pt_count)"

pt_step "search finds imported proposals before and after they are indexed"
# The writer indexes imports for search after answering them, oldest first:
# the last proposals of the file are the last to be indexed.
backlog="$(pt_search_backlog)"
check_eq "the last proposal is found by a phrase of its title" "$N" "$(pt_search_ids "建议（$N）")"
check_eq "and by two words" "$N" "$(pt_search_ids "的建议 （$N）")"
pt_log "search backlog after the import: $backlog; now $(pt_search_backlog)"
waited="$(pt_wait_search_indexed)"
check_true "the backlog is indexed (in ${waited} s)" [ "$waited" != timeout ]
check_eq "found through the index alike" "$N" "$(pt_search_ids "建议（$N）")"
check_eq "and by two words" "$N" "$(pt_search_ids "的建议 （$N）")"

pt_step "a failing record: nothing is stored"
import "failing import" "$PT_TMP/bad.jsonl"
check_eq "refused" "422" "$ST"
check_eq "the one bad record is named by its line" "1 line $((N + 1))" \
    "$(jv 'len(j["error"]["rejected"])') $(jv 'j["error"]["rejected"][0]["where"]')"
check_eq "nothing of it was stored" "$N" "$(pt_count)"
check_true "peak memory grew by less than $BOUND_MB MiB" [ "$GROWTH_KB" -lt $((BOUND_MB * 1024)) ]

pt_step "new proposals after a failing record: the repeat among them is named too"
import "failing import of new proposals" "$PT_TMP/bad-new.jsonl"
check_eq "refused" "422" "$ST"
check_eq "the bad record and the repeat, by line" "line 1,line $((N + 2))" \
    "$(jv '",".join(r["where"] for r in j["error"]["rejected"])')"
check_eq "nothing of it was stored" "$N" "$(pt_count)"
check_true "peak memory grew by less than $BOUND_MB MiB" [ "$GROWTH_KB" -lt $((BOUND_MB * 1024)) ]

pt_step "all or nothing into a store that already holds $N"
import "second import" "$PT_TMP/b.jsonl"
check_eq "all $N imported" "201 $N" "$ST $(jv 'j["imported"]')"
check_true "peak memory grew by less than $BOUND_MB MiB" [ "$GROWTH_KB" -lt $((BOUND_MB * 1024)) ]
check_eq "the store holds $((2 * N))" "$((2 * N))" "$(pt_count)"

pt_step "kill -9 during the move"
# A clean stop checkpoints the WAL and deletes it (a WAL that was reused
# keeps its size, up to journal_size_limit), so that from the start below
# its size tells how far the move has come. The imports above are indexed
# for search first, or the restarted writer would go on with that.
check_true "the imports were indexed for search" [ "$(pt_wait_search_indexed)" != timeout ]
pt_stop
pt_start --plugin-dir "$PLUGINS"
wal="$PT_DATA/ptrack.db-wal"
check_true "the WAL starts small" [ "$(stat -c %s "$wal" 2>/dev/null || echo 0)" -lt $((1024 * 1024)) ]
ls "$PT_DATA" >"$PT_TMP/files.before"
curl -sS --unix-socket "$PT_SOCK" --max-time 250 -X POST -H "Content-Type: application/x-ndjson" \
    --data-binary "@$PT_TMP/c.jsonl" -o "$PT_TMP/c.answer" "http://localhost/v1/imports?format=jsonl" \
    2>/dev/null &
upload=$!
# The staged records go to a file of the job's, not to the database: the
# WAL grows past a few MB only once the move has begun.
moving=0
for _ in $(seq 1 2400); do
    size=$(stat -c %s "$wal" 2>/dev/null || echo 0)
    if [ "$size" -gt $((8 * 1024 * 1024)) ]; then
        moving=1
        break
    fi
    kill -0 "$upload" 2>/dev/null || break
    sleep 0.05
done
kill -9 "$PT_PID"
wait "$PT_PID" 2>/dev/null
wait "$upload" 2>/dev/null
check_eq "the daemon was killed during the move (WAL past 8 MB, no answer yet)" "1 0" \
    "$moving $(stat -c %s "$PT_TMP/c.answer" 2>/dev/null || echo 0)"
pt_start --plugin-dir "$PLUGINS"
check_eq "nothing of the killed import is in the store" "$((2 * N))" "$(pt_count)"
ls "$PT_DATA" >"$PT_TMP/files.after"
check_eq "no file was left in the data directory" "" \
    "$(comm -13 "$PT_TMP/files.before" "$PT_TMP/files.after" | tr '\n' ' ')"
req sock GET "/v1/proposals?session=%E5%8D%81%E5%9B%9B%E5%B1%8A%E5%85%A8%E5%9B%BD%E4%BA%BA%E5%A4%A7%E5%85%AD%E6%AC%A1%E4%BC%9A%E8%AE%AE&limit=1"
check_eq "no proposal of its session exists" "200 0" "$ST $(jv 'len(j["items"])')"

pt_stop
pt_finish
