#!/usr/bin/env bash
# A stop that gives up on a partial import whose importer never asks
# job_cancelled, while one of its batches is still being stored (another
# process holds the database's write lock), answers that this batch may be
# stored too, and what the batches before it stored:
#
# - with nothing counted as stored yet, it said "the batches stored before
#   stay" of batches that were never stored; it says now that none had
#   been, but that its first was being stored;
# - with long ids (proposal ids of 13 digits, in four runs, as another
#   client's proposals came between the batches) the message went over
#   the 512 bytes an error's message has, and was cut in the middle (…),
#   in the counts and the advice; it now names as many runs as fit, whole,
#   and id_ranges lists them all.
# tests/plugins/jobs_stubborn.c emits 2,000 proposals (one batch) a round,
# and waits for a gate file before each round after the first.
set -u
. "$(dirname "$0")/lib.sh"
pt_init
pt_jobs_abandoned_ok
pt_fixtures jobs_stubborn

# lock_db: holds the database's write lock (BEGIN IMMEDIATE) from when it
# has written $PT_TMP/locked until the stop has given up on the import, 20 s
# at most.
lock_db() {
    python3 - "$PT_DATA/ptrack.db" "$PT_TMP/locked" "$PT_TMP/ptrackd.log" <<'PY' &
import sqlite3, sys, time
db, flag, log = sys.argv[1:4]
c = sqlite3.connect(db, isolation_level=None, timeout=10)
def given_up():
    try:
        with open(log, encoding="utf-8", errors="replace") as f:
            return f.read().count("ptrackd stops without it")
    except FileNotFoundError:
        return 0
before = given_up()
c.execute("BEGIN IMMEDIATE")
open(flag, "w").close()
end = time.time() + 20
while time.time() < end and given_up() == before:
    time.sleep(0.05)
c.execute("COMMIT")
PY
    LOCKER=$!
    wait_for 10 test -e "$PT_TMP/locked" || pt_die "the database's write lock was not taken"
}

# start_stubborn ROUNDS: starts ptrackd with the importer of ROUNDS.
start_stubborn() {
    rm -f "$PT_TMP"/gate.* "$PT_TMP/locked"
    pt_config '{}' ',"plugins": [
        {"instance": "stubborn_jobs", "path": "'"$FIX"'/fixture_jobs_stubborn.so",
         "config": {"first": 2000, "rounds": '"$1"', "gate": "'"$PT_TMP"'/gate"}}
      ]'
    pt_start
    BEFORE="$(pt_count)"
}

# import_stubborn: starts the import (partial) in the background; its
# answer goes to $PT_TMP/in.json, its status to $PT_TMP/in.code.
import_stubborn() {
    printf 'anything\n' >"$PT_TMP/in.txt"
    curl -sS --max-time 60 --unix-socket "$PT_SOCK" --data-binary "@$PT_TMP/in.txt" \
        -o "$PT_TMP/in.json" -w '%{http_code}' \
        "http://localhost/v1/imports?format=stubborn&partial=true" >"$PT_TMP/in.code" \
        2>/dev/null &
    CLIENT=$!
}

# stop_answer: the stop, once the last round is emitted; sets MSG and
# ANSWER.
stop_answer() {
    emitted() { [ "$(grep -cF "record $1 emitted" "$PT_TMP/ptrackd.log")" -ge "$2" ]; }
    wait_for 60 emitted "$1" "$2" ||
        pt_die "the importer did not emit its $1 records"
    pt_stop
    wait "$CLIENT"
    wait "$LOCKER"
    ANSWER="$(cat "$PT_TMP/in.json")"
    check_eq "the import was answered 503 shutting_down" "503 shutting_down" \
        "$(cat "$PT_TMP/in.code") $(jv 'j["error"]["code"]' "$ANSWER")"
    MSG="$(jv 'j["error"]["message"]' "$ANSWER")"
}

pt_step "its first batch is being stored when the stop gives up on it"
start_stubborn 1
lock_db
import_stubborn
stop_answer 2000 1
check_eq "the message says that none was stored but the first may be" \
    "the import was cancelled: ptrackd is stopping; none of its batches had been stored, but its first was being stored and may be stored too: once ptrackd is back, send again only the records not stored (a record sent again is skipped only when it has a 编号 or a source.ref: the others would be stored twice)" \
    "$MSG"
check_eq "imported 0, no ids" "0 None []" \
    "$(jv '"%s %s %s" % (j["error"]["imported"], j["error"]["first_id"], j["error"]["id_ranges"])' "$ANSWER")"

pt_step "ids of 13 digits"
python3 - "$PT_DATA/ptrack.db" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute("DELETE FROM sqlite_sequence WHERE name = 'proposals'")
c.execute("INSERT INTO sqlite_sequence (name, seq) VALUES ('proposals', 999999999999)")
c.commit()
PY
start_stubborn 5
import_stubborn
# Rounds 1 to 4 are stored, each followed by another client's proposal;
# round 5 is being stored when the stop comes.
for k in 1 2 3 4; do
    wait_for 60 grep -qF "round $k emitted" "$PT_TMP/ptrackd.log" ||
        pt_die "the importer did not emit round $k"
    want=$((BEFORE + 2000 * k + k - 1))
    stored_now() { [ "$(pt_count)" -ge "$1" ]; }
    wait_for 60 stored_now "$want" || pt_die "round $k was not stored"
    if [ "$k" -lt 4 ]; then
        pt_create '{"title":"另一位代表在导入期间提出的建议","kind":"suggestion"}' >/dev/null
        touch "$PT_TMP/gate.$((k + 1))"
    fi
done
lock_db
touch "$PT_TMP/gate.5"
stop_answer 10000 1
check_eq "imported 8000 in four runs" "8000 4" \
    "$(jv '"%s %s" % (j["error"]["imported"], j["error"]["id_ranges_count"])' "$ANSWER")"
check_eq "ids of 13 digits" 13 "$(jv 'len(str(j["error"]["first_id"]))' "$ANSWER")"
check_true "the message is not cut ($MSG)" eval '! printf %s "$MSG" | grep -qF "…"'
check_contains "it says the batches stored before stay" \
    "the import was cancelled: ptrackd is stopping; the batches stored before stay: 8000 proposals imported (ids " \
    "$MSG"
check_contains "... that one more may be stored, and to send again only the rest" \
    "skipped as already stored; a batch of the records read before that was being stored and may be stored too: once ptrackd is back, send again only the records not stored (a record sent again is skipped only when it has a 编号 or a source.ref: the others would be stored twice)" \
    "$MSG"
runs="$(jv '", ".join("%d to %d" % (a, b) for a, b in j["error"]["id_ranges"])' "$ANSWER")"
first_run="$(jv '"%d to %d" % tuple(j["error"]["id_ranges"][0])' "$ANSWER")"
check_contains "the runs it names are the answer's ids, from the first" "(ids $first_run" "$MSG"
check_contains "... as many as fit, and how many more" "and 1 more run of ids)" "$MSG"
check_true "the bytes of the message fit its 511" \
    eval '[ "$(printf %s "$MSG" | wc -c)" -le 511 ]'
pt_log "runs: $runs"
pt_log "message: $MSG"
pt_finish
