#!/usr/bin/env bash
# A partial import that a stop of ptrackd cuts short, after it stored some
# batches. Its answer said "the batches stored before stay; send it again
# once ptrackd is back", but sent again the file stores a second time
# every stored record that has neither a 编号 nor a source.ref: here, each
# of them. Now the answer (503 shutting_down) says how many were stored,
# which ids they got (also as first_id and last_id, as a 200 has them),
# and to send again only the records not stored, saying why; what it says
# is stored is what a restart serves, each with its history and its event.
# Another client's proposal created between two of its batches takes an
# id between them: the answer names the runs of ids the import stored
# (id_ranges, and "ids 4001 to 6000 and 6002 to 8001" in the message),
# not a range that holds that proposal too.
set -u
. "$(dirname "$0")/lib.sh"
pt_init
pt_plugin_so import_json >/dev/null
pt_serve

# 10,000 proposals without a 编号 or a source.ref.
python3 - "$PT_TMP/p.jsonl" <<'PY'
import json, sys
with open(sys.argv[1], "w") as f:
    for i in range(10000):
        f.write(json.dumps({"title": "关于第%d号乡村道路养护的建议" % i, "kind": "suggestion"},
                           ensure_ascii=False) + "\n")
PY

# stop_during CLIENT: SIGTERM to ptrackd while the import of CLIENT (a
# background job) runs, then the wait for both, and the check that
# ptrackd's stop went well.
stop_during() {
    local rc=0
    kill -TERM "$PT_PID"
    wait "$1"
    wait "$PT_PID" || rc=$?
    PT_PID=""
    check_eq "ptrackd exits 0" 0 "$rc"
}

pt_step "SIGTERM once two batches of 2,000 are stored, before the file's end"
env python3 "$PT_E2E_DIR/pausedpost.py" "$PT_SOCK" "/v1/imports?format=jsonl&partial=true" \
    "$PT_TMP/p.jsonl" 5000 20 --early >"$PT_TMP/answer" 2>"$PT_TMP/sent" &
client=$!
batches_stored() { [ "$(pt_count)" -ge 4000 ]; }
wait_for 20 batches_stored || pt_die "the first batches were not stored"
stop_during "$client"
check_eq "the answer is 503" "HTTP/1.1 503 Service Unavailable" "$(head -n 1 "$PT_TMP/answer")"
BODY="$(sed -n 2p "$PT_TMP/answer")"
check_eq "shutting_down, 4000 imported, ids 1 to 4000" "shutting_down 4000 1 4000" \
    "$(jv '"%s %s %s %s" % (j["error"]["code"], j["error"]["imported"], j["error"]["first_id"], j["error"]["last_id"])')"
message="$(jv 'j["error"]["message"]')"
check_contains "the message says what is stored" \
    "the batches stored before stay: 4000 proposals imported (ids 1 to 4000)" "$message"
check_contains "and to send again only the rest" "send again only the records not stored" "$message"
check_contains "saying why" "the others would be stored twice" "$message"

check_eq "one run of ids" "[[1, 4000]]" "$(jv 'j["error"]["id_ranges"]')"

pt_step "after the restart"
pt_start --plugin-dir "$PT_BUILD_DIR/plugins"
check_eq "the 4000 are there, and nothing else" 4000 "$(pt_count)"
out="$(python3 "$PT_E2E_DIR/crashcheck.py" "$PT_SOCK" 2>&1)" && rc=0 || rc=$?
check_eq "each with its history entry and its event ($out)" 0 "$rc"

pt_step "SIGTERM before the first batch is stored"
before="$(pt_count)"
env python3 "$PT_E2E_DIR/pausedpost.py" "$PT_SOCK" "/v1/imports?format=jsonl&partial=true" \
    "$PT_TMP/p.jsonl" 100 20 --early >"$PT_TMP/answer0" 2>"$PT_TMP/sent0" &
client=$!
wait_for 20 grep -q sent "$PT_TMP/sent0" || pt_die "the first part was not sent"
wait_for 20 pt_jobs_running_is 1 || pt_die "the import did not begin"
stop_during "$client"
BODY="$(sed -n 2p "$PT_TMP/answer0")"
check_eq "shutting_down, 0 imported" "shutting_down 0" \
    "$(jv '"%s %s" % (j["error"]["code"], j["error"]["imported"])')"
check_eq "the message says nothing was imported, not that batches stay" \
    "the import was cancelled: ptrackd is stopping; nothing was imported; send it again once ptrackd is back" \
    "$(jv 'j["error"]["message"]')"
pt_start --plugin-dir "$PT_BUILD_DIR/plugins"
check_eq "nothing was stored" "$before" "$(pt_count)"

pt_step "another client's proposal between two batches, then SIGTERM"
# The upload's first 2,500 lines, then, once $PT_TMP/go exists, the next
# 2,500; then the answer, as it comes.
python3 - "$PT_SOCK" "$PT_TMP/p.jsonl" "$PT_TMP/go" >"$PT_TMP/answer2" <<'PY' &
import os, socket, sys, time
sock, name, go = sys.argv[1:4]
data = open(name, "rb").read()
cut = [0]
for _ in range(5000):
    cut.append(data.index(b"\n", cut[-1]) + 1)
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sock)
s.sendall(("POST /v1/imports?format=jsonl&partial=true HTTP/1.1\r\nHost: localhost\r\n"
           "Content-Length: %d\r\n\r\n" % len(data)).encode() + data[:cut[2500]])
while not os.path.exists(go):
    time.sleep(0.05)
s.sendall(data[cut[2500]:cut[5000]])
answer = b""
while True:
    chunk = s.recv(65536)
    if not chunk:
        break
    answer += chunk
head, _, body = answer.partition(b"\r\n\r\n")
print(head.split(b"\r\n")[0].decode())
print(body.decode())
PY
client=$!
stored_at_least() { [ "$(pt_count)" -ge "$1" ]; }
wait_for 20 stored_at_least 6000 || pt_die "the first batch was not stored"
api POST /v1/proposals '{"title": "关于在两批导入之间提出的建议"}'
check_eq "another client's proposal gets the id after the first batch" "201 6001" "$ST $(jv 'j["id"]')"
touch "$PT_TMP/go"
wait_for 20 stored_at_least 8001 || pt_die "the second batch was not stored"
stop_during "$client"
check_eq "the answer is 503" "HTTP/1.1 503 Service Unavailable" "$(head -n 1 "$PT_TMP/answer2")"
BODY="$(sed -n 2p "$PT_TMP/answer2")"
check_eq "4000 imported, ids 4001 to 8001 in all" "4000 4001 8001" \
    "$(jv '"%s %s %s" % (j["error"]["imported"], j["error"]["first_id"], j["error"]["last_id"])')"
check_eq "id_ranges leaves out the other client's 6001" "[[4001, 6000], [6002, 8001]]" \
    "$(jv 'j["error"]["id_ranges"]')"
check_contains "so does the message" \
    "the batches stored before stay: 4000 proposals imported (ids 4001 to 6000 and 6002 to 8001)" \
    "$(jv 'j["error"]["message"]')"

pt_step "after the second restart"
pt_start --plugin-dir "$PT_BUILD_DIR/plugins"
check_eq "the 8000 imported and the other client's are there" 8001 "$(pt_count)"
api GET /v1/proposals/6001
check_eq "6001 is the other client's" "关于在两批导入之间提出的建议" "$(jv 'j["title"]')"
pt_stop
pt_finish
