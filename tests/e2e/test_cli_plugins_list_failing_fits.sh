#!/usr/bin/env bash
# ptrack plugins load's lines fit a terminal of 100 columns, and so does
# ptrack plugins list (cli.md, plugins), for
# a notifier whose receiver is down too: the line under its row (retrying,
# its figures, failing since, loaded at run time) and its last error
# below the table (curl's reason) are wrapped, and so are the formats and an
# instance's name (up to 64 letters) in their columns,
# the lines after the first indented, and nothing of them is cut.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init
pt_serve_cli
HOOK_SO="$(pt_plugin_so notify_webhook)"
# A loopback port where nothing listens: every delivery is refused.
DEAD="$(pt_free_port)"

pt_step "a notifier loaded at run time, its receiver down"
for t in 关于加强农村饮水安全保障的建议 关于加快农村公路提档升级的建议; do
    pt_cli add --title "$t" --delegation 山西代表团
    check_rc "add $t" 0
done
pt_cli plugins load --instance office_wecom_robot_of_the_proposal_office_for_the_delegates_2026 --path "$HOOK_SO" \
    --set "url=http://127.0.0.1:$DEAD/hook/for/the/proposal/office" --start oldest
check_rc "the notifier is loaded" 0
check_contains "the load says a restart does not keep it" "a restart does not" "$OUT"
w="$(printf '%s\n' "$OUT" | widest)"
check_true "and its lines fit 100 columns (widest line: $w)" test "$w" -le 100
failing() {
    pt_cli plugins list
    case "$OUT" in *"failing since"*"最近的错误"*) return 0 ;; esac
    return 1
}
wait_for 30 failing || true

pt_step "plugins list"
check_rc "plugins list" 0
check_contains "its state says it fails" "failing since" "$OUT"
check_contains "its last error" "最近的错误 last error of office_wecom_robot_of_the_proposal_office_for_the_delegates_2026" \
    "$OUT"
w="$(printf '%s\n' "$OUT" | widest)"
check_true "plugins list fits 100 columns (widest line: $w)" test "$w" -le 100
# Joined again, the wrapped lines say all they said on one.
joined="$(printf '%s\n' "$OUT" | sed 's/^  //' | tr '\n' ' ')"
check_contains "how it was loaded, whole" "运行时加载 loaded at run time" "$joined"
check_contains "the reason, whole" "Couldn't connect to server" "$joined"
check_contains "the formats, whole" "json,jsonl" "$joined"
check_contains "when it tries next" "next try in" "$joined"
check_true "the lines under the first of the error are indented" \
    sh -c "printf '%s\n' \"\$1\" | sed -n '/^最近的错误/{n;p;}' | grep -q '^  [^ ]'" _ "$OUT"

pt_stop
pt_finish
