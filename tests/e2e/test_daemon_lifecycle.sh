#!/usr/bin/env bash
# ptrackd's start and stop: a bad config or workflow stops the start with a
# message naming the problem; no config serves from ./var, its database
# 0600 whatever the umask; another workflow file is used when named;
# SIGTERM answers what is in flight and exits 0; a second ptrackd on the
# same data directory or socket is refused; a socket whose directory does
# not exist is refused, saying so, before the data directory is made; so
# is a database that ptrackd's user may not write or read; a start refused
# at its end closes the database; with port 0 the log names the port
# chosen.
set -euo pipefail

PTRACKD="${PTRACKD:?run through ctest}"
# For wait_for alone: this test keeps its own checks, requests and cleanup.
. "$(dirname "$0")/lib.sh"
SRC="${PT_SOURCE_DIR:?run through ctest}"
tmp="$(mktemp -d /tmp/ptlife.XXXXXX)"
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
    rm -rf "$tmp"
}
trap cleanup EXIT
fails=0
check() { # check DESCRIPTION COMMAND...
    local what="$1"; shift
    if "$@"; then echo "ok: $what"; else echo "FAIL: $what"; fails=$((fails + 1)); fi
}
wait_socket() { wait_for 5 test -S "$1"; }
req() { curl -sS --unix-socket "$1" "http://localhost$2" "${@:3}"; }

# 1. A config with an unknown key: exit 1, and the message names the key.
echo '{"data_dir": "'"$tmp"'/d1", "limitz": {}}' > "$tmp/bad.json"
set +e
out="$("$PTRACKD" --config "$tmp/bad.json" 2>&1)"; rc=$?
set -e
check "unknown config key stops the start" test "$rc" -ne 0
check "the message names the key" grep -q 'limitz' <<<"$out"

# 2. A workflow with an action to an unknown state.
python3 - "$SRC/proposals/workflow-default.json" "$tmp/wf-bad.json" <<'PY'
import json, sys
wf = json.load(open(sys.argv[1]))
for a in wf["actions"]:
    if a["name"] == "sign":
        a["to"] = "handlng"
json.dump(wf, open(sys.argv[2], "w"), ensure_ascii=False)
PY
echo '{"data_dir": "'"$tmp"'/d2", "workflow": "'"$tmp"'/wf-bad.json"}' > "$tmp/c2.json"
set +e
out="$("$PTRACKD" --config "$tmp/c2.json" 2>&1)"; rc=$?
set -e
check "an inconsistent workflow stops the start" test "$rc" -ne 0
check "the message names the unknown state" grep -q 'handlng' <<<"$out"

# 3. A valid workflow of an office's own is served.
python3 - "$SRC/proposals/workflow-default.json" "$tmp/wf-own.json" <<'PY'
import json, sys
wf = json.load(open(sys.argv[1]))
wf["name"] = "本办流程"
for s in wf["states"]:
    if s["name"] == "handling":
        s["label"]["zh"] = "正在办理"
json.dump(wf, open(sys.argv[2], "w"), ensure_ascii=False)
PY
echo '{"data_dir": "'"$tmp"'/d3", "workflow": "'"$tmp"'/wf-own.json"}' > "$tmp/c3.json"
"$PTRACKD" --config "$tmp/c3.json" 2>"$tmp/d3.log" &
pids+=($!)
wait_socket "$tmp/d3/ptrack.sock"
wf="$(req "$tmp/d3/ptrack.sock" /v1/workflow)"
check "the named workflow is active" grep -q '本办流程' <<<"$wf"
check "its labels are served" grep -q '正在办理' <<<"$wf"
kill -TERM "${pids[-1]}"; wait "${pids[-1]}" || true

# 4. No config at all: serves from ./var. Started with the usual umask
# 022 (not a unit's 0077), its files are its own all the same.
mkdir "$tmp/cwd"
(cd "$tmp/cwd" && umask 022 && exec "$PTRACKD" 2>"$tmp/d4.log") &
pid=$!; pids+=($pid)
check "no config: the socket is var/ptrack.sock" wait_socket "$tmp/cwd/var/ptrack.sock"
check "no config: the database is var/ptrack.db" test -f "$tmp/cwd/var/ptrack.db"
check "the socket is not open to others" \
    test "$(stat -c %a "$tmp/cwd/var/ptrack.sock")" = 600
for f in ptrack.db ptrack.db-wal ptrack.db-shm; do
    check "$f is not open to others ($(stat -c %a "$tmp/cwd/var/$f"))" \
        test "$(stat -c %a "$tmp/cwd/var/$f")" = 600
done
# A database that exists keeps its mode, and one others may read is named.
mkdir -m 0700 "$tmp/d4b"
(umask 022 && sqlite3 "$tmp/d4b/ptrack.db" "PRAGMA user_version = 0;")
"$PTRACKD" --data-dir "$tmp/d4b" --socket "$tmp/d4b/ptrack.sock" 2>"$tmp/d4b.log" &
pid4b=$!
check "a database of mode 0644 is served" wait_socket "$tmp/d4b/ptrack.sock"
kill -TERM "$pid4b"; wait "$pid4b" || true
check "and the start warns that others may read it" \
    grep -q "ptrack.db is mode 0644: other users may read proposals" "$tmp/d4b.log"

# 5. SIGTERM with a long poll waiting and writes in flight: every write that
# was sent is answered, the long poll is answered, and ptrackd exits 0.
sock="$tmp/cwd/var/ptrack.sock"
req "$sock" "/v1/events?after=1000000&wait=60" -o "$tmp/poll.out" -w '%{http_code}' \
    >"$tmp/poll.code" &
poll=$!
# Twenty connections, each with its whole write sent before the SIGTERM (the
# client says so in $tmp/sent), then their answers read.
python3 - "$sock" "$tmp/sent" >"$tmp/codes" 2>"$tmp/writers.err" <<'PY' &
import json, socket, sys
conns = []
for i in range(1, 21):
    c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    c.settimeout(30)
    c.connect(sys.argv[1])
    body = json.dumps({"title": "停机前的建议 %d" % i}, ensure_ascii=False).encode()
    c.sendall(b"POST /v1/proposals HTTP/1.1\r\nHost: localhost\r\n"
              b"Content-Type: application/json\r\nConnection: close\r\n"
              b"Content-Length: %d\r\n\r\n" % len(body) + body)
    conns.append(c)
open(sys.argv[2], "w").close()
for c in conns:
    data = b""
    try:
        while True:
            chunk = c.recv(65536)
            if not chunk:
                break
            data += chunk
    except OSError:
        pass
    line = data.split(b"\r\n", 1)[0].split()
    print(line[1].decode() if len(line) > 1 else "none", flush=True)
PY
writers=$!
wait_for 10 test -e "$tmp/sent" || true
check "the twenty writes were sent" test -e "$tmp/sent"
start=$(date +%s%N)
kill -TERM "$pid"
set +e
wait "$pid"; rc=$?
set -e
ms=$(( ($(date +%s%N) - start) / 1000000 ))
wait "$poll" || true
wait "$writers" || true
wait || true
check "SIGTERM exits 0" test "$rc" -eq 0
# Held by the long poll, it would wait its 60 s; 15 s leaves a loaded
# machine room for the writes in flight.
check "SIGTERM exits within 15 s, not at the long poll's 60 (took ${ms} ms)" test "$ms" -lt 15000
check "the long poll was answered" test "$(cat "$tmp/poll.code")" = 200
check "every write sent before SIGTERM was answered 201" \
    test "$(grep -c '^201$' "$tmp/codes")" -eq 20
check "the log says it stopped" grep -q 'stopped' "$tmp/d4.log"

# The 20 writes are there after a restart.
(cd "$tmp/cwd" && exec "$PTRACKD" 2>>"$tmp/d4.log") &
pid=$!; pids+=($pid)
wait_socket "$sock"
sleep 0.2
n="$(req "$sock" /v1/health | python3 -c 'import json,sys; print(json.load(sys.stdin)["proposals"])')"
check "the acknowledged writes survived the restart (got $n)" test "$n" -eq 20

# 6. One ptrackd a data directory, and a socket that another serves is not
# taken from it: a second start is refused and the first goes on serving.
set +e
out="$(cd "$tmp/cwd" && "$PTRACKD" 2>&1)"; rc=$?
set -e
check "a second ptrackd on the same data directory is refused" test "$rc" -ne 0
check "the message says the data directory is in use, by which pid" \
    grep -q "in use by another ptrackd (pid $pid)" <<<"$out"
echo '{"data_dir": "'"$tmp"'/d6", "socket": "'"$sock"'"}' > "$tmp/c6.json"
set +e
out="$("$PTRACKD" --config "$tmp/c6.json" 2>&1)"; rc=$?
set -e
check "another data directory on a socket that is served is refused" test "$rc" -ne 0
check "the message says another process serves on the socket" \
    grep -q "another process serves on it" <<<"$out"
n="$(req "$sock" /v1/health | python3 -c 'import json,sys; print(json.load(sys.stdin)["proposals"])')"
check "the first ptrackd still serves on its socket" test "$n" -eq 20
# Killed, it leaves its socket and lock file behind: neither stops the next.
kill -9 "$pid"; wait "$pid" || true
check "a killed ptrackd leaves its socket" test -S "$sock"
(cd "$tmp/cwd" && exec "$PTRACKD" 2>>"$tmp/d4.log") &
pid=$!; pids+=($pid)
ok=0
wait_for 5 req "$sock" /v1/health >/dev/null 2>&1 && ok=1
check "after a kill -9 the next start takes the socket and the directory" test "$ok" -eq 1
kill -TERM "$pid"; wait "$pid" || true

# 7. A socket whose directory does not exist stops the start, and the
# message says so (libuv alone would say "permission denied").
set +e
out="$("$PTRACKD" --data-dir "$tmp/d7" --socket "$tmp/no-such-dir/ptrack.sock" 2>&1)"; rc=$?
set -e
check "a socket in a directory that does not exist stops the start" test "$rc" -eq 1
check "the message says the socket's directory does not exist ($out)" \
    grep -q "cannot listen on the socket $tmp/no-such-dir/ptrack.sock: its directory does not exist" \
    <<<"$out"
check "and not that permission was denied" bash -c '! grep -qi "permission denied" <<<"$1"' _ "$out"
check "and before it makes the data directory" test ! -e "$tmp/d7"
# A start refused at its very end closes the database: its pid file's
# path becomes a directory while a plugin's create() holds the start up
# (until the test has made it), once the data directory is locked, and is
# found when the pid is written, once the store is open and the socket
# made.
FIX="${PT_FIXTURE_PLUGINS:?run through ctest}"
cat >"$tmp/c7.json" <<EOF
{"data_dir": "$tmp/d7", "socket": "$tmp/d7.sock", "plugin_dir": "$tmp",
 "plugins": [{"instance": "slow", "path": "$FIX/fixture_slow_create.so",
              "config": {"until": "$tmp/go7"}}]}
EOF
mkdir "$tmp/late"
"$PTRACKD" --config "$tmp/c7.json" --pidfile "$tmp/late/ptrackd.pid" >"$tmp/d7.log" 2>&1 &
pid=$!; pids+=($pid)
wait_for 30 test -e "$tmp/d7/ptrackd.lock" || true
mkdir "$tmp/late/ptrackd.pid"
touch "$tmp/go7"
set +e
wait "$pid"
rc=$?
set -e
out="$(cat "$tmp/d7.log")"
check "a pid file that cannot be written stops the start ($out)" test "$rc" -eq 1
check "and the message names it" grep -q "cannot write the pid file $tmp/late/ptrackd.pid" <<<"$out"
check "and the database is closed: no -wal or -shm left ($(ls "$tmp/d7" | tr '\n' ' '))" \
    test ! -e "$tmp/d7/ptrack.db-wal" -a ! -e "$tmp/d7/ptrack.db-shm" -a -s "$tmp/d7/ptrack.db"
check "nor the socket" test ! -e "$tmp/d7.sock"

# 7b. A TCP port that another process listens on stops the start before it
# makes anything: no socket that nothing serves, no data directory (the
# port is bound before the store is made).
port_taker() {
    python3 -c '
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(1)
print(s.getsockname()[1], flush=True); time.sleep(30)'
}
coproc TAKER { port_taker; }
read -r taken <&"${TAKER[0]}"
set +e
out="$("$PTRACKD" --data-dir "$tmp/d7b" --socket "$tmp/d7b.sock" --listen "127.0.0.1:$taken" 2>&1)"; rc=$?
set -e
kill "$TAKER_PID" 2>/dev/null || true
check "a taken TCP port stops the start" test "$rc" -eq 1
check "the message names the address ($out)" grep -q "cannot listen on 127.0.0.1:$taken" <<<"$out"
check "and there is no socket" test ! -e "$tmp/d7b.sock"
check "nor a data directory" test ! -e "$tmp/d7b"

# 8. A database that ptrackd's user may not write stops the start: SQLite
# alone opens it read-only, and ptrackd said it was ready and answered
# every write 503. (Root writes any file: the user here is nobody.)
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
    chmod 755 "$tmp"
    mkdir "$tmp/d8"
    chown 65534:65534 "$tmp/d8"
    setpriv --reuid=65534 --regid=65534 --clear-groups "$PTRACKD" --data-dir "$tmp/d8" \
        2>"$tmp/d8.log" &
    pid=$!; pids+=($pid)
    wait_socket "$tmp/d8/ptrack.sock"
    kill -TERM "$pid"; wait "$pid" || true
    chmod 400 "$tmp/d8/ptrack.db"
    set +e
    out="$(timeout 5 setpriv --reuid=65534 --regid=65534 --clear-groups \
        "$PTRACKD" --data-dir "$tmp/d8" 2>&1)"; rc=$?
    set -e
    check "a database its user may not write stops the start (rc $rc)" test "$rc" -eq 1
    check "the message says the database is read-only to it ($out)" \
        grep -q "the database $tmp/d8/ptrack.db is read-only to ptrackd (uid 65534)" <<<"$out"
    chmod 600 "$tmp/d8/ptrack.db"
    chown root "$tmp/d8/ptrack.db"
    set +e
    out="$(timeout 5 setpriv --reuid=65534 --regid=65534 --clear-groups \
        "$PTRACKD" --data-dir "$tmp/d8" 2>&1)"; rc=$?
    set -e
    check "a database it may not read stops the start (rc $rc)" test "$rc" -eq 1
    check "the message gives the system's reason ($out)" \
        grep -q "cannot open the database $tmp/d8/ptrack.db: .*(Permission denied)" <<<"$out"
else
    echo "skipped: a database ptrackd may not write (needs root and setpriv)"
fi

# 9. Port 0 in --listen: the system chooses the port, and the log says which.
"$PTRACKD" --data-dir "$tmp/d9" --socket "$tmp/d9.sock" --listen 127.0.0.1:0 \
    >"$tmp/d9.log" 2>&1 &
pids+=($!)
check "ptrackd with --listen 127.0.0.1:0 starts" wait_socket "$tmp/d9.sock"
wait_for 5 grep -q "listening on http://" "$tmp/d9.log" || true
port="$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9]*\) (port 0: the system chose it)$|\1|p' "$tmp/d9.log")"
check "the log names the port chosen ($(grep 'listening on http' "$tmp/d9.log"))" test -n "$port" -a "${port:-0}" -gt 0
code="$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:${port:-1}/v1/health" || true)"
check "ptrackd answers there (HTTP $code: no token)" test "$code" = 401
kill "${pids[-1]}"

echo "$fails failed"
[ "$fails" -eq 0 ]
