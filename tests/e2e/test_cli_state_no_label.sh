#!/usr/bin/env bash
# A state the workflow gives no label (the workflow cannot be read, or an
# office's workflow no longer has the state) is written once, by its name:
# `add`, `do` and `show` said "submitted submitted", the name standing in
# for the missing label; `show` said so of the action that brought the
# proposal to its state ("return return") and of a rating. A server that answers GET /v1/workflow with 503
# stands in for ptrackd.
set -u
. "$(dirname "$0")/lib.sh"
pt_init
pt_need_cli

cat >"$PT_TMP/stub.py" <<'PY'
import http.server, json, sys
P = {"id": 7, "version": 1, "title": "关于加强农村公路养护的建议", "status": "submitted",
     "kind": "suggestion", "units": [], "history": []}
class H(http.server.BaseHTTPRequestHandler):
    def send(self, code, obj):
        b = json.dumps(obj, ensure_ascii=False).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(b)))
        self.end_headers()
        self.wfile.write(b)
    def do_GET(self):
        if self.path.startswith("/v1/workflow"):
            self.send(503, {"error": {"code": "storage_error", "message": "the store cannot be read"}})
        elif self.path.startswith("/v1/proposals/7"):
            self.send(200, P)
        elif self.path == "/v1/proposals/8/history":
            self.send(200, {"items": [{"seq": 3, "action": "return", "from": "assigned", "to": "returned",
                                       "changes": {"reason": {"to": "不属于本单位职责"}}}]})
        elif self.path.startswith("/v1/proposals/8"):
            self.send(200, dict(P, id=8, status="returned",
                                feedback=[{"person": "张三", "satisfaction": "content"}]))
        else:
            self.send(404, {"error": {"code": "not_found", "message": "no such path"}})
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.path == "/v1/proposals":
            self.send(201, P)
        else:
            self.send(200, dict(P, status="assigned", version=2))
    def log_message(self, *a):
        pass
s = http.server.HTTPServer(("127.0.0.1", 0), H)
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write(str(s.server_address[1]))
import os
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
s.serve_forever()
PY
"$PY" "$PT_TMP/stub.py" "$PT_TMP/port" &
wait_for 10 test -s "$PT_TMP/port" || pt_die "the stub server did not start"
URL="http://127.0.0.1:$(cat "$PT_TMP/port")"

pt_step "add"
pt_run "$PTRACK" --url "$URL" --token t add --title 关于加强农村公路养护的建议
check_rc "add" 0
check_contains "the state once" "(submitted)" "$OUT"
check_true "not twice" eval '! grep -q "submitted submitted" <<<"$OUT"'

pt_step "do"
pt_run "$PTRACK" --url "$URL" --token t do 7 assign --unit 省交通运输厅
check_rc "do" 0
check_contains "the state once" "#7  assigned  " "$OUT"
check_true "not twice" eval '! grep -q "assigned assigned" <<<"$OUT"'

pt_step "show"
pt_run "$PTRACK" --url "$URL" --token t show 7
check_rc "show" 0
check_true "the state once" eval 'grep -Eq "^ *状态 Status +submitted\$" <<<"$OUT"'

# The reason's action and a rating the workflow gives no label either:
# show said "return return：..." and "content content".
pt_step "show, the action that brought it back and a rating"
pt_run "$PTRACK" --url "$URL" --token t show 8
check_rc "show" 0
check_true "the action once" eval 'grep -Eq "原因 Reason +return：不属于本单位职责" <<<"$OUT"'
check_true "not twice" eval '! grep -q "return return" <<<"$OUT"'
check_true "the rating once" eval 'grep -Eq "张三 +content( |\$)" <<<"$OUT"'
check_true "not twice" eval '! grep -q "content content" <<<"$OUT"'

pt_finish
