#!/usr/bin/env bash
# Running ptrackd: --check-config validates and exits; a non-loopback listen
# needs allow_remote; a foreign Host header is refused on TCP (DNS
# rebinding) while loopback names and configured host_names are served;
# 300 slow clients that never finish their headers do not delay a normal
# request, and are dropped at the header timeout.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
pt_init

pt_step "--check-config"
pt_config
out="$("$PTRACKD" --check-config "$PT_CONF" 2>&1)" && rc=0 || rc=$?
check_eq "a good config exits 0" 0 "$rc"
check_contains "and says so" "good configuration" "$out"
echo '{"limits": {"body": "1XB"}}' >"$PT_TMP/bad.json"
out="$("$PTRACKD" --check-config "$PT_TMP/bad.json" 2>&1)" && rc=0 || rc=$?
check_eq "a bad config exits 1" 1 "$rc"
check_contains "naming the key" "limits.body" "$out"
check_true "nothing was created" test ! -e "$PT_DATA"
# A refused start's message is one line, as the log's are: a path with a
# newline and an escape (the operator's own flag) is quoted blanked.
out="$(timeout 20 "$PTRACKD" --data-dir "$PT_TMP/oneline" --log-level error \
    --socket "$PT_TMP/no"$'\n'"such"$'\033'"[2J/x.sock" 2>&1)" && rc=0 || rc=$?
check_eq "a socket whose directory is not there stops the start" 1 "$rc"
check_eq "its message is one line" 1 "$(printf '%s\n' "$out" | wc -l)"
check_contains "with the newline and the escape blanked" \
    "cannot listen on the socket $PT_TMP/no such [2J/x.sock: its directory does not exist" "$out"
# A socket path longer than a Unix socket's 107 bytes, given by --socket or
# made from a long data directory, is refused by the check and before the
# start makes anything (it was called good, and the start made the data
# directory and the database before bind(2) said "name too long").
long_sock="$PT_TMP/$(printf '套%.0s' $(seq 1 40)).sock"
long_dir="$PT_TMP/$(printf 'd%.0s' $(seq 1 100))"
echo '{}' >"$PT_TMP/short.json"
out="$("$PTRACKD" --check-config "$PT_TMP/short.json" --socket "$long_sock" 2>&1)" && rc=0 || rc=$?
check_eq "--check-config refuses a --socket over 107 bytes" 1 "$rc"
check_contains "naming the flag and the limit" "socket: the path $long_sock is $(printf %s "$long_sock" | wc -c) bytes; a Unix socket path can have at most 107: give --socket a shorter one" "$out"
out="$(timeout 20 "$PTRACKD" --data-dir "$PT_TMP/longsock" --socket "$long_sock" 2>&1)" && rc=0 || rc=$?
check_eq "so does a start" 1 "$rc"
check_contains "saying the same" "can have at most 107: give --socket a shorter one" "$out"
check_true "before it made the data directory" test ! -e "$PT_TMP/longsock"
echo "{\"data_dir\": \"$long_dir\"}" >"$PT_TMP/longdir.json"
out="$("$PTRACKD" --check-config "$PT_TMP/longdir.json" 2>&1)" && rc=0 || rc=$?
check_eq "--check-config refuses a data_dir whose ptrack.sock would be over 107 bytes" 1 "$rc"
check_contains "naming the file, the key and the socket" "config $PT_TMP/longdir.json: data_dir: the socket in it, $long_dir/ptrack.sock, would be" "$out"
out="$(timeout 20 "$PTRACKD" --config "$PT_TMP/longdir.json" 2>&1)" && rc=0 || rc=$?
check_eq "so does a start" 1 "$rc"
check_true "before it made the data directory" test ! -e "$long_dir"
out="$(timeout 20 "$PTRACKD" --config "$PT_TMP/short.json" --data-dir "$long_dir" 2>&1)" && rc=0 || rc=$?
check_eq "and a start with such a --data-dir" 1 "$rc"
check_contains "said of the flag, not of the file" "ptrackd: data_dir: the socket in it" "$out"
check_true "before it made the data directory" test ! -e "$long_dir"
out="$("$PTRACKD" --check-config "$PT_TMP/longdir.json" --socket "$PT_TMP/s.sock" 2>&1)" && rc=0 || rc=$?
check_eq "a long data_dir with a short socket is good" 0 "$rc"
# What a start would refuse later is refused here too.
echo '{"socket_group": "没有这个组"}' >"$PT_TMP/group.json"
out="$("$PTRACKD" --check-config "$PT_TMP/group.json" 2>&1)" && rc=0 || rc=$?
check_eq "a socket_group that does not exist exits 1" 1 "$rc"
check_contains "naming it, and the file" "config $PT_TMP/group.json: socket_group: there is no group \"没有这个组\"" "$out"
echo '{"plugins": [{"instance": "ghost", "path": "/nonexistent/notify_ghost.so"}]}' >"$PT_TMP/ghost.json"
out="$("$PTRACKD" --check-config "$PT_TMP/ghost.json" 2>&1)" && rc=0 || rc=$?
check_eq "a plugin file that does not exist exits 1" 1 "$rc"
check_contains "naming the instance and the file" "config $PT_TMP/ghost.json: plugin instance ghost: plugin file /nonexistent/notify_ghost.so does not exist" "$out"
echo "{\"workflow\": \"$PT_TMP\"}" >"$PT_TMP/wfdir.json"
out="$("$PTRACKD" --check-config "$PT_TMP/wfdir.json" 2>&1)" && rc=0 || rc=$?
check_eq "a workflow path that is a directory exits 1" 1 "$rc"
check_contains "saying so" "not a file (a directory)" "$out"
# The data directory and the socket's directory, as they are now.
echo '{}' >"$PT_TMP/dirs.json"
: >"$PT_TMP/afile"
out="$("$PTRACKD" --check-config "$PT_TMP/dirs.json" --data-dir "$PT_TMP/afile" 2>&1)" && rc=0 || rc=$?
check_eq "a data_dir that is a file exits 1" 1 "$rc"
check_contains "saying so" "the data directory $PT_TMP/afile is not a directory" "$out"
echo "{\"data_dir\": \"$PT_TMP/afile\"}" >"$PT_TMP/dirfile.json"
out="$("$PTRACKD" --check-config "$PT_TMP/dirfile.json" 2>&1)" && rc=0 || rc=$?
check_eq "so does one the file names" 1 "$rc"
: >"$PT_TMP/var"
out="$(cd "$PT_TMP" && "$PTRACKD" --check-config "$PT_TMP/dirs.json" 2>&1)" && rc=0 || rc=$?
rm "$PT_TMP/var"
check_eq "the default data directory is not judged where the check runs ($out)" 0 "$rc"
out="$("$PTRACKD" --check-config "$PT_TMP/dirs.json" --data-dir "$PT_TMP/新数据" \
    --socket "$PT_TMP/run/ptrack.sock" 2>&1)" && rc=0 || rc=$?
check_eq "a socket directory that does not exist yet exits 0" 0 "$rc"
check_contains "with a warning naming it" "the socket's directory $PT_TMP/run does not exist" "$out"
check_contains "and what makes it" "RuntimeDirectory=" "$out"
check_true "a data directory a start makes is not warned about" test "${out/新数据/}" = "$out"
check_true "nothing was created" test ! -e "$PT_TMP/新数据" -a ! -e "$PT_TMP/run"
out="$("$PTRACKD" --check-config "$PT_TMP/dirs.json" --data-dir "$PT_TMP/a/b" 2>&1)" && rc=0 || rc=$?
check_eq "a data directory whose parent is missing exits 0" 0 "$rc"
check_contains "with a warning" "the data directory $PT_TMP/a/b does not exist, nor does $PT_TMP/a" "$out"
# Permissions: root may write anything, so these run as nobody.
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
    as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$PTRACKD" "$@"; }
    chmod 755 "$PT_TMP"
    chmod 644 "$PT_TMP/dirs.json"
    mkdir -p "$PT_TMP/rootdir" "$PT_TMP/nobodydir"
    chown 65534:65534 "$PT_TMP/nobodydir"
    out="$(as_nobody --check-config "$PT_TMP/dirs.json" --data-dir "$PT_TMP/rootdir" 2>&1)" && rc=0 || rc=$?
    check_eq "a data directory its user may not write exits 1" 1 "$rc"
    check_contains "naming it and the uid" "the data directory $PT_TMP/rootdir is not writable by uid 65534" "$out"
    # The start says it in the same words: it said only that it could not
    # open ptrackd.lock there (Permission denied).
    out="$(as_nobody --config "$PT_TMP/dirs.json" --data-dir "$PT_TMP/rootdir" \
        --socket "$PT_TMP/rootdir/ptrack.sock" 2>&1)" && rc=0 || rc=$?
    check_eq "so does a start" 1 "$rc"
    check_contains "naming it, the uid and what to do" \
        "ptrackd: the data directory $PT_TMP/rootdir is not writable by uid 65534: a start could not lock it nor write the database; give it to the user ptrackd runs as" \
        "$out"
    # A data directory on a read-only mount (one outside the unit's own
    # under ProtectSystem=strict) is no matter of owner: the start and the
    # check said to give it to ptrackd's user, which changes nothing.
    mkdir -p "$PT_TMP/romount/data"
    if unshare -m true 2>/dev/null; then
        out="$(unshare -m sh -c 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" &&
            { "$2" --config "$3" --data-dir "$1/data" --socket "$4" 2>&1; echo "rc=$?";
              "$2" --check-config "$3" --data-dir "$1/data" 2>&1; echo "rc=$?"; }' \
            sh "$PT_TMP/romount" "$PTRACKD" "$PT_TMP/dirs.json" "$PT_TMP/ro.sock")"
        ro="the data directory $PT_TMP/romount/data is on a read-only file system: ptrackd cannot write there; mount it read-write, or, for the systemd unit (ProtectSystem=strict), name it in ReadWritePaths= (systemctl edit ptrackd)"
        check_eq "a data directory on a read-only mount: the start and the check say so, exit 1" \
            "ptrackd: $ro rc=1 ptrackd: $ro rc=1" "$(tr '\n' ' ' <<<"$out" | sed 's/ $//')"
    else
        pt_log "skip: a read-only mount needs unshare -m"
    fi
    touch "$PT_TMP/nobodydir/ptrack.db"
    chmod 644 "$PT_TMP/nobodydir/ptrack.db"
    out="$(as_nobody --check-config "$PT_TMP/dirs.json" --data-dir "$PT_TMP/nobodydir" 2>&1)" && rc=0 || rc=$?
    check_eq "a database of another user exits 1" 1 "$rc"
    check_contains "naming it" "$PT_TMP/nobodydir/ptrack.db is not readable and writable by uid 65534" "$out"
    # The start says it in the same words, not that it could not open the
    # lock (a restore made as root leaves both root's).
    touch "$PT_TMP/nobodydir/ptrackd.lock"
    out="$(as_nobody --config "$PT_TMP/dirs.json" --data-dir "$PT_TMP/nobodydir" \
        --socket "$PT_TMP/nobodydir/ptrack.sock" 2>&1)" && rc=0 || rc=$?
    check_eq "so does a start" 1 "$rc"
    check_contains "naming the file, the uid and what to do" \
        "ptrackd: $PT_TMP/nobodydir/ptrackd.lock is not readable and writable by uid 65534: ptrackd cannot open it to write; give it to the user ptrackd runs as" \
        "$out"
    chown 65534:65534 "$PT_TMP/nobodydir/ptrackd.lock"
    out="$(as_nobody --config "$PT_TMP/dirs.json" --data-dir "$PT_TMP/nobodydir" \
        --socket "$PT_TMP/nobodydir/ptrack.sock" 2>&1)" && rc=0 || rc=$?
    check_contains "the lock its own, the store names the database" \
        "the database $PT_TMP/nobodydir/ptrack.db is read-only to ptrackd (uid 65534)" "$out"
    chown 65534:65534 "$PT_TMP/nobodydir/ptrack.db"
    out="$(as_nobody --check-config "$PT_TMP/dirs.json" --data-dir "$PT_TMP/nobodydir" \
        --socket "$PT_TMP/rootdir/ptrack.sock" 2>&1)" && rc=0 || rc=$?
    check_eq "a socket directory its user may not write exits 1" 1 "$rc"
    check_contains "naming it" "the socket's directory $PT_TMP/rootdir is not writable by uid 65534" "$out"
    out="$(as_nobody --check-config "$PT_TMP/dirs.json" --data-dir "$PT_TMP/nobodydir" 2>&1)" && rc=0 || rc=$?
    check_eq "its own data directory and database exit 0" 0 "$rc"
    out="$(as_nobody --check-config "$PT_TMP/dirs.json" --data-dir "$PT_TMP/rootdir/新" 2>&1)" && rc=0 || rc=$?
    check_eq "a data directory it may not make exits 0" 0 "$rc"
    check_contains "with a warning naming the parent" "may not make it in $PT_TMP/rootdir" "$out"
else
    pt_log "skip: permissions need root and setpriv"
fi

pt_step "a non-loopback listen needs allow_remote"
echo "{\"data_dir\": \"$PT_TMP/remote\", \"listen\": \"0.0.0.0:$(pt_free_port)\"}" >"$PT_TMP/remote.json"
out="$("$PTRACKD" --check-config "$PT_TMP/remote.json" 2>&1)" && rc=0 || rc=$?
check_eq "refused without allow_remote" 1 "$rc"
check_contains "naming allow_remote" "allow_remote" "$out"
check_contains "and the file that set it" "config $PT_TMP/remote.json: listen: 0.0.0.0:" "$out"
port=$(pt_free_port)
echo '{}' >"$PT_TMP/empty.json"
out="$("$PTRACKD" --check-config "$PT_TMP/empty.json" --listen "0.0.0.0:$port" 2>&1)" && rc=0 || rc=$?
check_eq "a --listen flag's address is refused too" 1 "$rc"
check_contains "said of the flag, not of the file" "ptrackd: listen: 0.0.0.0:$port is not a loopback" "$out"
python3 - "$PT_TMP/remote.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1])); c["allow_remote"] = True
json.dump(c, open(sys.argv[1], "w"))
PY
out="$("$PTRACKD" --check-config "$PT_TMP/remote.json" 2>&1)" && rc=0 || rc=$?
check_eq "accepted with allow_remote" 0 "$rc"

pt_step "the Host header must name this server"
pt_config "" ', "host_names": ["ptrack.example.gov.cn"], "limits": {"header_timeout": "2s", "requests": 3}'
pt_start
for host in "127.0.0.1:$PT_PORT" "localhost:$PT_PORT" "localhost" "ptrack.example.gov.cn" "PTRACK.example.gov.cn:443"; do
    as_viewer GET /v1/health -- -H "Host: $host"
    check_status "Host: $host" 200
done
for host in "evil.example.com" "evil.example.com:$PT_PORT" "127.0.0.1.evil.example.com"; do
    as_viewer GET /v1/health -- -H "Host: $host"
    check_error "Host: '$host'" 403 forbidden
done
# Without a Host header: an HTTP/1.1 request is malformed (RFC 9112 3.2),
# an HTTP/1.0 one is refused as one naming another server; neither is told
# to add a name to host_names (it was: 'the Host header "" ...').
host_raw() { # NAME STATUS CODE MESSAGE < raw request bytes
    cat >"$PT_TMP/host.raw"
    out="$(python3 "$PT_E2E_DIR/rawhttp.py" --tcp "127.0.0.1:$PT_PORT" --raw "$PT_TMP/host.raw")"
    check_eq "$1" "$2 $3" "$(jv 'j["status"]' "$out") $(jv 'json.loads(j["body"])["error"]["code"]' "$out")"
    check_contains "$1: saying so" "$4" "$(jv 'json.loads(j["body"])["error"]["message"]' "$out")"
}
host_raw "HTTP/1.1 without Host" 400 bad_request "the request has no Host header, which HTTP/1.1 requires" \
    < <(printf 'GET /v1/health HTTP/1.1\r\nAuthorization: Bearer %s\r\n\r\n' "$VIEWER_TOKEN")
host_raw "HTTP/1.1 without Host, with a body" 400 bad_request "the request has no Host header" \
    < <(printf 'POST /v1/proposals HTTP/1.1\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}' "$VIEWER_TOKEN")
host_raw "HTTP/1.0 without Host" 403 forbidden "the request has no Host header: on TCP, ptrackd answers only" \
    < <(printf 'GET /v1/health HTTP/1.0\r\nAuthorization: Bearer %s\r\n\r\n' "$VIEWER_TOKEN")
host_raw "an empty Host" 403 forbidden "the request has an empty Host header" \
    < <(printf 'GET /v1/health HTTP/1.1\r\nHost:\r\nAuthorization: Bearer %s\r\n\r\n' "$VIEWER_TOKEN")
api GET /v1/health -- -H "Host: evil.example.com"
check_status "the Unix socket does not check Host" 200

pt_step "300 slow clients do not delay a normal request"
python3 - "$PT_PORT" "$VIEWER_TOKEN" <<'PY' >"$PT_TMP/slow.out"
import socket, sys, time, http.client
port, token = int(sys.argv[1]), sys.argv[2]
slow = []
for i in range(300):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
    slow.append(s)
time.sleep(0.3)
t0 = time.monotonic()
c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
c.request("GET", "/v1/health", headers={"Authorization": "Bearer " + token})
r = c.getresponse(); r.read()
ms = (time.monotonic() - t0) * 1000
print("normal", r.status, int(ms))
# At the header timeout (2 s) every slow client is dropped.
time.sleep(2.5)
closed = 0
for s in slow:
    s.settimeout(1)
    try:
        data = s.recv(4096)
        # Dropped: the server closed (EOF), after a 408 at most.
        if data == b"" or (data.startswith(b"HTTP/1.1 408") and s.recv(4096) == b""):
            closed += 1
    except socket.timeout:
        pass  # still open: not dropped
    except ConnectionResetError:
        closed += 1
    s.close()
print("closed", closed)
PY
normal="$(grep '^normal' "$PT_TMP/slow.out")"
check_contains "the normal request is answered" "normal 200" "$normal"
ms="$(echo "$normal" | cut -d' ' -f3)"
# Held up by the slow clients, it would wait for the header timeout (2 s)
# that drops them; 1.5 s leaves room for a loaded machine below that.
check_true "within 1500 ms, well before the slow clients' header timeout (${ms} ms)" test "$ms" -lt 1500
check_eq "every slow client was dropped at the header timeout" "closed 300" \
    "$(grep '^closed' "$PT_TMP/slow.out")"
api GET /v1/health
check_status "the daemon is healthy afterwards" 200

pt_step "a request with a body is refused before its body, when its sender is not let in"
python3 - "$PT_PORT" <<'PY' >"$PT_TMP/early.out"
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
# The head of a 900 KB upload, without a token and without its body: the
# answer must come at once, so the server neither waits for nor buffers it.
# (The rest never comes, so only an answer given before it can be read:
# the time allowed is only how long a loaded machine may take.)
s.sendall(b"POST /v1/proposals HTTP/1.1\r\nHost: 127.0.0.1\r\n"
          b"Content-Type: application/json\r\nContent-Length: 900000\r\n\r\n")
s.settimeout(15)
t0 = time.monotonic()
data = s.recv(4096)
print(data.split(b"\r\n")[0].decode(), int((time.monotonic() - t0) * 1000))
PY
check_contains "401 before the body was sent" "HTTP/1.1 401" "$(cat "$PT_TMP/early.out")"

pt_step "a connection serves limits.requests requests, the last with Connection: close"
python3 - "$PT_PORT" "$VIEWER_TOKEN" <<'PY' >"$PT_TMP/reqs.out"
import http.client, sys
c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]), timeout=5)
seen = []
for i in range(5):
    c.request("GET", "/v1/health", headers={"Authorization": "Bearer " + sys.argv[2]})
    r = c.getresponse(); r.read()
    seen.append(r.getheader("Connection"))
    if r.getheader("Connection") == "close":
        break
print(" ".join(seen))
PY
check_eq "three answers, the third closes" "keep-alive keep-alive close" "$(cat "$PT_TMP/reqs.out")"

pt_step "/metrics is valid Prometheus text"
api POST /v1/proposals '{"title":"指标里的建议"}'
# An edit reads the proposal into the writer's cache.
api PATCH "/v1/proposals/$(jv 'j["id"]')" '{"tags":["指标"]}'
api GET /v1/nothing
# Two requests the HTTP layer refuses before any route: it counts them
# apart from the routes' answers.
for bad in 'GARBAGE\r\n\r\n' 'GET /v1/health HTTP/1.1\r\nHost: x\r\nContent-Length: x\r\n\r\n'; do
    env python3 - "$PT_SOCK" "$bad" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall(sys.argv[2].encode().decode("unicode_escape").encode("latin-1"))
s.settimeout(5)
print(s.recv(200).split(b"\r\n")[0].decode())
PY
done
as_viewer GET /metrics
check_status "a viewer reads /metrics" 200
check_contains "in the text format" "text/plain; version=0.0.4" "$(hdr Content-Type)"
printf %s "$BODY" >"$PT_TMP/metrics.txt"
check_eq "it parses, every sample after its TYPE, histograms consistent" "valid" \
    "$(python3 - "$PT_TMP/metrics.txt" <<'PY'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
types, samples = {}, []
name_re = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
line_re = re.compile(r'^(%s)(\{(%s="(?:[^"\\]|\\.)*"(?:,%s="(?:[^"\\]|\\.)*")*)\})? (\S+)$'
                     % (name_re, name_re, name_re))
for line in text.splitlines():
    if line.startswith("# HELP "):
        continue
    if line.startswith("# TYPE "):
        _, _, n, t = line.split(" ", 3)
        assert t in ("counter", "gauge", "histogram", "summary", "untyped"), line
        types[n] = t
        continue
    m = line_re.match(line)
    assert m, "bad line: " + line
    name, value = m.group(1), float(m.group(4))
    base = re.sub(r"_(bucket|sum|count)$", "", name)
    assert name in types or base in types, "no TYPE for " + name
    samples.append((name, m.group(3) or "", value))
for h in [n for n, t in types.items() if t == "histogram"]:
    buckets = [v for n, l, v in samples if n == h + "_bucket"]
    count = [v for n, l, v in samples if n == h + "_count"][0]
    assert buckets == sorted(buckets), h + " buckets are not cumulative"
    assert buckets[-1] == count, h + " +Inf bucket differs from count"
names = {n for n, l, v in samples}
for want in ("ptrack_http_requests_total", "ptrack_http_request_duration_seconds_bucket",
             "ptrack_store_commits_total", "ptrack_store_commit_writes_bucket",
             "ptrack_proposals", "ptrack_proposals_overdue", "ptrack_plugin_load_errors_total",
             "ptrack_sqlite_memory_bytes", "ptrack_sqlite_memory_highwater_bytes",
             "ptrack_heap_in_use_bytes", "ptrack_heap_free_bytes",
             "ptrack_writer_cache_bytes", "ptrack_writer_cache_proposals"):
    assert want in names, "missing " + want
# The memory figures: SQLite holds some (the schema and page cache of the
# connections that served the create and this read), never more than its
# most, and allocates from the heap, which holds it and more.
one = {n: v for n, l, v in samples if not l}
assert one["ptrack_sqlite_memory_bytes"] > 0, "SQLite's memory is 0: its statistics are off"
assert one["ptrack_sqlite_memory_highwater_bytes"] >= one["ptrack_sqlite_memory_bytes"]
assert one["ptrack_heap_in_use_bytes"] > one["ptrack_sqlite_memory_bytes"], "the heap in use is less than SQLite's part"
assert one["ptrack_heap_free_bytes"] >= 0
# The writer holds the proposal it edited: a few hundred bytes of it.
assert one["ptrack_writer_cache_proposals"] == 1, one["ptrack_writer_cache_proposals"]
assert 0 < one["ptrack_writer_cache_bytes"] < 4096, one["ptrack_writer_cache_bytes"]
assert any(l.startswith('route="/v1/proposals",method="POST",status="201"') for n, l, v in samples
           if n == "ptrack_http_requests_total"), "the create is not counted"
assert [v for n, l, v in samples if n == "ptrack_proposals" and l == 'status="submitted"'] == [1.0]
refused = {l: v for n, l, v in samples if n == "ptrack_http_refused_total"}
# The two above, and the request with a body and no Host header on TCP
# ("the Host header must name this server"), refused before its body.
assert refused.get('status="400",code="bad_request"') == 3.0, "refusals: %r" % refused
# The 300 slow clients above, each ended by the header timeout.
assert refused.get('status="408",code="request_timeout"', 0) >= 300, "refusals: %r" % refused
conns = {l: v for n, l, v in samples if n == "ptrack_http_connections_total"}
assert conns.get('closed="no"', 0) >= 5 and conns.get('closed="over_limit"') == 0.0, conns
assert [v for n, l, v in samples if n == "ptrack_http_connections"][0] >= 1
assert [v for n, l, v in samples if n == "ptrack_http_accept_failures_total"] == [0.0]
print("valid")
PY
)"
req "tcp:" GET /metrics
check_error "/metrics without a token" 401 unauthorized

pt_step "socket_group lets listed socket users in, and no one else"
pt_stop
if getent group nogroup >/dev/null && command -v setpriv >/dev/null && [ "$(id -u)" = 0 ]; then
    chmod 755 "$PT_TMP"
    python3 - "$PT_CONF" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["socket_group"] = "nogroup"
c["socket_users"] = {"65534": {"name": "外部访客", "role": "viewer"}}
json.dump(c, open(sys.argv[1], "w"), ensure_ascii=False)
PY
    pt_start
    check_eq "the socket is 0660 with the group" "660 nogroup" "$(stat -c '%a %G' "$PT_SOCK")"
    out="$(setpriv --reuid=65534 --regid=65534 --clear-groups curl -s -o /dev/null -w '%{http_code}' \
        --unix-socket "$PT_SOCK" http://localhost/v1/health 2>&1)" || true
    check_eq "a listed user in the group connects and is served" "200" "$out"
    out="$(setpriv --reuid=65533 --regid=65533 --clear-groups curl -s -o /dev/null -w '%{http_code}' \
        --unix-socket "$PT_SOCK" http://localhost/v1/health 2>&1)" || true
    check_true "a user outside the group cannot connect ($out)" test "$out" != 200
    pt_stop
else
    echo "skipped: needs root, setpriv and the group nogroup"
fi

pt_step "socket_users may name root and ptrackd's own user, who stay admins"
me="$(id -u)"
pt_config '{}' ",
  \"socket_users\": {\"$me\": {\"name\": \"王秘书\", \"role\": \"admin\"}}"
pt_start
api POST /v1/proposals '{"title": "关于以配置名称记录操作者的建议"}'
check_status "create over the socket" 201
api GET "/v1/proposals/$(jv 'j["id"]')/history"
check_eq "the history names the entry's name, not the user name" 王秘书 "$(jv 'j["items"][0]["actor"]')"
api POST /v1/tokens '{"name": "临时", "role": "viewer"}'
check_status "and it is still admin (makes a token)" 201
pt_stop
pt_config '{}' ",
  \"socket_users\": {\"0\": {\"name\": \"王秘书\", \"role\": \"viewer\"}}"
out="$("$PTRACKD" --check-config "$PT_CONF" 2>&1)" && rc=0 || rc=$?
check_eq "another role for root is taken (a configuration that held one still starts)" 0 "$rc"
check_contains "with a warning naming the key and why" \
    "socket_users.0.role: root is always admin on the socket; its entry names it (王秘书), the role viewer is not used" "$out"

pt_step "on systemd's journal, each line says its level as a priority"
# systemd names the stream it gives a service as stderr in JOURNAL_STREAM
# (device:inode); the journal takes a leading <N> off as the priority.
pt_config
# start_stop LOG: ptrackd with stderr into LOG and JOURNAL_STREAM naming
# $journal, from its start until it is ready, then stopped.
journal="$PT_TMP/journal.log"
: >"$journal"
start_stop() {
    JOURNAL_STREAM="$(stat -c '%d:%i' "$journal")" \
        "$PTRACKD" --config "$PT_CONF" --plugin-dir "$PT_TMP/absent" 2>>"$1" &
    local pid=$!
    wait_for 10 grep -q "ready" "$1" || pt_die "ptrackd did not start"
    kill -TERM "$pid"
    wait "$pid" || true
}
start_stop "$journal"
check_true "an info line starts with <6>" grep -q '^<6>[0-9T:.-]*Z INFO  ptrackd .* ready' "$journal"
check_true "a warning starts with <4> (no plugin directory)" \
    grep -q '^<4>[0-9T:.-]*Z WARN  plugin directory .*absent' "$journal"
check_eq "every line has a priority" "" "$(grep -v '^<[3467]>' "$journal" || true)"
# A start that fails says why at error too.
echo '{"limits": {"body": "1XB"}}' >"$PT_TMP/refused.json"
JOURNAL_STREAM="$(stat -c '%d:%i' "$journal")" "$PTRACKD" --config "$PT_TMP/refused.json" 2>>"$journal" &&
    rc=0 || rc=$?
check_eq "a refused start exits 1" 1 "$rc"
check_true "and its reason starts with <3>" grep -q '^<3>ptrackd: .*limits.body' "$journal"
# Another stream (a file the service's stderr was moved to) is not the
# journal: its lines stay as they were.
other="$PT_TMP/other.log"
: >"$other"
start_stop "$other"
check_true "not the journal: no priorities" grep -q '^[0-9T:.-]*Z INFO  ptrackd .* ready' "$other"
check_eq "not one" "" "$(grep '^<' "$other" || true)"
pt_finish
