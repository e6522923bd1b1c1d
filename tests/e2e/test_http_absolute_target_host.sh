#!/usr/bin/env bash
# A request target in absolute form (GET http://127.0.0.1:8470/v1/health)
# names the server itself: RFC 9112 3.2.2 has the server take the target's
# authority and ignore the Host header. On TCP, the check that keeps out a
# web page rebinding a DNS name to 127.0.0.1 (a Host that names no loopback
# name, no listen host, none of host_names) read the Host header only: a
# target naming another server was served, and one naming this server
# behind another Host was refused.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init
pt_config '' ',"host_names": ["ptrack.example.org"]'
pt_start
RAW="$PT_E2E_DIR/rawhttp.py"

api POST /v1/proposals '{"title":"关于完善社区养老服务设施的建议"}'
check_status "a proposal to read" 201

# send NAME TARGET HOST [BODY]: sends a GET (a POST with BODY) of TARGET on
# TCP with the clerk's token and Host: HOST (none when HOST is -), and
# prints "status code", code "-" for a 2xx.
send() {
    local target="$2" host="$3" body="${4:-}" f="$PT_TMP/req.$1"
    {
        if [ -n "$body" ]; then
            printf 'POST %s HTTP/1.1\r\n' "$target"
        else
            printf 'GET %s HTTP/1.1\r\n' "$target"
        fi
        [ "$host" = - ] || printf 'Host: %s\r\n' "$host"
        printf 'Authorization: Bearer %s\r\n' "$CLERK_TOKEN"
        if [ -n "$body" ]; then
            printf 'Content-Type: application/json\r\nContent-Length: %s\r\n' "$(printf %s "$body" | wc -c)"
        fi
        printf '\r\n%s' "$body"
    } >"$f"
    local out
    out="$(python3 "$RAW" --tcp "127.0.0.1:$PT_PORT" --raw "$f")"
    printf '%s\n' "$out" >"$f.out"
    jv '"%s %s" % (j["status"], json.loads(j["body"])["error"]["code"] if j["status"] >= 300 else "-")' "$out"
}

pt_step "the target's authority names this server, whatever the Host header says"
check_eq "http://127.0.0.1:PORT/v1/health, Host: evil.example" "200 -" \
    "$(send a "http://127.0.0.1:$PT_PORT/v1/health" evil.example)"
check_eq "http://localhost/v1/proposals/%31, Host: evil.example: the path is decoded" "200 -" \
    "$(send b "http://localhost/v1/proposals/%31" evil.example)"
check_eq "the proposal read through an absolute target" "关于完善社区养老服务设施的建议" \
    "$(jv 'json.loads(j["body"])["title"]' "$(cat "$PT_TMP/req.b.out")")"
check_eq "http://[::1]:PORT/v1/proposals?limit=1" "200 -" \
    "$(send c "http://[::1]:$PT_PORT/v1/proposals?limit=1" evil.example)"
check_eq "http://[::1]:PORT/v1/proposals?limit=0: the query is read" "400 bad_request" \
    "$(send c0 "http://[::1]:$PT_PORT/v1/proposals?limit=0" evil.example)"
check_eq "a name of host_names in the target" "200 -" \
    "$(send d "http://ptrack.example.org/v1/health" evil.example)"

pt_step "the target's authority names another server, whatever the Host header says"
check_eq "http://evil.example/v1/health, Host: localhost" "403 forbidden" \
    "$(send e "http://evil.example/v1/health" localhost)"
check_contains "the message names the target's host" "evil.example" "$(cat "$PT_TMP/req.e.out")"
check_eq "http://evil.example:$PT_PORT/v1/proposals?limit=1, Host: 127.0.0.1" "403 forbidden" \
    "$(send f "http://evil.example:$PT_PORT/v1/proposals?limit=1" "127.0.0.1:$PT_PORT")"
check_eq "a POST to http://evil.example/v1/proposals, Host: localhost" "403 forbidden" \
    "$(send g "http://evil.example/v1/proposals" localhost '{"title":"不该收下的建议"}')"
check_eq "userinfo before the host" "403 forbidden" \
    "$(send h "http://user@localhost/v1/health" localhost)"
check_eq "userinfo naming this server, with a port, before another host" "403 forbidden" \
    "$(send h2 "http://127.0.0.1:$PT_PORT@evil.example/v1/health" localhost)"
check_contains "the message names the whole authority" "127.0.0.1:$PT_PORT@evil.example" \
    "$(cat "$PT_TMP/req.h2.out")"
check_eq "userinfo localhost:80 before another host" "403 forbidden" \
    "$(send h3 "http://localhost:80@evil.example/v1/proposals" localhost '{"title":"不该收下的建议"}')"
check_eq "userinfo with a password before this server" "403 forbidden" \
    "$(send h4 "http://localhost:secret@localhost/v1/health" localhost)"
check_eq "an uppercase scheme is an absolute target too" "403 forbidden" \
    "$(send h5 "HTTP://evil.example/v1/health" localhost)"
check_eq "nothing was stored" 1 "$(api GET /v1/health >/dev/null; jv 'j["proposals"]' "$BODY")"

pt_step "HTTP/1.1 still needs a Host header"
check_eq "http://localhost/v1/health without Host" "400 bad_request" \
    "$(send i "http://localhost/v1/health" -)"

pt_step "the usual target still goes by the Host header"
check_eq "/v1/health, Host: localhost" "200 -" "$(send j /v1/health localhost)"
check_eq "/v1/health, Host: evil.example" "403 forbidden" "$(send k /v1/health evil.example)"
check_eq "/v1/health, Host: localhost:80@evil.example" "403 forbidden" \
    "$(send k2 /v1/health "localhost:80@evil.example")"
check_eq "/v1/health, Host: [::1]x" "403 forbidden" "$(send k3 /v1/health "[::1]x")"
check_eq "/v1/health, Host: 127.0.0.1:8o" "403 forbidden" "$(send k4 /v1/health "127.0.0.1:8o")"
check_eq "/v1/health, Host: localhost: (an empty port)" "200 -" "$(send k5 /v1/health "localhost:")"
check_eq "/v1/health, Host: [::1]:PORT" "200 -" "$(send k6 /v1/health "[::1]:$PT_PORT")"

pt_finish
