#!/usr/bin/env bash
# ptrack health fits a terminal of 100 columns when a notifier whose
# receiver is down has a long name (up to 64 letters): its 通知发送失败
# notifier failing row (name, since when, how many events wait) ran to
# some 130 columns. The value wraps in its column now, nothing cut.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init
pt_serve_cli
HOOK_SO="$(pt_plugin_so notify_webhook)"
DEAD="$(pt_free_port)"
NAME=office_wecom_robot_of_the_proposal_office_for_the_delegates_2026

pt_step "a notifier with a long name, its receiver down"
pt_cli add --title 关于加强农村饮水安全保障的建议 --delegation 山西代表团
check_rc "add" 0
pt_cli plugins load --instance "$NAME" --path "$HOOK_SO" --set "url=http://127.0.0.1:$DEAD/hook" \
    --start oldest
check_rc "the notifier is loaded" 0
failing() {
    pt_cli health
    case "$OUT" in *"通知发送失败 notifier failing"*) return 0 ;; esac
    return 1
}
wait_for 30 failing || true

pt_step "ptrack health"
check_rc "health" 0
check_contains "the notifier failing row" "通知发送失败 notifier failing  $NAME" "$OUT"
w="$(printf '%s\n' "$OUT" | widest)"
check_true "health fits 100 columns (widest line: $w)" test "$w" -le 100
joined="$(printf '%s\n' "$OUT" | tr -s ' \n' '  ')"
check_contains "how many events wait, whole" "积压 1 个事件" "$joined"
check_contains "the endpoint" "地址 endpoint" "$OUT"

pt_stop
pt_finish
