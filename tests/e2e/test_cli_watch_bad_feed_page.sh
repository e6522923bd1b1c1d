#!/usr/bin/env bash
# `ptrack watch` printed the same events again and again, in a busy loop,
# when the answer to GET /v1/events?after=SEQ held an event whose seq is
# not after SEQ, or `items` as an object (whose members it took for
# events): each poll brought them back. Such an answer is no page of the
# feed; watch now says so, naming the seq asked after and what is wrong,
# and ends with exit 4 (something that is not ptrackd answered), printing
# nothing of it.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init

# A stand-in for ptrackd on a Unix socket: its health says the newest
# event is seq 10; every page of the feed is ITEMS (JSON), whatever seq
# it is asked after. Each answer closes its connection; the socket stays.
cat >"$PT_TMP/feed.py" <<'PY'
import os, socket, sys
path, items = sys.argv[1], sys.argv[2]
sys.path.insert(0, os.environ["PT_E2E_DIR"])
from fakeserver import answer_json, requests
for c, head, _, _ in requests(path):
    target = head.split(b" ")[1].decode()
    if target.startswith("/v1/health"):
        answer_json(c, '{"status": "ok", "last_seq": 10}')
    else:
        answer_json(c, '{"items": %s, "last_seq": 10}' % items)
PY

RUNS=0
# feed ITEMS ARGS...: runs ptrack watch --json ARGS against feed.py
# answering ITEMS, for at most 10 seconds (the loop ran until killed).
feed() {
    RUNS=$((RUNS + 1))
    local sock="$PT_TMP/feed-$RUNS.sock" items="$1"
    shift
    pt_stand_in "$PT_TMP/feed.py" "$sock" "$items"
    pt_run timeout 10 "$PTRACK" --socket "$sock" watch --json "$@"
    kill "$STAND_IN" 2>/dev/null || true
}

E='{"seq": 3, "type": "proposal.created", "id": 1}'
feed "[$E]" --after 5
check_rc "an event before the seq asked after" 4
check_contains "it is named" \
    "ptrack: the answer to the events after seq 5 is no page of the feed: an event's seq, 3, is not after it (is it ptrackd?)" "$ERR"
check_eq "nothing of it is printed" "" "$OUT"

feed '[{"seq": 7, "type": "proposal.created", "id": 1}]' --after 7
check_rc "an event at the seq asked after" 4
check_contains "it is named" "events after seq 7 is no page of the feed: an event's seq, 7, is not after it" "$ERR"
check_eq "nothing of it is printed" "" "$OUT"

feed '{"a": {"seq": 8, "type": "proposal.created", "id": 1}}' --after 5
check_rc "items as an object" 4
check_contains "it is named" "events after seq 5 is no page of the feed: its items are not a list" "$ERR"
check_eq "nothing of it is printed" "" "$OUT"

feed '[{"type": "proposal.created", "id": 1}]' --after 5
check_rc "an event without a seq" 4
check_contains "it is named" "an event has no number seq" "$ERR"

# From now (no --after): watch starts at health's newest, seq 10.
feed "[$E]"
check_rc "an old event when starting from now" 4
check_contains "it is named" "events after seq 10 is no page of the feed: an event's seq, 3" "$ERR"

pt_finish
