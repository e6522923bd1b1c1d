#!/usr/bin/env bash
# notify_webhook quotes the head of a refusing answer in the log and in
# last_error (512 and 256 bytes): a Chinese error page (an API gateway's,
# say) cut there inside a character showed that character's first bytes as
# "?". The quote now ends on the last whole character.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init

HOOK_SO="$(pt_plugin_so notify_webhook)"
pt_no_proxy

# A receiver that answers every POST with STATUS and 600 times "网关错误"
# (7200 bytes, over the 4 KiB kept): 512 and 256 bytes both fall inside a
# character.
cat >"$PT_TMP/refuse.py" <<'PY'
import http.server, sys
status = int(sys.argv[2])
class H(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        body = ("网关错误" * 600).encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
srv = http.server.HTTPServer(("127.0.0.1", 0), H)
open(sys.argv[1], "w").write(str(srv.server_address[1]))
srv.serve_forever()
PY
"$PY" "$PT_TMP/refuse.py" "$PT_TMP/bad.port" 400 &
PT_PIDS+=("$!")
"$PY" "$PT_TMP/refuse.py" "$PT_TMP/busy.port" 503 &
PT_PIDS+=("$!")
have_ports() { [ -s "$PT_TMP/bad.port" ] && [ -s "$PT_TMP/busy.port" ]; }
wait_for 10 have_ports || pt_die "the receivers did not start"

pt_config '{}' ',"plugins": [
  {"instance": "bad", "path": "'"$HOOK_SO"'", "events": ["proposal.created"],
   "config": {"url": "http://127.0.0.1:'"$(cat "$PT_TMP/bad.port")"'/hook"}},
  {"instance": "busy", "path": "'"$HOOK_SO"'", "events": ["proposal.created"],
   "config": {"url": "http://127.0.0.1:'"$(cat "$PT_TMP/busy.port")"'/hook"}}
]'
# A refusal that is retried (the 503) is logged by the plugin at debug,
# each attempt; ptrackd's own warning quotes its last_error.
sed -i 's/"log_level": "info"/"log_level": "debug"/' "$PT_CONF"
pt_start

api POST /v1/proposals '{"title": "关于加强农村饮水安全保障的建议"}'
check_status "create" 201
logged() { grep -q '\[bad\] .*HTTP 400' "$PT_TMP/ptrackd.log" && grep -q '\[busy\] .*HTTP 503' "$PT_TMP/ptrackd.log"; }
check_true "both refusals were logged" wait_for 30 logged

for inst in bad busy; do
    line="$(grep "\[$inst\] .*HTTP [45]" "$PT_TMP/ptrackd.log" | head -1)"
    check_contains "$inst: the answer is quoted" "网关错误网关错误" "$line"
    check_eq "$inst: no broken character in the log line" "" "$(printf %s "$line" | tr -cd '?')"
    api GET "/v1/plugins/$inst"
    err="$(jv 'j["notifier"]["last_error"]')"
    check_contains "$inst: last_error quotes the answer" "网关错误" "$err"
    check_eq "$inst: no broken character in last_error" "" "$(printf %s "$err" | tr -cd '?')"
done

pt_stop
pt_finish
