#!/usr/bin/env bash
# test_store_damaged_start.sh - a start on a damaged database is refused
# with a message that says so, exit 1, never a crash, and it writes
# nothing: a file that is not a database, one cut short, and one whose
# newest event or last proposal id cannot be read (a damaged page, an I/O
# error). Such a read was taken for 0: the start then took the change
# feed's mark (ptrack.seq) for a restore from a backup, and said it failed
# "recording that the store was restored", or, without a mark, served a
# store whose next proposal would be numbered 1 and next event after
# nothing.
set -u
source "$(dirname "$0")/lib.sh"
pt_init
command -v sqlite3 >/dev/null || pt_die "sqlite3 is needed (the package sqlite3)"

pt_config
pt_start
for i in 1 2 3 4 5 6; do
    api POST /v1/proposals "{\"title\":\"关于加强农村公路养护的第${i}号建议\"}"
    check_status "create #$i" 201
done
pt_stop
check_eq "the first ptrackd stops cleanly" 0 "$PT_STOP_RC"
[ ! -e "$PT_DATA/ptrack.db-wal" ] || pt_die "a clean stop left a WAL"
cp "$PT_DATA/ptrack.db" "$PT_TMP/good.db"
MARK="$(cat "$PT_DATA/ptrack.seq")"
check_eq "the change feed's mark (seq, token changes, highest id)" "6 0 6" "$(echo $MARK)"

# damage_rightmost DB NAME...: overwrites with 0xff the last leaf page of
# each b-tree NAME (a table or an index) of DB, the page that max() reads.
damage_rightmost() {
    local db="$1"
    shift
    local name root
    for name in "$@"; do
        root="$(sqlite3 "$db" "SELECT rootpage FROM sqlite_master WHERE name = '$name'")"
        [ -n "$root" ] || pt_die "$db has no b-tree $name"
        python3 - "$db" "$root" <<'PY'
import struct, sys
path, page = sys.argv[1], int(sys.argv[2])
with open(path, "r+b") as f:
    f.seek(16)
    size = struct.unpack(">H", f.read(2))[0]
    size = 65536 if size == 1 else size
    while True:
        f.seek((page - 1) * size)
        data = f.read(size)
        head = 100 if page == 1 else 0
        if data[head] not in (2, 5):  # a leaf: 10 or 13
            break
        page = struct.unpack(">I", data[head + 8:head + 12])[0]  # the right child
    f.seek((page - 1) * size)
    f.write(b"\xff" * size)
PY
    done
}

# refused NAME MESSAGE: starts ptrackd on the data directory as it is and
# checks that the start is refused, saying MESSAGE, and changes nothing.
refused() {
    local name="$1" message="$2" rc
    local before
    before="$(sha256sum "$PT_DATA/ptrack.db" | cut -d' ' -f1)"
    timeout 60 "$PTRACKD" --config "$PT_CONF" >"$PT_TMP/$name.out" 2>&1
    rc=$?
    check_eq "$name: the start is refused, not a crash" "exit 1" "exit $rc"
    check_contains "$name: the message says why" "$message" \
        "$(grep -m 1 '^ptrackd:' "$PT_TMP/$name.out")"
    check_true "$name: it is not taken for a restore from a backup" \
        bash -c '! grep -q "restored" "$1"' _ "$PT_TMP/$name.out"
    check_eq "$name: the change feed's mark is as it was" "$MARK" "$(cat "$PT_DATA/ptrack.seq")"
    check_eq "$name: the database is as it was" "$before" \
        "$(sha256sum "$PT_DATA/ptrack.db" | cut -d' ' -f1)"
    check_true "$name: nothing listens on the socket" \
        bash -c '! curl -s -o /dev/null --max-time 2 --unix-socket "$1" http://localhost/v1/health' \
        _ "$PT_SOCK"
}

# put FILE: FILE as the database, and nothing of another beside it.
put() {
    rm -f "$PT_DATA/ptrack.db" "$PT_DATA/ptrack.db-wal" "$PT_DATA/ptrack.db-shm"
    cp "$1" "$PT_DATA/ptrack.db"
    chmod 600 "$PT_DATA/ptrack.db"
}

pt_step "a file that is not a database"
head -c 65536 /dev/urandom >"$PT_TMP/noise.db"
put "$PT_TMP/noise.db"
refused noise "is not a database"

pt_step "a database cut short"
cp "$PT_TMP/good.db" "$PT_TMP/cut.db"
truncate -s "$(($(stat -c %s "$PT_TMP/good.db") / 2))" "$PT_TMP/cut.db"
put "$PT_TMP/cut.db"
refused cut "malformed"

pt_step "the newest event cannot be read"
cp "$PT_TMP/good.db" "$PT_TMP/events.db"
# The table, and the index of the events by seq that max(seq) may read.
damage_rightmost "$PT_TMP/events.db" events events_seq
put "$PT_TMP/events.db"
refused events "storage error while reading the change feed's newest event"
# Without a mark beside it (a database moved to another machine), the
# start was not refused at all: it served, its feed numbered from 0.
mv "$PT_DATA/ptrack.seq" "$PT_TMP/ptrack.seq.kept"
: >"$PT_DATA/ptrack.seq"
MARK=""
refused events_no_mark "storage error while reading the change feed's newest event"
mv "$PT_TMP/ptrack.seq.kept" "$PT_DATA/ptrack.seq"
MARK="$(cat "$PT_DATA/ptrack.seq")"

pt_step "the last proposal id given out cannot be read"
cp "$PT_TMP/good.db" "$PT_TMP/ids.db"
damage_rightmost "$PT_TMP/ids.db" sqlite_sequence
put "$PT_TMP/ids.db"
refused ids "storage error while reading the last proposal id given out"

pt_step "the database as it was starts, with everything in it"
put "$PT_TMP/good.db"
pt_start
api GET /v1/health
check_eq "every proposal is there" 6 "$(jv 'j["proposals"]')"
check_eq "the feed goes on from its newest event" 6 "$(jv 'j["last_seq"]')"
api POST /v1/proposals '{"title":"关于修复之后的建议"}'
check_status "a write after the damaged starts" 201
check_eq "it takes the next id" 7 "$(jv 'j["id"]')"
check_true "no start took the store for a restored one" \
    bash -c '! grep -q "restored" "$1"' _ "$PT_TMP/ptrackd.log"
pt_stop

pt_finish
