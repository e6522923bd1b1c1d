#!/usr/bin/env bash
# An event stream whose client is taken away. Every request is identified
# on its own, but a stream of the change feed (or a long poll) was
# identified once, when it began: a token revoked, or a token or a socket
# user that a reload took out of the configuration, went on receiving
# every event, each with its whole proposal. Now, when who may use the API
# changes (a revoke, a reload), each stream and long poll whose client is
# no longer identified as it was is ended, and coming back it is refused:
#   - a token made at run time, revoked: its stream ends, and it is 401;
#   - a config token that a reload removes: its stream ends, and its long
#     poll is answered;
#   - a config token whose role a reload changes: its stream ends;
#   - a client that is still who it was (the socket's admin) keeps its
#     stream, and gets the events that follow; the others do not.
set -u
. "$(dirname "$0")/lib.sh"
pt_init

pt_config
# pt_config writes three tokens; a fourth, 值班室 (viewer), is made a unit
# by the reload below.
DUTY_TOKEN="duty-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
python3 - "$PT_CONF" "$(pt_sha256 "$DUTY_TOKEN")" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["tokens"].append({"name": "值班室", "role": "viewer", "sha256": sys.argv[2]})
json.dump(c, open(sys.argv[1], "w"), ensure_ascii=False)
PY
pt_start

api POST /v1/tokens '{"name": "大屏看板", "role": "viewer"}'
check_status "a token made at run time" 201
run_token="$(jv 'j["token"]')"

# stream NAME URL [CURL_ARGS...]: a stream of the feed from the start, from
# the server at URL, into $PT_TMP/NAME.txt; its pid in $PT_TMP/NAME.pid.
stream() {
    local name="$1" url="$2"
    shift 2
    curl -sN -H 'Accept: text/event-stream' "$@" "$url/v1/events?after=0" \
        >"$PT_TMP/$name.txt" 2>/dev/null &
    echo $! >"$PT_TMP/$name.pid"
}
tcp_stream() { stream "$1" "$PT_URL" -H "Authorization: Bearer $2"; }
ended() { ! kill -0 "$(cat "$PT_TMP/$1.pid")" 2>/dev/null; }
has() { grep -qF "$2" "$PT_TMP/$1.txt"; }

stream admin http://localhost --unix-socket "$PT_SOCK"
tcp_stream run "$run_token"
tcp_stream viewer "$VIEWER_TOKEN"
tcp_stream duty "$DUTY_TOKEN"
# A long poll held for 300 s: answered within the wait below, it was the
# reload that answered it.
curl -s -H "Authorization: Bearer $VIEWER_TOKEN" "$PT_URL/v1/events?after=999999&wait=300" \
    -o "$PT_TMP/poll.json" -w '%{http_code}' >"$PT_TMP/poll.code" 2>/dev/null &
poll=$!
api POST /v1/proposals '{"title": "关于撤销之前的建议"}'
check_status "a create" 201
for s in admin run viewer duty; do
    wait_for 10 has "$s" "关于撤销之前的建议"
    check_true "the $s stream has it" has "$s" "关于撤销之前的建议"
done

pt_step "the run-time token is revoked"
api DELETE "/v1/tokens/$(python3 -c 'import urllib.parse; print(urllib.parse.quote("大屏看板"))')"
check_status "the revoke" 204
wait_for 30 ended run
check_true "its stream has ended" ended run
for s in admin viewer duty; do
    check_true "the $s stream goes on" test "$(ended "$s" && echo ended)" = ""
done
req "tcp:$run_token" GET "/v1/events?after=0"
check_error "coming back, the revoked token" 401 unauthorized

pt_step "a reload takes 报表机 out and makes 值班室 a unit"
python3 - "$PT_CONF" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["tokens"] = [t for t in c["tokens"] if t["name"] != "报表机"]
for t in c["tokens"]:
    if t["name"] == "值班室":
        t["role"], t["unit"] = "unit", "交通运输部"
json.dump(c, open(sys.argv[1], "w"), ensure_ascii=False)
PY
check_true "the reload is dealt with" pt_reload
wait_for 30 ended viewer
check_true "the stream of the token taken out has ended" ended viewer
wait_for 30 ended duty
check_true "so has the stream of the token whose role changed" ended duty
wait_for 30 sh -c "! kill -0 $poll 2>/dev/null"
check_eq "the long poll of the token taken out is answered" "200" "$(cat "$PT_TMP/poll.code")"
check_true "the admin's stream goes on" test "$(ended admin && echo ended)" = ""
req "tcp:$VIEWER_TOKEN" GET "/v1/events?after=0"
check_error "coming back, the token taken out" 401 unauthorized

pt_step "the events that follow"
api POST /v1/proposals '{"title": "关于撤销之后的建议"}'
check_status "a create" 201
wait_for 10 has admin "关于撤销之后的建议"
check_true "reach the admin's stream" has admin "关于撤销之后的建议"
for s in run viewer duty; do
    check_true "and not the $s stream" test "$(has "$s" "关于撤销之后的建议" && echo has)" = ""
done
pt_stop
check_eq "ptrackd stops with 0" 0 "$PT_STOP_RC"
pt_finish
