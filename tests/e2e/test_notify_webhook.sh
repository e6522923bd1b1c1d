#!/usr/bin/env bash
# The notify_webhook plugin against real HTTP receivers on 127.0.0.1
# (tests/e2e/receivers/http_receiver.py), each started by this test:
#   - format json: the body is the event as the feed shows it, with
#     X-Ptrack-Event, X-Ptrack-Delivery and an HMAC-SHA256 signature that
#     Python's hmac module verifies;
#   - format wecom: a markdown message naming the proposal (编号, 标题), the
#     action and the states in Chinese, the units (主办, 协办) and the
#     deadline (办理期限, local date);
#   - format dingtalk: a markdown message, and the URL's timestamp and sign
#     (in the query, before a #fragment of the URL, which is not sent)
#     verified;
#   - a receiver that fails once (HTTP 500) receives the same event again;
#     a 422 is not retried (one request), even with retries 0; a 404, a 401
#     and a 403 (the receiver's state, not the event's) are retried, and
#     count toward retries; a 429 with Retry-After: 1 is tried
#     again no sooner than a second later, and 429s do not count toward
#     retries (three of them with retries 2 still deliver the event); a
#     429 or a 503 with Retry-After: 600 makes the host wait those 600 s
#     (backoff_ms), not its back-off (200 ms, at most 60 s), with no
#     request meanwhile; a robot's errcode != 0 counts as
#     a failure and is retried; `retries` drops an event after that many
#     failed attempts, and without it (the default) nothing is dropped;
#   - a robot's text keeps a title with a line break on one line and is cut,
#     with a note, to the 4096 bytes a WeCom robot takes;
#   - refused at load, without quoting the URL (a robot's key is in it): a
#     URL that is not an http(s) address with a host, or that holds an
#     invisible or full-width character (a copy from a web page); a WeCom
#     or DingTalk robot's URL with another format; a Feishu/Lark or Slack
#     robot's URL (ptrack has no format for them); a DingTalk URL that
#     holds a request's timestamp and sign; an empty secret, and one with
#     a blank at an end or an invisible character (a copy's);
#   - each option's help is at most 100 bytes, so that a refusal quotes it
#     whole;
#   - kill -9 of the daemon after some events: after the restart every seq
#     reaches the receiver at least once.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init

SO="$PT_BUILD_DIR/plugins/notify_webhook.so"
[ -f "$SO" ] || pt_die "$SO not built"
chmod go-w "$SO"
SECRET="s3cret-密钥"
DING_SECRET="SECdingtalk0123456789"

pt_receiver plain
pt_receiver wecom
pt_receiver ding
pt_receiver flaky --fail-first 1 --fail-status 500
pt_receiver gone --fail-first -1 --fail-status 422
pt_receiver deploy --fail-first 2 --fail-status 404
pt_receiver login --fail-first 1 --fail-status 401
pt_receiver denied --fail-first -1 --fail-status 403
pt_receiver busy --fail-first 1 --fail-status 429 --retry-after 1
pt_receiver throttled --fail-first 3 --fail-status 429 --retry-after 1
# Longer than the back-off ever waits (60 s), and than any run of this test
# however busy the machine: "no second request meanwhile" holds to the end.
pt_receiver paced --fail-first 1 --fail-status 429 --retry-after 600
pt_receiver maint --fail-first 1 --fail-status 503 --retry-after 600
pt_receiver robot --fail-first 2 --errcode 310000
pt_receiver broken --fail-first -1 --errcode 310000
pt_receiver patient --fail-first 5 --fail-status 503

# Each instance but "plain" takes only the status changes, so that the
# failing ones see few events.
SC='"events": ["proposal.status_changed"]'
pt_config '{}' ',"plugins": [
  {"instance": "plain", "path": "'"$SO"'",
   "config": {"url": "http://127.0.0.1:'"$PORT_plain"'/hook", "secret": "'"$SECRET"'"}},
  {"instance": "wecom", "path": "'"$SO"'",
   "config": {"url": "http://127.0.0.1:'"$PORT_wecom"'/cgi-bin/webhook/send?key=k1", "format": "wecom", '"$SC"'}},
  {"instance": "ding", "path": "'"$SO"'",
   "config": {"url": "http://127.0.0.1:'"$PORT_ding"'/robot/send?access_token=t1#robot", "format": "dingtalk",
              "secret": "'"$DING_SECRET"'", '"$SC"'}},
  {"instance": "flaky", "path": "'"$SO"'",
   "config": {"url": "http://127.0.0.1:'"$PORT_flaky"'/", '"$SC"'}},
  {"instance": "gone", "path": "'"$SO"'",
   "config": {"url": "http://127.0.0.1:'"$PORT_gone"'/", '"$SC"'}},
  {"instance": "deploy", "path": "'"$SO"'",
   "config": {"url": "http://127.0.0.1:'"$PORT_deploy"'/", '"$SC"'}},
  {"instance": "login", "path": "'"$SO"'",
   "config": {"url": "http://127.0.0.1:'"$PORT_login"'/robot/send?access_token=t4", "format": "dingtalk", '"$SC"'}},
  {"instance": "denied", "path": "'"$SO"'",
   "config": {"url": "http://127.0.0.1:'"$PORT_denied"'/", "retries": 3, '"$SC"'}},
  {"instance": "busy", "path": "'"$SO"'",
   "config": {"url": "http://127.0.0.1:'"$PORT_busy"'/", '"$SC"'}},
  {"instance": "paced", "path": "'"$SO"'",
   "config": {"url": "http://127.0.0.1:'"$PORT_paced"'/", '"$SC"'}},
  {"instance": "maint", "path": "'"$SO"'",
   "config": {"url": "http://127.0.0.1:'"$PORT_maint"'/", '"$SC"'}},
  {"instance": "throttled", "path": "'"$SO"'",
   "config": {"url": "http://127.0.0.1:'"$PORT_throttled"'/", "retries": 2, '"$SC"'}},
  {"instance": "robot", "path": "'"$SO"'",
   "config": {"url": "http://127.0.0.1:'"$PORT_robot"'/robot/send?access_token=t2", "format": "dingtalk", '"$SC"'}},
  {"instance": "broken", "path": "'"$SO"'",
   "config": {"url": "http://127.0.0.1:'"$PORT_broken"'/robot/send?access_token=t3", "format": "dingtalk",
              "retries": 2, "timeout": "3s", '"$SC"'}},
  {"instance": "patient", "path": "'"$SO"'",
   "config": {"url": "http://127.0.0.1:'"$PORT_patient"'/", '"$SC"'}}
]'
pt_start

# ---- Helpers ----------------------------------------------------------

# The committed events of the feed, as a JSON array.
feed_json() {
    api GET "/v1/events?after=0&limit=1000"
    [ "$ST" = 200 ] || pt_die "GET /v1/events: HTTP $ST $BODY"
    jv 'j["items"]'
}

# lines NAME: the number of requests receiver NAME has logged.
lines() { grep -c . "$PT_TMP/$1.jsonl" || true; }

# wait_lines NAME N SECONDS: waits until receiver NAME has N requests.
wait_lines() {
    local i
    for i in $(seq 1 $(($3 * 10))); do
        [ "$(lines "$1")" -ge "$2" ] && return 0
        sleep 0.1
    done
    return 1
}

# py NAME CODE: runs Python CODE with `reqs` (receiver NAME's requests) and
# `feed` (the committed events) bound; its exit status is the check's.
py() {
    local name="$1" code="$2"
    python3 - "$PT_TMP/$name.jsonl" "$(feed_json)" "$code" <<'EOF'
import base64, hashlib, hmac, json, sys, urllib.parse
reqs = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
feed = json.loads(sys.argv[2])
ns = {"reqs": reqs, "feed": feed, "json": json, "hmac": hmac, "hashlib": hashlib,
      "base64": base64, "urllib": urllib}
try:
    exec(sys.argv[3], ns)
except AssertionError as e:
    print("  assertion: %s" % e)
    sys.exit(1)
EOF
}

check_py() {
    local what="$1" name="$2" code="$3"
    if out="$(py "$name" "$code" 2>&1)"; then
        pt_ok "$what"
    else
        pt_check_fail "$what" "the Python check passes" "$out; last request: $(tail -n 1 "$PT_TMP/$name.jsonl" | head -c 1500)"
    fi
}

# ---------------------------------------------------------------------------
pt_step "a proposal is created and assigned to a lead and a co unit"
TITLE="关于加强农村饮水安全保障的建议"
api POST /v1/proposals '{"title": "'"$TITLE"'", "number": "1001", "session": "十四届全国人大四次会议"}'
check_status "create" 201
ID="$(jv 'j["id"]')"
api POST "/v1/proposals/$ID/actions/assign" \
    '{"mode": "lead_co", "units": [{"name": "山西省水利厅", "role": "lead"}, {"name": "山西省财政厅", "role": "co"}]}'
check_status "assign $ID" 200
DUE_AT="$(jv 'j["due_at"]')"
N_EVENTS="$(feed_json | jv 'len(j)' "$(cat)")"
check_eq "the feed holds the create and the assignment" 2 "$N_EVENTS"

# ---------------------------------------------------------------------------
pt_step "format json: the event as it is, its headers and its signature"
check_true "plain received both events" wait_lines plain 2 30
check_py "each body is the event of the feed, in seq order, POSTed to the URL's path" plain '
assert [r["method"] for r in reqs] == ["POST", "POST"], [r["method"] for r in reqs]
assert all(r["path"] == "/hook" for r in reqs), [r["path"] for r in reqs]
assert [json.loads(r["body"]) for r in reqs] == feed, "bodies differ from the feed"
'
check_py "X-Ptrack-Event names the type, X-Ptrack-Delivery the seq, Content-Type is JSON" plain '
for r, e in zip(reqs, feed):
    h = r["headers"]
    assert h["x-ptrack-event"] == e["type"], h
    assert h["x-ptrack-delivery"] == str(e["seq"]), h
    assert h["content-type"].startswith("application/json"), h
'
check_py "X-Ptrack-Signature is sha256=<hex HMAC-SHA256(secret, body)>" plain '
key = "'"$SECRET"'".encode()
for r in reqs:
    want = "sha256=" + hmac.new(key, r["body"].encode("utf-8"), hashlib.sha256).hexdigest()
    assert hmac.compare_digest(r["headers"]["x-ptrack-signature"], want), (r["headers"], want)
'

# ---------------------------------------------------------------------------
pt_step "format wecom: a markdown message in Chinese naming the proposal, the change, the units, the deadline"
check_true "wecom received the status change (and only it)" wait_lines wecom 1 30
DUE_LOCAL="$(python3 -c 'import datetime, sys; print(datetime.datetime.fromisoformat(sys.argv[1].replace("Z", "+00:00")).astimezone().strftime("%Y-%m-%d"))' "$DUE_AT")"
check_py "the body is {msgtype: markdown, markdown: {content}} with 编号, 标题, 动作, 主办, 协办, 办理期限" wecom '
assert len(reqs) == 1, len(reqs)
r = reqs[0]
assert r["path"] == "/cgi-bin/webhook/send?key=k1", r["path"]
b = json.loads(r["body"])
assert b["msgtype"] == "markdown" and set(b) == {"msgtype", "markdown"}, b
c = b["markdown"]["content"]
for want in ("编号：1001", "标题：'"$TITLE"'", "动作：交办（已提出 → 已交办）", "主办：山西省水利厅",
             "协办：山西省财政厅", "办理期限：'"$DUE_LOCAL"'", "建议办理进展"):
    assert want in c, "%r not in %r" % (want, c)
'

# ---------------------------------------------------------------------------
pt_step "format dingtalk: markdown, the URL signed with timestamp and sign"
check_true "ding received the status change" wait_lines ding 1 30
check_py "the body is {msgtype: markdown, markdown: {title, text}} naming the proposal" ding '
assert len(reqs) == 1, len(reqs)
b = json.loads(reqs[0]["body"])
assert b["msgtype"] == "markdown", b
assert "'"$TITLE"'" in b["markdown"]["title"], b
t = b["markdown"]["text"]
for want in ("标题：'"$TITLE"'", "主办：山西省水利厅", "协办：山西省财政厅", "办理期限："):
    assert want in t, "%r not in %r" % (want, t)
'
check_py "sign = base64(HMAC-SHA256(secret, timestamp + \"\\n\" + secret)), URL-encoded, timestamp in ms of now" ding '
import time
u = urllib.parse.urlsplit(reqs[0]["path"])
assert u.path == "/robot/send", u
q = urllib.parse.parse_qs(u.query, keep_blank_values=True)
assert q["access_token"] == ["t1"], q
ts = q["timestamp"][0]
assert abs(int(ts) - time.time() * 1000) < 120000, ts
secret = "'"$DING_SECRET"'"
want = base64.b64encode(hmac.new(secret.encode(), (ts + "\n" + secret).encode(), hashlib.sha256).digest()).decode()
assert q["sign"] == [want], (q["sign"], want)
# The raw query carries sign URL-encoded: base64 "+", "/" and "=" escaped.
raw = dict(p.split("=", 1) for p in u.query.split("&"))
assert raw["sign"] == urllib.parse.quote(want, safe=""), (raw["sign"], want)
'

# ---------------------------------------------------------------------------
pt_step "failures: retried or dropped as the answer says"
SEQ="$(feed_json | jv '[e["seq"] for e in j if e["type"] == "proposal.status_changed"][0]' "$(cat)")"
check_true "flaky: the event comes again after a 500" wait_lines flaky 2 30
check_py "flaky: 500 then 200, both for the same seq" flaky '
assert [r["status"] for r in reqs] == [500, 200], [r["status"] for r in reqs]
assert [r["headers"]["x-ptrack-delivery"] for r in reqs] == ["'"$SEQ"'"] * 2, reqs
assert reqs[0]["body"] == reqs[1]["body"]
'
check_true "robot: an errcode != 0 is a failure, retried until errcode 0" wait_lines robot 3 30
check_py "robot: errcode 310000 twice, then accepted, the same event each time" robot '
assert len(reqs) == 3, len(reqs)
assert len({r["body"] for r in reqs}) == 1
'
check_true "busy: a 429 is tried again" wait_lines busy 2 30
check_py "busy: the retry comes no sooner than Retry-After (1 s)" busy '
assert [r["status"] for r in reqs] == [429, 200], [r["status"] for r in reqs]
assert reqs[1]["t"] - reqs[0]["t"] >= 0.95, (reqs[0]["t"], reqs[1]["t"])
'
check_true "broken: dropped after retries (2) failed attempts" wait_lines broken 2 30
check_true "throttled: three 429s with retries 2, and the event still comes again" \
    wait_lines throttled 4 30
check_py "throttled: 429 three times, then 200, the same event each time" throttled '
assert [r["status"] for r in reqs] == [429, 429, 429, 200], [r["status"] for r in reqs]
assert len({r["body"] for r in reqs}) == 1
'
check_true "gone: the 422 arrived" wait_lines gone 1 30
check_true "deploy: a 404 is retried until the route is back (3rd try)" wait_lines deploy 3 30
check_py "deploy: 404 twice, then 200, the same event each time" deploy '
assert [r["status"] for r in reqs] == [404, 404, 200], [r["status"] for r in reqs]
assert len({r["body"] for r in reqs}) == 1
'
check_true "login: a 401 from a robot is retried" wait_lines login 2 30
check_py "login: 401, then 200, the same event" login '
assert [r["status"] for r in reqs] == [401, 200], [r["status"] for r in reqs]
assert len({r["body"] for r in reqs}) == 1
'
check_true "denied: a 403 is retried, up to retries (3)" wait_lines denied 3 30
# notifier_counts FIELD INSTANCE...: the host's count FIELD (failed,
# delivered) of each instance, in the order given.
notifier_counts() {
    local field="$1"
    shift
    api GET /v1/plugins
    jv "\" \".join(str([i[\"notifier\"][\"$field\"] for i in j[\"items\"] if i[\"instance\"] == n][0]) for n in \"$*\".split())"
}
# Once the host has dropped an event (failed), no attempt on it is left to
# come: the counts of requests below are final, however long that took.
dropped_all() { [ "$(notifier_counts failed gone broken denied)" = "1 1 1" ]; }
check_true "the host counts the dropped events as failed (gone, broken, denied)" wait_for 60 dropped_all
check_eq "gone: a 422 is not retried, even with retries 0 (exactly one request)" 1 "$(lines gone)"
check_eq "broken: exactly 2 requests, then the event was dropped" 2 "$(lines broken)"
check_eq "denied: exactly 3 requests (403s count toward retries), then the event was dropped" 3 \
    "$(lines denied)"
# The receiver logs a request before it answers: the host counts the
# delivery a moment after the last request is seen.
delivered_all() {
    [ "$(notifier_counts delivered busy deploy flaky login robot throttled)" = "1 1 1 1 1 1" ]
}
check_true "and the retried ones as delivered (busy, deploy, flaky, login, robot, throttled)" \
    wait_for 60 delivered_all
check_eq "deploy: nothing dropped" 0 "$(notifier_counts failed deploy)"
check_contains "the log names the 422 and the reason it is not retried" "HTTP 422, dropped" \
    "$(grep 'gone' "$PT_TMP/ptrackd.log" || true)"
check_contains "the log names the 403 that dropped denied's event" "dropped after 3 failed attempts" \
    "$(grep 'denied' "$PT_TMP/ptrackd.log" | grep 'HTTP 403' || true)"
check_contains "the log names the robot's errmsg" "sign not match" \
    "$(grep 'robot' "$PT_TMP/ptrackd.log" || true)"

check_true "patient: without retries set, the event is offered until taken (6th try)" \
    wait_lines patient 6 30
check_py "patient: five 503s, then 200, all for the same event" patient '
assert [r["status"] for r in reqs] == [503] * 5 + [200], [r["status"] for r in reqs]
assert len({r["body"] for r in reqs}) == 1
'
# last_error INSTANCE: what GET /v1/plugins shows as the instance's last error.
last_error() {
    api GET /v1/plugins
    jv "[i[\"notifier\"][\"last_error\"] for i in j[\"items\"] if i[\"instance\"] == \"$1\"][0]"
}
check_contains "patient's last error says what the receiver answered" "HTTP 503 from the receiver" \
    "$(last_error patient)"
check_contains "... and when the host tries again" "; next try in " "$(last_error patient)"
check_contains "gone's last error: the 422, not retried, and the event dropped" \
    "HTTP 422 from the receiver, not retried" "$(last_error gone)"
check_contains "... the event dropped" "the event was dropped" "$(last_error gone)"
check_contains "busy's last error: the 429 and its wait" \
    "HTTP 429 (too many requests) from the receiver, Retry-After" "$(last_error busy)"
# waiting INSTANCE: true once the host waits before its next try (the
# receiver logs a request before it answers, the wait begins after).
waiting() { [ "$(notifier_counts backoff_ms "$1")" != 0 ]; }
check_true "paced: its 429 (Retry-After: 600) arrived" wait_lines paced 1 30
check_true "paced: the host waits before the next try" wait_for 60 waiting paced
api GET /v1/plugins
PACED='[i["notifier"] for i in j["items"] if i["instance"] == "paced"][0]'
check_eq "paced: the host waits the 600 s the receiver asked for, not its back-off" "true" \
    "$(jv "$PACED[\"retrying\"] and 500000 <= $PACED[\"backoff_ms\"] <= 600000")"
check_contains "paced: its last error names the Retry-After and the wait" "; next try in " \
    "$(jv "$PACED[\"last_error\"]")"
check_eq "paced: no second request meanwhile" 1 "$(lines paced)"
# A 503 with Retry-After: a receiver down for maintenance says when it is
# back; the next try waits for that rather than knocking every few seconds.
check_true "maint: its 503 (Retry-After: 600) arrived" wait_lines maint 1 30
check_true "maint: the host waits before the next try" wait_for 60 waiting maint
api GET /v1/plugins
MAINT='[i["notifier"] for i in j["items"] if i["instance"] == "maint"][0]'
check_eq "maint: the host waits the 600 s the receiver asked for, not its back-off" "true" \
    "$(jv "$MAINT[\"retrying\"] and 500000 <= $MAINT[\"backoff_ms\"] <= 600000")"
check_eq "maint: no second request meanwhile" 1 "$(lines maint)"

# ---------------------------------------------------------------------------
pt_step "a robot's text: a title on one line, cut to what the robot takes"
api POST /v1/proposals '{"title": "关于规范停车收费的建议\n> 办理期限：伪造的一行"}'
check_status "create a proposal whose title holds a line break" 201
ID2="$(jv 'j["id"]')"
UNITS="$(python3 -c 'import json; print(json.dumps([{"name": "第%d承办单位（负责城乡建设与住房保障方面的具体办理工作）" % i, "role": "separate"} for i in range(60)], ensure_ascii=False))')"
api POST "/v1/proposals/$ID2/actions/assign" '{"mode": "separate", "units": '"$UNITS"'}'
check_status "assign it to 60 units with long names" 200
check_true "wecom received it" wait_lines wecom 2 30
check_py "the content is at most 4096 bytes, ends with the note, and the title is one line" wecom '
c = json.loads(reqs[-1]["body"])["markdown"]["content"]
assert len(c.encode("utf-8")) <= 4096, len(c.encode("utf-8"))
assert c.endswith("……（内容过长，以下从略）"), c[-40:]
assert "标题：关于规范停车收费的建议 ＞ 办理期限：伪造的一行" in c, c[:300]
assert not any(l.startswith("> 办理期限：伪造") for l in c.split("\n")), c[:300]
'

pt_step "a URL that is not an http(s) address with a host is refused, not quoted"
for url in "wecom.qq.com/send?key=SECRETKEY123" "http://" "http://127.0.0.1/a b?key=SECRETKEY123"; do
    api POST /v1/plugins '{"instance": "badurl", "path": "'"$SO"'", "config": {"url": "'"$url"'"}}'
    check_error "url $url" 422 validation_failed
    check_true "the refusal does not quote the key" test "${BODY/SECRETKEY123/}" = "$BODY"
done
# What a copy from a web page, a chat or a Chinese document brings along:
# sent as it is, the robot refused every message for a key it did not know.
for bad in 'SECRETKEY123\u200b:U+200B at byte 65, a space or an invisible character' \
    'SECRETKEY123\u3000:U+3000 at byte 65, a space or an invisible character' \
    'SECRETKEY123\u2066:U+2066 at byte 65, a space or an invisible character' \
    'SECRET\u061cKEY123:U+061C at byte 59, a space or an invisible character' \
    'x\uff1fkey=SECRETKEY123:U+FF1F at byte 54, a full-width character'; do
    api POST /v1/plugins '{"instance": "badurl", "path": "'"$SO"'", "config": {"url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key='"${bad%%:*}"'", "format": "wecom"}}'
    check_error "a URL holding ${bad#*:}" 422 validation_failed
    check_contains "the refusal names the character and where it is" "it holds ${bad#*:}" \
        "$(jv 'j["error"]["message"]')"
    check_true "the refusal does not quote the key" test "${BODY/SECRETKEY123/}" = "$BODY"
done

# A robot answers another format's body with a 200 and an errcode, which
# format json does not read: every event was counted as delivered, and
# none was shown or logged.
api POST /v1/plugins '{"instance": "wecomjson", "path": "'"$SO"'", "config": {"url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=SECRETKEY123"}}'
check_error "a WeCom robot's URL with format json (the default)" 422 validation_failed
check_contains "the refusal names the format to set" \
    'option "url" is a WeCom group robot'"'"'s address (qyapi.weixin.qq.com), which takes format wecom, not json: set "format": "wecom"' \
    "$(jv 'j["error"]["message"]')"
check_true "the refusal does not quote the key" test "${BODY/SECRETKEY123/}" = "$BODY"
api POST /v1/plugins '{"instance": "dingwecom", "path": "'"$SO"'", "config": {"url": "https://OAPI.dingtalk.com/robot/send?access_token=SECRETKEY123", "format": "wecom"}}'
check_error "a DingTalk robot's URL with format wecom" 422 validation_failed
check_contains "the refusal names the format to set" \
    'which takes format dingtalk, not wecom: set "format": "dingtalk"' "$(jv 'j["error"]["message"]')"

# A Feishu/Lark or Slack robot answers a json body with a 200 and an error
# code, or ignores it: every event was counted as delivered, none shown.
for u in "https://open.feishu.cn/open-apis/bot/v2/hook/SECRETKEY123|Feishu/Lark" \
    "https://OPEN.larksuite.com/open-apis/bot/v2/hook/SECRETKEY123|Feishu/Lark" \
    "https://hooks.slack.com/services/T0/B0/SECRETKEY123|Slack"; do
    api POST /v1/plugins '{"instance": "otherrobot", "path": "'"$SO"'", "config": {"url": "'"${u%%|*}"'"}}'
    check_error "a ${u##*|} robot's URL with format json" 422 validation_failed
    check_contains "the refusal says ptrack has no format for it, and what to use" \
        'option "url" is a '"${u##*|}"' robot'"'"'s address, for which ptrack has no format: use notify_exec' \
        "$(jv 'j["error"]["message"]')"
    check_true "the refusal does not quote the key" test "${BODY/SECRETKEY123/}" = "$BODY"
done

# A DingTalk URL copied from a signed request: its signature was stale
# within the hour, ptrack's own went after it, and the robot refused every
# message.
api POST /v1/plugins '{"instance": "stale", "path": "'"$SO"'", "config": {"url": "http://127.0.0.1:1/robot/send?access_token=SECRETKEY123&timestamp=1700000000000&sign=abc%3D", "format": "dingtalk", "secret": "SECabc"}}'
check_error "a DingTalk URL that holds a timestamp and a sign" 422 validation_failed
check_contains "the refusal says to give the address without them, and the secret" \
    'option "url" holds a signature'"'"'s timestamp: give the robot'"'"'s address without timestamp and sign, and its signing secret (SEC...) as "secret"' \
    "$(jv 'j["error"]["message"]')"
check_true "the refusal does not quote the key" test "${BODY/SECRETKEY123/}" = "$BODY"

# An empty secret signed nothing, while GET /v1/plugins showed it set.
api POST /v1/plugins '{"instance": "nosecret", "path": "'"$SO"'", "config": {"url": "http://127.0.0.1:1/", "secret": ""}}'
check_error "an empty secret" 422 validation_failed
check_contains "the refusal says what to give instead" \
    'option "secret" is empty: give the signing key, or leave the option out to sign nothing' \
    "$(jv 'j["error"]["message"]')"

# A secret copied with a blank at its end or an invisible character signed
# every message wrongly: a DingTalk robot refused them all (sign not match).
for bad in 'SECdingtalk0123456789 :begins or ends with a blank' \
    'SECdingtalk\u200b0123456789:holds U+200B at byte 11, an invisible character' \
    'SECdingtalk\u20690123456789:holds U+2069 at byte 11, an invisible character'; do
    api POST /v1/plugins '{"instance": "badsecret", "path": "'"$SO"'", "config": {"url": "http://127.0.0.1:1/robot/send?access_token=t", "format": "dingtalk", "secret": "'"${bad%%:*}"'"}}'
    check_error "a secret that ${bad#*:}" 422 validation_failed
    check_contains "the refusal says what is wrong, and where" "option \"secret\" ${bad#*:}" \
        "$(jv 'j["error"]["message"]')"
    check_true "the refusal does not quote the secret" test "${BODY/0123456789/}" = "$BODY"
done

# A refusal quotes an option's help, at most 100 bytes of it (plugins.md,
# Options): the help of retries ran to 198, and the refusal was cut off in
# the middle of its list with "…".
pt_step "an option's help is one line of at most 100 bytes, quoted whole by a refusal"
api GET /v1/plugins/plain
check_eq "every option of notify_webhook has a help of at most 100 bytes" "" \
    "$(jv '" ".join(o["key"] for o in j["options"] if not o["help"] or len(o["help"].encode()) > 100 or "\n" in o["help"])')"
api POST /v1/plugins '{"instance": "badretries", "path": "'"$SO"'", "config": {"url": "http://127.0.0.1:1/", "retries": "3"}}'
check_error "retries given as a string" 422 validation_failed
check_contains "the refusal ends with the whole help of retries" \
    "(retries: failed attempts on one event before it is dropped (0: never; other 3xx and 4xx drop it at once))" \
    "$(jv 'j["error"]["message"]')"

# ---------------------------------------------------------------------------
check_eq "paced and maint: still no second request (their 600 s are not up)" "1 1" \
    "$(lines paced) $(lines maint)"

pt_step "kill -9 in a burst: every seq reaches the receiver after the restart"
pt_kill9_in_burst 150 关于重启的建议
BEFORE="$(lines plain)"
pt_start
api GET /v1/health
TOP="$(jv 'j["last_seq"]')"
pt_log "plain had $BEFORE requests at the kill; the feed runs to $TOP"
covers_plain() {
    python3 - "$PT_TMP/plain.jsonl" "$TOP" <<'EOF'
import json, sys
got = {int(json.loads(l)["headers"]["x-ptrack-delivery"]) for l in open(sys.argv[1]) if l.strip()}
sys.exit(0 if set(range(1, int(sys.argv[2]) + 1)) <= got else 1)
EOF
}
wait_covered() {
    local i
    for i in $(seq 1 300); do
        covers_plain && return 0
        sleep 0.1
    done
    return 1
}
check_true "plain received every seq 1..$TOP at least once" wait_covered
check_py "every body plain received matches its event in the feed" plain '
by_seq = {e["seq"]: e for e in feed}
for r in reqs:
    e = by_seq[int(r["headers"]["x-ptrack-delivery"])]
    assert json.loads(r["body"]) == e, r["headers"]["x-ptrack-delivery"]
'

api GET /v1/health
check_status "health at the end" 200
pt_finish
