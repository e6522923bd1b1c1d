#!/usr/bin/env bash
# notify_webhook and a Retry-After given as an HTTP date that is already
# past when it comes (a receiver whose clock is behind ptrackd's, a gateway
# that serves a cached 429 page): such a date asks for no wait, and the
# next try came after the least wait the host takes (100 ms), again and
# again, without the back-off growing, and for a 429 without counting an
# attempt either: ten requests a second for as long as the receiver
# refused. The date is now taken as no Retry-After: the host backs off,
# 200 ms and doubling. A date ahead is still waited for. "Retry-After: 0"
# asked for no wait the same way, and is taken the same way.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init

HOOK_SO="$(pt_plugin_so notify_webhook)"

pt_receiver paced --fail-first 4 --fail-status 429 --retry-after-date -600
pt_receiver down --fail-first 4 --fail-status 503 --retry-after-date -600
pt_receiver zero --fail-first 4 --fail-status 429 --retry-after 0
pt_receiver zero503 --fail-first 4 --fail-status 503 --retry-after 0
# Ten seconds ahead: waited for, as before. (A date a few seconds ahead
# could be past by the time a busy machine let the plugin read it.)
pt_receiver later --fail-first 1 --fail-status 429 --retry-after-date 10

entry() {
    printf '{"instance": "%s", "path": "%s", "events": ["proposal.created"], "config": {"url": "http://127.0.0.1:%s/hook"}}' \
        "$1" "$HOOK_SO" "$(cat "$PT_TMP/$1.port")"
}
pt_config '{}' ',"plugins": ['"$(entry paced)"', '"$(entry down)"', '"$(entry zero)"', '"$(entry zero503)"', '"$(entry later)"']'
pt_start

api POST /v1/proposals '{"title": "关于加强农村饮水安全保障的建议"}'
check_status "create" 201

lines() { grep -c . "$PT_TMP/$1.jsonl" || true; }
all_taken() {
    [ "$(lines paced)" -ge 5 ] && [ "$(lines down)" -ge 5 ] && [ "$(lines zero)" -ge 5 ] &&
        [ "$(lines zero503)" -ge 5 ] && [ "$(lines later)" -ge 2 ]
}
check_true "each receiver takes the event in the end" wait_for 60 all_taken

# gaps NAME: the seconds between one request and the next, one a line.
gaps() {
    python3 - "$PT_TMP/$1.jsonl" <<'PY'
import json, sys
t = [json.loads(l)["t"] for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
for a, b in zip(t, t[1:]):
    print("%.3f" % (b - a))
PY
}
for name in paced down zero zero503; do
    g="$(gaps "$name" | head -n 4 | tr '\n' ' ')"
    # The host's back-off: 200, 400, 800 and 1600 ms (a little less is
    # allowed for the clocks' rounding).
    ok="$(python3 -c 'import sys; g=[float(x) for x in sys.argv[1].split()]; print(len(g)==4 and all(x >= 0.18 * 2**i for i, x in enumerate(g)))' "$g")"
    check_eq "$name: the tries after a past Retry-After back off, 200 ms and doubling (gaps: $g)" True "$ok"
done
g="$(gaps later | head -n 1)"
# The date is in whole seconds: 9 to 10 s ahead when it was written.
ok="$(python3 -c 'import sys; print(float(sys.argv[1]) >= 8.9)' "$g")"
check_eq "later: a Retry-After date ahead is waited for (gap: $g s)" True "$ok"

pt_stop
pt_finish
