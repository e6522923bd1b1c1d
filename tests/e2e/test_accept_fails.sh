#!/usr/bin/env bash
# accept(2) failing for another reason than a want of descriptors (the
# kernel short of buffers or memory: ENOBUFS, ENOMEM). The client stays in
# the backlog, so none is turned away: ptrackd pauses accepting a moment
# each time rather than spin, says so at error once, and then that it
# accepts again, and serves the client that waited. The log does not speak
# of clients closed unanswered when there were none (it said "0 clients
# closed unanswered").
set -u
. "$(dirname "$0")/lib.sh"
pt_init

pt_shim failaccept

pt_config
pt_step "the first 5 accepts fail with ENOBUFS"
LD_PRELOAD="$SHIM" FAILACCEPT_COUNT=5 FAILACCEPT_ERRNO=105 pt_start
api GET /v1/health
check_status "the client that waited is served" 200

log="$(cat "$PT_TMP/ptrackd.log")"
check_contains "the failure is logged at error, with the pause" \
    "ERROR cannot accept connections: no buffer space available (ENOBUFS), with 0 connections open; accepting pauses a moment each time" \
    "$log"
check_eq "once" 1 "$(grep -c 'cannot accept connections' "$PT_TMP/ptrackd.log")"
check_contains "and that it accepts again, after the failures that followed" \
    "accepting connections again, after" "$log"
check_true "with how many more failed" grep -Eq \
    'accepting connections again, after [0-9.]+ s in which accept failed \(4 more times\)$' \
    "$PT_TMP/ptrackd.log"
check_eq "no client is said closed, none was" 0 \
    "$(grep -c 'closed unanswered' "$PT_TMP/ptrackd.log")"

api GET /metrics
check_contains "/metrics counts the 5 failures" "ptrack_http_accept_failures_total 5" "$BODY"
check_contains "and no connection closed unanswered" \
    'ptrack_http_connections_total{closed="accept_failed"} 0' "$BODY"

pt_step "the pauses held it back: 5 failures take at least 0.4 s"
check_true "the wait is logged over 0.4 s" awk '
    /accepting connections again, after/ {
        for (i = 1; i <= NF; i++) if ($i == "after") t = $(i + 1)
        if (t + 0 >= 0.4) ok = 1
    }
    END { exit !ok }' "$PT_TMP/ptrackd.log"

pt_stop
check_eq "ptrackd stops with 0" 0 "$PT_STOP_RC"
pt_finish
