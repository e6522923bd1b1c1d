#!/usr/bin/env bash
# `ptrack watch --after SEQ` with a seq past the newest event (mistyped, or
# of another daemon) is a usage error (exit 2) that names the newest seq,
# rather than a watch that prints nothing until the feed comes to that seq
# and then skips every event before it. The newest seq itself is taken,
# and watch goes on with the events after it.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init
pt_config
pt_start
pt_need_cli

api POST /v1/proposals '{"title": "关于续看之前的建议"}'
api GET /v1/health
HEAD="$(jv 'j["last_seq"]')"

pt_step "--after a seq past the newest: refused, naming the newest"
# Bounded: a watch that takes the seq would wait for it.
pt_run timeout 10 "$PTRACK" --socket "$PT_SOCK" watch --after "$((HEAD * 10 + 1))"
check_rc "watch --after $((HEAD * 10 + 1))" 2
check_contains "the message names the newest seq" \
    "--after $((HEAD * 10 + 1)) is past the newest event, seq $HEAD" "$ERR"
check_contains "and what to give instead" "give a seq from 0 to $HEAD" "$ERR"
check_eq "nothing on stdout" "" "$OUT"

pt_step "--after the newest seq: watch goes on with what comes next"
"$PTRACK" --socket "$PT_SOCK" watch --after "$HEAD" </dev/null >"$PT_TMP/watch.out" 2>&1 &
watch_pid=$!
PT_PIDS+=("$watch_pid")
sleep 1
api POST /v1/proposals '{"title": "关于续看之后的建议"}'
NEXT="$(jv 'j["id"]')"
wait_for 30 grep -q "#$NEXT " "$PT_TMP/watch.out" ||
    pt_check_fail "watch prints the event after the newest seq" "#$NEXT" "$(cat "$PT_TMP/watch.out")"
pt_stop_bg "$watch_pid" TERM 10 "watch"
check_eq "SIGTERM ends it with exit 0" 0 "$RC"
check_eq "the event before is not printed" 0 "$(grep -c "关于续看之前的建议" "$PT_TMP/watch.out" || true)"

pt_finish
