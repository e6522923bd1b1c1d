#!/usr/bin/env bash
# What ptrackd says of a start it refuses for its flags or the paths they
# name, where it said something beside the point:
#   - "--check-config --data-dir var" took --data-dir as the FILE and then
#     called "var" an unexpected argument: a value beginning with "--" is a
#     flag, and the message says that --check-config needs a FILE;
#   - "--pidfile /nonexist/dir/pid" said it could not write
#     /nonexist/dir/pid.tmp, a file the operator never named, after it
#     had made the data directory, the database and the socket: it names
#     the pid file and the directory that is missing, before it makes
#     anything;
#   - "--socket ./notes.txt", a regular file, said "file already exists",
#     after it had made the data directory and the database: it says the
#     path is a regular file, not a socket, that ptrackd will not replace,
#     before it makes anything; --check-config says so too.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
pt_init
cd "$PT_TMP"

pt_step "a flag where a value should be"
pt_run "$PTRACKD" --check-config --data-dir var
check_rc "--check-config --data-dir var" 1
check_contains "says --check-config needs a FILE" \
    '--check-config needs a FILE, the configuration file to check: "--data-dir" is a flag' "$ERR"
check_true "does not call var unexpected" eval '[[ "$ERR" != *unexpected* ]]'
pt_run "$PTRACKD" --data-dir --socket "$PT_TMP/x.sock" --check-config /dev/null
check_rc "--data-dir --socket" 1
check_contains "says --data-dir needs a DIR" '--data-dir needs a DIR: "--socket" is a flag' "$ERR"
check_true "nothing named --socket was made" test ! -e "$PT_TMP/--socket"

pt_step "a pid file in a directory that does not exist"
pt_run "$PTRACKD" --data-dir "$PT_TMP/d1" --socket "$PT_TMP/d1.sock" \
    --plugin-dir "$PT_TMP" --pidfile "$PT_TMP/nonexist/dir/pid"
check_rc "the start" 1
check_contains "names the pid file and its missing directory" \
    "cannot write the pid file $PT_TMP/nonexist/dir/pid: its directory $PT_TMP/nonexist/dir does not exist" \
    "$ERR"
check_true "does not name the temporary file" eval '[[ "$ERR" != *pid.tmp* ]]'
check_true "made no data directory" test ! -e "$PT_TMP/d1"
check_true "made no socket" test ! -e "$PT_TMP/d1.sock"
echo x >"$PT_TMP/afile"
pt_run "$PTRACKD" --data-dir "$PT_TMP/d1" --socket "$PT_TMP/d1.sock" \
    --plugin-dir "$PT_TMP" --pidfile "$PT_TMP/afile/pid"
check_rc "a pid file under a regular file" 1
check_contains "says it is not a directory" \
    "cannot write the pid file $PT_TMP/afile/pid: $PT_TMP/afile is not a directory" "$ERR"
check_true "made no data directory" test ! -e "$PT_TMP/d1"

pt_step "a socket path that holds a regular file"
echo "my notes" >"$PT_TMP/notes.txt"
pt_run "$PTRACKD" --data-dir "$PT_TMP/d2" --socket ./notes.txt --plugin-dir "$PT_TMP"
check_rc "the start" 1
check_contains "says it is a regular file it will not replace" \
    "cannot listen on the socket ./notes.txt: it is a regular file, not a socket, and ptrackd will not replace it" \
    "$ERR"
check_eq "the file is as it was" "my notes" "$(cat "$PT_TMP/notes.txt")"
check_true "made no data directory" test ! -e "$PT_TMP/d2"
mkdir "$PT_TMP/adir"
pt_run "$PTRACKD" --data-dir "$PT_TMP/d2" --socket ./adir --plugin-dir "$PT_TMP"
check_rc "a directory there" 1
check_contains "says it is a directory" "./adir: it is a directory, not a socket" "$ERR"
echo '{}' >"$PT_TMP/empty.json"
pt_run "$PTRACKD" --check-config "$PT_TMP/empty.json" --data-dir "$PT_TMP/d2" --socket ./notes.txt
check_rc "--check-config" 1
check_contains "--check-config says so too" "./notes.txt: it is a regular file, not a socket" "$ERR"

pt_step "a socket left by a run before is still taken over"
pt_config
pt_start
pt_kill9
check_true "the killed ptrackd left its socket" test -S "$PT_SOCK"
pt_start
check_true "a new start serves on it" test -S "$PT_SOCK"
pt_stop

pt_finish
