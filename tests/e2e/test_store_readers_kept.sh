#!/usr/bin/env bash
# Each export (and import) reads the store on a read connection of its
# own, with its open files and a page cache of up to 8 MB. Given back at
# its end, the connection was kept for a later read whatever the number
# already idle: after 24 exports that ran together (a report run by every
# office at nine, clients that stall), ptrackd kept 24 connections more,
# their -wal files open and their caches full (20 MB here), for the rest
# of its life, as many as the most exports that ever ran at once. Now the
# connections kept idle are no more than the reads use at once (libuv's
# pool of 4): the others are closed when their export ends. (SQLite keeps
# the descriptor of a closed connection's ptrack.db open while others
# hold locks on the file, and gives it to the next connection it opens:
# those are not counted here.)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
pt_init

pt_serve

# db_files [SUFFIX]: ptrackd's open files on ptrack.db (SUFFIX -wal: on
# its -wal, one for each connection).
db_files() { find "/proc/$PT_PID/fd" -lname "$PT_DATA/ptrack.db${1:-}" 2>/dev/null | wc -l; }
sqlite_memory() {
    curl -s --unix-socket "$PT_SOCK" http://localhost/metrics | awk '$1 == "ptrack_sqlite_memory_bytes" {print $2}'
}

pt_step "200 proposals of 4 KB"
python3 - >"$PT_TMP/many.jsonl" <<'PY'
import json
for i in range(200):
    print(json.dumps({"title": "关于第%d件读连接测试的建议" % i,
                      "background": "为了规范地方立法活动，提高立法质量。" * 80}, ensure_ascii=False))
PY
pt_import jsonl "$PT_TMP/many.jsonl"
check_status "they are imported" 201

# Reads side by side, as many as the pool runs at once: the connections
# the reads keep.
reads=()
for i in 1 2 3 4 5 6 7 8; do
    curl -s -o /dev/null --unix-socket "$PT_SOCK" "http://localhost/v1/proposals?limit=200" &
    reads+=($!)
done
wait "${reads[@]}"
before="$(db_files -wal)"
mem_before="$(sqlite_memory)"
pt_log "files on ptrack.db-wal after the reads: $before; SQLite's memory: $mem_before"

pt_step "24 exports at once, whose clients read nothing, then go"
python3 - "$PT_SOCK" "$PT_TMP/started" "$PT_TMP/go" <<'PY' &
import os, socket, sys, time
held = []
for i in range(24):
    s = socket.socket(socket.AF_UNIX)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.connect(sys.argv[1])
    s.sendall(b"GET /v1/exports?format=%s HTTP/1.1\r\nHost: localhost\r\n\r\n"
              % (b"json" if i % 2 else b"csv"))
    held.append(s)
open(sys.argv[2], "w").write("started\n")
while not os.path.exists(sys.argv[3]):
    time.sleep(0.05)
for s in held:
    s.close()
PY
clients=$!
wait_for 30 test -s "$PT_TMP/started" || pt_die "the clients did not start"
wait_for 30 pt_jobs_running_is 24 || pt_die "the 24 exports did not all start: $(pt_jobs_running)"
during="$(db_files -wal)"
mem_during="$(sqlite_memory)"
pt_log "files on ptrack.db-wal during the exports: $during; SQLite's memory: $mem_during"
check_true "each export reads on a connection of its own ($during, $before before)" \
    test "$during" -ge "$((before + 20))"
touch "$PT_TMP/go"
wait "$clients" || true
wait_for 30 pt_jobs_running_is 0 || pt_die "the exports did not end: $(pt_jobs_running)"
after="$(db_files -wal)"
mem_after="$(sqlite_memory)"
pt_log "files on ptrack.db-wal after the exports: $after; SQLite's memory: $mem_after"
check_true "their connections are closed, not kept idle ($after files, $before before the exports)" \
    test "$after" -le "$((before + 4))"
check_true "and their page caches given back ($mem_after bytes, $mem_before before, $mem_during during)" \
    test "$((mem_after - mem_before))" -lt "$(((mem_during - mem_before) / 4))"

pt_step "the store still serves"
api GET "/v1/exports?format=json"
check_status "an export after them" 200
api GET "/v1/proposals?limit=5"
check_status "and a list" 200

pt_stop
check_eq "ptrackd stops with 0" 0 "$PT_STOP_RC"
pt_finish
