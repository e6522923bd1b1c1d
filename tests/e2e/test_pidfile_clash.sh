#!/usr/bin/env bash
# A --pidfile that names the socket, or a file ptrackd keeps in its data
# directory (ptrack.db, ptrack.seq, its lock, ...), is refused before the
# start makes or touches anything, and by --check-config in the same
# words. The start wrote its pid by a rename over that path: given the
# socket's path, clients could not connect until ptrackd stopped; given
# ptrack.db, the store was replaced by a pid at the next start. A pid file
# of its own in the data directory is fine. PATH.tmp, which the pid is
# written to before it is renamed to PATH, is replaced as PATH is: a link
# there, the link itself. Written through, a link to a file had the pid
# written over that file, and one that named nothing (a missing directory,
# a loop) stopped the start at its very end, once the store was made; a
# PATH.tmp that names the socket is refused as PATH is.
set -u
. "$(dirname "$0")/lib.sh"
pt_init

pt_config '{}'
pt_start
ID="$(pt_new_proposal "关于保护数据库文件的建议")"
pt_stop
DB="$PT_DATA/ptrack.db"
before="$(sha256sum "$DB")"

pt_step "a pid file in the place of ptrackd's own files"
# The same place written another way is the same file.
for pair in "$DB:ptrack.db" "$PT_DATA/./ptrack.seq:ptrack.seq" "$PT_DATA/ptrackd.lock:ptrackd.lock" \
    "$PT_DATA/ptrack.db-wal:ptrack.db-wal" "$PT_SOCK:the socket" "$PT_TMP/./pt.sock:the socket"; do
    path="${pair%%:*}" what="${pair#*:}"
    of=" of the data directory"
    [ "$what" = "the socket" ] && of=""
    out="$("$PTRACKD" --check-config "$PT_CONF" --pidfile "$path" 2>&1)" && rc=0 || rc=$?
    check_eq "--check-config --pidfile $path is refused" 1 "$rc"
    check_contains "naming what it would replace" \
        "cannot write the pid file $path: it names $what$of, which the pid file would replace" "$out"
    out="$(timeout 20 "$PTRACKD" --config "$PT_CONF" --pidfile "$path" 2>&1)" && rc=0 || rc=$?
    check_eq "the start with --pidfile $path is refused too" 1 "$rc"
    check_contains "in the same words" "cannot write the pid file $path: it names $what" "$out"
done
check_eq "the database is as it was" "$before" "$(sha256sum "$DB")"
check_true "no socket is left" test ! -e "$PT_SOCK"

pt_step "a pid file of its own in the data directory"
pt_start --pidfile "$PT_DATA/ptrackd.pid"
check_eq "the start writes it" "$PT_PID" "$(cat "$PT_DATA/ptrackd.pid")"
as_viewer GET "/v1/proposals/$ID"
check_status "the store is there" 200
pt_stop

pt_step "a link at PATH.tmp is replaced, not written through"
mkdir -p "$PT_TMP/run"
echo "kept" >"$PT_TMP/other.txt"
mkdir -p "$PT_TMP/adir"
for target in "$PT_TMP/other.txt" "$PT_TMP/no-such-dir/x" "$PT_TMP/adir" "$PT_TMP/run/ptrackd.pid.tmp"; do
    ln -sfn "$target" "$PT_TMP/run/ptrackd.pid.tmp"
    out="$("$PTRACKD" --check-config "$PT_CONF" --pidfile "$PT_TMP/run/ptrackd.pid" 2>&1)" &&
        rc=0 || rc=$?
    check_eq "a link to $target: --check-config passes ($out)" 0 "$rc"
    pt_start --pidfile "$PT_TMP/run/ptrackd.pid"
    check_eq "the start writes the pid file" "$PT_PID" "$(cat "$PT_TMP/run/ptrackd.pid")"
    check_true "a file, not a link" test ! -L "$PT_TMP/run/ptrackd.pid"
    pt_stop
done
check_eq "the file a link named is as it was" "kept" "$(cat "$PT_TMP/other.txt")"
check_eq "and the directory" "" "$(ls -A "$PT_TMP/adir")"

pt_step "a PATH.tmp that names the socket"
sock="$PT_TMP/pt2.sock.tmp"
out="$("$PTRACKD" --check-config "$PT_CONF" --socket "$sock" --pidfile "$PT_TMP/pt2.sock" 2>&1)" &&
    rc=0 || rc=$?
check_eq "--check-config refuses it" 1 "$rc"
check_contains "naming the socket" \
    "cannot write the pid file $PT_TMP/pt2.sock: $sock, which ptrackd writes first and renames to it, names the socket" \
    "$out"
out="$(timeout 20 "$PTRACKD" --config "$PT_CONF" --socket "$sock" --pidfile "$PT_TMP/pt2.sock" 2>&1)" &&
    rc=0 || rc=$?
check_eq "the start is refused too" 1 "$rc"
check_contains "in the same words" "$sock, which ptrackd writes first and renames to it, names the socket" "$out"
check_true "and makes no socket" test ! -e "$sock"
pt_finish
