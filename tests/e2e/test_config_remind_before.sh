#!/usr/bin/env bash
# A deadlines.remind_before not shorter than deadlines.reply (a reply
# window of 5d beside the default reminder of 7d) or deadlines.rehandle
# counts every proposal due soon from the moment it is assigned: the
# configuration is taken, as it was, and --check-config, the start and a
# SIGHUP that changes one of the three say so, naming both values; a
# reload of the same file does not say it again. It was taken without a
# word, and every list's 即将到期 held every proposal.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init

# said: how many times the log says it.
said() { grep -c "deadlines.remind_before: .* is not shorter than" "$PT_TMP/ptrackd.log" || true; }

pt_step "--check-config"
pt_config '{"reply": "5d", "digest_at": null}'
out="$("$PTRACKD" --check-config "$PT_CONF" 2>&1)" && rc=0 || rc=$?
check_eq "a good configuration all the same" 0 "$rc"
check_contains "it says the reminder is as long as the reply window" \
    "deadlines.remind_before: 7d is not shorter than deadlines.reply (5d); every proposal counts as due soon from the moment it is assigned" \
    "$out"
pt_config '{"rehandle": "5d", "digest_at": null}'
out="$("$PTRACKD" --check-config "$PT_CONF" 2>&1)" && rc=0 || rc=$?
check_contains "or the rehandling window" \
    "deadlines.remind_before: 7d is not shorter than deadlines.rehandle (5d); every proposal counts as due soon from the moment its rehandling begins" \
    "$out"
pt_config '{"digest_at": null}'
out="$("$PTRACKD" --check-config "$PT_CONF" 2>&1)" && rc=0 || rc=$?
check_true "the defaults say nothing" test -z "$(grep -F remind_before <<<"$out" || true)"

pt_step "the start and reloads"
pt_config '{"reply": "90d", "remind_before": "120d", "digest_at": null}'
pt_start
check_eq "the start says it" 1 "$(said)"
check_true "a SIGHUP of the same file is dealt with" pt_reload
check_eq "and says it no more" 1 "$(said)"
pt_config '{"reply": "90d", "remind_before": "10d", "digest_at": null}'
check_true "a SIGHUP of a mended file is dealt with" pt_reload
check_eq "which says nothing" 1 "$(said)"
pt_config '{"reply": "90d", "remind_before": "90d", "digest_at": null}'
check_true "a SIGHUP of a reminder as long as the window is dealt with" pt_reload
check_eq "says it again" 2 "$(said)"
check_contains "naming both" "deadlines.remind_before: 90d is not shorter than deadlines.reply (90d)" \
    "$(cat "$PT_TMP/ptrackd.log")"

pt_stop
pt_finish
