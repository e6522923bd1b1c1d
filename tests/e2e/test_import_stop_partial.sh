#!/usr/bin/env bash
# A partial import that a stop of ptrackd cuts short, after it stored some
# batches. Its answer said "the batches stored before stay; send it again
# once ptrackd is back", but sent again the file stores a second time
# every stored record that has neither a 编号 nor a source.ref: here, each
# of them. Now the answer (503 shutting_down) says how many were stored,
# which ids they got (also as first_id and last_id, as a 200 has them),
# and to send again only the records not stored, saying why; what it says
# is stored is what a restart serves, each with its history and its event.
set -u
. "$(dirname "$0")/lib.sh"
pt_init
[ -f "$PT_BUILD_DIR/plugins/import_json.so" ] || pt_die "the plugin import_json is missing"
pt_config
pt_start --plugin-dir "$PT_BUILD_DIR/plugins"

# 10,000 proposals without a 编号 or a source.ref.
python3 - "$PT_TMP/p.jsonl" <<'PY'
import json, sys
with open(sys.argv[1], "w") as f:
    for i in range(10000):
        f.write(json.dumps({"title": "关于第%d号乡村道路养护的建议" % i, "kind": "suggestion"},
                           ensure_ascii=False) + "\n")
PY

pt_step "SIGTERM once two batches of 2,000 are stored, before the file's end"
env python3 "$PT_E2E_DIR/pausedpost.py" "$PT_SOCK" "/v1/imports?format=jsonl&partial=true" \
    "$PT_TMP/p.jsonl" 5000 20 --early >"$PT_TMP/answer" 2>"$PT_TMP/sent" &
client=$!
batches_stored() { [ "$(pt_count)" -ge 4000 ]; }
wait_for 20 batches_stored || pt_die "the first batches were not stored"
kill -TERM "$PT_PID"
wait "$client"
rc=0
wait "$PT_PID" || rc=$?
PT_PID=""
check_eq "ptrackd exits 0" 0 "$rc"
check_eq "the answer is 503" "HTTP/1.1 503 Service Unavailable" "$(head -n 1 "$PT_TMP/answer")"
BODY="$(sed -n 2p "$PT_TMP/answer")"
check_eq "shutting_down, 4000 imported, ids 1 to 4000" "shutting_down 4000 1 4000" \
    "$(jv '"%s %s %s %s" % (j["error"]["code"], j["error"]["imported"], j["error"]["first_id"], j["error"]["last_id"])')"
message="$(jv 'j["error"]["message"]')"
check_contains "the message says what is stored" \
    "the batches stored before stay: 4000 proposals imported (ids 1 to 4000)" "$message"
check_contains "and to send again only the rest" "send again only the records not stored" "$message"
check_contains "saying why" "the others would be stored twice" "$message"

pt_step "after the restart"
pt_start --plugin-dir "$PT_BUILD_DIR/plugins"
check_eq "the 4000 are there, and nothing else" 4000 "$(pt_count)"
out="$(python3 "$PT_E2E_DIR/crashcheck.py" "$PT_SOCK" 2>&1)" && rc=0 || rc=$?
check_eq "each with its history entry and its event ($out)" 0 "$rc"
pt_stop
pt_finish
