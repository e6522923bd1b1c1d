#!/usr/bin/env bash
# notify_webhook and a receiver whose answer is longer than the instance's
# timeout lets through (here: a Content-Length of 100 MB, 20 kB of it sent
# and then nothing): the plugin read the answer to its end, so every try
# ended in a timeout. A receiver that had taken the event with a 200 got it
# again at every try, for ever, with the events behind it waiting; one that
# refused it with a 422 had it retried instead of dropped. The plugin now
# reads the head of the answer (what it quotes, and a robot's errcode) and
# no more: the status counts, once.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init

HOOK_SO="$(pt_plugin_so notify_webhook)"
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY
export no_proxy=127.0.0.1,localhost NO_PROXY=127.0.0.1,localhost

# long.py PORT_FILE LOG STATUS: answers each POST with STATUS, a Content-Length
# of 100 MB, 20 kB of it, and then nothing for a minute; logs the
# X-Ptrack-Delivery of each request, one a line.
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
        self.wfile.write(("回执" * 4000).encode())
        self.wfile.flush()
        time.sleep(60)
srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
srv.daemon_threads = True
open(sys.argv[1] + ".tmp", "w").write(str(srv.server_address[1]))
import os
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
srv.serve_forever()
PY
for name in took refused; do
    : >"$PT_TMP/$name.log"
done
"$PY" "$PT_TMP/long.py" "$PT_TMP/took.port" "$PT_TMP/took.log" 200 >/dev/null 2>&1 &
PT_PIDS+=("$!")
"$PY" "$PT_TMP/long.py" "$PT_TMP/refused.port" "$PT_TMP/refused.log" 422 >/dev/null 2>&1 &
PT_PIDS+=("$!")
have_ports() { [ -s "$PT_TMP/took.port" ] && [ -s "$PT_TMP/refused.port" ]; }
wait_for 30 have_ports || pt_die "the receivers did not start"

entry() {
    printf '{"instance": "%s", "path": "%s", "events": ["proposal.created"], "config": {"url": "http://127.0.0.1:%s/hook", "timeout": "2s"}}' \
        "$1" "$HOOK_SO" "$(cat "$PT_TMP/$1.port")"
}
pt_config '{}' ',"plugins": ['"$(entry took)"', '"$(entry refused)"']'
pt_start

api POST /v1/proposals '{"title": "关于加强农村饮水安全保障的建议"}'
check_status "create" 201
api POST /v1/proposals '{"title": "关于规范停车收费的建议"}'
check_status "create a second" 201

lines() { grep -c . "$PT_TMP/$1.log" || true; }
both_seen() { [ "$(lines took)" -ge 2 ] && [ "$(lines refused)" -ge 2 ]; }
check_true "both receivers see both events" wait_for 30 both_seen
# Long enough for two timeouts and their back-off, had the answers been
# read to their end.
sleep 6
check_eq "took: each event once (its 200 counts)" "1 2" "$(tr '\n' ' ' <"$PT_TMP/took.log" | sed 's/ $//')"
check_eq "refused: each event once (its 422 drops it)" "1 2" \
    "$(tr '\n' ' ' <"$PT_TMP/refused.log" | sed 's/ $//')"
counts() {
    api GET "/v1/plugins/$1"
    jv '"%d %d" % (j["notifier"]["delivered"], j["notifier"]["failed"])'
}
check_eq "took: both events delivered, none failed" "2 0" "$(counts took)"
check_eq "refused: both events dropped" "0 2" "$(counts refused)"
check_contains "refused: the log quotes the head of the answer" "HTTP 422, dropped" \
    "$(grep '\[refused\]' "$PT_TMP/ptrackd.log" || true)"
check_contains "... in whole characters" "回执回执" "$(grep '\[refused\] .*HTTP 422' "$PT_TMP/ptrackd.log" | head -1)"

pt_stop
pt_finish
