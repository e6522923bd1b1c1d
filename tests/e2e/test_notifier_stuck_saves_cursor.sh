#!/usr/bin/env bash
# A notifier stuck in deliver() at SIGTERM is left to the process's exit,
# and the events it delivered before that one are saved as its cursor
# (core/plugin-notifier.c, pt_notifier_stop): they were not, and up to 100
# of them came again after the restart, where the stop's log said that
# only the event it was on would.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init

pt_fixtures notify_block
chmod go-w "$FIX"/fixture_notify_*.so

NOTES="$PT_TMP/blocked.txt"
STUCK="关于卡住的第三十件建议"
pt_config '{}' ',"plugins": [{"instance": "gate", "path": "'"$FIX"'/fixture_notify_block.so",
  "config": {"path": "'"$NOTES"'", "block_on": "'"$STUCK"'"}}]'
pt_start --plugin-dir "$PT_BUILD_DIR/plugins"

# The first event after a while is saved at once; the 29 that follow it
# within 200 ms are not, until the next save.
api POST /v1/proposals '{"title": "关于第一件建议"}'
sleep 1
for i in $(seq 2 30); do
    printf '{"title": "关于第%d件建议"}\n' "$i"
done >"$PT_TMP/rows.jsonl"
printf '{"title": "%s"}\n' "$STUCK" >>"$PT_TMP/rows.jsonl"
pt_import jsonl "$PT_TMP/rows.jsonl"
check_status "30 proposals imported" 201
api GET /v1/health
LAST=$(jv 'j["last_seq"]')
stuck_in() { [ -f "$NOTES" ] && grep -q "^$LAST blocked$" "$NOTES"; }
check_true "gate delivered the 29 before and is stuck in deliver() of event $LAST" \
    wait_for 30 stuck_in

pt_stop
log="$(cat "$PT_TMP/ptrackd.log")"
check_contains "the stop gave gate up" "plugin instance gate cannot be stopped" "$log"

pt_step "after the restart"
rm -f "$NOTES"
pt_start --plugin-dir "$PT_BUILD_DIR/plugins"
api GET /v1/plugins/gate
check_status "gate runs again" 200
check_eq "its saved cursor is the event before the one it was stuck on" "$((LAST - 1))" \
    "$(jv 'j["notifier"]["saved_cursor"]')"
check_true "and it is on that one again" wait_for 30 stuck_in
pt_kill9
pt_finish
