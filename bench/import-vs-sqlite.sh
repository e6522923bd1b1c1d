#!/usr/bin/env bash
# import-vs-sqlite.sh - how fast ptrackd imports proposals, against the
# sqlite3 shell's .import of the same rows into a plain table.
#
# Generates N proposals (default 200,000) as JSON lines and the same rows as
# CSV (bench/gen-proposals.py), then, in one run on one machine:
#   1. sqlite3 t.db ".mode csv" ".import rows.csv t"  (a plain table);
#   2. POST /v1/imports?format=jsonl into a fresh ptrackd, all or nothing
#      (the default), with ptrackd's peak RSS (VmHWM) before and after,
#      whether it was moved into the store as the file was read (early) or
#      after, and how long after the answer the search index caught up;
#   3. the same with partial=true (stored batch by batch, no staging);
#   4. GET /v1/exports?format=jsonl of all N, with ptrackd's peak RSS
#      (VmHWM) before and after, and the size of the file.
#   5. the rows the import of 2. stored, copied set-based into an empty
#      database in the sqlite3 shell, table by table: a bound on what an
#      import could take if nothing but SQLite cost anything;
#   6. the proposals' rows of 2. alone, inserted one by one from C
#      (bench/insert-floor.c), without and with their indexes: what any
#      import of new rows pays SQLite for them, before every other row.
# Prints the times and the ratio of speeds (sqlite3 time / ptrackd time);
# the issue's target is a ratio of at least 0.5.
#
#   BUILD_DIR=build-release bash bench/import-vs-sqlite.sh [N]
#
# Build with -DCMAKE_BUILD_TYPE=Release first: a Debug ptrackd measures the
# compiler's flags, not the design.
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-200000}"
build="${BUILD_DIR:-build}"
[ -x "$build/ptrackd" ] && [ -f "$build/plugins/import_json.so" ] || {
    echo "import-vs-sqlite.sh: build first (ptrackd and plugins/import_json.so in $build)" >&2
    exit 2
}
command -v sqlite3 >/dev/null || { echo "import-vs-sqlite.sh: sqlite3 is needed" >&2; exit 2; }
tmp="$(mktemp -d "${TMPDIR:-/tmp}/ptimport.XXXXXX")"
pid=""
stop() {
    if [ -n "$pid" ]; then
        kill -TERM "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
        pid=""
    fi
}
trap 'stop; rm -rf "$tmp"' EXIT

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", b - a}'; }
status_kb() { awk -v f="$1:" '$1 == f {print $2}' "/proc/$pid/status"; }

# start NAME: a fresh ptrackd with its own data directory, built-in plugins.
start() {
    mkdir -p "$tmp/$1"
    cat >"$tmp/$1/ptrackd.json" <<JSON
{"data_dir": "$tmp/$1/data", "socket": "$tmp/$1/pt.sock", "log_level": "warn"}
JSON
    "$build/ptrackd" --config "$tmp/$1/ptrackd.json" --plugin-dir "$build/plugins" \
        >>"$tmp/$1/log" 2>&1 &
    pid=$!
    for _ in $(seq 1 100); do
        curl -s -o /dev/null --unix-socket "$tmp/$1/pt.sock" http://localhost/v1/health && return
        sleep 0.05
    done
    echo "import-vs-sqlite.sh: ptrackd did not start; its log:" >&2
    cat "$tmp/$1/log" >&2
    exit 1
}

# import NAME QUERY: POSTs the JSON lines; prints the seconds; checks all came.
import() {
    local t0 t1 answer
    t0=$(now)
    answer=$(curl -sS --unix-socket "$tmp/$1/pt.sock" -X POST \
        -H "Content-Type: application/octet-stream" --data-binary "@$tmp/rows.jsonl" \
        "http://localhost/v1/imports?$2")
    t1=$(now)
    case "$answer" in
    *"\"imported\":$n,"*) ;;
    *) echo "import-vs-sqlite.sh: the import did not store all $n: ${answer:0:300}" >&2; exit 1 ;;
    esac
    secs "$t0" "$t1"
}

echo "generating $n proposals (JSON lines and CSV) ..."
python3 bench/gen-proposals.py "$n" "$tmp/rows.jsonl" "$tmp/rows.csv"
printf '  %s\n' "rows.jsonl $(du -h "$tmp/rows.jsonl" | cut -f1), rows.csv $(du -h "$tmp/rows.csv" | cut -f1)"
# Both start from files in the page cache.
cat "$tmp/rows.jsonl" "$tmp/rows.csv" >/dev/null

t0=$(now)
sqlite3 "$tmp/t.db" ".mode csv" ".import $tmp/rows.csv t"
t1=$(now)
sq=$(secs "$t0" "$t1")
rows=$(sqlite3 "$tmp/t.db" "SELECT count(*) FROM t")
[ "$rows" = "$n" ] || { echo "sqlite3 imported $rows rows, not $n" >&2; exit 1; }

# indexed NAME: waits until the daemon has indexed its imports for search
# (ptrack_search_backlog in /metrics is 0); prints the seconds it waited.
indexed() {
    local t0 t1 n
    t0=$(now)
    while :; do
        n=$(curl -s --unix-socket "$tmp/$1/pt.sock" http://localhost/metrics |
            awk '$1 == "ptrack_search_backlog" {print $2}')
        [ "$n" = 0 ] && break
        sleep 0.05
    done
    t1=$(now)
    secs "$t0" "$t1"
}

start all
hwm_all0=$(status_kb VmHWM)
all=$(import all "format=jsonl")
hwm_all1=$(status_kb VmHWM)
# How the import was moved into the store: as the file was read, or after.
all_way=$(curl -s --unix-socket "$tmp/all/pt.sock" http://localhost/metrics |
    awk -F'[{}"]' '/^ptrack_import_moves_total/ && $NF + 0 > 0 && $3 != "gave_up" {print $3}')
all_indexed=$(indexed all)
stop

# What the rows ptrackd stores cost in SQLite itself. The store the import
# above left is copied, table by table, into an empty database with the same
# schema and the same settings (WAL, synchronous=FULL), in one transaction
# and set-based (INSERT ... SELECT): no HTTP, no parsing, no validation, no
# statement per row. Each step adds to the one before, so its time is what
# the import could take if everything but SQLite cost nothing.
src="$tmp/all/data/ptrack.db"
schema="SELECT sql || ';' FROM sqlite_schema WHERE sql IS NOT NULL
        AND name NOT LIKE 'proposals_fts_%' AND name NOT LIKE 'sqlite_%'"
floor_step() { # floor_step WITH_INDEXES SQL: prints the seconds
    rm -f "$tmp/f.db" "$tmp/f.db-wal" "$tmp/f.db-shm"
    sqlite3 "$src" "$schema" | sqlite3 "$tmp/f.db"
    [ "$1" = yes ] || sqlite3 "$tmp/f.db" "$(sqlite3 "$tmp/f.db" \
        "SELECT 'DROP INDEX ' || name || ';' FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL")"
    local t0 t1
    t0=$(now)
    sqlite3 "$tmp/f.db" "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;
        ATTACH '$src' AS o; BEGIN; $2 COMMIT;" >/dev/null
    t1=$(now)
    secs "$t0" "$t1"
}
rows_sql="INSERT INTO proposals SELECT * FROM o.proposals;"
rest_sql="INSERT INTO history SELECT * FROM o.history;
    INSERT INTO proposal_units SELECT * FROM o.proposal_units;
    INSERT INTO proposal_tags SELECT * FROM o.proposal_tags;
    INSERT INTO proposal_people SELECT * FROM o.proposal_people;
    INSERT INTO events SELECT * FROM o.events;
    INSERT INTO search_pending SELECT proposal_id FROM o.history WHERE seq = 1;"
fts_sql="INSERT INTO proposals_fts (rowid, title, background, recommendations)
    SELECT rowid, title, background, recommendations FROM o.proposals_fts;"
# How many indexes the proposals' table has in the schema of this build.
n_idx=$(sqlite3 "$src" "SELECT count(*) FROM sqlite_schema WHERE type = 'index'
        AND tbl_name = 'proposals' AND sql IS NOT NULL")
f1=$(floor_step no "$rows_sql")
f2=$(floor_step yes "$rows_sql")
f3=$(floor_step yes "$rows_sql $rest_sql")
f4=$(floor_step yes "$rows_sql $rest_sql $fts_sql")
# The proposals' rows inserted one at a time, as new rows must be: the
# rows alone, then with their indexes (bench/insert-floor.c).
floor_rows=; floor_indexed=
if [ -x "$build/bench/pt-insert-floor" ]; then
    floor_out=$("$build/bench/pt-insert-floor" "$src" "$tmp/f.db")
    floor_rows=$(awk '$1 == "rows" {print $2}' <<<"$floor_out")
    floor_indexed=$(awk '$1 == "indexed" {print $2}' <<<"$floor_out")
fi
rm -f "$tmp/f.db" "$tmp/f.db-wal" "$tmp/f.db-shm"
start partial
part=$(import partial "format=jsonl&partial=true")

echo
printf '%-44s %8s s  %s\n' "sqlite3 .import (CSV, plain table)" "$sq" "$(awk -v n="$n" -v t="$sq" 'BEGIN {printf "%.0f rows/s", n / t}')"
printf '%-44s %8s s  %s\n' "ptrackd import jsonl, all or nothing" "$all" "$(awk -v n="$n" -v t="$all" 'BEGIN {printf "%.0f proposals/s", n / t}')"
printf '%-44s %8s s  %s\n' "ptrackd import jsonl, partial=true" "$part" "$(awk -v n="$n" -v t="$part" 'BEGIN {printf "%.0f proposals/s", n / t}')"
printf 'ratio (speed of ptrackd / speed of sqlite3; target >= 0.50): all or nothing %s, partial %s\n' \
    "$(awk -v a="$sq" -v b="$all" 'BEGIN {printf "%.2f", a / b}')" \
    "$(awk -v a="$sq" -v b="$part" 'BEGIN {printf "%.2f", a / b}')"
printf 'the all-or-nothing import was moved into the store %s\n' \
    "$([ "$all_way" = early ] && echo "as its file was read (early)" || echo "after its file was read (${all_way:-?})")"
printf 'search index caught up %s s after the all-or-nothing import was answered\n' "$all_indexed"
printf 'ptrackd memory, all or nothing: VmHWM %s kB before the import, %s kB after\n' \
    "$hwm_all0" "$hwm_all1"

ratio() { awk -v a="$sq" -v b="$1" 'BEGIN {printf "%.2f", a / b}'; }
echo
echo "the same rows copied set-based in the sqlite3 shell (WAL, synchronous=FULL, one transaction;"
echo "SQLite's transfer optimization copies them in order, without a seek per row: a bound, not a target):"
printf '  %-62s %6s s  ratio %s\n' \
    "proposals rows alone, no index" "$f1" "$(ratio "$f1")" \
    "+ their $n_idx indexes" "$f2" "$(ratio "$f2")" \
    "+ units, tags, people, history, events, search backlog (as stored)" "$f3" "$(ratio "$f3")" \
    "+ the trigram full-text entries (indexed after the answer)" "$f4" "$(ratio "$f4")"
if [ -n "$floor_rows" ]; then
    echo "the proposals' rows inserted one by one from C (one prepared statement, text bound"
    echo "without a copy, WAL, synchronous=FULL, one transaction; nothing else an import stores):"
    printf '  %-62s %6s s  ratio %s\n' \
        "proposals rows alone, no index" "$floor_rows" "$(ratio "$floor_rows")" \
        "+ their $n_idx indexes" "$floor_indexed" "$(ratio "$floor_indexed")"
fi

# The export, on the daemon that holds the partial import.
hwm0=$(status_kb VmHWM)
rss0=$(status_kb VmRSS)
t0=$(now)
curl -sS --unix-socket "$tmp/partial/pt.sock" -o "$tmp/out.jsonl" \
    "http://localhost/v1/exports?format=jsonl"
t1=$(now)
lines=$(wc -l <"$tmp/out.jsonl")
hwm1=$(status_kb VmHWM)
rss1=$(status_kb VmRSS)
echo
printf 'export jsonl of %s proposals: %s s, %s\n' "$lines" "$(secs "$t0" "$t1")" "$(du -h "$tmp/out.jsonl" | cut -f1)"
printf 'ptrackd memory: VmHWM %s kB before the export, %s kB after (VmRSS %s -> %s kB)\n' \
    "$hwm0" "$hwm1" "$rss0" "$rss1"
stop
