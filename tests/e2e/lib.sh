# lib.sh - shared helpers of the end-to-end tests (sourced, not run).
#
# A test sources this file, calls pt_init, writes a config (pt_config),
# starts ptrackd (pt_start) and drives it with the request helpers below.
# Everything a test makes lives in one temporary directory, and an EXIT trap
# kills every daemon and background job the test started and removes that
# directory, whatever way the test ends.
#
# Assertions do not stop the test: each failed check prints what was
# checked, what was expected and what came, and is counted; pt_finish exits 1
# when any check failed, so one run shows every broken behaviour at once.
# Checks of known bugs are written with a "BUG:" prefix in their description
# and fail like any other. pt_die stops at once, for broken preconditions.
#
# Programs come from the environment that tests/CMakeLists.txt sets:
# PTRACKD, PTRACK, PT_SOURCE_DIR, PT_BUILD_DIR.

PT_FAILS=0
PT_CHECKS=0
PT_PIDS=()
PT_TMP=""
PT_PID=""

pt_log() { printf '%s\n' "$*"; }
pt_step() { printf '\n== %s\n' "$*"; }

pt_die() {
    printf 'FATAL: %s\n' "$*" >&2
    if [ -n "${PT_TMP:-}" ] && [ -f "$PT_TMP/ptrackd.log" ]; then
        echo "--- last lines of ptrackd's log:" >&2
        tail -n 20 "$PT_TMP/ptrackd.log" >&2 || true
    fi
    exit 1
}

# pt_descendants PID: the pids of PID's children, theirs, and so on, one a
# line (the ps that reads them among them, gone when they are printed).
pt_descendants() {
    ps -e -o pid= -o ppid= 2>/dev/null | awk -v root="$1" '
        { kids[$2] = kids[$2] " " $1 }
        END {
            n = split(kids[root], q, " ")
            for (i = 1; i <= n; i++) {
                print q[i]
                m = split(kids[q[i]], more, " ")
                for (k = 1; k <= m; k++)
                    q[++n] = more[k]
            }
        }'
}

pt_cleanup() {
    local rc=$?
    local p
    for p in "${PT_PIDS[@]}"; do
        kill -9 "$p" 2>/dev/null || true
    done
    # Background jobs of the test itself (load loops, curl -N streams)
    # and everything they run: every process of a pipeline (a | b &, of
    # which jobs -p names only a), and the children of a job started
    # through a function (python3 is one, see pt_init), a subshell. A
    # script's jobs share its process group, so they are found as the
    # shell's descendants, each stopped first (a loop stopped cannot start
    # another child) and then killed.
    # (The shell's notices of the jobs it reaps, "Killed", are not shown.)
    local stopped=" " more round
    {
        for round in 1 2 3 4 5; do
            more=0
            for p in $(pt_descendants "$$"); do
                [[ "$stopped" == *" $p "* ]] && continue
                kill -STOP "$p" && stopped+="$p " && more=1
            done
            [ "$more" = 1 ] || break
        done
        for p in $stopped; do
            kill -9 "$p" || true
        done
        wait || true
    } 2>/dev/null
    if [ -n "$PT_TMP" ] && [ -d "$PT_TMP" ]; then
        if [ "$rc" -ne 0 ] && [ -f "$PT_TMP/ptrackd.log" ]; then
            echo "--- last lines of ptrackd's log ($PT_TMP/ptrackd.log):"
            tail -n 30 "$PT_TMP/ptrackd.log" || true
        fi
        if [ -n "${PT_KEEP_TMP:-}" ]; then
            echo "kept $PT_TMP"
        else
            rm -rf "$PT_TMP"
        fi
    fi
    exit "$rc"
}

pt_init() {
    local here
    here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
    PT_E2E_DIR="$here"
    PT_SOURCE_DIR="${PT_SOURCE_DIR:-$(cd "$here/../.." && pwd)}"
    PT_BUILD_DIR="${PT_BUILD_DIR:-$PT_SOURCE_DIR/build}"
    PTRACKD="${PTRACKD:-$PT_BUILD_DIR/ptrackd}"
    PTRACK="${PTRACK:-$PT_BUILD_DIR/ptrack}"
    [ -x "$PTRACKD" ] || pt_die "ptrackd not found at $PTRACKD (set PTRACKD)"
    # The loader refuses a plugin whose directory group or others may
    # write to: the build's directories of plugins follow the umask the
    # build ran with (the tests make their plugin files go-w themselves).
    chmod go-w "$PT_BUILD_DIR/plugins" "${PT_FIXTURE_PLUGINS:-$PT_BUILD_DIR/tests/plugins}" \
        2>/dev/null || true
    command -v curl >/dev/null || pt_die "curl is needed"
    command -v python3 >/dev/null || pt_die "python3 is needed"
    # The interpreter itself, not a wrapper (pyenv shims cost 100 ms a call).
    PY="$(python3 -c 'import sys; print(sys.executable)')"
    python3() { "$PY" "$@"; }
    # Short path: a Unix socket path may have at most 107 bytes.
    PT_TMP="$(mktemp -d "${TMPDIR:-/tmp}/pte2e.XXXXXX")"
    trap pt_cleanup EXIT
    trap 'exit 130' INT TERM
    PT_DATA="$PT_TMP/data"
    PT_SOCK="$PT_TMP/pt.sock"
    PT_CONF="$PT_TMP/ptrackd.json"
    VIEWER_TOKEN="viewer-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
    CLERK_TOKEN="clerk-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
    ADMIN_TOKEN="admin-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
    export LC_ALL=C.UTF-8
}

pt_sha256() { printf %s "$1" | sha256sum | cut -d' ' -f1; }

# A TCP port that was free a moment ago (the kernel picks it), and that
# no other call of the test's has given: a port is free again once the
# call closes it, and the kernel may give it twice to a test that picks
# several before any server listens (two servers on one port, the second
# failing to start and its client answered by the first). The ports given
# are listed in $PT_TMP/ports.given.
pt_free_port() {
    python3 - "${PT_TMP:+$PT_TMP/ports.given}" <<'PY'
import socket, sys
given = sys.argv[1]
try:
    seen = set(open(given).read().split()) if given else set()
except FileNotFoundError:
    seen = set()
held = []
for _ in range(50):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = str(s.getsockname()[1])
    held.append(s)
    if port not in seen:
        break
for s in held:
    s.close()
if given:
    with open(given, "a") as f:
        f.write(port + "\n")
print(port)
PY
}

# pt_office_workflow FILE: writes to FILE the default workflow with an
# office's 改派 (redo): assign anew from handling, replied or rehandling,
# as an office's workflow may (after a reply, so replies_from is set).
pt_office_workflow() {
    python3 - "$PT_SOURCE_DIR/proposals/workflow-default.json" "$1" <<'PY'
import json, sys
wf = json.load(open(sys.argv[1], encoding="utf-8"))
assign = next(a for a in wf["actions"] if a["name"] == "assign")
wf["actions"].append({"name": "redo", "label": {"zh": "改派", "en": "Redo"},
                      "from": ["handling", "replied", "rehandling"], "to": "assigned",
                      "guards": [], "effect": "assign", "fields": assign["fields"]})
wf["name"] = "office"
json.dump(wf, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
PY
}

# pt_county_workflow FILE [RESUME]: writes to FILE the default workflow of
# a county office that pauses the handling: 暂缓 (suspend) from handling to
# 暂缓办理 (suspended, no clock), and when RESUME is given, the action of
# that name, 恢复办理, from suspended back to handling.
pt_county_workflow() {
    python3 - "$PT_SOURCE_DIR/proposals/workflow-default.json" "$1" "${2:-}" <<'PY'
import json, sys
w = json.load(open(sys.argv[1], encoding="utf-8"))
w["name"] = "county"
w["states"].append({"name": "suspended", "label": {"zh": "暂缓办理", "en": "Suspended"},
                    "terminal": False, "initial": False, "default": False, "clock": False})
w["actions"].append({"name": "suspend", "label": {"zh": "暂缓", "en": "Suspend"}, "effect": "none",
                     "from": ["handling"], "to": "suspended", "guards": [], "fields": []})
if sys.argv[3]:
    w["actions"].append({"name": sys.argv[3], "label": {"zh": "恢复办理", "en": "Resume"}, "effect": "none",
                         "from": ["suspended"], "to": "handling", "guards": [], "fields": []})
json.dump(w, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
PY
}

# pt_config [DEADLINES_JSON] [EXTRA_JSON_MEMBERS]
# Writes $PT_CONF: data dir and socket in $PT_TMP, TCP on a free loopback
# port, three tokens (报表机 viewer, 张科长 clerk, 管理员 admin), the deadlines
# given (a JSON object) and any extra members (",\"key\": value" text).
# Unless the extra members name a plugin_dir, it is an empty directory of
# the test's: the compiled-in one holds the built-in format plugins once
# ptrack is installed on the machine, and a test must not load them by
# chance (a test that wants them gives --plugin-dir to pt_start).
pt_config() {
    local deadlines="${1:-}" extra="${2:-}"
    [ -n "$deadlines" ] || deadlines='{}'
    case "$extra" in
    *'"plugin_dir"'*) ;;
    *)
        mkdir -p "$PT_TMP/no-plugins"
        extra=",
  \"plugin_dir\": \"$PT_TMP/no-plugins\"$extra"
        ;;
    esac
    PT_PORT="$(pt_free_port)"
    PT_URL="http://127.0.0.1:$PT_PORT"
    cat >"$PT_CONF" <<EOF
{
  "data_dir": "$PT_DATA",
  "socket": "$PT_SOCK",
  "listen": "127.0.0.1:$PT_PORT",
  "log_level": "info",
  "deadlines": $deadlines,
  "tokens": [
    {"name": "报表机", "role": "viewer", "sha256": "$(pt_sha256 "$VIEWER_TOKEN")"},
    {"name": "建议办张科长", "role": "clerk", "sha256": "$(pt_sha256 "$CLERK_TOKEN")"},
    {"name": "系统管理员", "role": "admin", "sha256": "$(pt_sha256 "$ADMIN_TOKEN")"}
  ]$extra
}
EOF
}

# Starts ptrackd with $PT_CONF and waits until /v1/health answers on the
# socket. A port taken between pt_free_port and the start is retried with
# another port. The wait is long (PT_START_WAIT, 60 s): a start takes well
# under a second alone, but several on a shared CI machine of two busy
# cores (plugins to load, a large store to open), and a test cut off there
# fails for nothing it checks; one that never answers still stops the test.
PT_START_WAIT="${PT_START_WAIT:-60}"
pt_start() {
    local try
    for try in 1 2 3; do
        "$PTRACKD" --config "$PT_CONF" "$@" >>"$PT_TMP/ptrackd.log" 2>&1 &
        PT_PID=$!
        PT_PIDS+=("$PT_PID")
        local deadline=$((SECONDS + PT_START_WAIT))
        while [ "$SECONDS" -lt "$deadline" ]; do
            if ! kill -0 "$PT_PID" 2>/dev/null; then
                break
            fi
            if [ -S "$PT_SOCK" ] &&
                curl -s -o /dev/null --max-time 5 --unix-socket "$PT_SOCK" \
                    http://localhost/v1/health; then
                return 0
            fi
            sleep 0.1
        done
        if kill -0 "$PT_PID" 2>/dev/null; then
            pt_die "ptrackd did not answer on $PT_SOCK within $PT_START_WAIT s"
        fi
        wait "$PT_PID" 2>/dev/null || true
        if grep -q "cannot listen on 127.0.0.1" "$PT_TMP/ptrackd.log" && [ "$try" -lt 3 ]; then
            local old="$PT_PORT"
            PT_PORT="$(pt_free_port)"
            PT_URL="http://127.0.0.1:$PT_PORT"
            sed -i "s/127.0.0.1:$old/127.0.0.1:$PT_PORT/" "$PT_CONF"
            continue
        fi
        pt_die "ptrackd exited at start"
    done
}

# pt_plugin_so NAME: the path of the build's plugins/NAME.so, made go-w
# (the loader refuses a file group or others may write, and the build
# follows its umask); stops the test when it is not built. A test takes
# it as EXEC_SO="$(pt_plugin_so notify_exec)", under set -e.
pt_plugin_so() {
    local so="$PT_BUILD_DIR/plugins/$1.so"
    [ -f "$so" ] || pt_die "$so not built"
    chmod go-w "$so"
    printf '%s\n' "$so"
}

# pt_no_proxy: for a test whose plugins reach a server of its own on
# loopback (a webhook's receiver, an SMTP peer): no proxy of the
# environment may sit in between (libcurl, which they send with, honours
# http_proxy, and all_proxy for SMTP too), so the proxy variables are
# unset for the rest of the test, and loopback is named as reached
# without one.
pt_no_proxy() {
    unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY
    export no_proxy=127.0.0.1,localhost NO_PROXY=127.0.0.1,localhost
}

# pt_receiver NAME [ARGS...]: starts receivers/http_receiver.py (ARGS are
# its options: --stall, --fail-first, ...), logging a line per request to
# $PT_TMP/NAME.jsonl, and sets the variable PORT_NAME to its port. The
# receiver is on loopback: pt_no_proxy holds for the rest of the test.
# It outlives the test's own time limit (ctest's TIMEOUT, 900 s): on a busy
# machine a test runs five times slower or more, and a receiver that left
# at a shorter time took requests no more before the test ended.
pt_receiver() {
    local name="$1"
    shift
    pt_no_proxy
    : >"$PT_TMP/$name.jsonl"
    # The interpreter itself ($PY), not the python3 function: a function in
    # the background is a subshell, and killing it would leave the server
    # running.
    "$PY" "$PT_E2E_DIR/receivers/http_receiver.py" --port-file "$PT_TMP/$name.port" \
        --log "$PT_TMP/$name.jsonl" --max-seconds 900 "$@" >"$PT_TMP/$name.out" 2>&1 &
    PT_PIDS+=("$!")
    wait_for 30 test -s "$PT_TMP/$name.port" || pt_die "receiver $name did not start"
    printf -v "PORT_$name" '%s' "$(cat "$PT_TMP/$name.port")"
}

# pt_robot_entry NAME FORMAT PATH EVENTS: the plugins entry (JSON) of a
# notify_webhook instance NAME that sends the events EVENTS (a JSON list's
# items, '"proposal.overdue"') in FORMAT (wecom, dingtalk, json) to
# receiver NAME's PATH.
pt_robot_entry() {
    printf '{"instance": "%s", "path": "%s", "events": [%s], "config": {"url": "http://127.0.0.1:%s%s", "format": "%s"}}' \
        "$1" "$(pt_plugin_so notify_webhook)" "$4" "$(cat "$PT_TMP/$1.port")" "$3" "$2"
}

# pt_robot_text NAME N: the markdown text of the Nth request (from 0; -1
# for the last) that receiver NAME took from a WeCom or DingTalk robot
# format.
pt_robot_text() {
    "$PY" - "$PT_TMP/$1.jsonl" "$2" <<'PY'
import json, sys
reqs = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
m = json.loads(reqs[int(sys.argv[2])]["body"])["markdown"]
print(m.get("content", m.get("text")))
PY
}

# pt_listening PORT: true when a server accepts connections on
# 127.0.0.1:PORT.
pt_listening() {
    "$PY" -c 'import socket, sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1).close()' \
        "$1" 2>/dev/null
}

# pt_smtp_peer NAME [OPTION...]: starts receivers/smtp_peer.py on a free
# port (OPTIONs are its own: --auth, --idle SECS, ...), the mails it takes
# in $PT_TMP/NAME and its output in $PT_TMP/NAME.log, and sets the
# variable PORT_NAME to its port.
pt_smtp_peer() {
    local name="$1" port
    shift
    port="$(pt_free_port)"
    "$PY" "$PT_E2E_DIR/receivers/smtp_peer.py" "$port" "$PT_TMP/$name" "$@" \
        >"$PT_TMP/$name.log" 2>&1 &
    PT_PIDS+=("$!")
    wait_for 10 pt_listening "$port" ||
        pt_die "smtp_peer.py did not listen on $port: $(cat "$PT_TMP/$name.log")"
    printf -v "PORT_$name" '%s' "$port"
}

# pt_race_proxy BODY [page PATH]: (re)starts raceproxy.py before ptrackd
# (PT_URL), which lets the PATCH BODY in first (see raceproxy.py); the one
# started before is stopped. Its stderr ("raced: STATUS") goes to
# $PT_TMP/proxy.log. Sets PROXY_URL, and PROXY_PID to its pid.
PROXY_PID=""
pt_race_proxy() {
    if [ -n "$PROXY_PID" ]; then
        kill "$PROXY_PID" 2>/dev/null || true
        wait "$PROXY_PID" 2>/dev/null || true
    fi
    rm -f "$PT_TMP/proxy.port"
    # The interpreter itself ($PY), not the python3 function, whose $!
    # would be a subshell's: this pid is the proxy's, to kill.
    "$PY" "$PT_E2E_DIR/raceproxy.py" "$PT_TMP/proxy.port" "$PT_URL" "$@" 2>>"$PT_TMP/proxy.log" &
    PROXY_PID=$!
    PT_PIDS+=("$PROXY_PID")
    wait_for 10 test -s "$PT_TMP/proxy.port" || pt_die "raceproxy.py did not start"
    PROXY_URL="http://127.0.0.1:$(cat "$PT_TMP/proxy.port")"
}

# pt_shim NAME: sets SHIM to the build's LD_PRELOAD shim of
# tests/shims/NAME.c (libNAME.so), and stops the test unless it is built.
# A ptrackd built with AddressSanitizer wants its runtime first among the
# libraries; a shim only wraps calls and passes them on, so it may go
# before it: ASAN_OPTIONS says so.
pt_shim() {
    SHIM="$PT_BUILD_DIR/tests/shims/lib$1.so"
    [ -f "$SHIM" ] || pt_die "$SHIM is missing (build it)"
    export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
}

# pt_skip_under_asan WHY: ends the test, passed, when ptrackd is built
# with AddressSanitizer, saying so and WHY there is nothing to test then
# ("whose malloc the failalloc shim cannot replace").
pt_skip_under_asan() {
    if grep -q __asan_init "$PTRACKD"; then
        pt_log "skipped: ptrackd is built with AddressSanitizer, $1"
        exit 0
    fi
}

# pt_jobs_abandoned_ok: for a test whose stop gives up on a job. Such a
# job keeps, on purpose, everything its thread may still touch until the
# process exits (plugin-jobs.c); in a build with LeakSanitizer that is
# reported as leaks and fails the exit status.
pt_jobs_abandoned_ok() {
    export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
}

# pt_fixtures NAME...: sets FIX to the directory of the build's fixture
# plugins (tests/plugins; PT_FIXTURE_PLUGINS overrides it) and stops the
# test unless each fixture_NAME.so is there.
pt_fixtures() {
    FIX="${PT_FIXTURE_PLUGINS:-$PT_BUILD_DIR/tests/plugins}"
    local f
    for f in "$@"; do
        [ -f "$FIX/fixture_$f.so" ] || pt_die "fixture plugin $FIX/fixture_$f.so is missing (build it)"
    done
}

# pt_serve [DEADLINES_JSON] [EXTRA_JSON_MEMBERS]: how a test of the
# built-in plugins begins: the config of pt_config with the arguments
# given, and ptrackd started with the plugins of the build.
pt_serve() {
    pt_config "$@"
    pt_start --plugin-dir "$PT_BUILD_DIR/plugins"
}

# pt_serve_cli [DEADLINES_JSON] [EXTRA_JSON_MEMBERS]: how a test of ptrack
# begins: pt_serve, and ptrack there to run.
pt_serve_cli() {
    pt_serve "$@"
    pt_need_cli
}

# pt_need_cli: the test stops unless ptrack is there to run.
pt_need_cli() {
    [ -x "$PTRACK" ] || pt_die "ptrack not found at $PTRACK (set PTRACK)"
}

# Stops ptrackd with SIGTERM and waits for it (SIGKILL after 30 s); its
# exit status is left in PT_STOP_RC, and the milliseconds from the signal
# to its exit in PT_STOP_MS. A stop takes some six seconds at most by
# design (operation.md), more on a busy machine (the last checkpoint of a
# large WAL); 30 s only catches one that does not end. Tests of how long a
# stop takes check PT_STOP_MS against their own bound (test_jobs_stop).
PT_STOP_RC=""
PT_STOP_MS=""
pt_stop() {
    [ -n "$PT_PID" ] || return 0
    local t0
    t0=$(date +%s%N)
    kill -TERM "$PT_PID" 2>/dev/null || true
    local deadline=$((SECONDS + 30))
    while [ "$SECONDS" -lt "$deadline" ]; do
        kill -0 "$PT_PID" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$PT_PID" 2>/dev/null; then
        pt_check_fail "ptrackd stops within 30 s of SIGTERM" "exit" "still running; killed"
        kill -9 "$PT_PID" 2>/dev/null || true
    fi
    PT_STOP_MS=$((($(date +%s%N) - t0) / 1000000))
    PT_STOP_RC=0
    wait "$PT_PID" 2>/dev/null || PT_STOP_RC=$?
    PT_PID=""
}

pt_kill9() {
    [ -n "$PT_PID" ] || return 0
    kill -9 "$PT_PID" 2>/dev/null || true
    wait "$PT_PID" 2>/dev/null || true
    PT_PID=""
}

# pt_kill9_in_burst N TITLE: SIGKILL to ptrackd in the middle of a burst
# of writes: N proposals "TITLE i" created one after another over the
# socket, and the kill a second after they began. The writes cut off by
# the kill fail; a test checks what the store holds after its restart.
pt_kill9_in_burst() {
    local n="$1" title="$2" burst
    (
        for i in $(seq 1 "$n"); do
            curl -s -o /dev/null --max-time 5 --unix-socket "$PT_SOCK" -X POST \
                -H 'Content-Type: application/json' \
                --data-binary "{\"title\":\"$title $i\"}" http://localhost/v1/proposals || true
        done
    ) &
    burst=$!
    sleep 1
    pt_kill9
    kill "$burst" 2>/dev/null || true
    wait "$burst" 2>/dev/null || true
}

# ---- Requests ---------------------------------------------------------
#
# req TRANSPORT METHOD PATH [BODY] [-- extra curl args]
#   TRANSPORT: "sock" (the Unix socket, as the daemon's own uid: admin),
#   or "tcp:TOKEN" (TCP with that bearer token; "tcp:" sends none).
# Sets ST (status), BODY (response body), HDRS (file of response headers).
# A body is sent with Content-Type: application/json unless the extra
# arguments give another one.
# A request is given PT_REQ_WAIT (120 s) to be answered: an import of
# 20,000 proposals takes a few seconds alone, and ten times that on a
# loaded CI machine of two cores; a request that hangs still fails (a test
# that means a shorter bound passes its own --max-time after --).
ST=""
BODY=""
HDRS=""
PT_REQ_WAIT="${PT_REQ_WAIT:-120}"
req() {
    local transport="$1" method="$2" path="$3"
    shift 3
    local body="" has_body=0
    if [ $# -gt 0 ] && [ "$1" != "--" ]; then
        body="$1"
        has_body=1
        shift
    fi
    [ "${1:-}" = "--" ] && shift
    local args=(-sS -X "$method" --max-time "$PT_REQ_WAIT" -o "$PT_TMP/resp.body" -D "$PT_TMP/resp.hdrs"
        -w '%{http_code}')
    local url
    case "$transport" in
    sock)
        args+=(--unix-socket "$PT_SOCK")
        url="http://localhost$path"
        ;;
    tcp:*)
        local token="${transport#tcp:}"
        [ -n "$token" ] && args+=(-H "Authorization: Bearer $token")
        url="$PT_URL$path"
        ;;
    *) pt_die "req: unknown transport $transport" ;;
    esac
    if [ "$has_body" = 1 ]; then
        local ct=1 a
        for a in "$@"; do
            case "$a" in [Cc]ontent-[Tt]ype:*) ct=0 ;; esac
        done
        [ "$ct" = 1 ] && args+=(-H "Content-Type: application/json")
        printf %s "$body" >"$PT_TMP/req.body"
        args+=(--data-binary "@$PT_TMP/req.body")
    fi
    : >"$PT_TMP/resp.body"
    ST="$(curl "${args[@]}" "$@" "$url" 2>"$PT_TMP/curl.err")" || ST="curl-failed:$(cat "$PT_TMP/curl.err")"
    BODY="$(cat "$PT_TMP/resp.body")"
    HDRS="$PT_TMP/resp.hdrs"
}

# Shorthands: api (socket, admin), as_viewer / as_clerk / as_admin (TCP).
api() { req sock "$@"; }
as_viewer() { req "tcp:$VIEWER_TOKEN" "$@"; }
as_clerk() { req "tcp:$CLERK_TOKEN" "$@"; }
as_admin() { req "tcp:$ADMIN_TOKEN" "$@"; }

# The value of a response header (last one of that name), without CR.
hdr() {
    grep -i "^$1:" "$HDRS" | tail -n 1 | cut -d: -f2- | sed 's/^ *//; s/\r$//'
}

# jv EXPR [JSON_TEXT]: evaluates the Python expression EXPR with j bound to
# the parsed JSON (default: $BODY) and prints the result: strings as they
# are, everything else as JSON. Prints "<not json>" or "<error: ...>"
# rather than failing, so that a check shows what came.
jv() {
    local expr="$1" text="${2-$BODY}"
    printf %s "$text" | python3 -c '
import json, sys
expr = sys.argv[1]
raw = sys.stdin.buffer.read()
def ok(f):
    try:
        return f()
    except Exception:
        return "-"
try:
    j = json.loads(raw.decode("utf-8"))
except Exception:
    print("<not json>"); sys.exit(0)
try:
    v = eval(expr)
except Exception as e:
    print("<error: %s: %s>" % (type(e).__name__, e)); sys.exit(0)
print(v if isinstance(v, str) else json.dumps(v, ensure_ascii=False))
' "$expr"
}

# ---- Checks -----------------------------------------------------------

# pt_shown TEXT: TEXT as a log or a terminal may show it: a control
# character (ESC, CR, a C1 one as its two UTF-8 bytes) and a byte that is
# not UTF-8 as \xNN, line feeds, tabs and every other character (Chinese
# text) as they are. What a check got may hold anything, and printed raw
# it would move the terminal's cursor or recolour what follows.
pt_shown() {
    printf %s "$1" | python3 -c '
import sys
out = []
for c in sys.stdin.buffer.read().decode("utf-8", "surrogateescape"):
    if "\udc80" <= c <= "\udcff":
        out.append("\\x%02x" % (ord(c) - 0xdc00))
    elif c not in "\n\t" and (c < " " or "\x7f" <= c <= "\x9f"):
        out.append("".join("\\x%02x" % b for b in c.encode()))
    else:
        out.append(c)
sys.stdout.write("".join(out))'
}

# pt_check_fail WHAT EXPECTED GOT: a failed check, counted; the three are
# printed as pt_shown shows them.
pt_check_fail() {
    local what="$1" expected="$2" got="$3"
    PT_FAILS=$((PT_FAILS + 1))
    printf 'FAIL: %s\n  expected: %s\n  got:      %s\n' "$(pt_shown "$what")" \
        "$(pt_shown "$expected")" "$(pt_shown "$got")"
}

# pt_ok WHAT: a passed check, counted; WHAT is printed as pt_shown shows
# it, as a failed check's is: a description may quote what was looked for
# (an escape sequence, a stray byte). Most hold only printable characters,
# tabs and line feeds (Chinese is printable in pt_init's C.UTF-8), which
# pt_shown leaves as they are: those are printed without it, since a test
# prints hundreds of checks and pt_shown costs a python3 each.
pt_ok() {
    PT_CHECKS=$((PT_CHECKS + 1))
    if [[ "$1" =~ ^[[:print:]$'\t\n']*$ ]]; then
        printf 'ok: %s\n' "$1"
    else
        printf 'ok: %s\n' "$(pt_shown "$1")"
    fi
}

check_eq() {
    local what="$1" expected="$2" got="$3"
    if [ "$expected" == "$got" ]; then
        pt_ok "$what"
        return 0
    fi
    pt_check_fail "$what" "$expected" "$got"
    return 0
}

check_contains() {
    local what="$1" needle="$2" hay="$3"
    if [[ "$hay" == *"$needle"* ]]; then
        pt_ok "$what"
        return 0
    fi
    pt_check_fail "$what" "text containing '$needle'" "$hay"
    return 0
}

check_true() {
    local what="$1"
    shift
    if "$@"; then
        pt_ok "$what"
        return 0
    fi
    pt_check_fail "$what" "true: $*" "false"
    return 0
}

# check_status WHAT EXPECTED_STATUS: the last response's status.
check_status() {
    local what="$1" expected="$2"
    if [ "$ST" == "$expected" ]; then
        pt_ok "$what -> $expected"
        return 0
    fi
    pt_check_fail "$what" "HTTP $expected" "HTTP $ST, body: ${BODY:0:600}"
    return 0
}

# check_error WHAT STATUS CODE: an error answer with that status and code,
# in the one error format.
check_error() {
    local what="$1" status="$2" code="$3"
    local got_code
    got_code="$(jv 'j["error"]["code"]')"
    local msg
    msg="$(jv 'j["error"]["message"]')"
    if [ "$ST" == "$status" ] && [ "$got_code" == "$code" ] && [ -n "$msg" ] &&
        [ "${msg:0:1}" != "<" ]; then
        pt_ok "$what -> $status $code"
        return 0
    fi
    pt_check_fail "$what" "HTTP $status {\"error\":{\"code\":\"$code\",\"message\":...}}" \
        "HTTP $ST, body: ${BODY:0:600}"
    return 0
}

# ---- Workflow steps ---------------------------------------------------

# pt_act ID ACTION BODY: an action over the socket that must succeed (a
# failed check otherwise); sets ST and BODY as req does.
pt_act() {
    api POST "/v1/proposals/$1/actions/$2" "$3"
    [ "$ST" = 200 ] || pt_check_fail "action $2 on #$1 ($3)" "HTTP 200" "HTTP $ST $BODY"
}

# pt_create BODY: creates the proposal BODY (JSON) over the socket; prints
# its id. The test stops unless it is created.
pt_create() {
    api POST /v1/proposals "$1"
    [ "$ST" = 201 ] || pt_die "creating a proposal: HTTP $ST ${BODY:0:300}"
    jv 'j["id"]'
}

# pt_new_proposal TITLE [AUTHOR]: creates a proposal of AUTHOR's (张代表's
# unless given) over the socket; prints its id.
pt_new_proposal() {
    pt_create "{\"title\": \"$1\", \"lead_author\": \"${2:-张代表}\"}"
}

# pt_assigned TITLE MODE UNITS: creates a proposal of 张代表's and assigns
# it in MODE (single, lead_co, separate) to UNITS, a JSON array of
# {name, role}; prints its id.
pt_assigned() {
    local id
    id="$(pt_new_proposal "$1")" || exit 1 # pt_die said why
    pt_act "$id" assign "{\"mode\": \"$2\", \"units\": $3}" >/dev/null
    printf %s "$id"
}

# pt_reply_body UNIT DOC_NO: the body of a reply of UNIT, category A.
pt_reply_body() {
    printf '{"unit": "%s", "doc_no": "%s", "category": "A", "text": "%s部分的答复"}' "$1" "$2" "$1"
}

# pt_unit_token NAME UNIT: a token of role unit made at run time for UNIT;
# prints it.
pt_unit_token() {
    api POST /v1/tokens "{\"name\": \"$1\", \"role\": \"unit\", \"unit\": \"$2\"}"
    [ "$ST" = 201 ] || pt_die "making a unit token: HTTP $ST $BODY"
    jv 'j["token"]'
}

# pt_delegate_token NAME PERSON: a token of role delegate made at run time
# for PERSON; prints it.
pt_delegate_token() {
    api POST /v1/tokens "{\"name\": \"$1\", \"role\": \"delegate\", \"person\": \"$2\"}"
    [ "$ST" = 201 ] || pt_die "making a delegate token: HTTP $ST $BODY"
    jv 'j["token"]'
}

# pt_as_unit TOKEN ARGS...: ptrack as the liaison of a unit (its TOKEN),
# over TCP; sets RC, OUT, ERR as pt_run does.
pt_as_unit() {
    local tok="$1"
    shift
    pt_run "$PTRACK" --url "$PT_URL" --token "$tok" "$@"
}

# pt_unit_part TOKEN ID: the unit_part of proposal ID as the unit of TOKEN
# reads it (over TCP); the check fails unless the GET answers 200.
pt_unit_part() {
    req "tcp:$1" GET "/v1/proposals/$2"
    [ "$ST" = 200 ] || pt_check_fail "GET /v1/proposals/$2 as a unit" "HTTP 200" "HTTP $ST $BODY"
    jv 'json.dumps(j["unit_part"], ensure_ascii=False)'
}

# pt_list_ids TRANSPORT QUERY: the ids GET /v1/proposals?QUERY finds over
# TRANSPORT (as req takes it), comma-separated in the list's order; the
# check fails unless the GET answers 200.
pt_list_ids() {
    req "$1" GET "/v1/proposals?$2"
    [ "$ST" = 200 ] || pt_check_fail "GET /v1/proposals?$2" "HTTP 200" "HTTP $ST $BODY"
    jv '",".join(str(i["id"]) for i in j["items"])'
}

# pt_field KEY VALUE EXPR: EXPR (Python, p = the proposal) of the proposal
# whose KEY (title, number, ...) is VALUE, among the first 500 listed.
pt_field() {
    api GET "/v1/proposals?limit=500"
    jv "[$3 for p in j['items'] if p['$1'] == '$2'][0]"
}

# pt_import FORMAT FILE [QUERY]: POSTs FILE on the socket as the body of an
# import of FORMAT (QUERY: more parameters, "partial=true&..."); sets ST,
# BODY as req does.
pt_import() {
    req sock POST "/v1/imports?format=$1${3:+&$3}" -- --data-binary "@$2" \
        -H "Content-Type: application/octet-stream"
}

# The argument, percent-encoded for a query string.
urlenc() {
    python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$1"
}

# check_search WHAT SESSION QUERY IDS: a check, named WHAT, that a
# full-text search for QUERY among the proposals of SESSION finds IDS, in
# id order ("3,17").
check_search() {
    api GET "/v1/proposals?session=$2&sort=id&q=$(urlenc "$3")"
    if [ "$ST" != 200 ]; then
        pt_check_fail "$1" "HTTP 200" "HTTP $ST ${BODY:0:300}"
        return 0
    fi
    check_eq "$1" "$4" "$(jv '",".join(str(i["id"]) for i in j["items"])')"
}

# The ids a full-text search (GET /v1/proposals?q=...) finds, as "3,17".
pt_search_ids() {
    api GET "/v1/proposals?limit=500&q=$(urlenc "$1")"
    jv '",".join(str(p["id"]) for p in j["items"])'
}

# wait_for SECONDS CMD...: true as soon as CMD succeeds (tried every 0.1 s),
# false when it has not within SECONDS.
wait_for() {
    local n="$1" i
    shift
    for i in $(seq 1 $((n * 10))); do
        "$@" && return 0
        sleep 0.1
    done
    return 1
}

# pt_reload: a SIGHUP to ptrackd ($PT_PID), and the wait (up to 60 s)
# until it has dealt with it, so that what a test checks next is checked
# after the reload however long a busy machine makes it take. Every reload
# ends with one log line: the configuration reloaded (at info) or refused
# (at error). False when none came.
pt_reload_ends() {
    grep -c -E 'SIGHUP: (configuration reloaded|the configuration was refused|log_level )' \
        "$PT_TMP/ptrackd.log" || true
}
pt_reload_ended_since() { [ "$(pt_reload_ends)" -gt "$1" ]; }
pt_reload() {
    local before
    before="$(pt_reload_ends)"
    kill -HUP "$PT_PID"
    wait_for 60 pt_reload_ended_since "$before"
}

# The number of proposals the daemon reports (health).
pt_count() {
    api GET /v1/health
    jv 'j["proposals"]'
}

# The number of list requests (GET /v1/proposals) ptrackd has answered,
# whatever their status (/metrics).
pt_list_requests() {
    api GET /metrics >/dev/null
    python3 -c '
import re, sys
n = 0
for line in open(sys.argv[1], encoding="utf-8"):
    if re.match(r"ptrack_http_requests_total\{route=\"/v1/proposals\",method=\"GET\",", line):
        n += int(float(line.split()[-1]))
print(n)' "$PT_TMP/resp.body"
}

# The number of jobs (imports, exports) running in ptrackd (/metrics);
# ST and BODY are left as they were.
pt_jobs_running() {
    curl -sS --max-time 5 --unix-socket "$PT_SOCK" http://localhost/metrics |
        awk '$1 == "ptrack_jobs_running" {print $2}'
}
# pt_jobs_running_is N: true when N jobs run.
pt_jobs_running_is() { [ "$(pt_jobs_running)" = "$1" ]; }

# pt_conns: the connections ptrackd ($PT_PID) holds open: its sockets less
# those it listens on (/proc/net/unix, tcp and tcp6). A connection its
# client has closed counts until ptrackd has closed it too, which on a
# busy machine may come some time after the client's request returned.
pt_conns() {
    python3 - "$PT_PID" <<'PY'
import os, sys
listening = set()
for name, flags, state, inode in (("unix", 3, None, 6), ("tcp", None, 3, 9), ("tcp6", None, 3, 9)):
    try:
        lines = open("/proc/net/" + name).readlines()[1:]
    except OSError:
        continue
    for line in lines:
        f = line.split()
        if (flags is not None and int(f[flags], 16) & 0x10000) or (state is not None and f[state] == "0A"):
            listening.add(f[inode])
fds = "/proc/%s/fd" % sys.argv[1]
n = 0
for fd in os.listdir(fds):
    try:
        link = os.readlink(os.path.join(fds, fd))
    except OSError:
        continue
    if link.startswith("socket:[") and link[8:-1] not in listening:
        n += 1
print(n)
PY
}

# The number of imported proposals not yet in the full-text index (/metrics).
pt_search_backlog() {
    api GET /metrics
    printf %s "$BODY" | awk '$1 == "ptrack_search_backlog" {print $2}'
}

# Waits (up to 120 s) until the search backlog is empty; prints how many
# seconds it took, or "timeout".
pt_wait_search_indexed() {
    local i
    for i in $(seq 1 1200); do
        [ "$(pt_search_backlog)" = 0 ] && { echo $((i / 10)); return 0; }
        sleep 0.1
    done
    echo timeout
}

# ---- The ptrack client ------------------------------------------------

# pt_run COMMAND ARGS...: runs a command (ptrack as a test calls it:
# over TCP, as another user) with stdin from /dev/null (not a terminal);
# sets RC, OUT, ERR.
RC=""
OUT=""
ERR=""
pt_run() {
    set +e
    "$@" </dev/null >"$PT_TMP/cli.out" 2>"$PT_TMP/cli.err"
    RC=$?
    set -e
    OUT="$(cat "$PT_TMP/cli.out")"
    ERR="$(cat "$PT_TMP/cli.err")"
}

# pt_cli ARGS...: runs ptrack on the socket, as pt_run does.
pt_cli() { pt_run "$PTRACK" --socket "$PT_SOCK" "$@"; }

# pt_run_tty CMD ARGS...: runs CMD on a terminal of its own (ptyrun.py),
# its stdout and stderr both there: TTY gets what the terminal showed,
# without carriage returns, and RC the exit code.
TTY=""
pt_run_tty() {
    set +e
    python3 "$PT_E2E_DIR/ptyrun.py" -- "$@" >"$PT_TMP/cli.tty"
    RC=$?
    set -e
    TTY="$(tr -d '\r' <"$PT_TMP/cli.tty")"
}

# pt_cli_tty ARGS...: runs ptrack on the socket on a terminal, as
# pt_run_tty does.
pt_cli_tty() { pt_run_tty "$PTRACK" --socket "$PT_SOCK" "$@"; }

# pt_cli_cols COLS ARGS...: runs ptrack on the socket on a terminal COLS
# columns wide (ptyrun.py --cols): TTY gets what the terminal showed,
# without carriage returns, and RC the exit code.
pt_cli_cols() {
    local cols="$1"
    shift
    set +e
    python3 "$PT_E2E_DIR/ptyrun.py" --cols "$cols" -- "$PTRACK" --socket "$PT_SOCK" "$@" \
        >"$PT_TMP/cli.tty"
    RC=$?
    set -e
    TTY="$(tr -d '\r' <"$PT_TMP/cli.tty")"
}

# pt_whole_names TEXT NAME...: checks that every NAME starts a line of
# TEXT, whole: the line is the name, or the name and the blanks before a
# table's next column (a name that a command takes, never cut).
pt_whole_names() {
    local text="$1" name
    shift
    for name in "$@"; do
        check_true "$name whole on a line" \
            "$PY" -c 'import sys; n = sys.argv[2]; sys.exit(not any(
                l == n or l.startswith(n + "  ") for l in sys.argv[1].split("\n")))' \
            "$text" "$name"
    done
}

# widest: the widest line of stdin in display columns, as a terminal
# shows them (a character of East Asian width W or F takes 2, and so does
# a private use character, an office's 造字, as ptrack counts it).
widest() {
    python3 -c '
import sys, unicodedata
def wide(c):
    return unicodedata.east_asian_width(c) in "WF" or unicodedata.category(c) == "Co"
print(max((sum(2 if wide(c) else 1 for c in l)
           for l in sys.stdin.read().split("\n")), default=0))'
}

# block TITLE: the lines of the last output ($OUT) from the section TITLE
# to the next empty line.
block() { printf '%s\n' "$OUT" | sed -n "/^$1\$/,/^\$/p"; }

# pt_stand_in SCRIPT SOCK ARGS...: starts SCRIPT, a python3 stand-in for
# ptrackd made with fakeserver.py's listen(), on the Unix socket SOCK with
# ARGS, and waits until it listens. STAND_IN is its pid (listen() writes
# it to SOCK.pid: python3 may be a launcher that runs it); it is stopped
# with the test, or by kill "$STAND_IN". Its output goes to SCRIPT.log.
pt_stand_in() {
    local script="$1" sock="$2"
    shift 2
    rm -f "$sock.pid"
    PT_E2E_DIR="$PT_E2E_DIR" python3 "$script" "$sock" "$@" >>"$script.log" 2>&1 &
    wait_for 10 test -s "$sock.pid" || pt_die "$(basename "$script") did not start"
    STAND_IN="$(cat "$sock.pid")"
    PT_PIDS+=("$STAND_IN")
}

# pt_stop_bg PID SIG SECS WHAT: sends SIG to the background command PID,
# which must end within SECS seconds (else a failed check naming WHAT, and
# kill -9), and sets RC to its exit code.
pt_stop_bg() {
    local pid="$1" sig="$2" secs="$3" what="$4"
    kill -s "$sig" "$pid" 2>/dev/null || true
    if ! wait_for "$secs" eval '! kill -0 "$pid" 2>/dev/null'; then
        pt_check_fail "$what stops within $secs s of SIG$sig" "exit" "still running; killed"
        kill -9 "$pid" 2>/dev/null || true
    fi
    RC=0
    wait "$pid" || RC=$?
}

# "${PT_SIGINT_DFL[@]}" CMD... &: runs CMD in the background with SIGINT
# at its default. A command a script starts in the background has SIGINT
# ignored (as POSIX shells do, so that a Ctrl-C at the terminal does not
# reach it), and ptrack leaves an ignored signal ignored; a test that stops
# it with SIGINT, as a person's Ctrl-C would, starts it this way. The
# command takes the process over (exec), so $! is its pid (env, not the
# shell function python3 of pt_init, which would run in a subshell).
PT_SIGINT_DFL=(env python3 -c 'import os, signal, sys
signal.signal(signal.SIGINT, signal.SIG_DFL)
os.execvp(sys.argv[1], sys.argv[1:])')

# check_rc WHAT EXPECTED: the exit code of the last pt_cli.
check_rc() {
    if [ "$RC" = "$2" ]; then
        pt_ok "$1: exit $2"
    else
        pt_check_fail "$1" "exit $2" "exit $RC, stdout: ${OUT:0:300}, stderr: ${ERR:0:300}"
    fi
}

pt_finish() {
    echo
    if [ "$PT_FAILS" -gt 0 ]; then
        echo "$(basename "$0"): $PT_FAILS of $((PT_FAILS + PT_CHECKS)) checks FAILED"
        exit 1
    fi
    echo "$(basename "$0"): all $PT_CHECKS checks passed"
    exit 0
}
