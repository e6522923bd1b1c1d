#!/usr/bin/env bash
# Notifiers at run time, with the fixture plugins of tests/plugins/:
#   - every committed change (create, action, patch) reaches a notifier, in
#     seq order, and the `events` filter (exact types, "proposal.*") holds;
#   - a notifier that answers PTRACK_RETRY gets the same event again after
#     the back-off, and the events stay in order;
#   - a notifier stuck in deliver() slows neither the API nor another
#     notifier, and unloading it is refused with 409 naming the reason while
#     the daemon stays healthy; a healthy instance unloads;
#   - after kill -9, every committed event reaches the notifier after the
#     restart (repeats allowed, no gaps);
#   - SIGTERM saves the cursors: after a clean restart no event comes twice.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init

FIX="${PT_FIXTURE_PLUGINS:-$PT_BUILD_DIR/tests/plugins}"
for f in record block flaky; do
    [ -f "$FIX/fixture_notify_$f.so" ] || pt_die "fixture $FIX/fixture_notify_$f.so not built"
done
# The loader refuses files that group or others may write, whatever umask
# the build ran with.
chmod go-w "$FIX"/fixture_notify_*.so

REC="$PT_TMP/rec.txt"       # every event
SEL="$PT_TMP/selected.txt"  # proposal.created and proposal.updated only
WILD="$PT_TMP/wild.txt"     # "proposal.*"
FLAKY="$PT_TMP/flaky.txt"   # each attempt of the flaky instance
BLOCK="$PT_TMP/block.txt"   # the events the stuck instance blocked in

pt_config '{}' ',"plugins": [
  {"instance": "rec", "path": "'"$FIX"'/fixture_notify_record.so", "config": {"path": "'"$REC"'"}},
  {"instance": "sel", "path": "'"$FIX"'/fixture_notify_record.so",
   "config": {"path": "'"$SEL"'", "events": ["proposal.created", "proposal.updated"]}},
  {"instance": "wild", "path": "'"$FIX"'/fixture_notify_record.so",
   "config": {"path": "'"$WILD"'", "events": ["proposal.*"]}},
  {"instance": "flaky", "path": "'"$FIX"'/fixture_notify_flaky.so",
   "config": {"path": "'"$FLAKY"'", "fail": 2,
              "events": ["proposal.status_changed", "proposal.updated"]}}
]'
pt_start

# ---- Helpers ----------------------------------------------------------

# The committed events as "seq type" lines, from the change feed.
feed() {
    local after=0 out=""
    while :; do
        api GET "/v1/events?after=$after&limit=1000"
        [ "$ST" = 200 ] || pt_die "GET /v1/events: HTTP $ST $BODY"
        local page
        page="$(jv '"\n".join("%d %s" % (i["seq"], i["type"]) for i in j["items"])')"
        [ -n "$page" ] || break
        out+="$page"$'\n'
        after="$(jv 'j["last_seq"]')"
    done
    printf %s "$out"
}

last_seq() {
    api GET /v1/health
    jv 'j["last_seq"]'
}

# covers FILE [TYPES_RE]: true when FILE holds a line for every seq of the
# feed ($FEED) whose type matches TYPES_RE (default: all), whatever the
# repeats. The flaky fixture's lines count only for attempts that were ok.
covers() {
    [ -f "$1" ] || return 1
    python3 - "$1" "$FEED" "${2:-.}" <<'EOF'
import re, sys
got = set()
for line in open(sys.argv[1], encoding="utf-8"):
    parts = line.split()
    if parts and (len(parts) < 4 or parts[3] == "ok"):
        got.add(int(parts[0]))
want = {int(l.split()[0]) for l in sys.argv[2].splitlines()
        if l.strip() and re.search(sys.argv[3], l.split()[1])}
sys.exit(0 if want <= got else 1)
EOF
}

# wait_covers FILE SECONDS [TYPES_RE]: waits until covers FILE TYPES_RE.
wait_covers() {
    local i
    for i in $(seq 1 $(($2 * 10))); do
        covers "$1" "${3:-.}" && return 0
        sleep 0.1
    done
    return 1
}

# writes N TAG: N creates over the socket, one curl each, acknowledged.
writes() {
    local i code
    for i in $(seq 1 "$1"); do
        code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 --unix-socket "$PT_SOCK" \
            -X POST -H 'Content-Type: application/json' \
            --data-binary "{\"title\":\"关于通知的建议 $2-$i\"}" http://localhost/v1/proposals)"
        [ "$code" = 201 ] || pt_check_fail "write $2-$i" "HTTP 201" "HTTP $code"
    done
}

now_ms() { date +%s%3N; }

# ---------------------------------------------------------------------------
pt_step "the configured instances are loaded and running"
api GET /v1/plugins
check_status "GET /v1/plugins" 200
check_eq "instances from the config" "flaky rec sel wild" \
    "$(jv '" ".join(sorted(i["instance"] for i in j["items"]))')"
check_eq "each one runs a notifier" "true" \
    "$(jv 'all(isinstance(i.get("notifier"), dict) for i in j["items"])')"

# ---------------------------------------------------------------------------
pt_step "every committed change reaches a notifier, in order"
for t in 防汛 教育 医疗; do
    api POST /v1/proposals "{\"title\":\"关于${t}的建议\"}"
    check_status "create ($t)" 201
    id="$(jv 'j["id"]')"
    api POST "/v1/proposals/$id/actions/supervise" '{"key_supervision":true,"supervisor":"督查室"}'
    check_status "supervise $id" 200
    api PATCH "/v1/proposals/$id" "{\"background\":\"${t}的背景\"}"
    check_status "patch $id" 200
done
FEED="$(feed)"
check_eq "the feed holds 9 events" 9 "$(printf %s "$FEED" | grep -c .)"
check_true "rec received every event" wait_covers "$REC" 30
check_eq "rec got each event once, in seq order, with its type" "$FEED" "$(cat "$REC" 2>/dev/null)"
check_true "wild (\"proposal.*\") received every event" wait_covers "$WILD" 30
check_eq "wild got the same lines" "$FEED" "$(cat "$WILD" 2>/dev/null)"
# sel has no line for status_changed events; wait for its last wanted one.
WANT_SEL="$(printf '%s\n' "$FEED" | grep -E ' proposal\.(created|updated)$')"
for i in $(seq 1 300); do
    [ "$(cat "$SEL" 2>/dev/null)" = "$WANT_SEL" ] && break
    sleep 0.1
done
check_eq "sel got exactly the created and updated events, in order" "$WANT_SEL" \
    "$(cat "$SEL" 2>/dev/null)"

# ---------------------------------------------------------------------------
pt_step "a flaky notifier gets each event again after its retries"
# fail=2: attempts 1 and 2 answer PTRACK_RETRY (back-off 200 ms, then
# 400 ms), attempt 3 succeeds: about 0.6 s an event. Its filter takes the
# actions and the patches (6 events here), not the creates the later steps
# make by the hundred.
FLAKY_RE='proposal\.(status_changed|updated)$'
check_true "flaky delivered every event it wants" wait_covers "$FLAKY" 30 "$FLAKY_RE"
EXPECT_FLAKY="$(printf '%s\n' "$FEED" | grep -E " $FLAKY_RE" |
    awk 'NF {print $1, $2, 1, "retry"; print $1, $2, 2, "retry"; print $1, $2, 3, "ok"}')"
check_eq "flaky: retry, retry, ok for each event, the same event again each time, in order" \
    "$EXPECT_FLAKY" "$(cat "$FLAKY" 2>/dev/null)"
api GET /v1/plugins
check_eq "flaky's status counts its retries and deliveries" "12 6" \
    "$(jv '[" ".join(str(i["notifier"].get(k)) for k in ("retries", "delivered")) for i in j["items"] if i["instance"] == "flaky"][0]')"
FLAKY_LAST="$(printf '%s\n' "$FEED" | grep -E " $FLAKY_RE" | tail -n 1 | cut -d' ' -f1)"
check_eq "flaky's last error is the reason it gave with set_error(NULL, ...), with the host's retry" \
    "event $FLAKY_LAST (proposal.updated): the fixture refuses attempt 2 of event $FLAKY_LAST; next try in 400 ms" \
    "$(jv '[i["notifier"]["last_error"] for i in j["items"] if i["instance"] == "flaky"][0]')"
check_contains "ptrack plugins list shows it below the table" \
    "最近的错误 last error of flaky: event $FLAKY_LAST (proposal.updated): the fixture refuses attempt 2" \
    "$("$PTRACK" --socket "$PT_SOCK" plugins list)"
check_eq "rec's status: cursor at the last event" "$(printf %s "$FEED" | tail -n 1 | cut -d' ' -f1)" \
    "$(jv '[i["notifier"]["cursor"] for i in j["items"] if i["instance"] == "rec"][0]')"

# ---------------------------------------------------------------------------
pt_step "the example plugin (examples/notify-file) loads at run time and writes each event"
# Built here against include/ only, as a plugin's author builds it.
JOURNAL="$PT_TMP/journal.jsonl"
"${CC:-cc}" -std=c11 -Wall -Wextra -Werror -fPIC -shared -fvisibility=hidden \
    -I"$PT_SOURCE_DIR/include" -o "$PT_TMP/notify_file.so" \
    "$PT_SOURCE_DIR/examples/notify-file/notify_file.c" || pt_die "cannot build notify_file.so"
chmod 0644 "$PT_TMP/notify_file.so"
# A journal of the whole feed: "start": "oldest" takes the events from
# before it was loaded too.
api POST /v1/plugins '{"instance": "journal", "path": "'"$PT_TMP"'/notify_file.so",
                       "config": {"path": "'"$JOURNAL"'", "fsync": true}, "start": "oldest"}'
check_status "POST /v1/plugins loads notify_file" 201
check_eq "its start is listed" oldest "$(jv 'j["start"]')"
# Without "start", a new instance gets the events from now on.
api POST /v1/plugins '{"instance": "recent", "path": "'"$PT_TMP"'/notify_file.so",
                       "config": {"path": "'"$PT_TMP/recent.jsonl"'"}}'
check_status "POST /v1/plugins loads a second notify_file" 201
check_eq "its start is latest" latest "$(jv 'j["start"]')"
api POST /v1/plugins '{"instance": "journal3", "path": "'"$PT_TMP"'/notify_file.so",
                       "config": {"path": "'"$PT_TMP/j3.jsonl"'"}, "start": "newest"}'
check_error "an unknown start is refused" 422 validation_failed
api POST /v1/plugins '{"instance": "journal4", "path": "'"$PT_TMP"'/notify_file.so",
                       "config": {"path": "'"$PT_TMP/j4.jsonl"'"}, "events": ["proposal.created", "proposal.replied"]}'
check_error "an event type the feed does not have is refused" 422 validation_failed
check_contains "naming it" 'events[1]: \"proposal.replied\" is not an event type' "$BODY"
api POST /v1/plugins '{"instance": "journal2", "path": "'"$PT_TMP"'/notify_file.so", "config": {}}'
check_true "notify_file without its required path is refused (HTTP $ST)" test "${ST:0:1}" = 4
api PATCH /v1/proposals/1 '{"background":"示例插件"}'
check_status "patch for the example" 200
FEED="$(feed)"
for i in $(seq 1 300); do
    [ "$(grep -c . "$JOURNAL" 2>/dev/null || true)" -ge "$(printf %s "$FEED" | grep -c .)" ] && break
    sleep 0.1
done
api GET '/v1/events?after=0&limit=1000'
python3 - "$JOURNAL" "$BODY" <<'EOF' && pt_ok "journal.jsonl holds every event of the feed, one JSON object a line, as the feed shows it" || pt_check_fail "journal.jsonl" "the feed's items, one per line" "$(head -c 600 "$JOURNAL")"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
feed = json.loads(sys.argv[2])["items"]
sys.exit(0 if lines == feed else 1)
EOF
check_eq "recent got only the event after it was loaded" \
    "$(jv '[e["seq"] for e in j["items"]][-1:]')" \
    "$(python3 -c 'import json, sys; print([json.loads(l)["seq"] for l in open(sys.argv[1])])' "$PT_TMP/recent.jsonl")"
api DELETE /v1/plugins/journal
check_status "DELETE /v1/plugins/journal" 204
api DELETE /v1/plugins/recent
check_status "DELETE /v1/plugins/recent" 204

# ---------------------------------------------------------------------------
pt_step "a notifier stuck in deliver() slows neither the API nor another notifier"
t0="$(now_ms)"
writes 100 base
BASE_MS=$(($(now_ms) - t0))
pt_log "100 writes with healthy notifiers: $BASE_MS ms"

api POST /v1/plugins '{"instance": "stuck", "path": "'"$FIX"'/fixture_notify_block.so", "config": {"path": "'"$BLOCK"'"}}'
check_true "POST /v1/plugins loads the blocking fixture (HTTP $ST)" test "${ST:0:1}" = 2
writes 1 wake
for i in $(seq 1 300); do
    [ -s "$BLOCK" ] && break
    sleep 0.1
done
check_true "the stuck instance is inside deliver()" test -s "$BLOCK"

# Timed twice at most: a burst of load elsewhere on a shared machine may
# slow one run of 100 writes; a stuck notifier would slow both.
for try in 1 2; do
    t0="$(now_ms)"
    writes 100 "stuck$try"
    STUCK_MS=$(($(now_ms) - t0))
    pt_log "100 writes with a stuck notifier: $STUCK_MS ms"
    [ "$STUCK_MS" -le $((BASE_MS * 3 + 2000)) ] && break
done
check_true "100 writes take no longer with a stuck notifier ($STUCK_MS ms vs $BASE_MS ms)" \
    test "$STUCK_MS" -le $((BASE_MS * 3 + 2000))
FEED="$(feed)"
t0="$(now_ms)"
check_true "rec still receives every event" wait_covers "$REC" 30
pt_log "rec caught up $(($(now_ms) - t0)) ms after the last write"
check_eq "the stuck instance is still in its first deliver()" 1 "$(grep -c . "$BLOCK")"

pt_step "unloading the stuck instance is refused; a healthy one unloads"
t0="$(now_ms)"
api DELETE /v1/plugins/stuck
pt_log "DELETE answered after $(($(now_ms) - t0)) ms"
check_error "DELETE /v1/plugins/stuck while deliver() never returns" 409 conflict
check_contains "the refusal names deliver() as the reason" "deliver()" "$(jv 'j["error"]["message"]')"
api GET /v1/health
check_status "health after the refused unload" 200
api GET /v1/plugins
check_true "the stuck instance stays listed" \
    test "$(jv '"stuck" in [i["instance"] for i in j["items"]]')" = true

api DELETE /v1/plugins/sel
check_true "DELETE /v1/plugins/sel succeeds (HTTP $ST)" test "${ST:0:1}" = 2
SEL_LINES="$(grep -c . "$SEL")"
writes 5 after-unload
FEED="$(feed)"
check_true "rec receives the writes after the unloads" wait_covers "$REC" 30
check_eq "the unloaded instance received nothing more" "$SEL_LINES" "$(grep -c . "$SEL")"

# ---------------------------------------------------------------------------
pt_step "kill -9: every committed event reaches the notifier after the restart"
# SIGKILL in the middle of a burst of writes: the last events are
# committed but not yet delivered, or delivered but not yet covered by a
# saved cursor. Writes cut off by the kill fail; what counts is what the
# feed holds after the restart.
pt_kill9_in_burst 400 关于崩溃的建议
BEFORE_LINES="$(grep -c . "$REC")"
pt_start
FEED="$(feed)"
N="$(last_seq)"
check_eq "the feed runs 1..$N without a gap" "$(seq 1 "$N" | tr '\n' ' ')" \
    "$(printf '%s\n' "$FEED" | awk 'NF {printf "%s ", $1}')"
check_true "after the restart rec holds every seq 1..$N (repeats allowed)" wait_covers "$REC" 30
pt_log "rec: $BEFORE_LINES lines at the kill, $(grep -c . "$REC") now for $N events" \
    "($(cut -d' ' -f1 "$REC" | sort -n | uniq -d | wc -l) delivered twice)"
check_true "and so does wild" wait_covers "$WILD" 30
check_true "and flaky, after its retries" wait_covers "$FLAKY" 30 "$FLAKY_RE"
python3 - "$REC" <<'EOF' && pt_ok "rec's lines run in seq order after each restart point" || pt_check_fail "rec's lines in order" "ascending but for repeats from a saved cursor" "$(tail -n 20 "$REC")"
import sys
seqs = [int(l.split()[0]) for l in open(sys.argv[1]) if l.strip()]
# A repeat starts again from an earlier seq once (the saved cursor) and then
# climbs; every seq is at most one more than the highest seen before.
top = 0
for s in seqs:
    if s > top + 1:
        sys.exit(1)
    top = max(top, s)
EOF

# ---------------------------------------------------------------------------
pt_step "SIGTERM saves the cursors: nothing comes twice after a clean restart"
writes 10 before-term
api PATCH /v1/proposals/1 '{"background":"停止之前"}'
check_status "patch before SIGTERM" 200
FEED="$(feed)"
check_true "rec has the writes before SIGTERM" wait_covers "$REC" 30
check_true "flaky has the patch" wait_covers "$FLAKY" 30 "$FLAKY_RE"
TOP="$(last_seq)"
REC_LINES="$(grep -c . "$REC")"
FLAKY_LINES="$(grep -c . "$FLAKY")"
t0="$(now_ms)"
pt_stop
pt_log "ptrackd stopped $(($(now_ms) - t0)) ms after SIGTERM"
pt_start
api PATCH /v1/proposals/1 '{"background":"重启之后"}'
check_status "patch after the clean restart" 200
FEED="$(feed)"
check_true "rec receives the patch after the restart" wait_covers "$REC" 30
check_true "flaky too" wait_covers "$FLAKY" 30 "$FLAKY_RE"
check_eq "rec got only the new event after the clean restart" "$((TOP + 1))" \
    "$(tail -n +$((REC_LINES + 1)) "$REC" | cut -d' ' -f1 | tr '\n' ' ' | sed 's/ $//')"
check_eq "flaky got only the new event's attempts after the clean restart" \
    "$((TOP + 1)) $((TOP + 1)) $((TOP + 1))" \
    "$(tail -n +$((FLAKY_LINES + 1)) "$FLAKY" | cut -d' ' -f1 | tr '\n' ' ' | sed 's/ $//')"

api GET /v1/health
check_status "health at the end" 200
pt_finish
