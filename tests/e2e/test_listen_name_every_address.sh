#!/usr/bin/env bash
# listen on a host name serves every address the name has: "localhost" on a
# machine whose /etc/hosts names it 127.0.0.1 and ::1 (Debian's does) was
# bound to ::1 alone, the first that getaddrinfo gives, so that a client of
# http://127.0.0.1:PORT was refused. Port 0 is one port for both.
# "localhost" is the loopback addresses whatever /etc/hosts says (RFC 6761):
# a LAN address named localhost there is not served. The test
# gives ptrackd such an /etc/hosts in a mount namespace of its own; it is
# skipped where that cannot be made (not root, no unshare, no ::1).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
pt_init

if [ "$(id -u)" != 0 ] || ! command -v unshare >/dev/null ||
    ! python3 -c 'import socket; s = socket.socket(socket.AF_INET6); s.bind(("::1", 0))' 2>/dev/null ||
    ! unshare -m sh -c "mount --bind /dev/null /etc/hosts" 2>/dev/null; then
    pt_log "skip: needs root, unshare(1), a mount namespace and ::1"
    check_true "skipped" true
    pt_finish
fi
printf '127.0.0.1 localhost\n::1 localhost ip6-localhost ip6-loopback\n127.0.0.1 localhost\n' \
    >"$PT_TMP/hosts"

# ptrackd --listen localhost:PORT in a namespace whose /etc/hosts is HOSTS
# ($PT_TMP/hosts: localhost has both).
start_named() { # PORT [HOSTS]
    pt_config
    : >"$PT_TMP/ptrackd.log"
    unshare -m sh -c 'mount --bind "$1" /etc/hosts && shift && exec "$@"' sh "${2:-$PT_TMP/hosts}" \
        "$PTRACKD" --config "$PT_CONF" --listen "localhost:$1" >>"$PT_TMP/ptrackd.log" 2>&1 &
    PT_PID=$!
    PT_PIDS+=("$PT_PID")
    local deadline=$((SECONDS + 60))
    until grep -q ' ready ' "$PT_TMP/ptrackd.log"; do
        kill -0 "$PT_PID" 2>/dev/null || pt_die "ptrackd exited at start"
        [ "$SECONDS" -lt "$deadline" ] || pt_die "ptrackd did not start"
        sleep 0.1
    done
}
stop() {
    kill "$PT_PID"
    wait "$PT_PID" 2>/dev/null || true
}
status_at() { # HOST PORT
    curl -s -o /dev/null -w '%{http_code}' --max-time 5 -H "Authorization: Bearer $VIEWER_TOKEN" \
        "http://$1:$2/v1/health" || true
}

pt_step "listen on localhost serves 127.0.0.1 and ::1"
port="$(pt_free_port)"
start_named "$port"
check_eq "http://127.0.0.1:$port answers" 200 "$(status_at 127.0.0.1 "$port")"
check_eq "http://[::1]:$port answers" 200 "$(status_at '[::1]' "$port")"
check_contains "the log names the address as configured" "listening on http://localhost:$port" \
    "$(cat "$PT_TMP/ptrackd.log")"
stop

pt_step "port 0 is one port, on both addresses"
start_named 0
chosen="$(sed -n 's|.*listening on http://localhost:\([0-9]*\) (port 0.*|\1|p' "$PT_TMP/ptrackd.log")"
check_true "the log says the port chosen ($chosen)" test -n "$chosen"
check_eq "http://127.0.0.1:PORT answers" 200 "$(status_at 127.0.0.1 "$chosen")"
check_eq "http://[::1]:PORT answers" 200 "$(status_at '[::1]' "$chosen")"
stop

pt_step "localhost is loopback alone, whatever /etc/hosts names it"
# A hosts file that also names one of the machine's own LAN addresses
# localhost: that address is not served (allow_remote is not set).
lan="$(ip -4 -o addr show scope global 2>/dev/null | awk '{sub("/.*", "", $4); print $4; exit}')"
[ -n "$lan" ] || lan="$(hostname -I 2>/dev/null | tr " " "\n" | grep -m1 -E "^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$" || true)"
if [ -n "$lan" ]; then
    printf '%s localhost\n127.0.0.1 localhost\n' "$lan" >"$PT_TMP/hosts.lan"
    port="$(pt_free_port)"
    start_named "$port" "$PT_TMP/hosts.lan"
    check_eq "http://127.0.0.1:$port answers" 200 "$(status_at 127.0.0.1 "$port")"
    check_eq "http://$lan:$port does not" 000 "$(status_at "$lan" "$port")"
    stop
else
    pt_log "no global IPv4 address here: the LAN address step is skipped"
fi

pt_step "an address of the name that another process holds fails the start"
port="$(pt_free_port)"
"$PY" - "$port" >"$PT_TMP/holder.out" 2>&1 <<'PY' &
import socket, sys, time
s = socket.socket(socket.AF_INET6)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
s.bind(("::1", int(sys.argv[1])))
s.listen(1)
print("holding", flush=True)
time.sleep(30)
PY
holder=$!
until grep -q holding "$PT_TMP/holder.out"; do sleep 0.1; done
pt_config
out="$(unshare -m sh -c 'mount --bind "$1" /etc/hosts && shift && exec "$@"' sh "$PT_TMP/hosts" \
    timeout 20 "$PTRACKD" --config "$PT_CONF" --listen "localhost:$port" 2>&1)" && rc=0 || rc=$?
kill "$holder" 2>/dev/null || true
check_eq "the start fails" 1 "$rc"
check_contains "saying the address is in use" "cannot listen on localhost:$port: address already in use" "$out"
pt_finish
