#!/usr/bin/env bash
# aged-store.sh - builds a store that looks like ten years of an office's
# use, to measure what gets slow or big as a store ages (bench/README.md,
# "An aged store").
#
#   BUILD_DIR=build-release bash bench/aged-store.sh DIR [N]
#
# In DIR (which must not exist): N proposals (default 100,000) from
# bench/gen-years.py, imported into a fresh ptrackd through the API, walked
# through the workflow through the API by bench/walk-years.py (most of them
# to closed, with history and events growing to some 900,000 rows each),
# then, with ptrackd stopped, their times spread over the ten years: each
# session's proposals created in its year's first months, assigned 15-30
# days later and due 90 days after that, and the current year's open ones
# due from 120 days ago to 60 days ahead, so that some are overdue. Only the
# columns that lists, filters and statistics read are moved, not the times
# inside the documents. Leaves DIR/data/ptrack.db and DIR/ptrackd.json
# (start it with `ptrackd --config DIR/ptrackd.json`), and prints the
# store's rows and sizes. About 15 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
dir="${1:?usage: aged-store.sh DIR [N]}"
n="${2:-100000}"
build="${BUILD_DIR:-build}"
[ -x "$build/ptrackd" ] && [ -f "$build/plugins/import_json.so" ] || {
    echo "aged-store.sh: build first (ptrackd and plugins/import_json.so in $build)" >&2
    exit 2
}
build="$(cd "$build" && pwd)" # the config below names its plugins by full path
command -v sqlite3 >/dev/null || { echo "aged-store.sh: sqlite3 is needed" >&2; exit 2; }
[ ! -e "$dir" ] || { echo "aged-store.sh: $dir exists" >&2; exit 2; }
mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"
cat >"$dir/ptrackd.json" <<JSON
{"data_dir": "$dir/data", "socket": "$dir/pt.sock", "log_level": "info",
 "plugin_dir": "$build/plugins"}
JSON
pid=""
trap '[ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null; wait 2>/dev/null || true' EXIT

echo "generating $n proposals"
python3 bench/gen-years.py "$n" "$dir/p.jsonl"
"$build/ptrackd" --config "$dir/ptrackd.json" >>"$dir/ptrackd.log" 2>&1 &
pid=$!
until curl -s -o /dev/null --unix-socket "$dir/pt.sock" http://localhost/v1/health; do
    kill -0 "$pid" || { cat "$dir/ptrackd.log" >&2; exit 1; }
    sleep 0.05
done
echo "importing"
status=$(curl -sS --unix-socket "$dir/pt.sock" -X POST -H "Content-Type: application/octet-stream" \
    --data-binary "@$dir/p.jsonl" "http://localhost/v1/imports?format=jsonl" \
    -o "$dir/import.json" -w "%{http_code}")
head -c 120 "$dir/import.json"
echo
[ "$status" = 201 ] || { echo "aged-store.sh: the import was answered $status" >&2; exit 1; }
# The last session's proposals (the current year's) are the last ids.
current=$(python3 -c "
import json, sys
last = None
for i, line in enumerate(open(sys.argv[1]), 1):
    s = json.loads(line)['session']
    if s != last:
        last, first_of_last = s, i
print(first_of_last - 1)" "$dir/p.jsonl")
echo "walking them through the workflow (the current year's from $((current + 1)))"
python3 bench/walk-years.py "$dir/pt.sock" 1 "$n" "$current"
kill -TERM "$pid"
wait "$pid" || true
pid=""

echo "spreading their times over ten years"
sqlite3 "$dir/data/ptrack.db" <<'SQL'
CREATE TEMP TABLE t (id INTEGER PRIMARY KEY, c INTEGER, a INTEGER, due INTEGER, up INTEGER);
-- Session year Y (2016..2025) becomes the year it would be for the last
-- one to be this year's.
INSERT INTO t (id, c) SELECT id,
  (strftime('%s', (CAST(substr(number, 1, 4) AS INTEGER) + strftime('%Y', 'now') - 2025) || '-01-20')
   + abs(random()) % (60 * 86400)) * 1000 FROM proposals;
UPDATE t SET a = c + (15 + abs(random()) % 16) * 86400000;
UPDATE t SET due = CASE WHEN p.due_at IS NULL THEN NULL
    WHEN p.clock = 1 THEN strftime('%s', 'now') * 1000 + (abs(random()) % 180 - 120) * 86400000
    ELSE t.a + 90 * 86400000 END,
  a = CASE WHEN p.assigned_at IS NULL THEN NULL ELSE t.a END
  FROM proposals p WHERE p.id = t.id;
UPDATE t SET up = CASE WHEN p.clock = 1 OR t.a IS NULL
    THEN strftime('%s', 'now') * 1000 - (abs(random()) % 60) * 86400000
    ELSE t.due - (abs(random()) % 60) * 86400000 END
  FROM proposals p WHERE p.id = t.id;
UPDATE proposals SET created_at = t.c, assigned_at = t.a, due_at = t.due, updated_at = t.up
  FROM t WHERE t.id = proposals.id;
SQL
sqlite3 "$dir/data/ptrack.db" <<'SQL'
.mode list
SELECT 'proposals ' || count(*) || ', overdue ' || sum(clock = 1 AND due_at < strftime('%s', 'now') * 1000)
  FROM proposals;
SELECT 'history ' || (SELECT count(*) FROM history) || ', events ' || (SELECT count(*) FROM events);
SELECT printf('%-26s %8.1f MiB  (%.0f%% of its pages unused)', name, sum(pgsize) / 1048576.0,
  100.0 * sum(unused) / sum(pgsize)) FROM dbstat GROUP BY name ORDER BY sum(pgsize) DESC LIMIT 8;
SQL
ls -l "$dir/data/ptrack.db"
