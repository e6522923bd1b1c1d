#!/usr/bin/env bash
# test_refused_start_frees.sh - a start that is refused frees what it made
# before it was refused: the HTTP server, the API, the store, the deadline
# engine, the plugin instances loaded, the signal handlers. Each refusal
# runs under valgrind, which counts what is left unfreed at the exit:
#   - the socket is served by another process: refused before the data
#     directory is made, with the signal handlers and the thread pool set;
#   - the TCP port is taken: refused before the data directory is made,
#     with the HTTP server made;
#   - a plugin cannot be loaded, after one that can: refused before the
#     data directory is made, with the first checked and its file kept
#     open in the registry that would load it once the store is made;
#   - the socket's directory does not exist: refused before the data
#     directory is made, with the plugin checked;
#   - the pid file's directory does not exist: the signal handlers are set;
#   - the pid file's path is a directory: the signal handlers are set;
#   - the pid file's path becomes a directory during the start: refused
#     at the start's very end, once the store, the API, the deadline
#     engine, a notifier (with its worker thread), the socket and the TCP
#     listeners are made.
# Each start exits 1 with its message, and leaves no block lost (definitely
# or possibly: a block only the loop's queue of handles points into).
# Without valgrind, or with a ptrackd built with AddressSanitizer, the
# test says so and passes: the checks need valgrind.
set -u
. "$(dirname "$0")/lib.sh"
pt_init

FIX="${PT_FIXTURE_PLUGINS:?run through ctest}"
if ! command -v valgrind >/dev/null; then
    echo "skipped: valgrind is not installed (scripts/install-deps.sh installs it)"
    exit 0
fi
# A build with AddressSanitizer counts leaks itself, and does not run
# under valgrind.
pt_skip_under_asan "which valgrind cannot run"
tmp="$PT_TMP"

# refused NAME MESSAGE ARGS...: starts ptrackd with ARGS under valgrind and
# checks that it is refused with MESSAGE and leaves nothing unfreed.
refused() {
    local name="$1" message="$2"
    shift 2
    under_valgrind "$name" "$@"
    wait "$VG_PID"
    judged "$name" "$message" $?
}

# under_valgrind NAME ARGS...: starts ptrackd with ARGS under valgrind in
# the background (its pid in VG_PID), its output in NAME.out and
# valgrind's in NAME.valgrind.
under_valgrind() {
    local name="$1"
    shift
    valgrind --quiet --leak-check=full --show-leak-kinds=definite,possible \
        --errors-for-leak-kinds=definite,possible --error-exitcode=99 \
        --log-file="$tmp/$name.valgrind" "$PTRACKD" "$@" >"$tmp/$name.out" 2>&1 &
    VG_PID=$!
    PT_PIDS+=("$VG_PID")
}

# judged NAME MESSAGE RC: checks that the start NAME, which exited RC, was
# refused with MESSAGE and left nothing unfreed.
judged() {
    local name="$1" message="$2" rc="$3"
    check_eq "$name: the start is refused" "exit 1" "exit $rc"
    check_contains "$name: the message says why" "$message" "$(grep -m 1 '^ptrackd:' "$tmp/$name.out")"
    check_true "$name: nothing it made is left unfreed" \
        bash -c '! grep -q "lost in loss record" "$1"' _ "$tmp/$name.valgrind"
    grep -A 8 "lost in loss record" "$tmp/$name.valgrind" | head -n 40 || true
}

# Takes a socket or a port for the test's length; prints the port. (The
# interpreter itself, so that $! is the process that the cleanup kills.)
"$PY" - "$tmp/taken.sock" >"$tmp/taker.out" <<'PY' &
import socket, sys, time
u = socket.socket(socket.AF_UNIX)
u.bind(sys.argv[1])
u.listen(1)
t = socket.socket()
t.bind(("127.0.0.1", 0))
t.listen(1)
print(t.getsockname()[1], flush=True)
time.sleep(120)
PY
PT_PIDS+=($!)
for _ in $(seq 1 100); do [ -s "$tmp/taker.out" ] && break; sleep 0.05; done
port="$(cat "$tmp/taker.out")"

refused socket-served "another process serves on it" \
    --data-dir "$tmp/d1" --socket "$tmp/taken.sock" --plugin-dir "$tmp"
refused port-taken "cannot listen on 127.0.0.1:$port" \
    --data-dir "$tmp/d2" --socket "$tmp/d2.sock" --listen "127.0.0.1:$port" --plugin-dir "$tmp"
check_true "port-taken: no socket is made" test ! -e "$tmp/d2.sock"
check_true "port-taken: nor a data directory" test ! -e "$tmp/d2"

cat >"$tmp/c3.json" <<EOF
{"data_dir": "$tmp/d3", "socket": "$tmp/d3.sock", "plugin_dir": "$tmp",
 "plugins": [{"instance": "record", "path": "$FIX/fixture_notify_record.so",
              "config": {"path": "$tmp/record.jsonl"}},
             {"instance": "missing", "path": "$tmp/missing.so"}]}
EOF
refused plugin-missing "config $tmp/c3.json: plugin instance missing: plugin file" --config "$tmp/c3.json"
check_true "plugin-missing: no data directory is made" test ! -e "$tmp/d3"

cat >"$tmp/c5.json" <<EOF
{"data_dir": "$tmp/d5", "socket": "$tmp/no-such-dir/d5.sock", "listen": "127.0.0.1:0",
 "plugin_dir": "$tmp",
 "plugins": [{"instance": "record", "path": "$FIX/fixture_notify_record.so",
              "config": {"path": "$tmp/record.jsonl"}}]}
EOF
refused socket-dir-missing "cannot listen on the socket $tmp/no-such-dir/d5.sock: its directory" \
    --config "$tmp/c5.json"
check_true "socket-dir-missing: no data directory is made" test ! -e "$tmp/d5"

refused pidfile "cannot write the pid file" \
    --data-dir "$tmp/d4" --socket "$tmp/d4.sock" --plugin-dir "$tmp" \
    --pidfile "$tmp/no-such-dir/ptrackd.pid"
check_true "pidfile: no data directory is made" test ! -e "$tmp/d4"

mkdir "$tmp/pid-is-a-dir"
refused pidfile-dir "cannot write the pid file $tmp/pid-is-a-dir: it is a directory" \
    --data-dir "$tmp/d7" --socket "$tmp/d7.sock" --plugin-dir "$tmp" \
    --pidfile "$tmp/pid-is-a-dir"
check_true "pidfile-dir: no data directory is made" test ! -e "$tmp/d7"

# The pid file's path becomes a directory while a plugin's create() holds
# the start up (until the test has made it), once the data directory is
# locked: the start, checked before it made anything, is refused at its
# very end.
mkdir "$tmp/late"
cat >"$tmp/c6.json" <<EOF
{"data_dir": "$tmp/d6", "socket": "$tmp/d6.sock", "listen": "127.0.0.1:0",
 "plugin_dir": "$tmp",
 "plugins": [{"instance": "record", "path": "$FIX/fixture_notify_record.so",
              "config": {"path": "$tmp/record.jsonl"}},
             {"instance": "slow", "path": "$FIX/fixture_slow_create.so",
              "config": {"until": "$tmp/go6"}}]}
EOF
under_valgrind pidfile-late --config "$tmp/c6.json" --pidfile "$tmp/late/ptrackd.pid"
wait_for 120 test -e "$tmp/d6/ptrackd.lock" || pt_die "pidfile-late: the start made no lock"
mkdir "$tmp/late/ptrackd.pid"
touch "$tmp/go6"
wait "$VG_PID"
judged pidfile-late "cannot write the pid file $tmp/late/ptrackd.pid" $?
check_true "pidfile-late: the store was made" test -s "$tmp/d6/ptrack.db"
check_true "pidfile-late: the socket it made is gone" test ! -e "$tmp/d6.sock"

pt_finish
