#!/usr/bin/env bash
# A start refused for its socket, its TCP port, its socket_group, its
# workflow or its plugins leaves no data directory behind. A socket that another process serves on (the running
# ptrackd's, given by mistake to a second one with another data_dir) and a
# socket_group that names no group were found only once the data
# directory, its lock, the database, ptrack.seq and plugin-crashes had been
# made: the refused start left a new empty store where the operator had
# typed the data directory; a workflow file that does not load left the
# directory and its lock. Each is now refused before the start makes
# anything, as a socket path that holds a regular file is, with the same
# messages; a data_dir that exists already is left as it was, with no lock
# file made in it. So is a TCP port that another process listens on (the
# port is bound before the store is made, and listened on once the plugins
# are loaded), or that another ptrackd, starting, has bound and listens on
# once started, and a plugin instance whose file does not load: each left
# the whole empty store behind. So is a socket whose directory does not
# exist, found at its bind, which left the store and its plugins' files,
# and a --pidfile that is a directory, or whose PATH.tmp (written first,
# then renamed) is one, found when the pid file was written.
# So is a socket whose directory is not a directory, or one its user may
# not write, found at the bind too.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init

pt_config
pt_start
served="$PT_SOCK"

pt_step "a socket that another ptrackd serves on"
cat >"$PT_TMP/second.json" <<EOF
{"data_dir": "$PT_TMP/second", "socket": "$served", "plugin_dir": "$PT_TMP/no-plugins"}
EOF
out="$(timeout 20 "$PTRACKD" --config "$PT_TMP/second.json" 2>&1)" && rc=0 || rc=$?
check_eq "the second start exits 1 ($out)" 1 "$rc"
check_contains "saying another process serves on the socket" \
    "cannot listen on the socket $served: another process serves on it" "$out"
check_true "and makes no data directory" test ! -e "$PT_TMP/second"
check_eq "the first ptrackd still serves" 200 \
    "$(curl -s -o /dev/null -w '%{http_code}' --unix-socket "$served" http://localhost/v1/health)"

pt_step "a socket that another ptrackd serves on, with a data_dir that exists"
# A directory given by mistake (one of the operator's own): the refused
# start took its lock there, leaving a ptrackd.lock with its pid.
mkdir "$PT_TMP/existing"
cat >"$PT_TMP/existing.json" <<EOF
{"data_dir": "$PT_TMP/existing", "socket": "$served", "plugin_dir": "$PT_TMP/no-plugins"}
EOF
out="$(timeout 20 "$PTRACKD" --config "$PT_TMP/existing.json" 2>&1)" && rc=0 || rc=$?
check_eq "the start exits 1 ($out)" 1 "$rc"
check_contains "saying another process serves on the socket" \
    "cannot listen on the socket $served: another process serves on it" "$out"
check_eq "and leaves the directory empty" "" "$(ls -A "$PT_TMP/existing")"

pt_step "the running ptrackd's own data directory and socket"
before="$(cat "$PT_DATA/ptrackd.lock")"
cat >"$PT_TMP/same.json" <<EOF
{"data_dir": "$PT_DATA", "socket": "$served", "plugin_dir": "$PT_TMP/no-plugins"}
EOF
out="$(timeout 20 "$PTRACKD" --config "$PT_TMP/same.json" 2>&1)" && rc=0 || rc=$?
check_eq "the start exits 1 ($out)" 1 "$rc"
check_contains "naming the running one's pid" \
    "the data directory $PT_DATA is in use by another ptrackd (pid $before)" "$out"
check_eq "whose lock file keeps its pid" "$before" "$(cat "$PT_DATA/ptrackd.lock")"

pt_step "a TCP port that another process listens on"
cat >"$PT_TMP/port.json" <<EOF
{"data_dir": "$PT_TMP/port", "socket": "$PT_TMP/port.sock", "listen": "127.0.0.1:$PT_PORT",
 "plugin_dir": "$PT_TMP/no-plugins"}
EOF
out="$(timeout 20 "$PTRACKD" --config "$PT_TMP/port.json" 2>&1)" && rc=0 || rc=$?
check_eq "the start exits 1 ($out)" 1 "$rc"
check_contains "saying the port is in use" \
    "cannot listen on 127.0.0.1:$PT_PORT: address already in use" "$out"
check_true "and makes no data directory" test ! -e "$PT_TMP/port"
check_true "nor a socket" test ! -e "$PT_TMP/port.sock"
as_viewer GET /v1/health
check_status "the first ptrackd still serves on the port" 200

pt_step "a TCP port that another ptrackd, starting, has bound"
# Two ptrackds started at once on one port: the first binds it and is
# held in a plugin's create() (once its store is made) before it listens.
# The second bound it too (SO_REUSEADDR), made its store and listened
# first, or failed at its listen once its store was made; also when the
# two addresses only overlap (0.0.0.0 and 127.0.0.1). Now the second waits
# for the first to listen, up to 10 s, and then binds: refused where the
# addresses overlap, before it makes anything, and taken where they do not.
pt_fixtures slow_create
# held_start NAME ADDR:PORT: a ptrackd on ADDR:PORT held before it listens
# until $PT_TMP/go-NAME exists; its pid in HELD.
held_start() {
    cat >"$PT_TMP/$1.json" <<EOF
{"data_dir": "$PT_TMP/$1", "socket": "$PT_TMP/$1.sock", "listen": "$2",
 "plugin_dir": "$PT_TMP/no-plugins",
 "plugins": [{"instance": "slow", "path": "$FIX/fixture_slow_create.so",
              "config": {"until": "$PT_TMP/go-$1"}}]}
EOF
    "$PTRACKD" --config "$PT_TMP/$1.json" >"$PT_TMP/$1.log" 2>&1 &
    HELD=$!
    PT_PIDS+=("$HELD")
    wait_for 60 test -e "$PT_TMP/$1/ptrackd.lock" || pt_die "the start $1 made no lock"
}
# pt_gone PID: true once the process PID has ended.
pt_gone() { ! kill -0 "$1" 2>/dev/null; }
# second_config NAME ADDR:PORT: the configuration of the second start.
second_config() {
    cat >"$PT_TMP/$1.json" <<EOF
{"data_dir": "$PT_TMP/$1", "socket": "$PT_TMP/$1.sock", "listen": "$2", "allow_remote": true,
 "plugin_dir": "$PT_TMP/no-plugins"}
EOF
}
# second_waiting NAME ADDR:PORT: the second start, in the background (its
# pid in SECOND), and the check that it waits for the first to listen.
second_waiting() {
    second_config "$1" "$2"
    "$PTRACKD" --config "$PT_TMP/$1.json" >"$PT_TMP/$1.log" 2>&1 &
    SECOND=$!
    PT_PIDS+=("$SECOND")
    check_true "the second waits for the first to listen" \
        wait_for 20 grep -q "waiting up to 10 s" "$PT_TMP/$1.log"
}
port2="$(pt_free_port)"
held_start held "127.0.0.1:$port2"
second_config second-port "127.0.0.1:$port2"
out="$(timeout 30 "$PTRACKD" --config "$PT_TMP/second-port.json" 2>&1)" && rc=0 || rc=$?
check_eq "the second start exits 1 ($out)" 1 "$rc"
check_contains "saying it waited for the other to listen" \
    "another ptrackd is starting on the port of 127.0.0.1:$port2: waiting up to 10 s for it to listen" \
    "$out"
check_contains "and that it did not within 10 s" \
    "cannot listen on 127.0.0.1:$port2: another ptrackd, starting, holds the port and has not listened on it within 10 s" \
    "$out"
check_true "and makes no data directory" test ! -e "$PT_TMP/second-port"
check_true "nor a socket" test ! -e "$PT_TMP/second-port.sock"
touch "$PT_TMP/go-held"
check_true "the first one serves on the port ($(tail -n 3 "$PT_TMP/held.log"))" \
    wait_for 60 pt_listening "$port2"
kill -TERM "$HELD"
wait "$HELD" || true

pt_step "0.0.0.0 while another ptrackd, starting, has bound 127.0.0.1 on the port"
port3="$(pt_free_port)"
held_start held3 "127.0.0.1:$port3"
second_waiting wide "0.0.0.0:$port3"
wide=$SECOND
touch "$PT_TMP/go-held3"
rc=running
if wait_for 30 pt_gone "$wide"; then
    rc=0
    wait "$wide" || rc=$?
else
    kill -TERM "$wide"
fi
check_eq "the second exits 1 ($(tail -n 2 "$PT_TMP/wide.log"))" 1 "$rc"
check_contains "the port is in use" "cannot listen on 0.0.0.0:$port3: address already in use" \
    "$(cat "$PT_TMP/wide.log")"
check_true "and it makes no data directory" test ! -e "$PT_TMP/wide"
check_true "the first one serves on the port ($(tail -n 3 "$PT_TMP/held3.log"))" \
    wait_for 60 pt_listening "$port3"
kill -TERM "$HELD"
wait "$HELD" || true

pt_step "127.0.0.2 while another ptrackd, starting, has bound 127.0.0.1 on the port"
port4="$(pt_free_port)"
held_start held4 "127.0.0.1:$port4"
second_waiting beside "127.0.0.2:$port4"
beside=$SECOND
touch "$PT_TMP/go-held4"
check_true "then starts, its address beside the other's ($(tail -n 2 "$PT_TMP/beside.log"))" \
    wait_for 30 grep -q " ready " "$PT_TMP/beside.log"
check_true "the first listens on 127.0.0.1" wait_for 30 pt_listening "$port4"
check_eq "and answers there (401: TCP needs a token)" 401 \
    "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$port4/v1/health")"
check_eq "the second answers on 127.0.0.2" 401 \
    "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.2:$port4/v1/health")"
kill -TERM "$HELD" "$beside"
wait "$HELD" || true
wait "$beside" || true

pt_step "a SIGTERM while the start waits for another ptrackd to listen on the port"
# The wait made the stop wait too: the start went on once the other
# listened, made its data directory and store, and only then stopped.
port5="$(pt_free_port)"
held_start held5 "127.0.0.1:$port5"
second_waiting stopped "127.0.0.2:$port5"
stopped=$SECOND
kill -TERM "$stopped"
check_true "it ends within 5 s, long before its 10 s are over" wait_for 5 pt_gone "$stopped"
touch "$PT_TMP/go-held5"
rc=0
wait "$stopped" || rc=$?
check_eq "by the signal" 143 "$rc"
check_contains "saying so" \
    "SIGTERM while waiting for another ptrackd to listen on the port: ptrackd ends now" \
    "$(cat "$PT_TMP/stopped.log")"
check_true "and it makes no data directory" test ! -e "$PT_TMP/stopped"
check_true "the first one serves on the port ($(tail -n 3 "$PT_TMP/held5.log"))" \
    wait_for 60 pt_listening "$port5"
kill -TERM "$HELD"
wait "$HELD" || true

pt_step "the running ptrackd's data directory and port, with another socket"
cat >"$PT_TMP/same-port.json" <<EOF
{"data_dir": "$PT_DATA", "socket": "$PT_TMP/same-port.sock", "listen": "127.0.0.1:$PT_PORT",
 "plugin_dir": "$PT_TMP/no-plugins"}
EOF
out="$(timeout 20 "$PTRACKD" --config "$PT_TMP/same-port.json" 2>&1)" && rc=0 || rc=$?
check_eq "the start exits 1 ($out)" 1 "$rc"
check_contains "naming the running one's pid, not the port" \
    "the data directory $PT_DATA is in use by another ptrackd (pid $before)" "$out"
check_true "and makes no socket" test ! -e "$PT_TMP/same-port.sock"

pt_step "a plugin instance whose file does not load"
printf '%s\n' "不是插件" >"$PT_TMP/not-a-plugin.so"
for what in no-such-plugin.so not-a-plugin.so; do
    name="${what%.so}"
    cat >"$PT_TMP/$name.json" <<EOF
{"data_dir": "$PT_TMP/$name", "socket": "$PT_TMP/$name.sock", "listen": "127.0.0.1:0",
 "plugin_dir": "$PT_TMP/no-plugins",
 "plugins": [{"instance": "oa", "path": "$PT_TMP/$what"}]}
EOF
    out="$(timeout 20 "$PTRACKD" --config "$PT_TMP/$name.json" 2>&1)" && rc=0 || rc=$?
    check_eq "$what: the start exits 1 ($out)" 1 "$rc"
    check_contains "$what: naming the instance" \
        "config $PT_TMP/$name.json: plugin instance oa:" "$out"
    check_true "$what: and makes no data directory" test ! -e "$PT_TMP/$name"
    check_true "$what: nor a socket" test ! -e "$PT_TMP/$name.sock"
done

pt_step "a socket_group that names no group"
no_name="ptrack-no-such-group-$$"
getent group "$no_name" >/dev/null && pt_die "a group $no_name exists"
cat >"$PT_TMP/third.json" <<EOF
{"data_dir": "$PT_TMP/third", "socket": "$PT_TMP/third.sock", "socket_group": "$no_name",
 "plugin_dir": "$PT_TMP/no-plugins"}
EOF
out="$(timeout 20 "$PTRACKD" --config "$PT_TMP/third.json" 2>&1)" && rc=0 || rc=$?
check_eq "the start exits 1 ($out)" 1 "$rc"
check_contains "saying there is no such group" "socket_group: there is no group \"$no_name\"" "$out"
check_true "and makes no data directory" test ! -e "$PT_TMP/third"
check_true "nor a socket" test ! -e "$PT_TMP/third.sock"

pt_step "a workflow that does not load"
echo '{"states": [' >"$PT_TMP/broken-workflow.json"
cat >"$PT_TMP/fifth.json" <<EOF
{"data_dir": "$PT_TMP/fifth", "socket": "$PT_TMP/fifth.sock",
 "workflow": "$PT_TMP/broken-workflow.json", "plugin_dir": "$PT_TMP/no-plugins"}
EOF
out="$(timeout 20 "$PTRACKD" --config "$PT_TMP/fifth.json" 2>&1)" && rc=0 || rc=$?
check_eq "the start exits 1 ($out)" 1 "$rc"
check_contains "naming the workflow" "workflow $PT_TMP/broken-workflow.json" "$out"
check_true "and makes no data directory" test ! -e "$PT_TMP/fifth"

pt_step "a socket whose directory does not exist"
# Found only at the socket's bind, once the data directory, the store and
# the plugins had been made.
cat >"$PT_TMP/sixth.json" <<EOF
{"data_dir": "$PT_TMP/sixth", "socket": "$PT_TMP/no-such-dir/sixth.sock",
 "listen": "127.0.0.1:0", "plugin_dir": "$PT_TMP/no-plugins"}
EOF
out="$(timeout 20 "$PTRACKD" --config "$PT_TMP/sixth.json" 2>&1)" && rc=0 || rc=$?
check_eq "the start exits 1 ($out)" 1 "$rc"
check_contains "saying the socket's directory does not exist" \
    "cannot listen on the socket $PT_TMP/no-such-dir/sixth.sock: its directory does not exist" "$out"
check_true "and makes no data directory" test ! -e "$PT_TMP/sixth"
mkdir "$PT_TMP/existing-dir"
cat >"$PT_TMP/seventh.json" <<EOF
{"data_dir": "$PT_TMP/existing-dir", "socket": "$PT_TMP/existing-dir/sub/seventh.sock",
 "plugin_dir": "$PT_TMP/no-plugins"}
EOF
out="$(timeout 20 "$PTRACKD" --config "$PT_TMP/seventh.json" 2>&1)" && rc=0 || rc=$?
check_eq "below a data_dir that exists: the start exits 1 ($out)" 1 "$rc"
check_contains "below a data_dir that exists: saying so" \
    "$PT_TMP/existing-dir/sub/seventh.sock: its directory does not exist" "$out"
check_eq "and leaves that directory empty" "" "$(ls -A "$PT_TMP/existing-dir")"

pt_step "a --pidfile that is a directory"
# Found only when the pid file was written, at the start's very end, once
# the data directory, its lock, the database, ptrack.seq and
# plugin-crashes had been made.
mkdir -p "$PT_TMP/run/ptrackd.pid"
cat >"$PT_TMP/ninth.json" <<EOF
{"data_dir": "$PT_TMP/ninth", "socket": "$PT_TMP/ninth.sock", "listen": "127.0.0.1:0",
 "plugin_dir": "$PT_TMP/no-plugins"}
EOF
out="$(timeout 20 "$PTRACKD" --config "$PT_TMP/ninth.json" --pidfile "$PT_TMP/run/ptrackd.pid" \
    2>&1)" && rc=0 || rc=$?
check_eq "the start exits 1 ($out)" 1 "$rc"
check_contains "saying the pid file is a directory" \
    "cannot write the pid file $PT_TMP/run/ptrackd.pid: it is a directory" "$out"
check_true "and makes no data directory" test ! -e "$PT_TMP/ninth"
check_true "nor a socket" test ! -e "$PT_TMP/ninth.sock"
check_eq "and leaves that directory as it was" "" "$(ls -A "$PT_TMP/run/ptrackd.pid")"

pt_step "a --pidfile whose PATH.tmp is a directory"
# The pid is written to PATH.tmp, then renamed to PATH: a directory there
# too was found only at the start's very end, once the store was made. (A
# link there is replaced, the link itself, as at PATH: test_pidfile_clash.)
mkdir -p "$PT_TMP/run2/ptrackd.pid.tmp"
rm -rf "$PT_TMP/ninth"
pid="$PT_TMP/run2/ptrackd.pid"
out="$(timeout 20 "$PTRACKD" --config "$PT_TMP/ninth.json" --pidfile "$pid" 2>&1)" && rc=0 || rc=$?
check_eq "the start exits 1 ($out)" 1 "$rc"
check_contains "saying PATH.tmp is a directory" \
    "cannot write the pid file $pid: $pid.tmp, which ptrackd writes first and renames to it, is a directory" \
    "$out"
check_true "and makes no data directory" test ! -e "$PT_TMP/ninth"
check_true "nor a socket" test ! -e "$PT_TMP/ninth.sock"
check_true "nor the pid file" test ! -e "$pid"
check_eq "and leaves that directory as it was" "" "$(ls -A "$PT_TMP/run2/ptrackd.pid.tmp")"

pt_step "a socket whose directory is a file"
: >"$PT_TMP/afile"
cat >"$PT_TMP/tenth.json" <<EOF
{"data_dir": "$PT_TMP/tenth", "socket": "$PT_TMP/afile/tenth.sock", "listen": "127.0.0.1:0",
 "plugin_dir": "$PT_TMP/no-plugins"}
EOF
out="$(timeout 20 "$PTRACKD" --config "$PT_TMP/tenth.json" 2>&1)" && rc=0 || rc=$?
check_eq "the start exits 1 ($out)" 1 "$rc"
check_contains "saying the socket's directory is not a directory" \
    "the socket's directory $PT_TMP/afile is not a directory" "$out"
check_true "and makes no data directory" test ! -e "$PT_TMP/tenth"

pt_step "a socket whose directory the user may not write"
# Found only at the socket's bind, once the data directory, its lock, the
# database, ptrack.seq and plugin-crashes had been made. Root may write
# anything, so this runs as nobody, in a directory of nobody's where it
# may make the data directory.
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
    chmod 755 "$PT_TMP"
    mkdir -p "$PT_TMP/rootrun" "$PT_TMP/nobody"
    chown 65534:65534 "$PT_TMP/nobody"
    cat >"$PT_TMP/eleventh.json" <<EOF
{"data_dir": "$PT_TMP/nobody/data", "socket": "$PT_TMP/rootrun/eleventh.sock",
 "listen": "127.0.0.1:0", "plugin_dir": "$PT_TMP/no-plugins"}
EOF
    chmod 644 "$PT_TMP/eleventh.json"
    out="$(timeout 20 setpriv --reuid=65534 --regid=65534 --clear-groups \
        "$PTRACKD" --config "$PT_TMP/eleventh.json" 2>&1)" && rc=0 || rc=$?
    check_eq "the start exits 1 ($out)" 1 "$rc"
    check_contains "naming the directory and the uid" \
        "the socket's directory $PT_TMP/rootrun is not writable by uid 65534" "$out"
    check_true "and makes no data directory" test ! -e "$PT_TMP/nobody/data"
    out="$(setpriv --reuid=65534 --regid=65534 --clear-groups \
        "$PTRACKD" --check-config "$PT_TMP/eleventh.json" 2>&1)" && rc=0 || rc=$?
    check_eq "--check-config refuses it too" 1 "$rc"
    check_contains "with the same words" \
        "the socket's directory $PT_TMP/rootrun is not writable by uid 65534" "$out"
else
    pt_log "skip: permissions need root and setpriv"
fi

pt_step "a socket in the data directory the start makes, however it is written"
# The data directory is the socket's once made: not refused before.
for sock in "$PT_TMP/eighth/a.sock" "$PT_TMP/./eighth/b.sock" "$PT_TMP//eighth//c.sock"; do
    rm -rf "$PT_TMP/eighth"
    "$PTRACKD" --data-dir "$PT_TMP/eighth" --socket "$sock" \
        --plugin-dir "$PT_TMP/no-plugins" >"$PT_TMP/eighth.log" 2>&1 &
    eighth=$!
    PT_PIDS+=("$eighth")
    ok=0
    for _ in $(seq 1 300); do
        curl -s -o /dev/null --max-time 5 --unix-socket "$sock" http://localhost/v1/health &&
            { ok=1; break; }
        sleep 0.1
    done
    check_eq "$sock: the start serves ($(tail -n 2 "$PT_TMP/eighth.log"))" 1 "$ok"
    kill -TERM "$eighth"
    wait "$eighth" || true
done

pt_step "a socket left by a run before is still replaced"
python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1])' "$PT_TMP/left.sock"
cat >"$PT_TMP/fourth.json" <<EOF
{"data_dir": "$PT_TMP/fourth", "socket": "$PT_TMP/left.sock", "plugin_dir": "$PT_TMP/no-plugins"}
EOF
"$PTRACKD" --config "$PT_TMP/fourth.json" >>"$PT_TMP/fourth.log" 2>&1 &
fourth=$!
PT_PIDS+=("$fourth")
ok=0
for _ in $(seq 1 300); do
    curl -s -o /dev/null --max-time 5 --unix-socket "$PT_TMP/left.sock" \
        http://localhost/v1/health && { ok=1; break; }
    sleep 0.1
done
check_eq "a start takes a socket nobody serves on ($(tail -n 3 "$PT_TMP/fourth.log"))" 1 "$ok"
kill -TERM "$fourth"
wait "$fourth" || true

pt_finish
