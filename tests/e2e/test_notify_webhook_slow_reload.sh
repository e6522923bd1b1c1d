#!/usr/bin/env bash
# A notify_webhook instance whose receiver is slow to answer (but within
# the instance's `timeout`) while it is changed or unloaded: the wait for
# its deliver() in progress follows the instance's timeout, not a fixed
# one.
#   - a SIGHUP that changes the instance while a receiver takes 12 s to
#     answer (timeout 15 s) makes the change once deliver() returns: the
#     fixed wait of 10 s called the change off, the instance kept its old
#     entry and the log asked for another SIGHUP;
#   - DELETE /v1/plugins/NAME while the receiver takes 8 s (timeout 15 s)
#     unloads it (204): the fixed wait of 5 s answered 409;
#   - each event reaches its receiver exactly once, and the one after the
#     change goes to the new entry's URL.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init

SO="$(pt_plugin_so notify_webhook)"
pt_receiver slow --stall 12
pt_receiver late --stall 8

hook_entry() { # hook_entry PATH: the instance's entry posting to PATH of slow
    printf '{"instance": "hook", "path": "%s", "events": ["proposal.created"],
      "config": {"url": "http://127.0.0.1:%s%s", "timeout": "15s"}}' "$SO" "$PORT_slow" "$1"
}
pt_config '{}' ',"plugins": ['"$(hook_entry /first)"']'
pt_start

create() { # create TITLE: sets SEQ to the event's seq
    api POST /v1/proposals "{\"title\": \"$1\"}"
    [ "$ST" = 201 ] || pt_die "create: HTTP $ST $BODY"
    api GET /v1/health
    SEQ="$(jv 'j["last_seq"]')"
}
requests() { grep -c . "$PT_TMP/$1.jsonl" || true; } # requests NAME
has_requests() { [ "$(requests "$1")" -ge "$2" ]; }  # has_requests NAME N
# seqs NAME: "path seq" of each request NAME received, one a line
seqs() {
    python3 -c '
import json, sys
for line in open(sys.argv[1], encoding="utf-8"):
    r = json.loads(line)
    print(r["path"], json.loads(r["body"])["seq"])' "$PT_TMP/$1.jsonl"
}
now_ms() { date +%s%3N; }

# ---------------------------------------------------------------------------
pt_step "a SIGHUP while the receiver takes 12 s to answer (timeout 15 s)"
create "关于完善城市排水设施的建议"
FIRST="$SEQ"
check_true "the receiver has the request" wait_for 30 has_requests slow 1
mark="$(wc -l <"$PT_TMP/ptrackd.log")"
python3 - "$PT_CONF" "$(hook_entry /second)" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["plugins"] = [json.loads(sys.argv[2])]
json.dump(c, open(sys.argv[1], "w"), ensure_ascii=False)
PY
t0="$(now_ms)"
check_true "the SIGHUP is dealt with while deliver() waits" pt_reload
after() { tail -n +"$((mark + 1))" "$PT_TMP/ptrackd.log"; }
check_contains "the wait is the timeout and a margin" \
    "plugin instance hook is inside deliver(); it is changed once that returns, if within 20 s" \
    "$(after)"
changed() { after | grep -q 'reload: plugin instance hook now runs with its new entry'; }
called_off() { after | grep -q 'reload: plugin instance hook was not changed'; }
for _ in $(seq 1 600); do
    changed || called_off && break
    sleep 0.1
done
pt_log "the change ended after $(($(now_ms) - t0)) ms"
check_true "the change is made once deliver() returns" changed
check_eq "and not called off" "" "$(after | grep 'was not changed' || true)"
api GET /v1/plugins/hook
check_eq "hook runs its new entry" "http://127.0.0.1:$PORT_slow/second" "$(jv 'j["config"]["url"]')"

create "关于加强社区养老服务的建议"
SECOND="$SEQ"
check_true "the next event reaches the new URL" wait_for 30 has_requests slow 2
sleep 1
check_eq "each event exactly once, the first at the old URL, the next at the new one" \
    "/first $FIRST
/second $SECOND" "$(seqs slow)"

# ---------------------------------------------------------------------------
pt_step "an unload while the receiver takes 8 s to answer (timeout 15 s)"
api POST /v1/plugins '{"instance": "late", "path": "'"$SO"'", "events": ["proposal.created"],
  "config": {"url": "http://127.0.0.1:'"$PORT_late"'/hook", "timeout": "15s"}}'
check_status "late loads" 201
create "关于推进乡村振兴的建议"
check_true "the receiver has the request" wait_for 30 has_requests late 1
t0="$(now_ms)"
api DELETE /v1/plugins/late
pt_log "DELETE answered after $(($(now_ms) - t0)) ms: $ST $BODY"
check_status "the unload waits for the delivery and is made" 204
api GET /v1/plugins/late
check_status "late is gone" 404
sleep 1
check_eq "the event reached late exactly once" "/hook $SEQ" "$(seqs late)"

pt_stop
check_eq "ptrackd exits 0" 0 "$PT_STOP_RC"
pt_finish
