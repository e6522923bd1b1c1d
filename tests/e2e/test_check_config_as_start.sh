#!/usr/bin/env bash
# ptrackd --check-config refuses what the start refuses, before the start
# meets it: another program's SQLite database named ptrack.db in the data
# directory (the start leaves it as it is and stops, naming the file), a
# file there that is no database, a ptrack store of a schema newer than
# this ptrackd knows (it passed, and the start stopped), and a --pidfile
# whose directory does not exist or that the user running it may not write,
# or that is a directory itself, or whose PATH.tmp is one (the start stops
# there, before it makes anything). The check writes
# nothing to the database it looks at, nor makes a file beside it, and a
# ptrack store, or an empty file, passes. What only changes the start is
# said as the start says it: a record of notifiers' crashes (plugin-crashes)
# with lines that are no crash, or that the start could not read or append
# to (it passed without a word), which ptrackd --help now names among the
# checks.
set -u
. "$(dirname "$0")/lib.sh"
pt_init
command -v sqlite3 >/dev/null || pt_die "sqlite3 is needed"

pt_config '{}'
mkdir -p "$PT_DATA"
DB="$PT_DATA/ptrack.db"

pt_step "another program's database named ptrack.db"
sqlite3 "$DB" "CREATE TABLE contacts (name TEXT, phone TEXT);
               INSERT INTO contacts VALUES ('王芳', '13800000000');"
before="$(sha256sum "$DB")"
out="$("$PTRACKD" --check-config "$PT_CONF" 2>&1)" && rc=0 || rc=$?
check_eq "--check-config refuses it" 1 "$rc"
check_contains "naming the file, as the start does" \
    "the database $DB is not a ptrack store: it holds tables of its own (contacts)" "$out"
check_eq "the database is left as it was" "$before" "$(sha256sum "$DB")"
check_eq "with no file beside it" "ptrack.db" "$(ls "$PT_DATA")"
out="$("$PTRACKD" --config "$PT_CONF" 2>&1)" && rc=0 || rc=$?
check_eq "the start refuses it too" 1 "$rc"
check_contains "with the same words" \
    "the database $DB is not a ptrack store: it holds tables of its own (contacts)" "$out"

pt_step "a file named ptrack.db that is no database"
rm -rf "$PT_DATA"
mkdir -p "$PT_DATA"
printf '%s\n' "这不是数据库，是一份会议纪要。" >"$DB"
for _ in 1 2 3 4 5 6 7; do cat "$DB" "$DB" >"$DB.x" && mv "$DB.x" "$DB"; done
out="$("$PTRACKD" --check-config "$PT_CONF" 2>&1)" && rc=0 || rc=$?
check_eq "--check-config refuses it" 1 "$rc"
check_contains "naming the file" "cannot open the database $DB: file is not a database" "$out"

pt_step "an empty ptrack.db, and a ptrack store, pass"
rm -rf "$PT_DATA"
mkdir -p "$PT_DATA"
: >"$DB"
out="$("$PTRACKD" --check-config "$PT_CONF" 2>&1)" && rc=0 || rc=$?
check_eq "an empty file is a new store: '$out'" 0 "$rc"
pt_start
api POST /v1/proposals '{"title": "关于加强河道治理的建议", "lead_author": "张代表"}'
check_status "a proposal is stored" 201
out="$("$PTRACKD" --check-config "$PT_CONF" 2>&1)" && rc=0 || rc=$?
check_eq "beside the running ptrackd, its store passes: '$out'" 0 "$rc"
pt_stop
files="$(ls "$PT_DATA")"
out="$("$PTRACKD" --check-config "$PT_CONF" 2>&1)" && rc=0 || rc=$?
check_eq "and when it is stopped: '$out'" 0 "$rc"
# SQLite makes the -wal and -shm files of a store in WAL mode that has
# none, and a read-only connection leaves them: made so by another user
# than ptrackd's, they would be that user's.
check_eq "making no file beside the stopped store" "$files" "$(ls "$PT_DATA")"

pt_step "a ptrack store of a schema newer than this ptrackd knows"
# A store an upgrade moved on, given back to the older release: the start
# refuses it, and --check-config passed it.
newer="$(($(sqlite3 "$DB" "pragma user_version") + 1))"
sqlite3 "$DB" "pragma user_version=$newer"
before="$(sha256sum "$DB")"
files="$(ls "$PT_DATA")"
words="the database has schema version $newer, newer than this ptrackd knows"
out="$("$PTRACKD" --check-config "$PT_CONF" 2>&1)" && rc=0 || rc=$?
check_eq "--check-config refuses it" 1 "$rc"
check_contains "saying so" "$words" "$out"
check_contains "and what to do" "use a newer ptrackd" "$out"
check_eq "the database is left as it was" "$before" "$(sha256sum "$DB")"
check_eq "with no file made beside it" "$files" "$(ls "$PT_DATA")"
check_contains "the start refuses it with the same words" "$out" \
    "$("$PTRACKD" --config "$PT_CONF" 2>&1)"
check_eq "and writes nothing to it either" "$before" "$(sha256sum "$DB")"
sqlite3 "$DB" "pragma user_version=$((newer - 1))"

pt_step "a record of notifiers' crashes that the start would pass over"
# plugin-crashes: a line "<instance> <seq>" for each crash of a notifier's
# deliver() on an event (plugin-crash.c). It stops no start, but lines the
# start cannot read are crashes it does not count, and a record it cannot
# append to counts none: --check-config says so, as the start does.
REC="$PT_DATA/plugin-crashes"
printf 'im-crash 7\n残缺的一行\n\nim-crash\nim-crash 7\n' >"$REC"
before="$(sha256sum "$REC")"
words="$REC: 2 lines (the first is line 2) are not \"<instance> <seq>\", and they are passed over"
out="$("$PTRACKD" --check-config "$PT_CONF" 2>&1)" && rc=0 || rc=$?
check_eq "--check-config passes it ($out)" 0 "$rc"
check_contains "saying which lines are passed over" "$words" "$out"
check_eq "the record is left as it was" "$before" "$(sha256sum "$REC")"
: >"$PT_TMP/ptrackd.log"
pt_start
pt_stop
check_contains "the start says so in the same words" "$words" "$(cat "$PT_TMP/ptrackd.log")"
rm -f "$REC"
mkdir "$REC"
words="cannot open $REC: Is a directory: a crash in a notifier's deliver() is named but not recorded"
out="$("$PTRACKD" --check-config "$PT_CONF" 2>&1)" && rc=0 || rc=$?
check_eq "a directory in its place passes ($out)" 0 "$rc"
check_contains "saying that crashes are not recorded" "$words" "$out"
: >"$PT_TMP/ptrackd.log"
pt_start
pt_stop
check_contains "as the start says" "$words" "$(cat "$PT_TMP/ptrackd.log")"
rmdir "$REC"
out="$("$PTRACKD" --check-config "$PT_CONF" 2>&1)" && rc=0 || rc=$?
check_eq "a good record passes" 0 "$rc"
check_true "without a word of it ($out)" bash -c '! grep -q plugin-crashes <<<"$1"' _ "$out"
help="$("$PTRACKD" --help | tr -s ' \n' '  ')"
check_contains "ptrackd --help names the record among what --check-config checks" \
    "the database, the record of notifiers' crashes, the pid file and its directory" "$help"

# pidfile_check PATH: --check-config with --pidfile PATH, its output in
# out and its exit status in rc.
pidfile_check() {
    out="$("$PTRACKD" --check-config "$PT_CONF" --pidfile "$1" 2>&1)" && rc=0 || rc=$?
}

pt_step "a --pidfile whose directory does not exist"
pidfile_check "$PT_TMP/nonexist/ptrackd.pid"
check_eq "--check-config refuses it" 1 "$rc"
check_contains "as the start does" \
    "cannot write the pid file $PT_TMP/nonexist/ptrackd.pid: its directory $PT_TMP/nonexist does not exist" \
    "$out"
touch "$PT_TMP/afile"
pidfile_check "$PT_TMP/afile/ptrackd.pid"
check_eq "a directory that is a file: refused" 1 "$rc"
check_contains "saying so" "$PT_TMP/afile is not a directory" "$out"
mkdir -p "$PT_TMP/run"
pidfile_check "$PT_TMP/run/ptrackd.pid"
check_eq "a directory that is there passes: '$out'" 0 "$rc"
check_true "and nothing is written there" [ -z "$(ls "$PT_TMP/run")" ]

pt_step "a --pidfile that is a directory"
mkdir -p "$PT_TMP/run/ptrackd.pid"
pidfile_check "$PT_TMP/run/ptrackd.pid"
check_eq "--check-config refuses it" 1 "$rc"
check_contains "as the start does" \
    "cannot write the pid file $PT_TMP/run/ptrackd.pid: it is a directory" "$out"
rmdir "$PT_TMP/run/ptrackd.pid"
mkdir "$PT_TMP/run/ptrackd.pid.tmp"
pidfile_check "$PT_TMP/run/ptrackd.pid"
check_eq "one whose PATH.tmp, written first, is a directory: refused" 1 "$rc"
check_contains "as the start refuses it" \
    "cannot write the pid file $PT_TMP/run/ptrackd.pid: $PT_TMP/run/ptrackd.pid.tmp, which ptrackd writes first and renames to it, is a directory" \
    "$out"
rmdir "$PT_TMP/run/ptrackd.pid.tmp"
ln -s "$PT_TMP/run/gone.pid" "$PT_TMP/run/link.pid"
pidfile_check "$PT_TMP/run/link.pid"
check_eq "a link there passes, as the start replaces it: '$out'" 0 "$rc"
rm "$PT_TMP/run/link.pid"

pt_step "a --pidfile whose directory the user may not write"
# Root may write anything, so this runs as nobody.
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
    as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$PTRACKD" "$@"; }
    chmod 755 "$PT_TMP"
    mkdir -p "$PT_TMP/rootrun" "$PT_TMP/nobodydata"
    chown 65534:65534 "$PT_TMP/nobodydata"
    echo '{}' >"$PT_TMP/empty.json"
    chmod 644 "$PT_TMP/empty.json"
    out="$(as_nobody --check-config "$PT_TMP/empty.json" --data-dir "$PT_TMP/nobodydata" \
        --socket "$PT_TMP/nobodydata/pt.sock" --pidfile "$PT_TMP/rootrun/ptrackd.pid" 2>&1)" &&
        rc=0 || rc=$?
    check_eq "--check-config refuses it" 1 "$rc"
    check_contains "naming the pid file and its directory" \
        "cannot write the pid file $PT_TMP/rootrun/ptrackd.pid in the directory $PT_TMP/rootrun: Permission denied" \
        "$out"
    out="$(as_nobody --config "$PT_TMP/empty.json" --data-dir "$PT_TMP/nobodydata" \
        --socket "$PT_TMP/nobodydata/pt.sock" --pidfile "$PT_TMP/rootrun/ptrackd.pid" 2>&1)" &&
        rc=0 || rc=$?
    check_eq "the start refuses it too" 1 "$rc"
    check_contains "with the same words" \
        "cannot write the pid file $PT_TMP/rootrun/ptrackd.pid in the directory $PT_TMP/rootrun: Permission denied" \
        "$out"
    check_true "before it made the database" [ ! -e "$PT_TMP/nobodydata/ptrack.db" ]
    chown 65534:65534 "$PT_TMP/rootrun"
    out="$(as_nobody --check-config "$PT_TMP/empty.json" --data-dir "$PT_TMP/nobodydata" \
        --socket "$PT_TMP/nobodydata/pt.sock" --pidfile "$PT_TMP/rootrun/ptrackd.pid" 2>&1)" &&
        rc=0 || rc=$?
    check_eq "once it may, it passes: '$out'" 0 "$rc"

    pt_step "a record of notifiers' crashes that the user may neither read nor write"
    REC="$PT_TMP/nobodydata/plugin-crashes"
    printf 'im-crash 7\n' >"$REC"
    chmod 600 "$REC"
    unread="cannot read $REC: Permission denied; the crashes of notifiers' deliver() recorded there are not known"
    unrecorded="cannot open $REC: Permission denied: a crash in a notifier's deliver() is named but not recorded"
    out="$(as_nobody --check-config "$PT_TMP/empty.json" --data-dir "$PT_TMP/nobodydata" \
        --socket "$PT_TMP/nobodydata/pt.sock" 2>&1)" && rc=0 || rc=$?
    check_eq "--check-config passes it ($out)" 0 "$rc"
    check_contains "saying the crashes recorded are not known" "$unread" "$out"
    check_contains "and that a crash is not recorded" "$unrecorded" "$out"
    setpriv --reuid=65534 --regid=65534 --clear-groups "$PTRACKD" --config "$PT_TMP/empty.json" \
        --data-dir "$PT_TMP/nobodydata" --socket "$PT_TMP/nobodydata/pt.sock" \
        >"$PT_TMP/nobody.log" 2>&1 &
    nobody=$!
    PT_PIDS+=("$nobody")
    wait_for 30 test -S "$PT_TMP/nobodydata/pt.sock" ||
        pt_check_fail "the start as nobody listens" "a socket" "none"
    kill -TERM "$nobody"
    wait "$nobody" || true
    check_contains "the start says the first" "$unread" "$(cat "$PT_TMP/nobody.log")"
    check_contains "and the second" "$unrecorded" "$(cat "$PT_TMP/nobody.log")"
else
    pt_log "skip: permissions need root and setpriv"
fi

pt_finish
