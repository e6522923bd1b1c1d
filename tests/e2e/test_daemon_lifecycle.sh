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

. "$(dirname "$0")/lib.sh"
pt_init
pt_fixtures slow_create
# A start may take long on a busy machine: 60 s, as pt_start waits.
wait_socket() { wait_for 60 test -S "$1"; }

# 1. A config with an unknown key: exit 1, and the message names the key.
echo '{"data_dir": "'"$PT_TMP"'/d1", "limitz": {}}' > "$PT_TMP/bad.json"
set +e
out="$("$PTRACKD" --config "$PT_TMP/bad.json" 2>&1)"; rc=$?
set -e
check_true "unknown config key stops the start" [ "$rc" -ne 0 ]
check_contains "the message names the key" limitz "$out"

# 2. A workflow with an action to an unknown state.
python3 - "$PT_SOURCE_DIR/proposals/workflow-default.json" "$PT_TMP/wf-bad.json" <<'PY'
import json, sys
wf = json.load(open(sys.argv[1]))
for a in wf["actions"]:
    if a["name"] == "sign":
        a["to"] = "handlng"
json.dump(wf, open(sys.argv[2], "w"), ensure_ascii=False)
PY
echo '{"data_dir": "'"$PT_TMP"'/d2", "workflow": "'"$PT_TMP"'/wf-bad.json"}' > "$PT_TMP/c2.json"
set +e
out="$("$PTRACKD" --config "$PT_TMP/c2.json" 2>&1)"; rc=$?
set -e
check_true "an inconsistent workflow stops the start" [ "$rc" -ne 0 ]
check_contains "the message names the unknown state" handlng "$out"

# 3. A valid workflow of an office's own is served.
python3 - "$PT_SOURCE_DIR/proposals/workflow-default.json" "$PT_TMP/wf-own.json" <<'PY'
import json, sys
wf = json.load(open(sys.argv[1]))
wf["name"] = "本办流程"
for s in wf["states"]:
    if s["name"] == "handling":
        s["label"]["zh"] = "正在办理"
json.dump(wf, open(sys.argv[2], "w"), ensure_ascii=False)
PY
echo '{"data_dir": "'"$PT_TMP"'/d3", "workflow": "'"$PT_TMP"'/wf-own.json"}' > "$PT_TMP/c3.json"
"$PTRACKD" --config "$PT_TMP/c3.json" 2>"$PT_TMP/d3.log" &
PT_PIDS+=("$!")
PT_SOCK="$PT_TMP/d3/ptrack.sock"
wait_socket "$PT_SOCK"
api GET /v1/workflow
check_contains "the named workflow is active" 本办流程 "$BODY"
check_contains "its labels are served" 正在办理 "$BODY"
kill -TERM "${PT_PIDS[-1]}"; wait "${PT_PIDS[-1]}" || true

# 4. No config at all: serves from ./var. Started with the usual umask
# 022 (not a unit's 0077), its files are its own all the same.
mkdir "$PT_TMP/cwd"
(cd "$PT_TMP/cwd" && umask 022 && exec "$PTRACKD" 2>"$PT_TMP/d4.log") &
pid=$!; PT_PIDS+=("$pid")
check_true "no config: the socket is var/ptrack.sock" wait_socket "$PT_TMP/cwd/var/ptrack.sock"
check_true "no config: the database is var/ptrack.db" test -f "$PT_TMP/cwd/var/ptrack.db"
check_eq "the socket is not open to others" 600 "$(stat -c %a "$PT_TMP/cwd/var/ptrack.sock")"
for f in ptrack.db ptrack.db-wal ptrack.db-shm; do
    check_eq "$f is not open to others" 600 "$(stat -c %a "$PT_TMP/cwd/var/$f")"
done
# A database that exists keeps its mode, and one others may read is named.
mkdir -m 0700 "$PT_TMP/d4b"
(umask 022 && sqlite3 "$PT_TMP/d4b/ptrack.db" "PRAGMA user_version = 0;")
"$PTRACKD" --data-dir "$PT_TMP/d4b" --socket "$PT_TMP/d4b/ptrack.sock" 2>"$PT_TMP/d4b.log" &
pid4b=$!
check_true "a database of mode 0644 is served" wait_socket "$PT_TMP/d4b/ptrack.sock"
kill -TERM "$pid4b"; wait "$pid4b" || true
check_true "and the start warns that others may read it" \
    grep -q "ptrack.db is mode 0644: other users may read proposals" "$PT_TMP/d4b.log"

# 5. SIGTERM with a long poll waiting and writes in flight: every write that
# was sent is answered, the long poll is answered, and ptrackd exits 0.
# The long poll's curl says on its stderr (req's curl.err) when it has sent
# its request (-v): the stop waits for that, as it waits for the writes to
# be sent. Started in the background, the poll could be not yet sent
# on a busy machine when the SIGTERM came, and found the socket gone.
PT_SOCK="$PT_TMP/cwd/var/ptrack.sock"
rm -f "$PT_TMP/curl.err"
(
    api GET "/v1/events?after=1000000&wait=60" -- -v
    printf %s "$ST" >"$PT_TMP/poll.code"
) &
poll=$!
poll_sent() { grep -q '^> GET /v1/events' "$PT_TMP/curl.err" 2>/dev/null; }
# Twenty connections, each with its whole write sent before the SIGTERM (the
# client says so in $PT_TMP/sent), then their answers read.
python3 - "$PT_SOCK" "$PT_TMP/sent" >"$PT_TMP/codes" 2>"$PT_TMP/writers.err" <<'PY' &
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
wait_for 10 test -e "$PT_TMP/sent" || true
check_true "the twenty writes were sent" test -e "$PT_TMP/sent"
wait_for 30 poll_sent || true
PT_PID="$pid"
pt_stop
wait "$poll" || true
wait "$writers" || true
wait || true
check_eq "SIGTERM exits 0" 0 "$PT_STOP_RC"
# Held by the long poll, it would wait its 60 s; 15 s leaves a loaded
# machine room for the writes in flight.
check_true "SIGTERM exits within 15 s, not at the long poll's 60 (took $PT_STOP_MS ms)" \
    [ "$PT_STOP_MS" -lt 15000 ]
check_eq "the long poll was answered" 200 "$(cat "$PT_TMP/poll.code")"
check_eq "every write sent before SIGTERM was answered 201" 20 "$(grep -c '^201$' "$PT_TMP/codes")"
check_true "the log says it stopped" grep -q 'stopped' "$PT_TMP/d4.log"

# The 20 writes are there after a restart.
(cd "$PT_TMP/cwd" && exec "$PTRACKD" 2>>"$PT_TMP/d4.log") &
pid=$!; PT_PIDS+=("$pid")
wait_socket "$PT_SOCK"
sleep 0.2
check_eq "the acknowledged writes survived the restart" 20 "$(pt_count)"

# 6. One ptrackd a data directory, and a socket that another serves is not
# taken from it: a second start is refused and the first goes on serving.
set +e
out="$(cd "$PT_TMP/cwd" && "$PTRACKD" 2>&1)"; rc=$?
set -e
check_true "a second ptrackd on the same data directory is refused" [ "$rc" -ne 0 ]
check_contains "the message says the data directory is in use, by which pid" \
    "in use by another ptrackd (pid $pid)" "$out"
echo '{"data_dir": "'"$PT_TMP"'/d6", "socket": "'"$PT_SOCK"'"}' > "$PT_TMP/c6.json"
set +e
out="$("$PTRACKD" --config "$PT_TMP/c6.json" 2>&1)"; rc=$?
set -e
check_true "another data directory on a socket that is served is refused" [ "$rc" -ne 0 ]
check_contains "the message says another process serves on the socket" \
    "another process serves on it" "$out"
check_eq "the first ptrackd still serves on its socket" 20 "$(pt_count)"
# Killed, it leaves its socket and lock file behind: neither stops the next.
kill -9 "$pid"; wait "$pid" || true
check_true "a killed ptrackd leaves its socket" test -S "$PT_SOCK"
(cd "$PT_TMP/cwd" && exec "$PTRACKD" 2>>"$PT_TMP/d4.log") &
pid=$!; PT_PIDS+=("$pid")
answers() { # an answer, whatever its status
    api GET /v1/health
    [[ "$ST" != curl-failed* ]]
}
check_true "after a kill -9 the next start takes the socket and the directory" wait_for 60 answers
kill -TERM "$pid"; wait "$pid" || true

# 7. A socket whose directory does not exist stops the start, and the
# message says so (libuv alone would say "permission denied").
set +e
out="$("$PTRACKD" --data-dir "$PT_TMP/d7" --socket "$PT_TMP/no-such-dir/ptrack.sock" 2>&1)"; rc=$?
set -e
check_eq "a socket in a directory that does not exist stops the start" 1 "$rc"
check_contains "the message says the socket's directory does not exist" \
    "cannot listen on the socket $PT_TMP/no-such-dir/ptrack.sock: its directory does not exist" "$out"
check_true "and not that permission was denied" bash -c '! grep -qi "permission denied" <<<"$1"' _ "$out"
check_true "and before it makes the data directory" test ! -e "$PT_TMP/d7"
# A start refused at its very end closes the database: its pid file's
# path becomes a directory while a plugin's create() holds the start up
# (until the test has made it), once the data directory is locked, and is
# found when the pid is written, once the store is open and the socket
# made.
cat >"$PT_TMP/c7.json" <<EOF
{"data_dir": "$PT_TMP/d7", "socket": "$PT_TMP/d7.sock", "plugin_dir": "$PT_TMP",
 "plugins": [{"instance": "slow", "path": "$FIX/fixture_slow_create.so",
              "config": {"until": "$PT_TMP/go7"}}]}
EOF
mkdir "$PT_TMP/late"
"$PTRACKD" --config "$PT_TMP/c7.json" --pidfile "$PT_TMP/late/ptrackd.pid" >"$PT_TMP/d7.log" 2>&1 &
pid=$!; PT_PIDS+=("$pid")
wait_for 30 test -e "$PT_TMP/d7/ptrackd.lock" || true
mkdir "$PT_TMP/late/ptrackd.pid"
touch "$PT_TMP/go7"
set +e
wait "$pid"
rc=$?
set -e
out="$(cat "$PT_TMP/d7.log")"
check_eq "a pid file that cannot be written stops the start ($out)" 1 "$rc"
check_contains "and the message names it" "cannot write the pid file $PT_TMP/late/ptrackd.pid" "$out"
check_true "and the database is closed: no -wal or -shm left ($(ls "$PT_TMP/d7" | tr '\n' ' '))" \
    test ! -e "$PT_TMP/d7/ptrack.db-wal" -a ! -e "$PT_TMP/d7/ptrack.db-shm" -a -s "$PT_TMP/d7/ptrack.db"
check_true "nor the socket" test ! -e "$PT_TMP/d7.sock"

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
out="$("$PTRACKD" --data-dir "$PT_TMP/d7b" --socket "$PT_TMP/d7b.sock" --listen "127.0.0.1:$taken" 2>&1)"; rc=$?
set -e
kill "$TAKER_PID" 2>/dev/null || true
check_eq "a taken TCP port stops the start" 1 "$rc"
check_contains "the message names the address" "cannot listen on 127.0.0.1:$taken" "$out"
check_true "and there is no socket" test ! -e "$PT_TMP/d7b.sock"
check_true "nor a data directory" test ! -e "$PT_TMP/d7b"

# 8. A database that ptrackd's user may not write stops the start: SQLite
# alone opens it read-only, and ptrackd said it was ready and answered
# every write 503. (Root writes any file: the user here is nobody.)
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
    chmod 755 "$PT_TMP"
    mkdir "$PT_TMP/d8"
    chown 65534:65534 "$PT_TMP/d8"
    setpriv --reuid=65534 --regid=65534 --clear-groups "$PTRACKD" --data-dir "$PT_TMP/d8" \
        2>"$PT_TMP/d8.log" &
    pid=$!; PT_PIDS+=("$pid")
    wait_socket "$PT_TMP/d8/ptrack.sock"
    kill -TERM "$pid"; wait "$pid" || true
    chmod 400 "$PT_TMP/d8/ptrack.db"
    set +e
    out="$(timeout 5 setpriv --reuid=65534 --regid=65534 --clear-groups \
        "$PTRACKD" --data-dir "$PT_TMP/d8" 2>&1)"; rc=$?
    set -e
    check_eq "a database its user may not write stops the start" 1 "$rc"
    check_contains "the message says the database is read-only to it" \
        "the database $PT_TMP/d8/ptrack.db is read-only to ptrackd (uid 65534)" "$out"
    chmod 600 "$PT_TMP/d8/ptrack.db"
    chown root "$PT_TMP/d8/ptrack.db"
    set +e
    out="$(timeout 5 setpriv --reuid=65534 --regid=65534 --clear-groups \
        "$PTRACKD" --data-dir "$PT_TMP/d8" 2>&1)"; rc=$?
    set -e
    check_eq "a database it may not read stops the start" 1 "$rc"
    check_true "the message gives the system's reason ($out)" \
        grep -q "cannot open the database $PT_TMP/d8/ptrack.db: .*(Permission denied)" <<<"$out"
else
    pt_log "skipped: a database ptrackd may not write (needs root and setpriv)"
fi

# 9. Port 0 in --listen: the system chooses the port, and the log says which.
"$PTRACKD" --data-dir "$PT_TMP/d9" --socket "$PT_TMP/d9.sock" --listen 127.0.0.1:0 \
    >"$PT_TMP/d9.log" 2>&1 &
PT_PIDS+=("$!")
check_true "ptrackd with --listen 127.0.0.1:0 starts" wait_socket "$PT_TMP/d9.sock"
wait_for 60 grep -q "listening on http://" "$PT_TMP/d9.log" || true
port="$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9]*\) (port 0: the system chose it)$|\1|p' "$PT_TMP/d9.log")"
check_true "the log names the port chosen ($(grep 'listening on http' "$PT_TMP/d9.log"))" test -n "$port" -a "${port:-0}" -gt 0
PT_URL="http://127.0.0.1:${port:-1}"
req tcp: GET /v1/health
check_status "ptrackd answers there (no token)" 401
kill "${PT_PIDS[-1]}"

pt_finish
