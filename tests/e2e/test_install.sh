#!/usr/bin/env bash
# Installing and running as a service: `cmake --install` lays out the
# programs, the plugins, the workflow, the SDK, the systemd unit, the sysusers
# file, the manual pages and the documentation in the FHS places (the unit
# passes `systemd-analyze verify` where that runs); ptrackd tells a service
# manager READY=1 once its socket answers, RELOADING=1 and READY=1 around
# SIGHUP and STOPPING=1 at SIGTERM (sd_notify, on a path and on an abstract
# socket); --pidfile holds the pid and is removed at exit; --syslog keeps
# stderr quiet, and a start it refuses is told on stderr once and to syslog.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
pt_init
command -v cmake >/dev/null || pt_die "cmake is needed"

prefix="$PT_TMP/prefix"

pt_step "cmake --install lays out the FHS tree"
cmake --install "$PT_BUILD_DIR" --prefix "$prefix" >"$PT_TMP/install.log" 2>&1 ||
    pt_die "cmake --install failed: $(tail -n 5 "$PT_TMP/install.log")"
# GNUInstallDirs picks lib, lib64 or lib/<multiarch triplet> after the
# system; the library directory is wherever the plugin directory landed.
libdir=""
for d in "$prefix"/lib "$prefix"/lib64 "$prefix"/lib/*-linux-gnu*; do
    if [ -d "$d/ptrack/plugins" ]; then
        libdir="$d"
        break
    fi
done
check_true "the plugin directory is under lib, lib64 or lib/<triplet>" test -n "$libdir"
[ -n "$libdir" ] || libdir="$prefix/lib"
for f in bin/ptrackd bin/ptrack; do
    check_true "$f is installed and executable" test -x "$prefix/$f"
done
for f in share/ptrack/workflow.json include/ptrack/plugin.h \
    lib/systemd/system/ptrackd.service lib/sysusers.d/ptrack.conf \
    share/man/man1/ptrack.1 share/man/man8/ptrackd.8 \
    share/doc/ptrack/README.md share/doc/ptrack/examples/ptrackd.json; do
    check_true "$f is installed" test -f "$prefix/$f"
done
# The documentation, laid out as in the source (README.md, docs/*.md), so
# that the links between the pages, and to the examples, work in both.
for src in "$PT_SOURCE_DIR"/docs/*.md; do
    f="docs/$(basename "$src")"
    check_true "$f is installed, as it is in the source" \
        cmp -s "$src" "$prefix/share/doc/ptrack/$f"
done
check_true "README.md is installed, as it is in the source" \
    cmp -s "$PT_SOURCE_DIR/README.md" "$prefix/share/doc/ptrack/README.md"
out="$("$PY" "$PT_SOURCE_DIR/tests/e2e/doclinks.py" "$prefix/share/doc/ptrack" 2>&1)" && rc=0 || rc=$?
check_eq "every relative link of the installed documentation leads to an installed file ($out)" 0 "$rc"
out="$("$PY" "$PT_SOURCE_DIR/tests/e2e/doclinks.py" "$PT_SOURCE_DIR" 2>&1)" && rc=0 || rc=$?
check_eq "every relative link of the source's documentation leads to a file ($out)" 0 "$rc"
# The example plugins, each as its directory in the source holds it.
for d in notify-file import-oa export-duban; do
    for f in CMakeLists.txt README.md "${d//-/_}.c"; do
        check_true "examples/$d/$f is installed, as it is in the source" \
            cmp -s "$PT_SOURCE_DIR/examples/$d/$f" "$prefix/share/doc/ptrack/examples/$d/$f"
    done
done
check_true "ptrack-plugin.pc is in the library directory's pkgconfig" \
    test -f "$libdir/pkgconfig/ptrack-plugin.pc"
if command -v pkg-config >/dev/null; then
    # The ABI a plugin builds against, as plugin.h defines it: a build
    # script may require it before it compiles anything.
    abi="$(sed -n 's/^#define PTRACK_ABI_MAJOR \([0-9]*\).*/\1/p' "$PT_SOURCE_DIR/include/ptrack/plugin.h").$(
        sed -n 's/^#define PTRACK_ABI_MINOR \([0-9]*\).*/\1/p' "$PT_SOURCE_DIR/include/ptrack/plugin.h")"
    out="$(PKG_CONFIG_PATH="$libdir/pkgconfig" pkg-config --variable=abi_version ptrack-plugin 2>&1)" || true
    check_eq "pkg-config --variable=abi_version ptrack-plugin gives plugin.h's ABI" "$abi" "$out"
    # The same for CMake: find_package(ptrack-plugin ABI) from this prefix
    # alone gives the installed header's directory and the plugin directory.
    check_true "the CMake package is in the library directory's cmake" \
        test -f "$libdir/cmake/ptrack-plugin/ptrack-plugin-config.cmake"
    mkdir -p "$PT_TMP/find"
    cat >"$PT_TMP/find/CMakeLists.txt" <<EOF
cmake_minimum_required(VERSION 3.18)
project(find_sdk LANGUAGES NONE)
find_package(ptrack-plugin $abi REQUIRED)
get_target_property(inc ptrack::plugin INTERFACE_INCLUDE_DIRECTORIES)
message(STATUS "sdk=\${PTRACK_PLUGIN_ABI_VERSION}|\${inc}|\${PTRACK_PLUGINSDIR}")
EOF
    out="$(cmake -S "$PT_TMP/find" -B "$PT_TMP/find/build" -DCMAKE_PREFIX_PATH="$prefix" 2>&1)" || true
    check_contains "find_package(ptrack-plugin $abi) finds the installed SDK" \
        "sdk=$abi|$(cd "$prefix/include" && pwd -P)|$(cd "$libdir/ptrack/plugins" && pwd -P)" "$out"
fi
built="$(cd "$PT_BUILD_DIR/plugins" && ls -- *.so | sort | tr '\n' ' ')"
installed="$(cd "$libdir/ptrack/plugins" && ls -- *.so 2>/dev/null | sort | tr '\n' ' ')"
check_true "there are built-in plugins" test -n "$built"
check_eq "every built-in plugin is installed, and nothing else" "$built" "$installed"
check_true "nothing is written under etc (an admin's configuration is never overwritten)" \
    test ! -e "$prefix/etc"
check_eq "the installed workflow is the source's" \
    "$(sha256sum <"$PT_SOURCE_DIR/proposals/workflow-default.json")" \
    "$(sha256sum <"$prefix/share/ptrack/workflow.json")"
out="$("$prefix/bin/ptrackd" --version 2>&1)" || true
check_contains "the installed ptrackd runs" "ptrackd " "$out"
# The check opens the plugins the example names; this tree is installed
# under a prefix other than the one ptrackd was built for, so it is told
# where they are, as a start from this tree would be.
out="$("$prefix/bin/ptrackd" --check-config "$prefix/share/doc/ptrack/examples/ptrackd.json" \
    --plugin-dir "$libdir/ptrack/plugins" 2>&1)" && rc=0 || rc=$?
check_eq "the example configuration is a good one ($out)" 0 "$rc"
check_contains "the sysusers file makes the user ptrack" "u ptrack " \
    "$(cat "$prefix/lib/sysusers.d/ptrack.conf")"

pt_step "the systemd unit"
unit="$prefix/lib/systemd/system/ptrackd.service"
text="$(cat "$unit")"
for line in "Type=notify" "ExecReload=/bin/kill -HUP \$MAINPID" "Restart=on-failure" \
    "User=ptrack" "StateDirectory=ptrack" "RuntimeDirectory=ptrack" "ProtectSystem=strict" \
    "NoNewPrivileges=true" "PrivateTmp=true" "--data-dir /var/lib/ptrack" \
    "--socket /run/ptrack/ptrack.sock" "/ptrack/ptrackd.json"; do
    check_contains "the unit has $line" "$line" "$text"
done
check_true "no @VARIABLE@ is left unconfigured in the unit" \
    bash -c '! grep -q "@[A-Z_]*@" "$1"' _ "$unit"
exec_line="$(grep '^ExecStart=' "$unit" | head -n 1)"
bindir="$(printf %s "$exec_line" | sed -E 's#^ExecStart=([^ ]*)/ptrackd .*#\1#')"
check_true "ExecStart runs ptrackd by its absolute path ($bindir)" test "${bindir:0:1}" = /
# Documentation= names the installed operation.md by the configured
# prefix's path (bin's parent); the file is there in this tree too.
doc="$(sed -nE 's#^Documentation=.* file:([^ ]*).*#\1#p' "$unit" | head -n 1)"
check_true "Documentation= names a file of the installed tree (${doc:-none})" \
    test -n "$doc" -a -f "$prefix/${doc#"${bindir%/*}"/}"
# The unit names the paths of the configured prefix; the copy verified here
# names the test's prefix, so that systemd-analyze finds the program. The
# manual page of Documentation= is looked up in the installed tree.
why=""
if ! command -v systemd-analyze >/dev/null; then
    why="systemd-analyze is not installed"
else
    printf '[Unit]\nDescription=probe\n[Service]\nExecStart=/bin/true\n' >"$PT_TMP/probe.service"
    if ! systemd-analyze verify "$PT_TMP/probe.service" >"$PT_TMP/probe.log" 2>&1; then
        why="systemd-analyze verify fails even on a trivial unit here: $(head -n 2 "$PT_TMP/probe.log")"
    fi
fi
if [ -n "$why" ]; then
    echo "skipped: systemd-analyze verify of the unit ($why)"
else
    mkdir -p "$PT_TMP/units"
    sed "s#^ExecStart=$bindir/#ExecStart=$prefix/bin/#" "$unit" >"$PT_TMP/units/ptrackd.service"
    out="$(MANPATH="$prefix/share/man" systemd-analyze verify "$PT_TMP/units/ptrackd.service" 2>&1)" &&
        rc=0 || rc=$?
    # verify exits 0 on keys it ignores (a misspelt one, a bad value) and
    # only warns, so a clean unit is one with no output at all.
    check_eq "systemd-analyze verify passes on the unit, without a warning" "0:" "$rc:$out"
fi
if command -v man >/dev/null; then
    for page in share/man/man1/ptrack.1 share/man/man8/ptrackd.8; do
        out="$(MANWIDTH=80 man -l "$prefix/$page" 2>&1 | head -n 20)" || true
        check_contains "$page renders with a NAME section" "NAME" "$out"
    done
else
    echo "skipped: rendering the manual pages (man is not installed)"
fi

pt_step "sd_notify: READY=1 once the socket answers, RELOADING=1/READY=1, STOPPING=1"
# The listener stands in for systemd: it prints each datagram on one line
# ('|' for the newlines) and, on READY=1, whether the API socket accepted a
# connection at that moment, and the gap between MONOTONIC_USEC and its own
# CLOCK_MONOTONIC.
cat >"$PT_TMP/notify_listener.py" <<'PY'
import os, socket, sys, time
addr, api_sock, out = sys.argv[1], sys.argv[2], sys.argv[3]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("\0" + addr[1:] if addr.startswith("@") else addr)
open(out + ".ready", "w").close()
while True:
    msg = s.recv(4096).decode("utf-8", "replace")
    extra = ""
    fields = dict(l.split("=", 1) for l in msg.split("\n") if "=" in l)
    if fields.get("READY") == "1":
        c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            c.connect(api_sock)
            extra = " api=up"
        except OSError as e:
            extra = " api=down(%s)" % e
        c.close()
    if "MONOTONIC_USEC" in fields:
        gap = abs(time.monotonic() * 1e6 - int(fields["MONOTONIC_USEC"])) / 1e6
        extra += " monotonic_gap_ok=%s" % (gap < 30)
    with open(out, "a") as f:
        f.write(msg.replace("\n", "|") + extra + "\n")
PY
start_listener() { # ADDRESS LOGFILE
    rm -f "$2" "$2.ready"
    "$PY" "$PT_TMP/notify_listener.py" "$1" "$PT_SOCK" "$2" &
    local i
    for i in $(seq 1 50); do
        [ -e "$2.ready" ] && return 0
        sleep 0.1
    done
    pt_die "the notify listener did not start"
}
wait_for_line() { # FILE COUNT: waits until FILE has COUNT lines
    local i
    for i in $(seq 1 50); do
        [ -f "$1" ] && [ "$(wc -l <"$1")" -ge "$2" ] && return 0
        sleep 0.1
    done
    return 0
}
pt_config
notes="$PT_TMP/notify.log"
start_listener "$PT_TMP/notify.sock" "$notes"
NOTIFY_SOCKET="$PT_TMP/notify.sock" pt_start
wait_for_line "$notes" 1
check_contains "READY=1 comes once the API socket accepts" "READY=1|STATUS=serving on $PT_SOCK" \
    "$(sed -n 1p "$notes" 2>/dev/null)"
check_contains "and the API socket accepted at that moment" "api=up" "$(sed -n 1p "$notes" 2>/dev/null)"
kill -HUP "$PT_PID"
wait_for_line "$notes" 3
check_contains "SIGHUP sends RELOADING=1 with MONOTONIC_USEC" "RELOADING=1|MONOTONIC_USEC=" \
    "$(sed -n 2p "$notes" 2>/dev/null)"
check_contains "MONOTONIC_USEC is the monotonic clock now" "monotonic_gap_ok=True" \
    "$(sed -n 2p "$notes" 2>/dev/null)"
check_contains "and READY=1 after the reload, with the status the start gave" \
    "READY=1|STATUS=serving on $PT_SOCK and http://127.0.0.1:$PT_PORT" "$(sed -n 3p "$notes" 2>/dev/null)"
pid="$PT_PID"
pt_stop
wait_for_line "$notes" 4
check_contains "SIGTERM sends STOPPING=1" "STOPPING=1" "$(sed -n 4p "$notes" 2>/dev/null)"
check_eq "nothing else was sent" 4 "$(wc -l <"$notes")"

pt_step "sd_notify on an abstract socket (@name)"
abstract="@ptrack-test-$$-$RANDOM"
start_listener "$abstract" "$PT_TMP/abstract.log"
NOTIFY_SOCKET="$abstract" pt_start
wait_for_line "$PT_TMP/abstract.log" 1
check_contains "READY=1 arrives on the abstract socket" "READY=1" \
    "$(sed -n 1p "$PT_TMP/abstract.log" 2>/dev/null)"
pt_stop

pt_step "listen on port 0: the status names the port the system chose"
conf_saved="$(cat "$PT_CONF")"
sed -i "s/127.0.0.1:$PT_PORT/127.0.0.1:0/" "$PT_CONF"
: >"$PT_TMP/ptrackd.log"
start_listener "$PT_TMP/notify0.sock" "$PT_TMP/notify0.log"
NOTIFY_SOCKET="$PT_TMP/notify0.sock" pt_start
wait_for_line "$PT_TMP/notify0.log" 1
chosen="$(sed -n 's/.*listening on http:\/\/127.0.0.1:\([0-9]*\) (port 0: the system chose it).*/\1/p' \
    "$PT_TMP/ptrackd.log")"
check_true "the log names the port chosen ($chosen)" test -n "$chosen"
check_contains "and so does the status" "STATUS=serving on $PT_SOCK and http://127.0.0.1:$chosen" \
    "$(sed -n 1p "$PT_TMP/notify0.log" 2>/dev/null)"
pt_stop
printf '%s\n' "$conf_saved" >"$PT_CONF"

pt_step "a NOTIFY_SOCKET nobody listens on does not stop the start"
: >"$PT_TMP/ptrackd.log"
NOTIFY_SOCKET="$PT_TMP/nobody.sock" pt_start
api GET /v1/health
check_status "ptrackd serves" 200
check_contains "and warns that the manager did not hear" "cannot tell the service manager" \
    "$(cat "$PT_TMP/ptrackd.log")"
pt_stop

pt_step "sd_notify: WATCHDOG=1 at half the interval WATCHDOG_USEC asks for"
wd="$PT_TMP/watchdog.log"
start_listener "$PT_TMP/wd.sock" "$wd"
# READY=1, then one WATCHDOG=1 each 200 ms (5 or 6 in 1.2 s), then
# STOPPING=1. A busy machine may send fewer in that time: ptrackd runs on
# until three have come (30 s at most), and how often they came is judged
# by how long it ran.
watchdogs() { grep -c '^WATCHDOG=1$' "$wd" 2>/dev/null || true; }
t0="$(date +%s%3N)"
NOTIFY_SOCKET="$PT_TMP/wd.sock" WATCHDOG_USEC=400000 pt_start
sleep 1.2
wait_for 30 eval '[ "$(watchdogs)" -ge 3 ]' || true
pt_stop
ms=$(($(date +%s%3N) - t0))
n="$(watchdogs)"
check_true "WATCHDOG=1 came again and again ($n times in $ms ms)" test "${n:-0}" -ge 3
check_true "and no more often than asked (at most $((ms / 200 + 1)))" test "${n:-0}" -le $((ms / 200 + 1))
check_contains "the log says so" "every 200 ms that ptrackd is alive (its watchdog is 400 ms)" \
    "$(cat "$PT_TMP/ptrackd.log")"
start_listener "$PT_TMP/wd2.sock" "$wd"
NOTIFY_SOCKET="$PT_TMP/wd2.sock" WATCHDOG_USEC=400000 WATCHDOG_PID=1 pt_start
sleep 0.6
pt_stop
check_eq "a watchdog meant for another process (WATCHDOG_PID) is not ours" 0 \
    "$(grep -c '^WATCHDOG=1$' "$wd" 2>/dev/null || true)"

pt_step "--pidfile"
pidfile="$PT_TMP/run/ptrackd.pid"
mkdir -p "$PT_TMP/run"
echo 999999 >"$pidfile" # a stale file of an earlier run is replaced
pt_start --pidfile "$pidfile"
check_eq "the pid file holds ptrackd's pid" "$PT_PID" "$(cat "$pidfile" 2>/dev/null)"
check_true "no temporary file is left" test ! -e "$pidfile.tmp"
pt_stop
check_true "the pid file is removed at exit" test ! -e "$pidfile"
out="$("$PTRACKD" --config "$PT_CONF" --pidfile "$PT_TMP/no/such/dir/p.pid" 2>&1)" && rc=0 || rc=$?
check_eq "a pid file that cannot be written stops the start" 1 "$rc"
check_contains "naming it" "$PT_TMP/no/such/dir/p.pid" "$out"

pt_step "--syslog: nothing on stderr"
: >"$PT_TMP/ptrackd.log"
pt_start --syslog --log-level debug
api GET /v1/health
check_status "ptrackd serves with --syslog" 200
kill -HUP "$PT_PID"
sleep 0.5
pt_stop
check_eq "stderr stayed empty (the log went to syslog)" "" "$(cat "$PT_TMP/ptrackd.log")"
out="$("$PTRACKD" --syslog --data-dir /dev/null/x 2>&1)" && rc=0 || rc=$?
check_eq "a failed start with --syslog exits 1" 1 "$rc"
check_contains "and still says why on stderr" "cannot create the data directory" "$out"
# A configuration that is refused is a start that fails like any other: its
# message goes to syslog as well, and to stderr once.
echo '{"limitz": {}}' >"$PT_TMP/syslog-bad.json"
out="$("$PTRACKD" --syslog --config "$PT_TMP/syslog-bad.json" 2>&1)" && rc=0 || rc=$?
check_eq "a refused configuration with --syslog exits 1" 1 "$rc"
check_eq "its message is on stderr once" \
    "ptrackd: config $PT_TMP/syslog-bad.json: unknown key \"limitz\"" \
    "$(printf '%s\n' "$out" | sed 's/ (known keys here:.*//')"
# Whether it reached syslog is seen where no syslog daemon listens: a
# listener of the test's own on /dev/log, removed after.
if [ ! -e /dev/log ] && [ "$(id -u)" = 0 ]; then
    python3 - "$PT_TMP/syslog.out" <<'PY' &
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("/dev/log")
try:
    s.settimeout(5)
    with open(sys.argv[1], "wb") as f:
        f.write(s.recv(65536))
except socket.timeout:
    pass
finally:
    os.unlink("/dev/log")
PY
    listener=$!
    for _ in $(seq 1 50); do [ -S /dev/log ] && break; sleep 0.1; done
    "$PTRACKD" --syslog --config "$PT_TMP/syslog-bad.json" >/dev/null 2>&1 || true
    wait "$listener" || true
    check_contains "and it went to syslog, as an error of ptrackd (facility daemon)" \
        '<27>' "$(cat "$PT_TMP/syslog.out" 2>/dev/null)"
    check_contains "naming the key" 'unknown key "limitz"' "$(cat "$PT_TMP/syslog.out" 2>/dev/null)"
else
    echo "skipped: whether it reached syslog (/dev/log is there, or not root)"
fi

pt_finish
