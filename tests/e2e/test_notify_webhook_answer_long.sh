#!/usr/bin/env bash
# notify_webhook and a receiver whose answer is longer than the instance's
# timeout lets through (here: a Content-Length of 100 MB, 24 kB of it sent
# and then nothing), or whose body stalls after the status and headers (8
# bytes of it sent): the plugin waited for the answer's end, so every try
# ended in a timeout. A receiver that had taken the event with a 200 got it
# again at every try, for ever, with the events behind it waiting; one that
# refused it with a 422 had it retried instead of dropped. The plugin now
# reads the head of the body (what it quotes, and a robot's errcode) and no
# more, and once the status and the headers have come the status counts,
# once, whatever becomes of the body.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init

HOOK_SO="$(pt_plugin_so notify_webhook)"
pt_no_proxy

# long.py PORT_FILE LOG STATUS [BYTES]: answers each POST with STATUS, a
# Content-Length of 100 MB, 24 kB of it (or the first BYTES), and then
# nothing for a minute; logs the X-Ptrack-Delivery of each request, one a
# line.
cat >"$PT_TMP/long.py" <<'PY'
import http.server, sys, time
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a):
        pass
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with open(sys.argv[2], "a") as f:
            f.write(self.headers["X-Ptrack-Delivery"] + "\n")
        self.send_response(int(sys.argv[3]))
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", "100000000")
        self.end_headers()
        body = ("回执" * 4000).encode()
        self.wfile.write(body[:int(sys.argv[4])] if len(sys.argv) > 4 else body)
        self.wfile.flush()
        time.sleep(60)
srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
srv.daemon_threads = True
open(sys.argv[1] + ".tmp", "w").write(str(srv.server_address[1]))
import os
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
srv.serve_forever()
PY
# receiver NAME STATUS [BYTES]
receiver() {
    : >"$PT_TMP/$1.log"
    "$PY" "$PT_TMP/long.py" "$PT_TMP/$1.port" "$PT_TMP/$1.log" "${@:2}" >/dev/null 2>&1 &
    PT_PIDS+=("$!")
}
receiver took 200
receiver refused 422
receiver stalled 200 8
receiver stalled422 422 8
NAMES="took refused stalled stalled422"
have_ports() {
    local n
    for n in $NAMES; do
        [ -s "$PT_TMP/$n.port" ] || return 1
    done
}
wait_for 30 have_ports || pt_die "the receivers did not start"

entry() {
    printf '{"instance": "%s", "path": "%s", "events": ["proposal.created"], "config": {"url": "http://127.0.0.1:%s/hook", "timeout": "2s"}}' \
        "$1" "$HOOK_SO" "$(cat "$PT_TMP/$1.port")"
}
pt_config '{}' ',"plugins": ['"$(entry took)"', '"$(entry refused)"', '"$(entry stalled)"', '"$(entry stalled422)"']'
pt_start

api POST /v1/proposals '{"title": "关于加强农村饮水安全保障的建议"}'
check_status "create" 201
api POST /v1/proposals '{"title": "关于规范停车收费的建议"}'
check_status "create a second" 201

lines() { grep -c . "$PT_TMP/$1.log" || true; }
all_seen() {
    local n
    for n in $NAMES; do
        [ "$(lines "$n")" -ge 2 ] || return 1
    done
}
check_true "every receiver sees both events" wait_for 30 all_seen
counts() {
    api GET "/v1/plugins/$1"
    jv '"%d %d" % (j["notifier"]["delivered"], j["notifier"]["failed"])'
}
# Once the host counts an event delivered or dropped, no try of it is left
# to come, and the requests seen below are final. Had the answers been read
# to their end, every try would have timed out, and none been counted.
all_counted() {
    [ "$(counts took) $(counts refused) $(counts stalled) $(counts stalled422)" = "2 0 0 2 2 0 0 2" ]
}
check_true "the host is done with both events in every instance" wait_for 60 all_counted
seen() { tr '\n' ' ' <"$PT_TMP/$1.log" | sed 's/ $//'; }
check_eq "took: each event once (its 200 counts)" "1 2" "$(seen took)"
check_eq "refused: each event once (its 422 drops it)" "1 2" "$(seen refused)"
check_eq "stalled: each event once (its 200 counts)" "1 2" "$(seen stalled)"
check_eq "stalled422: each event once (its 422 drops it)" "1 2" "$(seen stalled422)"
check_eq "took: both events delivered, none failed" "2 0" "$(counts took)"
check_eq "refused: both events dropped" "0 2" "$(counts refused)"
check_eq "stalled: both events delivered, none failed" "2 0" "$(counts stalled)"
check_eq "stalled422: both events dropped" "0 2" "$(counts stalled422)"
check_contains "stalled: the log says the body did not come" "its status counts" \
    "$(grep '\[stalled\]' "$PT_TMP/ptrackd.log" || true)"
check_contains "refused: the log quotes the head of the answer" "HTTP 422, dropped" \
    "$(grep '\[refused\]' "$PT_TMP/ptrackd.log" || true)"
check_contains "... in whole characters" "回执回执" "$(grep '\[refused\] .*HTTP 422' "$PT_TMP/ptrackd.log" | head -1)"

pt_stop
pt_finish
